"""The protection rules, table by table (no database)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from haven.protection import rules

LONDON = ZoneInfo("Europe/London")


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize("served, deadline, why", [
    # 14 h Fri + 24 h Sat + (Sunday not counted) + 10 h Mon
    ("2026-03-13T10:00", "2026-03-16T10:00", "across a weekend"),
    ("2026-03-14T10:00", "2026-03-17T10:00", "served on a Saturday"),
    ("2026-03-15T10:00", "2026-03-18T00:00", "served on a Sunday: Monday and Tuesday count"),
    ("2026-03-10T09:30", "2026-03-12T09:30", "midweek: plain 48 hours"),
    # Sat 14 h, Sun and the May Day bank holiday (Mon 4 May) not counted, Tue 24 h, Wed 10 h
    ("2026-05-02T10:00", "2026-05-06T10:00", "across the May Day bank holiday"),
    # Thu 14 h; Good Friday, Sunday and Easter Monday not counted; Sat 24 h; Tue 10 h
    ("2026-04-02T10:00", "2026-04-07T10:00", "across Good Friday and Easter"),
    # Thu 24 Dec 14 h; Christmas Day not counted; Sat 26 Dec (not the bank holiday: that is
    # Monday 28th) 24 h; Sunday and Mon 28 not counted; Tue 29 10 h
    ("2026-12-24T10:00", "2026-12-29T10:00", "across Christmas"),
])
def test_the_hearing_deadline_disregards_sundays_christmas_good_friday_and_bank_holidays(
        served, deadline, why, settings):
    assert rules.hearing_deadline(at(served), 48) == at(deadline), why


def test_a_one_off_bank_holiday_from_policy_is_not_counted(settings):
    extra = {"2026-03-11": "holiday"}
    assert rules.hearing_deadline(at("2026-03-10T09:30"), 48, extra) == at("2026-03-13T09:30")


@pytest.mark.parametrize("days, last", [(14, dt.date(2026, 3, 15)), (28, dt.date(2026, 3, 29))])
def test_a_dvpo_ends_on_the_last_of_its_days_beginning_with_the_day_made(days, last):
    assert rules.order_last_day(dt.date(2026, 3, 2), days, min_days=14, max_days=28) == last


@pytest.mark.parametrize("days", [13, 29])
def test_a_dvpo_outside_14_to_28_days_is_refused(days):
    with pytest.raises(rules.Refused, match="between 14 and 28 days"):
        rules.order_last_day(dt.date(2026, 3, 2), days, min_days=14, max_days=28)


@pytest.mark.parametrize("kind, role, min_rank, refused", [
    ("dvpn", "superintendent", "superintendent", False),
    ("dvpn", "inspector", "superintendent", True),
    ("dapn", "inspector", "inspector", False),
    ("dapn", "sergeant", "inspector", True),
    ("dapn", "hau", "inspector", True),
])
def test_who_may_authorise(kind, role, min_rank, refused):
    message = rules.rank_refusal(kind, role, min_rank)
    assert (message is not None) == refused
    if refused:
        assert f"A {kind.upper()} must be authorised by {rules.RANK_WORDS[min_rank]}" in message


def test_the_subject_must_be_18():
    day = dt.date(2026, 3, 2)
    assert "aged 18 or over" in rules.age_refusal("dvpn", dt.date(2008, 3, 3), day)
    assert rules.age_refusal("dvpn", dt.date(2008, 3, 2), day) is None
    assert "date of birth" in rules.age_refusal("dapn", None, day)


def test_the_regime_follows_the_force_schedule_and_pilot_areas():
    schedule = {"2014-03-08": "csa2010", "2024-11-27": "da2021"}
    assert rules.regime_on(dt.date(2024, 11, 26), schedule=schedule, areas={}) == "csa2010"
    assert rules.regime_on(dt.date(2024, 11, 27), schedule=schedule, areas={}) == "da2021"
    national = {"2014-03-08": "csa2010"}
    bury = {"BL9": {"2024-11-27": "da2021"}}
    assert rules.regime_on(dt.date(2025, 1, 1), schedule=national, areas=bury,
                           area="BL9") == "da2021"
    assert rules.regime_on(dt.date(2025, 1, 1), schedule=national, areas=bury,
                           area="M1") == "csa2010"
    assert rules.regime_on(dt.date(2024, 1, 1), schedule=national, areas=bury,
                           area="BL9") == "csa2010"


def test_the_clares_law_clock_was_35_days_before_2023():
    before = {"2023-04-05": 35}  # the statutory guidance from 5 April 2023 (s.77 in force)
    assert rules.dvds_days(dt.date(2023, 4, 4), max_days=28, before=before) == 35
    assert rules.dvds_days(dt.date(2023, 4, 5), max_days=28, before=before) == 28


def test_a_disclosure_needs_every_legal_test():
    all_met = dict.fromkeys(rules.DISCLOSURE_TESTS, True)
    assert rules.decision_refusal("disclose", all_met) is None
    field, message = rules.decision_refusal("disclose", {**all_met, "rehabilitation": False})
    assert field == "tests" and "Rehabilitation of Offenders" in message
    assert rules.decision_refusal("not_disclose", {}) is None


def test_the_breach_prompt_says_contempt_or_offence():
    assert "contempt" in rules.breach_prompt("dvpo")
    assert "not a criminal offence" in rules.breach_prompt("dvpo")
    assert "criminal offence" in rules.breach_prompt("dapo")
    assert "criminal offence" in rules.breach_prompt("restraining_order")

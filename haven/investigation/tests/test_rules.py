"""The investigation's rules, table by table, without a database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from haven.investigation import rules
from haven.investigation.rules import CrimeFacts, UploadRefused
from haven.investigation.tests.conftest import PROGRAM, photo_bytes

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(("start", "days", "due"), [
    # Friday before the August bank holiday (Mon 31 Aug 2026): the weekend and the bank
    # holiday do not count, so one working day is Tuesday.
    (dt.date(2026, 8, 28), 1, dt.date(2026, 9, 1)),
    (dt.date(2026, 8, 28), 5, dt.date(2026, 9, 7)),
    (dt.date(2026, 8, 26), 1, dt.date(2026, 8, 27)),  # an ordinary Wednesday
    # Christmas 2026: Fri 25 and Sat 26 Dec, Boxing Day observed on Mon 28.
    (dt.date(2026, 12, 24), 1, dt.date(2026, 12, 29)),
    (dt.date(2026, 4, 2), 1, dt.date(2026, 4, 7)),  # Easter: Good Friday and Easter Monday
])
def test_working_days_skip_weekends_and_england_and_wales_bank_holidays(start, days, due):
    assert rules.add_working_days(start, days) == due


def test_a_policy_override_adds_or_removes_a_holiday():
    assert rules.add_working_days(dt.date(2026, 8, 26), 1, {"2026-08-27": "holiday"}) == \
        dt.date(2026, 8, 28)
    assert rules.add_working_days(dt.date(2026, 8, 28), 1, {"2026-08-31": "working_day"}) == \
        dt.date(2026, 8, 31)


def test_the_victim_is_due_by_the_end_of_the_working_day():
    friday_night = dt.datetime(2026, 8, 28, 22, 30, tzinfo=LONDON)
    assert rules.victim_due(friday_night, 1) == dt.datetime(2026, 9, 1, 23, 59, 59,
                                                            tzinfo=LONDON)


TEAMS = {"non_fatal_strangulation": "detective", "sexual_offence": "detective"}


@pytest.mark.parametrize(("offences", "grade", "team"), [
    (["assault_with_injury"], "standard", "local"),
    (["assault_with_injury", "non_fatal_strangulation"], "medium", "detective"),
    (["harassment"], "high", "hau"),
    (["sexual_offence"], "high", "hau"),
    (["criminal_damage"], None, "local"),
])
def test_allocation_by_skill(offences, grade, team):
    got = rules.allocate(offences, victim_grade=grade, offence_teams=TEAMS,
                         high_risk_team="hau", high_risk_grades=["high"])
    assert got.team == team and got.reason


def test_the_inspections_figures_from_plain_rows():
    crimes = [CrimeFacts(True, True, 1), CrimeFacts(True, False, 3), CrimeFacts(True, True, None),
              CrimeFacts(True, None, 8), CrimeFacts(False, True, 1)]
    assert rules.arrests_per_100(crimes) == 50
    assert rules.outcome_shares(crimes) == {1: 25, 3: 25, "open": 25, 8: 25}
    assert rules.rates(crimes) == {"charge": 25, "caution": 25, "out_of_court": 25,
                                   "crimes": 4}
    assert rules.within_range(50, [45, 90]) == "within"
    assert rules.within_range(30, [45, 90]) == "below"
    assert rules.arrests_per_100([]) is None


def test_a_renamed_program_is_refused_in_words():
    with pytest.raises(UploadRefused, match="is a program, not a photo"):
        rules.check_upload(PROGRAM, len(PROGRAM), 10_000_000)


def test_text_called_a_photo_is_refused_and_a_real_photo_accepted():
    with pytest.raises(UploadRefused, match="not a photo, video or PDF"):
        rules.check_upload(b"hello, this is text", 19, 10_000_000)
    data = photo_bytes()
    assert rules.check_upload(data[:8192], len(data), 10_000_000) == ("image/jpeg", "photo")
    with pytest.raises(UploadRefused, match="the most Haven accepts"):
        rules.check_upload(data, 20_000_000, 10_000_000)

"""The perpetrator rules over plain data: identification, counter-allegations, RFGV, harm
concentration, meetings, custody."""

import datetime as dt
from decimal import Decimal

import pytest

from haven.perpetrators import rules
from haven.perpetrators.harm import DEFAULT_HARM_DAYS
from haven.perpetrators.rules import Allegation

TODAY = dt.date(2026, 12, 1)
HIM, MOTHER, DAUGHTER, EX1, EX2, NEW = 1, 2, 3, 4, 5, 6
HARM = {k: v for k, (v, _b) in DEFAULT_HARM_DAYS.items()}


def a(ref, days_ago, perp, victim, offences=(), rel="partner"):
    return Allegation(ref, ref.upper(), TODAY - dt.timedelta(days=days_ago), perp, victim, rel,
                      tuple(offences))


def identify(allegations, links=(), dob=None):
    return rules.identify(allegations, at=TODAY, serial_days=1095, min_victims=2, min_age=16,
                          repeat_days=365, links=links, dob=dob)


def test_a_perpetrator_whose_two_victims_are_mother_and_daughter_is_not_serial():
    found = identify([a("i1", 100, HIM, MOTHER), a("i2", 50, HIM, DAUGHTER, rel="family")],
                     links={frozenset((MOTHER, DAUGHTER))})
    assert found[HIM].victims == [MOTHER, DAUGHTER]
    assert found[HIM].victim_groups == [[MOTHER, DAUGHTER]]
    assert not found[HIM].serial


def test_a_perpetrator_with_two_former_partners_is_serial():
    found = identify([a("i1", 900, HIM, EX1, rel="ex_partner"),
                      a("i2", 30, HIM, EX2, rel="partner")])
    assert found[HIM].serial
    assert found[HIM].victim_groups == [[EX1], [EX2]]


def test_victims_outside_the_window_or_under_age_do_not_count():
    outside = identify([a("i1", 1200, HIM, EX1), a("i2", 30, HIM, EX2)])
    assert not outside[HIM].serial
    child = identify([a("i1", 100, HIM, EX1), a("i2", 30, HIM, EX2)],
                     dob={EX2: TODAY - dt.timedelta(days=365 * 14)})
    assert not child[HIM].serial


def test_repeat_is_two_events_against_the_same_victim_within_the_window():
    found = identify([a("i1", 300, HIM, EX1), a("i2", 10, HIM, EX1)])
    assert found[HIM].repeat_victims == [EX1] and not found[HIM].serial
    older = identify([a("i1", 500, HIM, EX1), a("i2", 10, HIM, EX1)])
    assert not older[HIM].repeat


def test_a_counter_allegation_does_not_make_the_victim_a_perpetrator():
    # He is suspect twice against her; she is recorded as suspect once (a counter-allegation).
    rows = [a("i1", 200, HIM, EX1), a("i2", 100, HIM, EX1), a("i3", 99, EX1, HIM),
            a("i4", 20, HIM, EX2)]
    kept, determinations = rules.resolve_counter_allegations(rows)
    found = identify(kept)
    assert EX1 not in found
    assert found[HIM].serial
    assert determinations[0].primary == HIM
    assert determinations[0].basis == "more often suspect"
    assert determinations[0].set_aside == ("i3",)


def test_a_tie_goes_to_the_one_first_recorded_as_suspect_and_a_recorded_determination_wins():
    rows = [a("i1", 200, HIM, EX1), a("i2", 100, EX1, HIM)]
    kept, det = rules.resolve_counter_allegations(rows)
    assert [x.perpetrator for x in kept] == [HIM] and det[0].basis == "first recorded as suspect"
    kept, det = rules.resolve_counter_allegations(rows, {frozenset((HIM, EX1)): EX1})
    assert [x.perpetrator for x in kept] == [EX1] and det[0].basis == "recorded"


def test_the_victim_side_mirror_finds_a_victim_with_two_unconnected_abusers():
    rows = [a("i1", 200, 10, EX1), a("i2", 100, 11, EX1), a("i3", 50, 12, EX2),
            a("i4", 40, 13, EX2)]
    found = rules.several_abusers(rows, at=TODAY, window_days=1095, min_abusers=2, min_age=16,
                                  links={frozenset((12, 13))})
    assert found == {EX1: [[10], [11]]}


def test_a_crime_from_an_incident_adds_its_offences_to_that_incident():
    incidents = [{"id": 1, "label": "INC1", "when": TODAY, "victims": [(EX1, "partner")],
                  "suspects": [(HIM, "partner")]}]
    crimes = [{"id": 9, "label": "CR9", "when": TODAY, "incident_id": 1, "victim": EX1,
               "suspect": HIM, "offences": ["assault_with_injury", "threats_to_kill"]},
              {"id": 10, "label": "CR10", "when": TODAY, "incident_id": None, "victim": EX2,
               "suspect": HIM, "offences": ["stalking"]}]
    rows = rules.allegations_from(incidents, crimes)
    assert [(r.ref, r.offences) for r in rows] == [
        ("crime:10", ("stalking",)),
        ("incident:1", ("assault_with_injury", "threats_to_kill"))]


SCORING = dict(window_days=730, recency_bands={"30": 100, "90": 60, "365": 20},
               frequency_points=10, frequency_cap=20, harm_days=HARM, incident_days=1,
               gravity_per_day=1, victim_percent=[100, 150, 200])


@pytest.mark.parametrize("rows", [
    [a("i1", 10, HIM, EX1, ["assault_with_injury", "threats_to_kill"])],
    [a("i1", 400, HIM, EX1), a("i2", 200, HIM, EX2, ["common_assault"]),
     a("i3", 45, HIM, NEW, ["stalking", "criminal_damage"])],
    [a(f"i{n}", n * 3, HIM, EX1 + n % 3, ["harassment"] if n % 2 else ()) for n in range(30)],
])
def test_the_score_explanation_adds_up_exactly_to_the_score(rows):
    score = rules.score(rows, at=TODAY, **SCORING)
    assert score.total == sum(p.points for p in score.parts)
    assert score.total == sum(score.of(c) for c in ("recency", "frequency", "gravity",
                                                     "victims"))
    assert all(isinstance(p.points, int) for p in score.parts)


def test_each_part_names_its_record_and_the_victims_multiplier_is_shown():
    rows = [a("i1", 200, HIM, EX1, ["common_assault"]), a("i2", 10, HIM, EX2, ["stalking"])]
    score = rules.score(rows, at=TODAY, **SCORING)
    assert score.of("recency") == 100
    assert score.of("frequency") == 20
    assert score.of("gravity") == 9 + 84
    base = 100 + 20 + 93
    assert score.of("victims") == base // 2  # two victims: x150 %
    assert {p.label for p in score.parts if p.component == "gravity"} == {"I1", "I2"}


def test_harm_concentration_top_shares():
    harms = [1000] + [10] * 99
    rows = rules.concentration(harms)
    assert rows[0] == {"top": 1, "count": 1, "of": 100, "harm": 1000, "total": 1990,
                       "share": Decimal("50.3")}
    assert rows[2]["count"] == 5 and rows[2]["harm"] == 1040
    assert rules.concentration([])[0]["share"] == Decimal("0.0")


def test_next_meeting_every_four_weeks_from_adoption():
    adopted = dt.date(2026, 10, 1)
    assert rules.next_meeting_on(adopted, dt.date(2026, 10, 2), 4) == dt.date(2026, 10, 29)
    assert rules.next_meeting_on(adopted, dt.date(2026, 11, 1), 4) == dt.date(2026, 11, 26)


def test_harm_before_and_after_uses_equal_periods():
    rows = [a("i1", 100, HIM, EX1), a("i2", 40, HIM, EX1), a("i3", 5, HIM, EX1)]
    out = rules.harm_before_after(rows, adopted_on=TODAY - dt.timedelta(days=30), today=TODAY,
                                  months=6, harm_of=lambda x: 10)
    assert out == {"days": 30, "before": 10, "after": 10, "incidents_before": 1,
                   "incidents_after": 1}


def test_custody_and_movement():
    t = dt.datetime(2026, 1, 1)
    assert rules.in_custody([(t, "arrest"), (t + dt.timedelta(1), "remand")])
    assert not rules.in_custody([(t, "remand"), (t + dt.timedelta(9), "bail")])
    assert rules.movement(None, 3) == "new"
    assert rules.movement(5, 3) == "up 2" and rules.movement(2, 3) == "down 1"


@pytest.mark.parametrize("a,b,same", [
    (("Danielle", "Powell", dt.date(1970, 8, 17)), ("DANIELLE", "POWELL", dt.date(1970, 9, 17)),
     True),
    (("Katarzyna", "Kowalski", dt.date(1994, 3, 26)), ("Kowalski", "Kasha", None), True),
    (("Katarzyna", "O'Brien", dt.date(1961, 5, 22)), ("KASHA", "O'BRIEN", dt.date(1961, 5, 22)),
     True),
    (("Erin", "Hale", dt.date(1990, 1, 1)), ("Fay", "Gill", dt.date(1991, 2, 2)), False),
    (("Jo", "Smith", dt.date(1980, 1, 1)), ("Amy", "Smith", dt.date(1992, 6, 3)), False),
])
def test_one_victim_recorded_twice_may_be_one_person(a, b, same):
    assert rules.maybe_same(a, b) is same


def test_a_victim_recorded_twice_does_not_make_him_serial():
    facts = {EX1: ("Jodie", "Smith", dt.date(1963, 1, 1)),
             EX2: ("Jodie", "Smith", dt.date(1963, 11, 19))}
    links = rules.maybe_same_links([{EX1, EX2}], facts)
    found = identify([a("i1", 100, HIM, EX1), a("i2", 50, HIM, EX2)], links=links)
    assert not found[HIM].serial

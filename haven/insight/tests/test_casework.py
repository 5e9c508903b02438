"""The casework measures (MARAC, harm reduction actions overdue, orders and Clare's Law,
what works) against a small fixture worked by hand; a room that is not installed leaves its
measure out (None) instead of breaking the page."""

import datetime as dt

import pytest

from haven.forces.models import PolicySetting
from haven.insight import casework
from haven.insight.tests.helpers import build, incident

START, END = dt.date(2024, 3, 1), dt.date(2024, 3, 31)
#: what works: the store's data date. A 365-day window is whole for an intervention before
#: 2024-03-10 (2024-03-10 + 365 days = 2025-03-10), not for one on or after it.
AS_OF = dt.date(2025, 3, 10)


def at(text):
    return dt.datetime.fromisoformat(text)


MARAC_AREAS = [("WARKS", "Warwick"), ("WARKS", "Rugby"), ("WARKS", "Nuneaton"),
               ("WMERC", "Worcester")]
MARAC_CASES = [  # force, case, referral, area, emergency, heard, victim, repeat, children
    ("WARKS", 1, 1, "Warwick", False, at("2024-03-05T10:00"), "V1", False, 2),
    ("WARKS", 2, 2, "Warwick", False, at("2024-03-12T10:00"), "V2", True, 0),
    ("WARKS", 3, 3, "Warwick", False, at("2024-03-19T10:00"), "V3", False, 1),
    ("WARKS", 4, 4, "Rugby", False, at("2024-03-07T10:00"), "V4", True, 0),
    ("WARKS", 5, 5, "Warwick", False, at("2024-02-20T10:00"), "V5", False, 0),  # before
    ("WMERC", 6, 6, "Worcester", False, at("2024-03-05T10:00"), "W1", True, 0),  # other force
]
MARAC_REFERRALS = [  # ... idva_outcome, idva_outcome_at
    ("WARKS", 4, "Rugby", "V4", "P4", at("2024-03-01T09:00"), "repeat", True, "police", False,
     "engaged", at("2024-03-08T09:00")),
]
PLAN_ACTIONS = [  # force, id, case, victim, kind, due, created, status, closed, district
    ("WARKS", 1, 1, "V1", "target_hardening", dt.date(2024, 3, 20), at("2024-03-01T09:00"),
     "open", None, "CV34"),                                    # open, overdue
    ("WARKS", 2, 1, "V1", "panic_alarm", dt.date(2024, 3, 31), at("2024-03-02T09:00"),
     "in_progress", None, "CV34"),                             # open, due on the last day
    ("WARKS", 3, 2, "V2", "panic_alarm", dt.date(2024, 4, 5), at("2024-03-03T09:00"),
     "open", None, "CV31"),                                    # open, not yet due
    ("WARKS", 4, 1, "V1", "target_hardening", dt.date(2024, 3, 10), at("2024-03-01T09:00"),
     "done", at("2024-04-02T09:00"), "CV34"),                  # done after the end: overdue
    ("WARKS", 5, 3, "V3", "refuge", dt.date(2024, 3, 10), at("2024-03-01T09:00"),
     "done", at("2024-03-09T09:00"), "withheld"),              # done in time
    ("WARKS", 6, 3, "V3", "other", dt.date(2024, 3, 10), at("2024-04-03T09:00"),
     "open", None, "withheld"),                                # made after the end
    ("WARKS", 7, 2, "V2", "other", dt.date(2024, 3, 15), at("2024-03-01T09:00"),
     "cancelled", at("2024-03-31T23:00"), "CV31"),             # cancelled on the last day
    ("WMERC", 8, 9, "W1", "other", dt.date(2024, 3, 1), at("2024-03-01T09:00"),
     "open", None, "WR1"),                                     # other force
]
PARTNER_REFERRALS = [
    ("WARKS", 1, 2, "V2", "housing", at("2024-03-02T09:00"), "accepted", at("2024-03-04T09:00")),
    ("WARKS", 2, 2, "V2", "health", at("2024-03-02T09:00"), "declined", at("2024-03-04T09:00")),
]
ORDERS = [  # force, id, kind, regime, status, notice, subject, protected, starts, ends
    ("WARKS", 1, "dvpn", "csa2010", "determined", None, "S1", "V1", at("2024-03-02T10:00"), None),
    ("WARKS", 2, "dvpo", "csa2010", "live", 1, "S1", "V1", at("2024-03-04T10:00"), None),
    ("WARKS", 3, "dapo", "da2021", "live", None, "S2", "V2", at("2024-03-20T10:00"), None),
    ("WARKS", 4, "dvpn", "csa2010", "lapsed", None, "S1", "V1", at("2024-02-28T10:00"), None),
    ("WMERC", 5, "dvpn", "csa2010", "live", None, "S9", "V1", at("2024-03-02T10:00"), None),
]
BREACHES = [("WARKS", 1, 2, at("2024-03-10T20:00")), ("WARKS", 2, 3, at("2024-04-02T20:00"))]
DISCLOSURES = [  # force, id, route, at risk, subject, received, due, decided, decision,
    #              disclosed, closed
    ("WARKS", 1, "ask", "V1", "S1", at("2024-03-01T09:00"), at("2024-03-29T09:00"),
     at("2024-03-18T09:00"), "disclose", at("2024-03-20T09:00"), at("2024-03-20T10:00")),
    ("WARKS", 2, "know", "V2", "S2", at("2024-03-05T09:00"), at("2024-04-02T09:00"),
     at("2024-04-04T09:00"), "not_disclose", None, at("2024-04-05T09:00")),
    ("WARKS", 3, "ask", "V3", "S3", at("2024-03-25T09:00"), at("2024-04-22T09:00"),
     None, None, None, None),
    ("WARKS", 4, "ask", "V4", "S4", at("2024-02-01T09:00"), at("2024-02-29T09:00"),
     None, None, None, None),
]
CRIMES = [  # force, id, incident, recorded, da, offence, victim, suspect, arrested, outcome, at
    ("WARKS", 1, 11, at("2024-03-02T09:00"), True, "assault_with_injury", "V1", "S1", True,
     None, None),
    ("WARKS", 2, 13, at("2024-03-03T09:00"), True, "harassment", "V2", "S2", False, 1,
     at("2024-03-25T09:00")),
]
# DA events with their victim: V1 again within the year; V2 again one day too late; V3 twice
# on one day (not "after"); V4 again on the last day of the window.
EVENTS = [(11, "2024-03-01T20:00", "V1"), (12, "2024-06-01T20:00", "V1"),
          (13, "2024-03-03T20:00", "V2"), (14, "2025-03-05T20:00", "V2"),
          (15, "2024-03-08T20:00", "V3"), (16, "2024-03-08T23:00", "V3"),
          (17, "2024-02-01T20:00", "V3"), (18, "2024-03-06T20:00", "V4"),
          (19, "2025-03-06T20:00", "V4")]


@pytest.fixture
def casework_store(tmp_path):
    con = build(tmp_path / "c.duckdb",
                incidents=[incident(pk, when) for pk, when, _v in EVENTS],
                involvements=[(pk, victim, "victim", None) for pk, _w, victim in EVENTS],
                crimes=CRIMES, marac_areas=MARAC_AREAS, marac_cases=MARAC_CASES,
                marac_referrals=MARAC_REFERRALS, plan_actions=PLAN_ACTIONS,
                partner_referrals=PARTNER_REFERRALS, orders=ORDERS, order_breaches=BREACHES,
                disclosures=DISCLOSURES)
    yield con
    con.close()


def override(force, key, value):
    PolicySetting.objects.create(force=force, key=key, value=value,
                                 effective_from=dt.date(2020, 1, 1))


def test_marac_volume_and_repeat_rate_per_area_against_safelives(casework_store, forces):
    override(forces["WARKS"], "marac_area_population",
             {"Warwick": 60000, "Rugby": 30000, "Nuneaton": 10000})
    found = casework.marac(casework_store, forces["WARKS"], START, END)
    areas = {a["area"]: a for a in found["areas"]}
    assert list(areas) == ["Nuneaton", "Rugby", "Warwick"]  # Worcester is the other force's
    assert (areas["Warwick"]["cases_heard"], areas["Warwick"]["repeat_cases"]) == (3, 1)
    assert areas["Warwick"]["children"] == 3
    assert areas["Warwick"]["repeat_percent"] == pytest.approx(100 / 3)
    assert areas["Warwick"]["repeat_within"] is True  # 33.3 % is inside 28-40
    # 3 cases in 31 days, a year of 365 days, per 10,000 of 60,000 women
    assert areas["Warwick"]["per_10000_a_year"] == pytest.approx(3 * 365 / 31 / 60000 * 10000)
    assert (areas["Rugby"]["cases_heard"], areas["Rugby"]["repeat_percent"]) == (1, 100.0)
    assert areas["Nuneaton"]["cases_heard"] == 0 and areas["Nuneaton"]["repeat_percent"] is None
    total = found["total"]
    assert (total["cases_heard"], total["repeat_cases"], total["repeat_percent"]) == (4, 2, 50.0)
    assert total["per_10000_a_year"] == pytest.approx(4 * 365 / 31 / 100000 * 10000)
    assert total["volume_within"] is False  # 4.7 a year per 10,000, SafeLives expects 40
    assert found["expected_per_10000"] == 40 and found["expected_repeat"] == [28, 40]


def test_the_repeat_rate_band_is_inclusive_and_population_is_needed_for_volume(
        casework_store, forces):
    override(forces["WARKS"], "marac_expected_repeat_rate", [34, 40])
    found = casework.marac(casework_store, forces["WARKS"], START, END)
    warwick = next(a for a in found["areas"] if a["area"] == "Warwick")
    assert warwick["repeat_within"] is False  # 33.3 below 34-40
    assert warwick["per_10000_a_year"] is None  # no population configured
    assert found["total"]["per_10000_a_year"] is None


def test_harm_reduction_actions_overdue_at_the_end_of_the_period(casework_store, forces):
    found = casework.plan_overdue(casework_store, forces["WARKS"], END)
    # open at the end: 1, 2, 3 and 4 (done only after the end); overdue: 1, 2 (due on the
    # last day) and 4. 5 done in time, 6 made later, 7 cancelled on the last day.
    assert (found["open"], found["overdue"], found["share"]) == (4, 3, 3 / 4)
    assert [(k["kind"], k["open"], k["overdue"]) for k in found["by_kind"]] == [
        ("panic_alarm", 2, 1), ("target_hardening", 2, 2)]
    area = casework.plan_overdue(casework_store, forces["WARKS"], END, "CV31")
    assert (area["open"], area["overdue"]) == (1, 0)
    earlier = casework.plan_overdue(casework_store, forces["WARKS"], dt.date(2024, 3, 15))
    # at the end of 15 March: 1, 2, 3, 4 and 7 open (5 was done on the 9th); 4 (due the
    # 10th) and 7 (due the 15th, cancelled only on the 31st) overdue
    assert (earlier["open"], earlier["overdue"]) == (5, 2)


def test_orders_breaches_and_clares_law_in_the_period(casework_store, forces):
    found = casework.protection(casework_store, forces["WARKS"], START, END)
    assert found["orders"] == {"dapo": 1, "dvpn": 1, "dvpo": 1} and found["total_orders"] == 3
    assert found["breaches"] == 1  # the second is in April
    assert found["clares_law"] == {"received": 3, "ask": 2, "know": 1, "closed": 2,
                                   "on_time": 1, "on_time_share": 0.5, "disclosed": 1}


def test_what_works_by_hand(casework_store, forces):
    override(forces["WARKS"], "insight_suppress_below", 1)  # nothing suppressed
    found = casework.what_works(casework_store, forces["WARKS"], START, END, AS_OF)
    rows = {r["kind"]: (r["victims"], r["followed_up"], r["revictimised"], r["rate"])
            for r in found["rows"]}
    assert rows == {
        # V1 (again 1 June), V2 (again a day after the window), V3 (twice on one day: not
        # after), V4 (again on the window's last day)
        "any_da_victim": (4, 4, 2, 0.5),
        "arrest": (1, 1, 1, 1.0),                 # V1, 2 March
        "charge": (1, 0, 0, None),                # V2, 25 March: window not yet over
        "marac_heard": (4, 2, 2, 1.0),            # V1 (5th), V4 (7th); V2, V3 too recent
        "idva_engaged": (1, 1, 1, 1.0),           # V4, 8 March
        "order:dvpn": (1, 1, 1, 1.0),             # V1 (February's and WMERC's left out)
        "order:dvpo": (1, 1, 1, 1.0),
        "order:dapo": (1, 0, 0, None),            # 20 March: too recent
        "clares_law_disclosure": (1, 0, 0, None),  # 20 March
        "plan:refuge": (1, 1, 0, 0.0),            # V3, done 9 March, no DA event after
        "referral:housing": (1, 1, 0, 0.0),       # V2, accepted 4 March (declined left out)
    }
    assert found["rows"][0]["kind"] == "any_da_victim"  # the baseline first
    assert found["window"] == 365 and found["complete_before"] == dt.date(2024, 3, 10)


def test_what_works_suppresses_small_numbers(casework_store, forces):
    found = casework.what_works(casework_store, forces["WARKS"], START, END, AS_OF)  # 5
    baseline = found["rows"][0]
    assert baseline["suppressed"] and baseline["rate"] is None
    assert baseline["followed_up_shown"] == "fewer than 5"
    assert baseline["revictimised_shown"] == "fewer than 5"
    override(forces["WARKS"], "insight_suppress_below", 2)
    found = casework.what_works(casework_store, forces["WARKS"], START, END, AS_OF)
    rows = {r["kind"]: r for r in found["rows"]}
    assert rows["any_da_victim"]["rate"] == 0.5 and not rows["any_da_victim"]["suppressed"]
    assert rows["arrest"]["suppressed"] and rows["arrest"]["followed_up_shown"] == "fewer than 2"
    assert not rows["charge"]["suppressed"]  # nothing followed up: 0 is not a small number
    assert rows["marac_heard"]["rate"] == 1.0


def test_a_room_not_installed_leaves_its_measures_out(tmp_path, forces):
    con = build(tmp_path / "core.duckdb", only={"incidents", "involvements", "persons"},
                incidents=[incident(1, "2024-03-01T20:00")],
                involvements=[(1, "V1", "victim", None)])
    warks = forces["WARKS"]
    assert casework.marac(con, warks, START, END) is None
    assert casework.plan_overdue(con, warks, END) is None
    assert casework.protection(con, warks, START, END) is None
    # what works still has its baseline: interventions is built from what is there
    override(warks, "insight_suppress_below", 1)
    found = casework.what_works(con, warks, START, END, AS_OF)
    assert [r["kind"] for r in found["rows"]] == ["any_da_victim"]
    con.close()


def test_kind_labels():
    assert casework.kind_label("order:dvpo") == "Notice or order: DVPO"
    assert casework.kind_label("plan:target_hardening") == "Plan action done: target hardening"
    assert casework.kind_label("referral:housing") == "Partner referral accepted: housing"
    assert casework.kind_label("marac_heard") == "Case heard at MARAC"

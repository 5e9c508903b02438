"""The casework measures cut by a postcode district, Victims' Code from the store, what works
with its intervals and risk adjustment, legacy DASH grades once per real incident, and the
casework measures in `haven insight measures` (JSON and CSV). Every expected figure is worked
out by hand in the comments from the fixture rows; none is computed by the code under test.

A casework record has no address of its own: it is placed by the district of its victim's
most recent DA incident (as victim) on or before its day. The victims' DA incidents here:

    V1: 1 March CV34 (event 11), 1 June CV31 (event 12)
    V2: 3 March CV31 (event 13)
    V3: 1 February CV34 (event 17), 8 March withheld (event 15, a refuge)
    V4: 6 March CV34 (event 18)
    V5: none
"""

import csv
import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.forces.models import PolicySetting
from haven.insight import casework, charts, stats
from haven.insight.tests.helpers import build, incident

START, END = dt.date(2024, 3, 1), dt.date(2024, 3, 31)
AS_OF = dt.date(2025, 3, 10)  # a 365-day window is whole for an intervention before 10 March


def at(text):
    return dt.datetime.fromisoformat(text)


EVENTS = [(11, "2024-03-01T20:00", "V1", "CV34"), (12, "2024-06-01T20:00", "V1", "CV31"),
          (13, "2024-03-03T20:00", "V2", "CV31"), (17, "2024-02-01T20:00", "V3", "CV34"),
          (15, "2024-03-08T20:00", "V3", "withheld"), (18, "2024-03-06T20:00", "V4", "CV34")]
MARAC_AREAS = [("WARKS", "Warwick"), ("WARKS", "Rugby"), ("WARKS", "Nuneaton")]
MARAC_CASES = [  # force, case, referral, area, emergency, heard, victim, repeat, children
    ("WARKS", 1, 1, "Warwick", False, at("2024-03-05T10:00"), "V1", False, 2),  # CV34
    ("WARKS", 2, 2, "Warwick", False, at("2024-03-12T10:00"), "V2", True, 1),   # CV31
    ("WARKS", 3, 3, "Warwick", False, at("2024-03-19T10:00"), "V3", False, 0),  # withheld
    ("WARKS", 4, 4, "Rugby", False, at("2024-03-07T10:00"), "V4", True, 0),     # CV34
    ("WARKS", 5, 5, "Rugby", False, at("2024-03-10T10:00"), "V5", False, 0),    # none
    ("WARKS", 6, 6, "Warwick", False, at("2024-02-20T10:00"), "V1", False, 0),  # before
    ("WARKS", 7, 7, "Nuneaton", False, at("2024-03-02T10:00"), "V2", False, 0),  # V2's first
    #                                                     DA incident is a day later: none
]
ORDERS = [  # force, id, kind, regime, status, notice, subject, protected, starts, ends
    ("WARKS", 1, "dvpn", "csa2010", "determined", None, "S1", "V1", at("2024-03-02T10:00"),
     None),                                                     # CV34
    ("WARKS", 2, "dvpo", "csa2010", "live", 1, "S1", "V1", at("2024-03-04T10:00"), None),  # CV34
    ("WARKS", 3, "dapo", "da2021", "live", None, "S2", "V2", at("2024-03-20T10:00"), None),  # CV31
    ("WARKS", 4, "dvpn", "csa2010", "live", None, "S3", "V3", at("2024-03-09T10:00"),
     None),                                                     # withheld
    ("WARKS", 5, "dvpn", "csa2010", "live", None, "S1", "V1", at("2024-06-02T10:00"),
     None),                                                     # after the period
]
BREACHES = [("WARKS", 1, 2, at("2024-03-10T20:00")),   # V1 -> CV34
            ("WARKS", 2, 3, at("2024-03-25T20:00")),   # V2 -> CV31
            ("WARKS", 3, 1, at("2024-06-05T20:00")),   # after the period
            ("WARKS", 4, 4, at("2024-03-15T20:00"))]   # V3 -> withheld
DISCLOSURES = [  # force, id, route, at risk, subject, received, due, decided, decision,
    #              disclosed, closed
    ("WARKS", 1, "ask", "V1", "S1", at("2024-03-01T09:00"), at("2024-03-29T09:00"),
     at("2024-03-18T09:00"), "disclose", at("2024-03-20T09:00"), at("2024-03-20T10:00")),
    # V1's incident is at 20:00 on the 1st: the same day counts ("on or before") -> CV34
    ("WARKS", 2, "know", "V2", "S2", at("2024-03-05T09:00"), at("2024-03-20T09:00"),
     at("2024-03-25T09:00"), "not_disclose", None, at("2024-03-26T09:00")),  # CV31, late
    ("WARKS", 3, "ask", "V5", "S5", at("2024-03-10T09:00"), at("2024-04-07T09:00"),
     None, None, None, None),                                   # V5: no incident
    ("WARKS", 4, "ask", "V4", "S4", at("2024-03-06T09:00"), at("2024-04-03T09:00"),
     None, None, None, None),                                   # CV34, open
]
CRIMES = [  # force, id, incident, recorded, da, offence, victim, suspect, arrested, outcome, at
    ("WARKS", 1, 11, at("2024-03-02T09:00"), True, "assault_with_injury", "V1", "S1", False,
     None, None),                                               # CV34
    ("WARKS", 2, 13, at("2024-03-04T09:00"), True, "harassment", "V2", "S2", False, None,
     None),                                                     # CV31
    ("WARKS", 3, None, at("2024-03-05T09:00"), True, "harassment", "V4", "S4", False, None,
     None),                                                     # no incident
]
NOTICES = [  # force, id, crime, enhanced, due, told
    ("WARKS", 1, 1, True, at("2024-03-05T09:00"), at("2024-03-04T09:00")),   # on time
    ("WARKS", 2, 1, True, at("2024-03-10T09:00"), at("2024-03-12T09:00")),   # late
    ("WARKS", 3, 2, False, at("2024-03-15T09:00"), None),                    # not told
    ("WARKS", 4, 3, True, at("2024-03-20T10:00"), at("2024-03-20T09:00")),   # on time
    ("WARKS", 5, 1, True, at("2024-04-02T09:00"), None),                     # after
    ("WARKS", 6, 2, True, at("2024-03-30T09:00"), None),    # not yet due at the data date
    ("WARKS", 7, 1, True, at("2024-03-28T09:00"), at("2024-03-20T09:00")),   # told early
    ("WMERC", 8, 9, True, at("2024-03-05T09:00"), None),                     # other force
]


def override(force, key, value):
    PolicySetting.objects.create(force=force, key=key, value=value,
                                 effective_from=dt.date(2020, 1, 1))


@pytest.fixture
def area_store(tmp_path):
    con = build(tmp_path / "a.duckdb",
                incidents=[incident(pk, when, district=district)
                           for pk, when, _v, district in EVENTS],
                involvements=[(pk, victim, "victim", None) for pk, _w, victim, _d in EVENTS],
                crimes=CRIMES, victim_notices=NOTICES, marac_areas=MARAC_AREAS,
                marac_cases=MARAC_CASES, orders=ORDERS, order_breaches=BREACHES,
                disclosures=DISCLOSURES)
    yield con
    con.close()


def test_marac_for_a_district_places_each_case_by_its_victim(area_store, forces):
    warks = forces["WARKS"]
    override(warks, "marac_area_population", {"Warwick": 60000, "Rugby": 30000,
                                              "Nuneaton": 10000})
    found = casework.marac(area_store, warks, START, END, "CV34")
    areas = {a["area"]: (a["cases_heard"], a["repeat_cases"], a["children"])
             for a in found["areas"]}
    # CV34: case 1 (Warwick, 2 children) and case 4 (Rugby, repeat)
    assert areas == {"Nuneaton": (0, 0, 0), "Rugby": (1, 1, 0), "Warwick": (1, 0, 2)}
    assert (found["total"]["cases_heard"], found["total"]["repeat_percent"]) == (2, 50.0)
    # no population for a district: no rate per 10,000, and the page says why
    assert found["total"]["per_10000_a_year"] is None
    # not placed: case 3 (withheld), 5 (V5: no incident), 7 (heard before V2's first)
    assert found["unplaced"] == 3 and "3 of the force's" in found["basis"]
    cv31 = casework.marac(area_store, warks, START, END, "CV31")
    assert (cv31["total"]["cases_heard"], cv31["total"]["repeat_cases"]) == (1, 1)  # case 2
    whole = casework.marac(area_store, warks, START, END)
    assert whole["total"]["cases_heard"] == 6 and whole["basis"] == "whole force"
    # the whole force keeps its rate: 6 cases in 31 days, per 10,000 of 100,000 women
    assert whole["total"]["per_10000_a_year"] == pytest.approx(6 * 365 / 31 / 100000 * 10000)


def test_orders_breaches_and_clares_law_for_a_district(area_store, forces):
    found = casework.protection(area_store, forces["WARKS"], START, END, "CV34")
    assert found["orders"] == {"dvpn": 1, "dvpo": 1}  # orders 1 and 2 (V1)
    assert found["breaches"] == 1                     # breach 1 (order 2, V1)
    assert found["clares_law"] == {"received": 2, "ask": 2, "know": 0, "closed": 1,
                                   "on_time": 1, "on_time_share": 1.0, "disclosed": 1}
    assert "1 of the force's" in found["basis"]["orders"]      # order 4 (withheld)
    assert "1 of the force's" in found["basis"]["breaches"]    # breach 4
    assert "1 of the force's" in found["basis"]["clares_law"]  # application 3 (V5)
    cv31 = casework.protection(area_store, forces["WARKS"], START, END, "CV31")
    assert (cv31["orders"], cv31["breaches"]) == ({"dapo": 1}, 1)
    assert cv31["clares_law"]["received"] == 1 and cv31["clares_law"]["on_time"] == 0
    whole = casework.protection(area_store, forces["WARKS"], START, END)
    assert whole["total_orders"] == 4 and whole["breaches"] == 3
    assert whole["clares_law"]["received"] == 4


def test_victims_code_compliance_from_the_store(area_store, forces):
    # data date 25 March: notice 6 (due the 30th, not told) is not yet due; notice 7 (due
    # the 28th) was told on the 20th, so it counts. Due: 1, 2, 3, 4, 7 = 5; on time: 1, 4, 7.
    found = casework.victims_code(area_store, forces["WARKS"], START, END,
                                  dt.date(2024, 3, 25))
    assert (found["due"], found["on_time"], found["not_told"]) == (5, 3, 1)
    assert found["share"] == 3 / 5
    cv34 = casework.victims_code(area_store, forces["WARKS"], START, END,
                                 dt.date(2024, 3, 25), "CV34")  # crime 1: notices 1, 2, 7
    assert (cv34["due"], cv34["on_time"], cv34["share"]) == (3, 2, 2 / 3)
    # after the 30th, notice 6 is due and not told: 6 due, 3 on time
    later = casework.victims_code(area_store, forces["WARKS"], START, END, AS_OF)
    assert (later["due"], later["on_time"], later["not_told"]) == (6, 3, 2)


def test_what_works_for_a_district(area_store, forces):
    override(forces["WARKS"], "insight_suppress_below", 1)
    found = casework.what_works(area_store, forces["WARKS"], START, END, AS_OF, "CV34")
    rows = {r["kind"]: (r["victims"], r["followed_up"], r["revictimised"]) for r in found["rows"]}
    # baseline in CV34: V1 (first DA 1 March, CV34; again 1 June) and V4 (6 March, never
    # again); V2 is CV31 and V3's first in the period is at the refuge (withheld)
    assert rows["any_da_victim"] == (2, 2, 1)
    # orders for V1 (2 and 4 March, CV34), not V3's (withheld) nor V2's (CV31)
    assert rows["order:dvpn"] == (1, 1, 1) and rows["order:dvpo"] == (1, 1, 1)
    assert "order:dapo" not in rows
    # MARAC heard in CV34: V1 (5 March, again 1 June), V4 (7 March, never again)
    assert rows["marac_heard"] == (2, 2, 1)


def test_wilson_interval_worked_by_hand():
    # p = 2/4, z = 1.959964: centre = (0.5 + z²/8) / (1 + z²/4) = 0.5 (symmetric);
    # half = z / (1 + z²/4) · sqrt(0.25/4 + z²/64) = 0.99980 · 0.350033 = 0.349963
    low, high = stats.wilson(2, 4, 0.95)
    assert (low, high) == (pytest.approx(0.150037, abs=1e-5), pytest.approx(0.849963, abs=1e-5))
    # 0 of 1: the upper end is z² / (1 + z²) = 3.841459 / 4.841459 = 0.793451
    assert stats.wilson(0, 1, 0.95) == (0.0, pytest.approx(0.793451, abs=1e-5))
    assert stats.wilson(1, 1, 0.95) == (pytest.approx(1 - 0.793451, abs=1e-5), 1.0)
    assert stats.wilson(0, 0, 0.95) is None


# Risk adjustment: four high-risk victims H1-H4 and four standard S1-S4, each the victim of a
# DA incident on 2 March and graded that day; H1, H2, H3 and S1 are victims again on 1 June.
# MARAC hears H1, H2, H4 and S2 on 5 March; a DVPO protects M1 (graded medium on 3 March,
# with no DA incident in the period) on 6 March.
GRADED = ["H1", "H2", "H3", "H4", "S1", "S2", "S3", "S4"]
AGAIN = ["H1", "H2", "H3", "S1"]


@pytest.fixture
def graded_store(tmp_path):
    incidents, involvements, assessments = [], [], []
    for n, victim in enumerate(GRADED):
        incidents.append(incident(100 + n, "2024-03-02T20:00"))
        involvements.append((100 + n, victim, "victim", None))
        assessments.append(("WARKS", 100 + n, 100 + n, victim, at("2024-03-02T22:00"),
                            "high" if victim.startswith("H") else "standard"))
        if victim in AGAIN:
            incidents.append(incident(200 + n, "2024-06-01T20:00"))
            involvements.append((200 + n, victim, "victim", None))
    incidents.append(incident(300, "2023-12-01T20:00"))   # M1, before the period
    involvements.append((300, "M1", "victim", None))
    assessments.append(("WARKS", 300, 300, "M1", at("2024-03-03T10:00"), "medium"))
    cases = [("WARKS", n, n, "Warwick", False, at("2024-03-05T10:00"), victim, False, 0)
             for n, victim in enumerate(["H1", "H2", "H4", "S2"], start=1)]
    orders = [("WARKS", 1, "dvpo", "csa2010", "live", None, "X", "M1", at("2024-03-06T10:00"),
               None)]
    con = build(tmp_path / "g.duckdb", incidents=incidents, involvements=involvements,
                assessments=assessments, marac_areas=[("WARKS", "Warwick")], marac_cases=cases,
                orders=orders)
    yield con
    con.close()


def test_what_works_interval_and_risk_adjustment_by_hand(graded_store, forces):
    override(forces["WARKS"], "insight_suppress_below", 1)
    found = casework.what_works(graded_store, forces["WARKS"], START, END, AS_OF)
    rows = {r["kind"]: r for r in found["rows"]}
    base, marac = rows["any_da_victim"], rows["marac_heard"]
    # baseline: 8 victims, 4 again -> 0.5; by grade high 3 of 4 = 0.75, standard 1 of 4 = 0.25
    assert (base["followed_up"], base["revictimised"], base["rate"]) == (8, 4, 0.5)
    assert base["observed_to_expected"] == pytest.approx(1.0)  # 3 + 1 expected, 4 seen
    # MARAC: H1, H2 again, H4 and S2 not -> 2 of 4 = 0.5 crude, Wilson (0.150, 0.850)
    assert (marac["followed_up"], marac["revictimised"], marac["rate"]) == (4, 2, 0.5)
    assert (marac["low"], marac["high"]) == (pytest.approx(0.150037, abs=1e-5),
                                             pytest.approx(0.849963, abs=1e-5))
    # expected with the baseline's rates for its grades: 3 high x 0.75 + 1 standard x 0.25
    # = 2.5; observed / expected = 2 / 2.5 = 0.8; adjusted = 0.8 x the baseline's 0.5 = 0.4
    assert marac["expected"] == pytest.approx(2.5)
    assert marac["observed_to_expected"] == pytest.approx(0.8)
    assert marac["adjusted_rate"] == pytest.approx(0.4)
    # the DVPO's victim is graded medium, a grade no baseline victim has: no adjustment
    assert rows["order:dvpo"]["rate"] == 0.0 and rows["order:dvpo"]["adjusted_rate"] is None
    assert found["confidence"] == 0.95


def test_small_numbers_withhold_the_interval_and_the_adjustment(graded_store, forces):
    found = casework.what_works(graded_store, forces["WARKS"], START, END, AS_OF)  # below 5
    rows = {r["kind"]: r for r in found["rows"]}
    marac = rows["marac_heard"]  # 4 followed up, 2 again: both small
    assert marac["suppressed"] and marac["rate"] is None
    assert marac["low"] is None and marac["adjusted_rate"] is None
    base = rows["any_da_victim"]  # 8 followed up but 4 again: still small
    assert base["suppressed"] and base["low"] is None


def test_legacy_grades_count_once_per_real_incident(tmp_path, forces):
    # event 11 has Haven's own record and a second system's record (incident 21); event 22
    # was recorded by two legacy systems (incidents 22 and 23)
    con = build(
        tmp_path / "l.duckdb",
        incidents=[incident(11, "2024-03-01T20:00"), incident(21, "2024-03-01T20:05", event=11),
                   incident(22, "2024-03-04T20:00", district="CV31"),
                   incident(23, "2024-03-04T20:10", event=22, district="CV31")],
        involvements=[(11, "V1", "victim", None), (22, "V2", "victim", None)],
        assessments=[("WARKS", 1, 11, "V1", at("2024-03-01T22:00"), "high")],
        legacy_assessments=[
            ("WARKS", 1, "pvp", 21, "V1", at("2024-03-01T23:00"), "medium"),  # Haven's kept
            ("WARKS", 2, "pvp", 22, "V2", at("2024-03-05T09:00"), "standard"),
            ("WARKS", 3, "crime", 23, "V2", at("2024-03-06T09:00"), "medium"),  # the later
            ("WARKS", 4, "crime", None, "V4", at("2024-03-07T09:00"), "high"),  # no incident
            ("WARKS", 5, "crime", None, "V5", at("2024-02-07T09:00"), "high"),  # before
        ])
    from haven.insight import measures, queries

    mix = queries.run(con, "profile_risk_mix", measures.params(forces["WARKS"], START, END))
    # high: Haven's for event 11 and legacy 4 (own event); medium: legacy 3 for event 22
    assert [(r["grade"], r["assessments"], r["legacy"]) for r in mix] == [
        ("high", 2, 1), ("medium", 1, 1)]
    cv31 = queries.run(con, "profile_risk_mix",
                       measures.params(forces["WARKS"], START, END, "CV31"))
    assert [(r["grade"], r["assessments"]) for r in cv31] == [("medium", 1)]
    kept = con.execute("SELECT source, record_id FROM risk_grades ORDER BY source, "
                       "record_id").fetchall()
    assert kept == [("haven", 1), ("legacy", 3), ("legacy", 4), ("legacy", 5)]
    con.close()


def test_the_ranked_districts_chart_suppresses_small_counts(forces):
    profile = {"suppress_below": 5, "volume": {"monthly": []}, "time": {"heatmap": [],
               "by_month": []}, "victims": {"age_sex": []},
               "places": {"areas": [{"rank": 1, "district": "CV34", "da_events": 9,
                                     "victims": 3},
                                    {"rank": 2, "district": "CV31", "da_events": 4,
                                     "victims": 4}]}}
    chart = next(c for c in charts.charts(profile) if c.name == "areas")
    assert chart.table() == [[1, "CV34", 9, "fewer than 5"],
                             [2, "CV31", "fewer than 5", "fewer than 5"]]
    assert [r["district"] for r in chart.spec["datasets"][next(iter(chart.spec["datasets"]))]
            ] == ["CV34"]  # the small district is not drawn


def _cli(capsys, *extra):
    capsys.readouterr()
    call_command("insight", "measures", "--force", "WARKS", "--from", "2024-03-01",
                 "--to", "2024-03-31", *extra)
    return capsys.readouterr().out


def test_the_command_line_gives_the_casework_measures_with_their_area_basis(
        area_store, forces, settings, capsys, tmp_path):
    import shutil

    area_store.execute("CHECKPOINT")
    area_store.close()
    shutil.copy(tmp_path / "a.duckdb", settings.HAVEN_INSIGHT_STORE)
    whole = json.loads(_cli(capsys))["casework"]
    assert whole["marac"]["cases_heard"] == 6 and whole["marac"]["repeat_cases"] == 2
    assert whole["marac"]["repeat_rate"] == 2 / 6
    assert whole["marac"]["area_basis"] == "whole force"
    assert whole["orders"]["started"] == 4 and whole["orders"]["breaches"] == 3
    assert whole["clares_law"]["received"] == 4
    assert whole["harm_reduction_actions"] == {"open": 0, "overdue": 0, "overdue_share": None,
                                               "area_basis": "whole force"}
    area = json.loads(_cli(capsys, "--area", "cv34"))["casework"]  # any case
    assert area["marac"]["cases_heard"] == 2 and area["marac"]["repeat_rate"] == 1 / 2
    assert area["marac"]["cases_a_year_per_10000_adult_women"] is None
    assert "per MARAC area" in area["marac"]["per_10000_basis"]
    assert "3 of the force's" in area["marac"]["area_basis"]
    assert area["orders"]["started"] == 2 and area["clares_law"]["on_time_share"] == 1.0
    # what works: small numbers withheld in the command line too (policy 5)
    baseline = area["what_works"]["kinds"]["any_da_victim"]
    assert baseline["suppressed"] and baseline["followed_up"] is None
    assert baseline["rate"] is None
    rows = dict(csv.reader(_cli(capsys, "--area", "CV34", "--format", "csv").splitlines()))
    assert rows["casework.marac.cases_heard"] == "2"
    assert float(rows["casework.marac.repeat_rate"]) == 1 / 2
    assert rows["casework.what_works.kinds.any_da_victim.suppressed"] == "True"
    assert "casework.victims_code.on_time_share" in rows
    with pytest.raises(CommandError, match="withheld"):
        _cli(capsys, "--area", "withheld")

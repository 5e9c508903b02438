"""The insight SQL on Spark SQL gives the same figures as on DuckDB (issue 19).

A small random store (two forces, a year of incidents, victims who come back, crimes,
DASH grades) is built in DuckDB, copied into Spark, and every query file and the room's
headline measures, problem profile and casework summary are computed on both.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest

from haven.insight import casework, measures, profile, queries, store
from haven.insight.spark import SparkStore, load_from_duckdb, to_spark_sql
from haven.insight.tests.helpers import build, crime, incident
from haven.people.linkage.tests.spark_fixture import spark  # noqa: F401 - fixture

pytestmark = pytest.mark.spark

START, END = dt.date(2024, 3, 1), dt.date(2024, 8, 31)
DISTRICTS = ["CV31", "CV34", "CV35", store.WITHHELD]
#: the files run once per refresh to build tables, not queried with parameters
BUILD_FILES = {"build_events", "build_risk_grades"}


def _rows(seed=11):
    rng = random.Random(seed)
    incidents, involvements, assessments, crimes, persons = [], [], [], [], []
    victims = [f"V{i}" for i in range(120)]
    suspects = [f"S{i}" for i in range(60)]
    for pk in range(1, 701):
        force = "WARKS" if pk % 3 else "WMERC"
        at = dt.datetime(2024, 1, 1) + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
        twice = pk > 1 and rng.random() < 0.15  # the same real incident from another system
        da = rng.random() < 0.7
        district = rng.choice(DISTRICTS)
        incidents.append(incident(
            pk, at.isoformat(), event=pk - 1 if twice else None, da=da,
            via=rng.choice(["call", "call", "online", "in_person"]), district=district,
            place=store.WITHHELD if district == store.WITHHELD else f"P{rng.randrange(90)}",
            children=rng.choice([True, False, None]), force=force,
            grade=rng.choice(["immediate", "priority", "scheduled", None]),
            attend=rng.choice([None, 8.0, 25.5, 61.0])))
        victim = rng.choice(victims[:30]) if rng.random() < 0.4 else rng.choice(victims)
        involvements.append((pk, victim, "victim", None))
        involvements.append((pk, rng.choice(suspects), "suspect", None))
        if rng.random() < 0.2:
            involvements.append((pk, f"K{rng.randrange(40)}", "child", None))
        if da and rng.random() < 0.5:
            done = at + dt.timedelta(hours=rng.randrange(1, 72))
            assessments.append((force, pk, pk, victim, done,
                                rng.choice(["standard", "medium", "high"])))
        if rng.random() < 0.5:
            crimes.append(crime(pk, (at + dt.timedelta(hours=3)).isoformat(), da=da,
                                offence=rng.choice(measures.CONTRACT_OFFENCES),
                                arrested=rng.random() < 0.4,
                                outcome=rng.choice([None, 1, 3, 15, 16]),
                                incident_id=pk, force=force))
    for key in victims + suspects:
        persons.append(("WARKS", key, rng.choice([None, 1970, 1988, 2001]),
                        rng.choice(["F", "M"])))
    return {"incidents": incidents, "involvements": involvements,
            "assessments": assessments, "crimes": crimes, "persons": persons}


@pytest.fixture(scope="module")
def stores(tmp_path_factory, spark):  # noqa: F811
    con = build(tmp_path_factory.mktemp("spark-sql") / "s.duckdb", **_rows())
    load_from_duckdb(spark, con)
    yield con, SparkStore(spark)
    con.close()


def _same(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return round(float(value), 9)
    if isinstance(value, dict):
        return {k: _same(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_same(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _same(value.item())
    return value


def _params(district):
    return {"force": "WARKS", "start_day": store.day_number(START),
            "end_day": store.day_number(END) + 1, "district": district, "window": 365,
            "as_of_day": store.day_number(dt.date(2024, 12, 31)),
            "immediate": 15, "priority": 60, "scheduled": 1440}


def test_parameters_are_bound_by_spark_not_pasted():
    text = to_spark_sql(queries.sql("da_share_of_crime"))
    assert "c.force_code = :force" in text and "$" not in text


@pytest.mark.parametrize("district", [None, "CV34"])
def test_every_query_file_gives_the_same_rows(stores, district):
    duck, on_spark = stores
    checked = 0
    for path in sorted(queries.SQL_DIR.glob("*.sql")):
        if path.stem in BUILD_FILES:
            continue
        expected = queries.run(duck, path.stem, _params(district))
        got = queries.run(on_spark, path.stem, _params(district))
        key = repr
        assert sorted(map(key, _same(got))) == sorted(map(key, _same(expected))), path.stem
        checked += 1
    assert checked >= 30
    assert queries.one(duck, "da_share_of_crime", _params(district))["denominator"] > 0


@pytest.mark.django_db
def test_headline_profile_and_casework_are_the_same(stores, forces):
    duck, on_spark = stores
    force = forces["WARKS"]
    for district in (None, "CV31"):
        assert _same(measures.headline(on_spark, force, START, END, district)) == \
            _same(measures.headline(duck, force, START, END, district))
        assert _same(profile.profile(on_spark, force, START, END, district)) == \
            _same(profile.profile(duck, force, START, END, district))
        assert _same(casework.summary(on_spark, force, START, END, district)) == \
            _same(casework.summary(duck, force, START, END, district))

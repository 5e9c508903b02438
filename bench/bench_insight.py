"""Insight at scale: the problem profile over N synthetic incidents, and the store's load rate.

    flock /tmp/haven-bench.lock .venv/bin/python bench/bench_insight.py --incidents 5000000

1. The generator (below, plain DuckDB SQL of its own; it imports nothing from
   haven.insight) writes incidents, involvements, crimes, persons and assessments straight
   into a DuckDB file in the store's extract shape, with the calendar columns the store
   derives (`<x>_day`, `_dow`, `_hour`, `_month`, `_year`), and ~10 % of incidents a second
   record of an earlier event (reconciled duplicates).
2. Timed: building the derived tables (the room's `build_events.sql`), then the whole
   problem profile (`haven.insight.profile.profile`: every profile SQL file and the
   statistics) for the full five years, then the headline measures alone.
3. Timed separately: the store's bulk loader (`store.load_table`, Arrow batches) on
   --load-rows Python tuples of the incidents shape: rows/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START = dt.date(2020, 1, 1)
DAYS = 5 * 365 + 1

GENERATE = """
CREATE TABLE incidents AS
WITH base AS (
  SELECT i AS incident_id,
         TIMESTAMP '2020-01-01 00:00:00'
           + to_seconds(CAST(floor(random() * {days} * 86400) AS BIGINT)) AS occurred_at,
         random() AS r1, random() AS r2, random() AS r3
  FROM range(1, {n} + 1) t(i)
)
SELECT 'BENCH' AS force_code, incident_id,
       CASE WHEN incident_id % 10 = 0 THEN incident_id - 1 ELSE incident_id END AS event_id,
       CASE WHEN incident_id % 10 = 0 THEN 'crime' ELSE 'cc' END AS source_system,
       occurred_at,
       CASE WHEN r1 < 0.8 THEN 'call' ELSE 'station' END AS reported_via,
       CASE WHEN r2 < 0.35 THEN 'domestic' ELSE 'other' END AS category,
       r2 < 0.35 AS domestic_abuse,
       r3 < 0.3 AS children_present,
       CASE WHEN r3 < 0.01 THEN 'withheld'
            ELSE 'CV' || CAST(CAST(floor(r1 * 40) AS INTEGER) AS VARCHAR) END AS district,
       CASE WHEN r3 < 0.01 THEN 'withheld'
            ELSE {key}('p' || CAST(CAST(floor(r3 * {places}) AS BIGINT) AS VARCHAR))
       END AS place_key,
       CASE WHEN r1 < 0.3 THEN 'immediate' WHEN r1 < 0.8 THEN 'priority'
            ELSE 'scheduled' END AS grade,
       r2 * 120 AS attend_minutes
FROM base;

CREATE TABLE involvements AS
SELECT incident_id, {key}('v' || CAST(CAST(floor(random() * {victims}) AS BIGINT) AS VARCHAR))
         AS person_key, 'victim' AS role, 'partner' AS relationship FROM incidents
UNION ALL
SELECT incident_id, {key}('s' || CAST(CAST(floor(random() * {suspects}) AS BIGINT) AS VARCHAR)),
       'suspect', 'partner' FROM incidents WHERE random() < 0.8
UNION ALL
SELECT incident_id, {key}('c' || CAST(incident_id AS VARCHAR)), 'child', NULL
FROM incidents WHERE children_present;

CREATE TABLE persons AS
SELECT 'BENCH' AS force_code, {key}('v' || CAST(i AS VARCHAR)) AS person_key,
       1950 + CAST(floor(random() * 55) AS INTEGER) AS birth_year,
       CASE WHEN random() < 0.8 THEN 'F' ELSE 'M' END AS sex
FROM range(0, {victims}) t(i);

CREATE TABLE crimes AS
SELECT 'BENCH' AS force_code, incident_id AS crime_id, incident_id,
       occurred_at + INTERVAL 2 HOUR AS recorded_at, domestic_abuse,
       CASE CAST(floor(random() * 5) AS INTEGER) WHEN 0 THEN 'assault_with_injury'
            WHEN 1 THEN 'harassment' WHEN 2 THEN 'criminal_damage'
            WHEN 3 THEN 'sexual_offence' ELSE 'other' END AS offence,
       {key}('v1') AS victim_key, {key}('s1') AS suspect_key, random() < 0.6 AS arrested,
       CASE WHEN random() < 0.2 THEN 1 WHEN random() < 0.3 THEN 15 ELSE NULL END AS outcome,
       NULL::TIMESTAMP AS outcome_at
FROM incidents WHERE random() < 0.4;

CREATE TABLE crime_offences AS SELECT crime_id, offence, TRUE AS principal FROM crimes;

CREATE TABLE assessments AS
SELECT 'BENCH' AS force_code, incident_id AS assessment_id, incident_id,
       {key}('v1') AS victim_key, occurred_at + INTERVAL 1 DAY AS completed_at,
       CASE WHEN random() < 0.2 THEN 'high' WHEN random() < 0.5 THEN 'medium'
            ELSE 'standard' END AS grade
FROM incidents WHERE domestic_abuse AND random() < 0.7;
"""

CALENDAR = {  # the store's derived calendar columns, written out here on purpose
    "day": "CAST(date_diff('day', DATE '1970-01-01', CAST({c} AS DATE)) AS INTEGER)",
    "dow": "CAST(isodow({c}) - 1 AS INTEGER)", "hour": "CAST(hour({c}) AS INTEGER)",
    "month": "CAST(month({c}) AS INTEGER)", "year": "CAST(year({c}) AS INTEGER)",
}


#: --keys short: short keys ('v123'), which DuckDB keeps inline (12 bytes or fewer), the
#: runs before 2026-12-03 14:50; --keys hmac: 24 hex characters like the store's real
#: HMAC pseudonyms (md5 of the short key, cut to 24), which are not inlined.
KEY_SQL = {"short": "", "hmac": "key24"}


def generate(path: Path, n: int, keys: str = "short") -> float:
    started = time.perf_counter()
    con = duckdb.connect(str(path))
    con.execute("SELECT setseed(0.42)")
    con.execute("CREATE MACRO key24(x) AS substr(md5(x), 1, 24)")
    for statement in GENERATE.format(n=n, days=DAYS, places=n // 3, victims=n // 3,
                                     suspects=n // 4, key=KEY_SQL[keys]).split(";"):
        if statement.strip():
            con.execute(statement)
    for table, column in (("incidents", "occurred_at"), ("crimes", "recorded_at"),
                          ("crimes", "outcome_at"), ("assessments", "completed_at")):
        stem = column.removesuffix("_at")
        derived = ", ".join(f"{sql.format(c=column)} AS {stem}_{part}"
                            for part, sql in CALENDAR.items())
        con.execute(f"CREATE TABLE t AS SELECT *, {derived} FROM {table}")  # noqa: S608
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE t RENAME TO {table}")
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=5_000_000)
    parser.add_argument("--load-rows", type=int, default=1_000_000)
    parser.add_argument("--work", default=None)
    parser.add_argument("--keys", choices=sorted(KEY_SQL), default="hmac",
                        help="person and place keys: 24 hex characters like the store's "
                             "(hmac, the default) or short ones (the first runs)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    from haven.forces.models import Force
    from haven.insight import measures, profile, store

    work = Path(args.work or tempfile.mkdtemp(prefix="bench-insight-"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / "bench.duckdb"
    path.unlink(missing_ok=True)
    print(f"load average before: {os.getloadavg()}")
    gen_s = generate(path, args.incidents, args.keys)
    con = duckdb.connect(str(path))
    rows = con.execute("SELECT COUNT(*) FROM incidents").fetchone()[0]
    t = time.perf_counter()
    store.build_derived(con)
    derived_s = time.perf_counter() - t
    force = Force(code="BENCH", name="Bench force")
    end = START + dt.timedelta(days=DAYS - 1)
    t = time.perf_counter()
    found = profile.profile(con, force, START, end)
    profile_s = time.perf_counter() - t
    t = time.perf_counter()
    measures.headline(con, force, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    headline_s = time.perf_counter() - t
    con.close()
    print(f"incidents: {rows:,} ({found['volume']['da_events']:,} DA events in the profile), "
          f"{args.keys} keys")
    print(f"generate: {gen_s:.1f} s")
    print(f"build derived tables (events, event_people): {derived_s:.2f} s")
    print(f"problem profile, five years, whole force: {profile_s:.2f} s")
    print(f"headline measures, one year: {headline_s:.2f} s", flush=True)

    # The loader: Python tuples of the incidents shape through Arrow into DuckDB.
    columns = [("force_code", "VARCHAR"), ("incident_id", "BIGINT"), ("event_id", "BIGINT"),
               ("source_system", "VARCHAR"), ("occurred_at", "TIMESTAMP"),
               ("reported_via", "VARCHAR"), ("category", "VARCHAR"),
               ("domestic_abuse", "BOOLEAN"), ("children_present", "BOOLEAN"),
               ("district", "VARCHAR"), ("place_key", "VARCHAR"), ("grade", "VARCHAR"),
               ("attend_minutes", "DOUBLE")]
    base = dt.datetime(2024, 1, 1)
    tuples = (("BENCH", i, i, "cc", base + dt.timedelta(minutes=i), "call", "domestic", True,
               None, "CV34", f"p{i % 5000}", "priority", 12.5)
              for i in range(args.load_rows))
    (work / "load.duckdb").unlink(missing_ok=True)
    load_con = duckdb.connect(str(work / "load.duckdb"))
    t = time.perf_counter()
    loaded = store.load_table(load_con, "incidents", columns, tuples)
    load_s = time.perf_counter() - t
    load_con.close()

    print(f"store loader: {loaded:,} rows in {load_s:.2f} s = {loaded / load_s:,.0f} rows/s")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

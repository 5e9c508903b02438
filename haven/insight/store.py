"""The analytics store: one DuckDB file under var/ rebuilt from every room's extract.

Each room that has something to count offers `haven/<room>/extracts.py` (see
docs/insight.md, "The extract shape"):

    TABLES = {"incidents": [("force_code", "VARCHAR"), ("incident_id", "BIGINT"), ...]}

    def extracts(force_ids, since, until, *, pseudonym) -> dict[str, Iterable[tuple]]

Rows are plain tuples in the declared column order. People appear only as pseudonymous keys
made by `pseudonym.person(person_id)` (an HMAC with a per-install key kept outside the
database), places only as a postcode district or "withheld" and a keyed place hash. The store
is rebuilt into a new file and swapped in, so a reader never sees half a store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from django.conf import settings

from haven.core.keys import install_key
from haven.core.rooms import room_modules
from haven.insight.queries import sql

log = logging.getLogger(__name__)

WITHHELD = "withheld"
UNKNOWN_AREA = "unknown"
#: rows per Arrow batch handed to DuckDB
BATCH_ROWS = 50_000
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

_ARROW_TYPES = {
    "VARCHAR": pa.string(), "BIGINT": pa.int64(), "INTEGER": pa.int32(),
    "BOOLEAN": pa.bool_(), "DOUBLE": pa.float64(), "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
}


def store_path() -> Path:
    """The DuckDB file: `HAVEN_INSIGHT_STORE` (settings or environment), else var/insight.duckdb."""
    configured = getattr(settings, "HAVEN_INSIGHT_STORE", None) or os.environ.get(
        "HAVEN_INSIGHT_STORE")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "insight.duckdb"


def _key() -> bytes:
    """The per-install pseudonym key: `HAVEN_INSIGHT_KEY` (settings or environment), else a
    key generated once into var/insight_key (never in the database, never in the store)."""
    return install_key("HAVEN_INSIGHT_KEY", "insight_key")


class Pseudonym:
    """Keyed, stable, one-way keys: the same person (or place) gets the same key in every
    extract of one installation, and nobody without the key file can go back."""

    def __init__(self, key: bytes | None = None):
        self._key = key if key is not None else _key()

    def _mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:24]

    def person(self, person_id) -> str | None:
        return None if person_id is None else self._mac(f"person:{person_id}")

    def place(self, place_key: str) -> str | None:
        return self._mac(f"place:{place_key}") if place_key else None


#: Calendar columns derived in the store from every TIMESTAMP column `<x>_at` (or `<x>`):
#: `<x>_day` (days since 1970-01-01), `_dow` (0 = Monday), `_hour`, `_month`, `_year`, so
#: that the measure SQL needs no date functions and runs the same on DuckDB and Spark.
DERIVED = {
    "day": "CAST(date_diff('day', DATE '1970-01-01', CAST({c} AS DATE)) AS INTEGER)",
    "dow": "CAST(isodow({c}) - 1 AS INTEGER)",
    "hour": "CAST(hour({c}) AS INTEGER)",
    "month": "CAST(month({c}) AS INTEGER)",
    "year": "CAST(year({c}) AS INTEGER)",
}


def day_number(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


@dataclass
class RefreshReport:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0

    def text(self) -> str:
        tables = ", ".join(f"{name} {count}" for name, count in sorted(self.rows.items()))
        return (f"Insight store {self.path}: {self.total} rows in {self.seconds:.2f} s "
                f"({self.rows_per_second:,.0f} rows/s): {tables}")


def _batches(rows: Iterable[tuple], size: int):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_table(con, name: str, columns: list[tuple[str, str]], rows: Iterable[tuple]) -> int:
    """Create `name` and bulk-load `rows` through Arrow (column-wise, no per-row INSERT).
    Table and column names are declared in code by the rooms (checked against _NAME)."""
    for identifier in (name, *(col for col, _kind in columns)):
        if not _NAME.match(identifier):
            raise ValueError(f"extract name {identifier!r} is not [a-z_][a-z0-9_]*")
    ddl = ", ".join(f'"{col}" {kind}' for col, kind in columns)
    con.execute(f'CREATE TABLE "{name}" ({ddl})')
    schema = pa.schema([(col, _ARROW_TYPES[kind]) for col, kind in columns])
    count = 0
    for batch in _batches(rows, BATCH_ROWS):
        arrays = [pa.array([row[i] for row in batch], type=schema.field(i).type)
                  for i in range(len(columns))]
        con.from_arrow(pa.Table.from_arrays(arrays, schema=schema)).insert_into(name)
        count += len(batch)
    stem_columns = [col for col, kind in columns if kind == "TIMESTAMP"]
    date_columns = [col for col, kind in columns if kind == "DATE"]
    if stem_columns or date_columns:
        derived = ", ".join([
            *(f'{sql.format(c=chr(34) + col + chr(34))} AS "{col.removesuffix("_at")}_{part}"'
              for col in stem_columns for part, sql in DERIVED.items()),
            *(f'{DERIVED["day"].format(c=chr(34) + col + chr(34))} '
              f'AS "{col.removesuffix("_on")}_day"' for col in date_columns)])
        con.execute(f'ALTER TABLE "{name}" RENAME TO "{name}__raw"')
        con.execute(f'CREATE TABLE "{name}" AS '  # noqa: S608 (names checked above)
                    f'SELECT *, {derived} FROM "{name}__raw"')
        con.execute(f'DROP TABLE "{name}__raw"')
    return count


def build_derived(con) -> None:
    """The tables built from the loaded extracts by the room's own SQL (events, people,
    interventions)."""
    for statement in sql("build_events").split(";"):
        if statement.strip():
            con.execute(statement)
    build_risk_grades(con)
    build_interventions(con)


#: An empty stand-in (a temporary view, gone when the connection closes) for a grades table
#: whose room is not installed, so that `build_risk_grades.sql` runs whole.
_EMPTY_GRADES = {
    "assessments": "SELECT CAST(NULL AS VARCHAR) AS force_code, CAST(NULL AS BIGINT) AS "
                   "assessment_id, CAST(NULL AS BIGINT) AS incident_id, CAST(NULL AS VARCHAR) "
                   "AS victim_key, CAST(NULL AS INTEGER) AS completed_day, CAST(NULL AS "
                   "TIMESTAMP) AS completed_at, CAST(NULL AS VARCHAR) AS grade WHERE 1 = 0",
    "legacy_assessments": "SELECT CAST(NULL AS VARCHAR) AS force_code, CAST(NULL AS BIGINT) "
                          "AS record_id, CAST(NULL AS BIGINT) AS incident_id, CAST(NULL AS "
                          "VARCHAR) AS victim_key, CAST(NULL AS INTEGER) AS completed_day, "
                          "CAST(NULL AS TIMESTAMP) AS completed_at, CAST(NULL AS VARCHAR) AS "
                          "grade WHERE 1 = 0",
}


def build_risk_grades(con) -> None:
    """`risk_grades`: Haven's and the legacy exports' DASH grades, once per reconciled event
    and victim (`sql/build_risk_grades.sql`); empty when neither room gives grades."""
    present = tables(con)
    stand_ins = [name for name in _EMPTY_GRADES if name not in present]
    for name in stand_ins:
        con.execute(f"CREATE TEMPORARY VIEW {name} AS {_EMPTY_GRADES[name]}")  # noqa: S608
    try:
        con.execute(sql("build_risk_grades"))
    finally:
        for name in stand_ins:
            con.execute(f"DROP VIEW {name}")


#: Each kind of intervention a victim received, by the SQL file that selects it
#: (force_code, person_key, kind, day) and the extract tables it needs: a room that is not
#: installed leaves its kinds out (the union is built from what is there).
INTERVENTION_SOURCES = {
    "interventions_crimes": ("crimes",),
    "interventions_marac_cases": ("marac_cases",),
    "interventions_marac_idva": ("marac_referrals",),
    "interventions_orders": ("orders",),
    "interventions_disclosures": ("disclosures",),
    "interventions_plan_actions": ("plan_actions",),
    "interventions_partner_referrals": ("partner_referrals",),
}


def tables(con) -> set[str]:
    return {row[0] for row in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}


def has_tables(con, *names: str) -> bool:
    return set(names) <= tables(con)


def build_interventions(con) -> None:
    """`interventions`: one row per intervention a victim received (what works)."""
    present = tables(con)
    parts = [sql(name).strip().rstrip(";") for name, needs in INTERVENTION_SOURCES.items()
             if set(needs) <= present]
    if not parts:
        con.execute("CREATE TABLE interventions (force_code VARCHAR, person_key VARCHAR, "
                    "kind VARCHAR, day INTEGER)")
        return
    union = " UNION ALL ".join(f"SELECT * FROM ({part}) AS p{n}"  # noqa: S608 (own SQL)
                               for n, part in enumerate(parts))
    con.execute(f"CREATE TABLE interventions AS {union}")  # noqa: S608 (the room's own SQL)


def extract_modules() -> list[tuple[str, object]]:
    return room_modules("extracts")


def refresh(*, force_ids=None, since=None, until=None, path: Path | None = None,
            progress: Callable[[str, int], None] | None = None) -> RefreshReport:
    """Rebuild the store from every room's extract (all forces unless `force_ids`)."""
    path = Path(path or store_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".building")
    for stale in (building, Path(str(building) + ".wal")):
        stale.unlink(missing_ok=True)
    report = RefreshReport(path)
    pseudonym = Pseudonym()
    started = time.perf_counter()
    import duckdb  # loaded when a store is built or read, not at start-up (seconds)

    con = duckdb.connect(str(building))
    try:
        declared: dict[str, str] = {}
        for label, module in extract_modules():
            tables = module.TABLES
            for name in tables:
                if name in declared:
                    raise ValueError(f"extract table {name!r} offered by both "
                                     f"{declared[name]} and {label}")
                declared[name] = label
            produced = module.extracts(force_ids, since, until, pseudonym=pseudonym)
            for name, columns in tables.items():
                count = load_table(con, name, columns, produced.get(name, ()))
                report.rows[name] = count
                if progress:
                    progress(name, count)
        if {"incidents", "involvements"} <= set(report.rows):
            build_derived(con)
            if progress:
                progress("events", con.execute("SELECT COUNT(*) FROM events").fetchone()[0])
        report.seconds = time.perf_counter() - started
        con.execute("CREATE TABLE store_meta (refreshed_at TIMESTAMP, table_name VARCHAR, "
                    "room VARCHAR, row_count BIGINT, seconds DOUBLE)")
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        meta = [(now, name, declared[name], count, report.seconds)
                for name, count in report.rows.items()]
        con.from_arrow(pa.Table.from_pylist(
            [dict(zip(("refreshed_at", "table_name", "room", "row_count", "seconds"), row,
                      strict=True)) for row in meta])).insert_into("store_meta")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(building, path)
    log.info("insight store refreshed: %s rows in %.2f s", report.total, report.seconds)
    return report


def connect(path: Path | None = None):
    """A read-only connection to the store, or FileNotFoundError when it was never built."""
    path = Path(path or store_path())
    if not path.exists():
        raise FileNotFoundError(f"The insight store {path} has not been built: run "
                                "`haven insight refresh`.")
    import duckdb  # loaded when a store is built or read, not at start-up (seconds)

    return duckdb.connect(str(path), read_only=True)


def refreshed_at(path: Path | None = None):
    try:
        con = connect(path)
    except FileNotFoundError:
        return None
    try:
        row = con.execute("SELECT MAX(refreshed_at) FROM store_meta").fetchone()
    finally:
        con.close()
    return row[0] if row else None

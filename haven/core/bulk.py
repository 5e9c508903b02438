"""A lean bulk insert for ingest and every room's bulk writer: Django's bulk_create spends
most of its time compiling SQL value by value (and building model instances); this builds
one multi-row INSERT ... RETURNING id per chunk directly (on PostgreSQL: ids from the
sequence, then COPY), from plain tuples (`fast_insert_rows`), dicts (`fast_insert`) or
instances.

Values are stored exactly as bulk_create would store them: each date, date-time and JSON
value goes through what the field's `get_db_prep_save` does for it (with direct fast paths
for aware datetimes, dates and dicts, and the field method itself for anything else);
fields a caller leaves out take their defaults, auto_now / auto_now_add fields one
timestamp per call. Works on PostgreSQL and SQLite >= 3.35. `sqlite_write_cache` gives a
bulk write a larger SQLite page cache, `without_cyclic_gc` a bulk job fewer collections,
`commit_without_waiting` a batch's commit that does not wait for the disk.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
from contextlib import contextmanager

from django.db import connection, models
from django.utils import timezone

PREPARED = (models.DateField, models.DateTimeField, models.JSONField, models.DecimalField,
            models.UUIDField)


def _converter(field):
    """value (not None) -> database value, the same as `field.get_db_prep_save` gives."""
    ops = connection.ops

    def slow(value):
        return field.get_db_prep_save(value, connection)

    if isinstance(field, models.DateTimeField):
        adapt = ops.adapt_datetimefield_value

        def datetime_value(value):
            # An aware datetime passes get_prep_value unchanged; only the backend adapts it
            # (SQLite: naive UTC text; PostgreSQL: the object itself).
            if value.__class__ is dt.datetime and value.utcoffset() is not None:
                return adapt(value)
            return slow(value)

        return datetime_value
    if isinstance(field, models.DateField):
        adapt_date = ops.adapt_datefield_value

        def date_value(value):
            return adapt_date(value) if value.__class__ is dt.date else slow(value)

        return date_value
    if isinstance(field, models.JSONField):
        adapt_json, encoder = ops.adapt_json_value, field.encoder

        def json_value(value):
            return adapt_json(value, encoder) if isinstance(value, dict | list) else slow(value)

        return json_value
    return slow


def _chunk_rows(n_columns: int) -> int:
    """Rows per INSERT: as many as the driver's bound-parameter limit allows (<= 2,000)."""
    limit = connection.features.max_query_params or 30000
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        # Django assumes SQLite's old default of 999; the library in use reports its own
        # limit (32,766 since SQLite 3.32), so one INSERT takes far more rows.
        limit = max(limit, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return max(1, min(2000, limit // n_columns))


def fast_insert_rows(model: type[models.Model], attnames: tuple | list,
                     rows: list[tuple]) -> list[int]:
    """Insert rows given as tuples of values for `attnames` (other fields take their
    defaults, auto_now fields one timestamp); return the new primary keys in order."""
    if not rows:
        return []
    meta = model._meta
    by_name = {f.attname: f for f in meta.concrete_fields if not f.primary_key}
    given = [by_name[a] for a in attnames]
    rest = [f for f in by_name.values() if f.attname not in set(attnames)]
    now = timezone.now()
    tail = []
    for f in rest:
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        value = now if auto else f.get_default()  # "" for text, None for nullable
        if value is not None and isinstance(f, PREPARED):
            value = f.get_db_prep_save(value, connection)
        tail.append(value)
    tail = tuple(tail)
    convert = [(i, _converter(f)) for i, f in enumerate(given) if isinstance(f, PREPARED)]

    def values(row):
        if convert:
            row = list(row)
            for i, conv in convert:
                if row[i] is not None:
                    row[i] = conv(row[i])
        return (*row, *tail)

    fields = [*given, *rest]
    if connection.vendor == "postgresql":
        return _copy(meta, fields, rows, values)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    chunk_size = _chunk_rows(len(fields))
    # Names come from model metadata (quoted); every value is a query parameter.
    sql_head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    sql_tail = f" RETURNING {quote(meta.pk.column)}"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk_size):
            chunk = rows[start:start + chunk_size]
            params = []
            for row in chunk:
                params.extend(values(row))
            cursor.execute(sql_head + ", ".join([placeholder] * len(chunk)) + sql_tail, params)
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _copy(meta, fields, rows, values) -> list[int]:
    """PostgreSQL: take ids from the table's sequence, then COPY the rows in (fast path)."""
    quote = connection.ops.quote_name
    table, pk = meta.db_table, meta.pk.column
    columns = ", ".join(quote(c) for c in [pk, *(f.column for f in fields)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [table, pk, len(rows)])
        ids = [r[0] for r in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for pk_value, row in zip(ids, rows, strict=True):
                copy.write_row((pk_value, *values(row)))
    return ids


def fast_insert(model: type[models.Model], rows: list[dict]) -> list[int]:
    """Insert rows given as {attname: value} (missing fields take their defaults); return
    the new primary keys in order. auto_now / auto_now_add fields get one timestamp."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key
              and not (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))]
    attnames = [f.attname for f in fields]
    defaults = [f.get_default() for f in fields]
    pairs = list(zip(attnames, defaults, strict=True))
    return fast_insert_rows(model, attnames,
                            [tuple(row.get(a, d) for a, d in pairs) for row in rows])


def fast_bulk_create(objs: list[models.Model]) -> list[models.Model]:
    """Insert unsaved instances of one model; set their primary keys; return them."""
    if not objs:
        return objs
    ids = fast_insert(type(objs[0]), [obj.__dict__ for obj in objs])
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = "default"
    return objs


#: SQLite page cache while a bulk write runs (KiB). SQLite's default is 2 MiB: moving a
#: million records' persons, involvements and chronology re-read and re-wrote the same
#: index pages from the file over and over.
SQLITE_WRITE_CACHE_KIB = 262144


@contextmanager
def without_cyclic_gc():
    """Python's cyclic garbage collector paused for a bulk job, as it was after.

    A relink at 1 M records builds millions of small objects that live until it ends
    (conflict profiles, memo keys, member lists): each automatic collection walked all of
    them again, a fifth of the clustering's time (docs/benchmarks.md, "Fewer collections").
    Reference counting still frees whatever is not in a cycle; cycles wait for the next
    collection after the job."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def sqlite_write_cache(kib: int = SQLITE_WRITE_CACHE_KIB):
    """A larger SQLite page cache for a bulk write, the connection's own size restored after
    (PostgreSQL: nothing to do)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def commit_without_waiting() -> None:
    """Inside a transaction: on PostgreSQL its commit returns before its WAL is on disk
    (`SET LOCAL synchronous_commit TO OFF`; SQLite: nothing to do).

    For an ingest batch only. A server crash can lose the last few such commits but never
    leaves one half written, a re-run ingest stores exactly what was lost, and the next
    ordinary commit (the run's access-log entry) waits for every earlier one to be on disk.
    Where a commit takes tens of milliseconds to reach the disk, waiting for it was a fifth
    of a first ingest."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("commit_without_waiting belongs inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")

"""A lean bulk insert for ingest: Django's bulk_create spends most of its time compiling
SQL value by value (and building model instances); this builds one multi-row
INSERT ... RETURNING id per chunk directly (on PostgreSQL: ids from the sequence, then
COPY), from instances or plain dicts.

Values come from the same field methods Django uses (defaults, auto_now timestamps,
`get_db_prep_save` for dates, datetimes and JSON), so rows are stored exactly as
bulk_create would store them. Works on PostgreSQL and SQLite >= 3.35.
"""

from __future__ import annotations

from django.db import connection, models
from django.utils import timezone

PREPARED = (models.DateField, models.DateTimeField, models.JSONField, models.DecimalField,
            models.UUIDField)


def fast_insert(model: type[models.Model], rows: list[dict]) -> list[int]:
    """Insert rows given as {attname: value} (missing fields take their defaults); return
    the new primary keys in order. auto_now / auto_now_add fields get one timestamp."""
    if not rows:
        return []
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    prepared = [isinstance(f, PREPARED) for f in fields]
    auto = [getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields]
    defaults = [f.get_default() for f in fields]  # "" for text, None for nullable
    attnames = [f.attname for f in fields]
    now = timezone.now()
    cache: dict = {}  # (field index, value) -> prepared value: timestamps repeat a lot
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = connection.features.max_query_params or 30000
    chunk_size = max(1, min(2000, limit // len(fields)))
    # Names come from model metadata (quoted); every value is a query parameter.
    sql_head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    sql_tail = f" RETURNING {quote(meta.pk.column)}"
    def values(row):
        out = []
        for i, attname in enumerate(attnames):
            value = now if auto[i] else row.get(attname, defaults[i])
            if prepared[i] and value is not None:
                if isinstance(value, dict | list):
                    value = fields[i].get_db_prep_save(value, connection)
                elif (i, value) in cache:
                    value = cache[(i, value)]
                else:
                    value = cache[(i, value)] = fields[i].get_db_prep_save(value, connection)
            out.append(value)
        return out

    if connection.vendor == "postgresql":
        return _copy(meta, fields, rows, values)
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
                copy.write_row([pk_value, *values(row)])
    return ids


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

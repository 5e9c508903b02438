"""Move everything that hangs off a person to another person, and say exactly what moved.

Every room's model with a ForeignKey to people.Person is found through Django's model
metadata, so a room added later (risk, protection ...) is carried along by merges and
relinks without changes here. A room whose rows have a uniqueness rule that a move could
break registers a mover (`register_person_mover`, in its AppConfig.ready()): intake's
involvements that would duplicate one already on the target (same incident and role) are
removed by intake's mover and returned, so that an unmerge can restore them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from haven.core.timing import Laps
from haven.people.models import MergeEvent, Person, SourceRecord

logger = logging.getLogger(__name__)

SKIP = {(MergeEvent, "keep"), (MergeEvent, "absorbed"), (Person, "merged_into")}


def person_relations() -> list[tuple[type, str]]:
    """(model, field name) for every many-to-one relation onto Person, hidden ones too (a
    room's `related_name="+"` keeps Person free of reverse accessors, not of its rows)."""
    out = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if (rel.auto_created and not rel.concrete and rel.one_to_many
                and (rel.related_model, rel.field.name) not in SKIP):
            out.append((rel.related_model, rel.field.name))
    return sorted(out, key=lambda mf: (mf[0]._meta.label, mf[1]))


def label(model, field_name: str) -> str:
    return f"{model._meta.label}.{field_name}"


@dataclass(frozen=True)
class PersonMover:
    """How one room's rows follow a person when persons are merged, unmerged or relinked.

    - `drop_duplicates(source_ids, target_id) -> [row dicts]`: before a merge moves the rows
      of `source_ids` onto `target_id`, delete those that would duplicate a row already on
      the target (the room's uniqueness rule) and return them, each with its "id", so that
      `restore` can put them back on unmerge.
    - `restore(rows)`: re-create rows `drop_duplicates` returned, with their ids.
    - `dedupe(rows, mapping) -> rows`: relink: of the (pk, old person id) rows about to move
      to `mapping[old]`, delete those that would duplicate and return the rest.
    - `dedupe_mapped(map_table) -> int` (optional): the same for a whole relink at once, in
      SQL: delete the rows that would duplicate once every person named in `map_table`
      (old_id, new_id; a temporary table) has moved, and say how many. A room with many
      rows per person gives this (a relink after a first ingest empties half a million
      persons, and `dedupe` a chunk at a time was a fifth of `haven link`).
    """

    label: str  # the model's label, e.g. "intake.Involvement"
    drop_duplicates: Callable[[list[int], int], list[dict]]
    restore: Callable[[list[dict]], None]
    dedupe: Callable[[list[tuple], dict], list[tuple]]
    dedupe_mapped: Callable[[str], int] | None = None


MOVERS: dict[str, PersonMover] = {}


def register_person_mover(label: str, *, drop_duplicates, restore, dedupe,
                          dedupe_mapped=None) -> None:
    """Register (or replace) the mover of the model `label` ("room.Model")."""
    MOVERS[label] = PersonMover(label=label, drop_duplicates=drop_duplicates,
                                restore=restore, dedupe=dedupe, dedupe_mapped=dedupe_mapped)


def unregister_person_mover(label: str) -> None:
    MOVERS.pop(label, None)


def person_movers() -> list[str]:
    """The labels of the models whose rooms registered a mover."""
    return sorted(MOVERS)


def drop_duplicates(source_ids: list[int], target_id: int) -> dict[str, list[dict]]:
    """Every registered mover's would-be duplicates, removed: {label: [row dicts]}."""
    dropped = {}
    for label_, mover in MOVERS.items():
        rows = mover.drop_duplicates(source_ids, target_id)
        if rows:
            dropped[label_] = rows
    return dropped


def restore_dropped(snapshot: dict) -> None:
    """Unmerge: put back the rows `move_person_data` dropped (`snapshot["dropped"]`; merges
    recorded before movers were registered kept intake's as "dropped_involvements")."""
    dropped = dict(snapshot.get("dropped") or {})
    if "dropped" not in snapshot and snapshot.get("dropped_involvements"):
        dropped["intake.Involvement"] = snapshot["dropped_involvements"]
    for label_, rows in dropped.items():
        if rows:
            MOVERS[label_].restore(rows)


def restore_involvements(rows: list[dict]) -> None:
    """Unmerge of intake's dropped involvements (kept for callers of the old name)."""
    if rows:
        MOVERS["intake.Involvement"].restore(rows)


def move_person_data(source: Person, target: Person) -> dict:
    """Move every related row from `source` to `target`.

    Returns {"moved": {label: [ids]}, "dropped": {model label: [row dicts]},
    "left": {label: [ids]}}: "dropped" are the rows registered movers removed as duplicates
    of the target's (`restore_dropped` puts them back), "left" rows a unique constraint
    kept on `source`.
    """
    dropped = drop_duplicates([source.pk], target.pk)
    moved, left = {}, {}
    for model, field_name in person_relations():
        ids = list(model._default_manager.filter(**{field_name: source.pk})
                   .values_list("pk", flat=True))
        if not ids:
            continue
        try:
            with transaction.atomic():
                model._default_manager.filter(pk__in=ids).update(**{field_name: target.pk})
            moved[label(model, field_name)] = ids
        except IntegrityError:
            ok = []
            for pk in ids:
                try:
                    with transaction.atomic():
                        model._default_manager.filter(pk=pk).update(**{field_name: target.pk})
                    ok.append(pk)
                except IntegrityError:
                    left.setdefault(label(model, field_name), []).append(pk)
            moved[label(model, field_name)] = ok
    return {"moved": moved, "dropped": dropped, "left": left}


def delete_emptied(person: Person, result: dict) -> None:
    """Delete a person `move_person_data` has emptied (`result` is what it returned).

    One DELETE where nothing was left on the person and no merge names it: Django's own
    delete asks each of the forty-odd relations onto Person again, 38 ms a person, which
    was most of the time an ingest of 3,000 new records took to join them (docs/
    benchmarks.md, "A small ingest reads who met whom"). Otherwise Django's delete, which
    deals with what was left as each relation says."""
    if result.get("left") or MergeEvent.objects.filter(
            Q(keep=person) | Q(absorbed=person)).exists() or Person.objects.filter(
            merged_into=person).exists():
        person.delete()
        return
    delete_persons([person.pk])


def delete_persons(pks: list[int]) -> None:
    """Delete these persons with plain DELETEs, nothing asked of the relations onto Person:
    only for persons that hold nothing any more and that no merge names."""
    quote = connection.ops.quote_name
    table, column = quote(Person._meta.db_table), quote(Person._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), 500):
            chunk = pks[start:start + 500]
            # names come from model metadata (quoted); the ids are parameters
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN "  # noqa: S608
                           f"({', '.join(['%s'] * len(chunk))})", chunk)


def move_back(moved: dict, to_person_id: int) -> None:
    """Undo `move_person_data`: put the listed rows back on `to_person_id`."""
    by_label = {label(m, f): (m, f) for m, f in person_relations()}
    for key, ids in moved.items():
        if key in by_label and ids:
            model, field_name = by_label[key]
            model._default_manager.filter(pk__in=ids).update(**{field_name: to_person_id})


def fast_update(model, columns: list[str], rows: list[tuple]) -> None:
    """UPDATE model SET columns... WHERE pk = last item, for many rows (executemany).

    Django's bulk_update builds a CASE expression per row and dominated relink time; values
    must already be in database form (ids, strings, prepared dates)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    sets = ", ".join(f"{quote(meta.get_field(c).column)} = %s" for c in columns)
    # Names come from model metadata (quoted); values are query parameters.
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def bulk_reassign(mapping: dict[int, int], *, batch: int = 2000, exclude=()) -> dict[str, int]:
    """Relink: move every related row of each old person id to its new person id.

    Counts per relation. Rows a registered mover finds would collide (intake: involvements
    on (incident, person, role)) are deleted: they duplicate one already on the target.
    Every relation moves in one set-based UPDATE through a temporary table holding the
    mapping (reading every row into Python and updating it by primary key was most of
    `haven link`'s database time, docs/benchmarks.md), after the movers that can have
    deleted their would-be duplicates in SQL (`dedupe_mapped`). A mover without it is
    asked only when the persons moving hold rows of its relation, a chunk of persons at a
    time, each chunk moved before the next chunk's `dedupe`, which must see them moved.
    """
    counts: dict[str, int] = defaultdict(int)
    if not mapping:
        return counts
    at_once, by_chunk = [], []
    for model, field_name in person_relations():
        if model in exclude:
            continue
        mover = MOVERS.get(model._meta.label)
        if mover is None or mover.dedupe_mapped is not None:
            at_once.append((model, field_name, mover))
        else:
            by_chunk.append((model, field_name, mover))
    # Seconds of each step that took a tenth of a second or more, logged at INFO: after a
    # first ingest a relink empties half a million persons, and this is a slow step of it.
    lap = Laps(at_least=0.1)

    with connection.cursor() as cursor, _mapping_table(cursor, mapping):
        lap("map")
        for _model, _field, mover in at_once:
            if mover is not None:
                mover.dedupe_mapped(_MAP_TABLE)
                lap(f"dedupe {mover.label}")
        for (model, field_name), moved in _update_relations(
                cursor, [(m, f) for m, f, _ in at_once], lap,
                rebuild_indexes=len(mapping) >= REBUILD_INDEXES_FROM).items():
            if moved:
                counts[label(model, field_name)] += moved
        # Most relations with a chunked mover hold nothing of the persons a relink empties.
        by_chunk = [(m, f, mover) for m, f, mover in by_chunk if _any_mapped(cursor, m, f)]
        lap("chunked movers asked")
    olds = list(mapping)
    for model, field_name, mover in by_chunk:
        manager = model._default_manager
        for start in range(0, len(olds), batch):
            chunk = olds[start:start + batch]
            rows = list(manager.filter(**{f"{field_name}__in": chunk}).values_list(
                "pk", f"{field_name}_id"))
            if not rows:
                continue
            mover.dedupe(rows, mapping)
            # What the mover kept is every row these persons still hold.
            sub = {old: mapping[old] for old in chunk}
            for moved in _update_through_map(sub, [(model, field_name)]).values():
                counts[label(model, field_name)] += moved
        lap(label(model, field_name))
    logger.info("relink moved related seconds=%s", lap.seconds)
    return counts


_MAP_TABLE = "haven_person_move_map"


def _update_through_map(mapping: dict[int, int], relations) -> dict[tuple, int]:
    """One UPDATE per relation: person column = the mapped id, where a mapping exists."""
    with connection.cursor() as cursor, _mapping_table(cursor, mapping):
        return _update_relations(cursor, relations)


@contextmanager
def _temporary_rows(cursor, table: str, columns: tuple[str, ...], rows):
    """The temporary `table` (`columns`: each a name and its type) holding `rows` for the
    block. It lives for the connection (SQLite and PostgreSQL alike) and is emptied before
    and after use, so two relinks in one session never see each other's rows."""
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({', '.join(columns)})")
    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
    names = ", ".join(column.split()[0] for column in columns)
    cursor.executemany(f"INSERT INTO {table} ({names}) "  # noqa: S608
                       f"VALUES ({', '.join(['%s'] * len(columns))})", rows)
    try:
        yield
    finally:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def _mapping_table(cursor, mapping: dict[int, int]):
    """`_MAP_TABLE` holding `mapping` (old_id, new_id) for the block."""
    return _temporary_rows(cursor, _MAP_TABLE, ("old_id bigint PRIMARY KEY",
                                                "new_id bigint NOT NULL"), list(mapping.items()))


#: Persons moving at once from which, on SQLite, a relation's plain indexes on the person
#: column are dropped before its UPDATE and built again after it (`_update_relations`).
REBUILD_INDEXES_FROM = 50_000


def _update_relations(cursor, relations, lap=None, *, rebuild_indexes: bool = False
                      ) -> dict[tuple, int]:
    """Through a filled `_MAP_TABLE`: one UPDATE per relation, joined to the map with
    UPDATE ... FROM (PostgreSQL, SQLite 3.33+): each row looks its person up once, where a
    correlated sub-select beside `IN (SELECT ...)` looked it up twice.

    `rebuild_indexes` (SQLite): the relation's plain indexes on the person column are
    dropped and built again around the UPDATE, in the same transaction. A relink after a
    first ingest moves most rows: at 1 M records moving the chronology's entries took
    11.8 s with its person index kept up row by row, 9.1 s with it dropped and rebuilt
    (docs/benchmarks.md, "Fewer collections"). Indexes that enforce uniqueness stay.
    PostgreSQL keeps its indexes: DROP INDEX there locks the table's readers out until
    the relink commits."""
    quote = connection.ops.quote_name
    joined = _update_from_supported()
    moved = {}
    for model, field_name in relations:
        table = quote(model._meta.db_table)
        column = quote(model._meta.get_field(field_name).column)
        # Names come from model metadata (quoted); the mapping is in the temporary table.
        if joined:
            sql = (f"UPDATE {table} SET {column} = m.new_id FROM {_MAP_TABLE} m "  # noqa: S608
                   f"WHERE m.old_id = {table}.{column}")
        else:
            sql = (f"UPDATE {table} SET {column} = (SELECT m.new_id FROM {_MAP_TABLE} m "  # noqa: S608
                   f"WHERE m.old_id = {table}.{column}) "
                   f"WHERE {column} IN (SELECT old_id FROM {_MAP_TABLE})")
        with plain_indexes_set_aside(model, field_name, when=rebuild_indexes):
            cursor.execute(sql)
            moved[(model, field_name)] = max(cursor.rowcount, 0)
        if lap is not None:
            lap(label(model, field_name))
    return moved


def _plain_indexes_on(cursor, table: str, column: str | None) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the SQLite table's indexes made by CREATE INDEX,
    not unique, that include the column (any column: None)."""
    quote = connection.ops.quote_name
    cursor.execute(f"PRAGMA index_list({quote(table)})")
    names = [row[1] for row in cursor.fetchall() if row[3] == "c" and not row[2]]
    found = []
    for name in names:
        cursor.execute(f"PRAGMA index_info({quote(name)})")
        if any(column is None or row[2] == column for row in cursor.fetchall()):
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s",
                           [name])
            found.append((name, cursor.fetchone()[0]))
    return found


def _update_from_supported() -> bool:
    """UPDATE ... FROM: PostgreSQL always, SQLite from 3.33 (Django 5.2 accepts 3.31)."""
    if connection.vendor != "sqlite":
        return True
    return connection.Database.sqlite_version_info >= (3, 33)


def _any_mapped(cursor, model, field_name: str) -> bool:
    """Whether any row of the relation names a person in the filled `_MAP_TABLE`."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = quote(model._meta.get_field(field_name).column)
    cursor.execute(f"SELECT 1 FROM {table} WHERE {column} IN "  # noqa: S608 (metadata names)
                   f"(SELECT old_id FROM {_MAP_TABLE}) LIMIT 1")
    return cursor.fetchone() is not None


@contextmanager
def plain_indexes_set_aside(model, column: str | None = None, *, when: bool = True):
    """SQLite: the model's plain indexes on `column` (all of them: None) dropped for the
    block and built again after it, in the same transaction (`_update_relations` says
    why); unique indexes stay. Nothing on PostgreSQL, or unless `when`."""
    if not when or connection.vendor != "sqlite":
        yield
        return
    quote = connection.ops.quote_name
    column_name = model._meta.get_field(column).column if column else None
    with connection.cursor() as cursor:
        aside = _plain_indexes_on(cursor, model._meta.db_table, column_name)
        for name, _ in aside:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for _, create in aside:
            cursor.execute(create)


def foreign_keys_enforced() -> bool:
    """Whether the database checks foreign keys in this transaction: always on PostgreSQL;
    on SQLite unless they were turned off before it began (`run_relink`)."""
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        return bool(cursor.fetchone()[0])


_IDS_TABLE = "haven_person_ids"


def _ids_table(cursor, ids):
    """`_IDS_TABLE` holding these person ids for the block."""
    return _temporary_rows(cursor, _IDS_TABLE, ("id bigint PRIMARY KEY",),
                           [(pk,) for pk in ids])


def check_deleted_persons_unnamed(pks: list[int]) -> None:
    """SQLite with its foreign-key checks off (`run_relink`): raise IntegrityError if a row
    of any table still names one of these deleted persons, as the checks would have.

    Every foreign key onto Person that the database knows is asked, each from its smaller
    side: a relation with fewer rows than there are persons is read whole, each row
    looking its person up among the deleted; a larger one is looked up by its index,
    once per deleted person. SQLite's own checks ask all of them, row by row, for every
    person deleted: at 1 M records that was half the time deleting the 614,503 persons a
    first relink empties took (docs/benchmarks.md, "Foreign keys checked once")."""
    if not pks:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor, _ids_table(cursor, pks):
        cursor.execute('SELECT m.name, f."from" FROM sqlite_master m, '
                       'pragma_foreign_key_list(m.name) f '
                       "WHERE m.type = 'table' AND f.\"table\" = %s",
                       [Person._meta.db_table])
        for table, column in cursor.fetchall():
            table, column = quote(table), quote(column)
            cursor.execute(f"SELECT max(rowid) FROM {table}")  # noqa: S608 (schema names)
            rows = cursor.fetchone()[0] or 0
            if not rows:
                continue
            # CROSS JOIN keeps the order written: the left table is the one read whole.
            sides = (f"{table} AS c CROSS JOIN {_IDS_TABLE} AS g" if rows <= len(pks)
                     else f"{_IDS_TABLE} AS g CROSS JOIN {table} AS c")
            cursor.execute(f"SELECT count(*) FROM {sides} WHERE c.{column} = g.id")  # noqa: S608
            found = cursor.fetchone()[0]
            if found:
                raise IntegrityError(f"{table}.{column}: {found} rows still name a person "
                                     "the relink deletes")


def check_persons_exist(pks) -> None:
    """SQLite with its foreign-key checks off: raise IntegrityError unless every one of these
    person ids (those the relink points records and rows at) names a person."""
    pks = list(pks)
    if not pks:
        return
    quote = connection.ops.quote_name
    table, column = quote(Person._meta.db_table), quote(Person._meta.pk.column)
    with connection.cursor() as cursor, _ids_table(cursor, pks):
        cursor.execute(f"SELECT count(*) FROM {_IDS_TABLE} AS g WHERE NOT EXISTS "  # noqa: S608
                       f"(SELECT 1 FROM {table} AS p WHERE p.{column} = g.id)")
        missing = cursor.fetchone()[0]
    if missing:
        raise IntegrityError(f"{missing} persons the relink points records at do not exist")


def check_references_of(model) -> None:
    """SQLite with its foreign-key checks off: raise IntegrityError if a row of the model's
    table names a row that does not exist (`PRAGMA foreign_key_check`, the whole table:
    only for tables a clerk's queue keeps small)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA foreign_key_check({table})")
        broken = cursor.fetchall()
    if broken:
        raise IntegrityError(f"{model._meta.db_table}: {len(broken)} rows name rows that do "
                             "not exist")


_RECORDS_TABLE = "haven_record_person"


def repoint_records(changed: list[tuple[int, int]]) -> None:
    """Point each source record at its new person: `changed` is (person id, record id).

    One UPDATE ... FROM a temporary table of the pairs where the database has it (as
    `_update_relations`), else `fast_update`'s statement per record. At 1 M records the
    614,503 statements of a first relink waited on Python between rows, while the best
    values were worked out on a thread beside them; one statement does not."""
    if not changed:
        return
    if not _update_from_supported():
        fast_update(SourceRecord, ["person"], changed)
        return
    quote = connection.ops.quote_name
    table = quote(SourceRecord._meta.db_table)
    column = quote(SourceRecord._meta.get_field("person").column)
    pk = quote(SourceRecord._meta.pk.column)
    with connection.cursor() as cursor, _temporary_rows(
            cursor, _RECORDS_TABLE, ("person_id bigint NOT NULL", "id bigint PRIMARY KEY"),
            changed):
        # Names come from model metadata (quoted); the pairs are in the temporary table.
        cursor.execute(f"UPDATE {table} SET {column} = r.person_id "  # noqa: S608
                       f"FROM {_RECORDS_TABLE} r WHERE r.id = {table}.{pk}")

"""Which legacy export files Haven understands, and which room stores each.

Each room registers the files of the export contract (shared/contracts/legacy-export.md) it
owns, in its AppConfig.ready(): `register_legacy_file("incidents.csv", ...)` names the
file's columns, a validator (raw CSV row -> clean values, or `validate.RowError`) and a
store (`store(ctx, batch)`, one batch of (line, raw row, values) in one transaction, bulk
writes into the room's own tables). `haven ingest` reads the files in `order` and hands
each batch to its room. People registers people.csv and, until their rooms exist, the
files it keeps whole in `people.LegacyRecord` (crimes, DASH, MARAC, orders, intelligence);
a room that comes later claims its file by registering the same name again.

References between files (an involvement's incident, a crime's incident) are resolved
through `register_reference(kind, resolver)` by the room that owns the referred-to rows, so
that no room reads another's tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.utils.module_loading import import_string

from haven.people.models import SourceRecord


@dataclass
class Counts:
    read: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    noted: int = 0  # rows stored with a value set aside (see SourceRecord.data_quality)


def among(queryset, column: str, values):
    """`queryset.filter(<column>__in=values)`. On PostgreSQL the values go as one array
    parameter (`= ANY(%s)`): a 2,000-value IN list cost more to build and for psycopg to
    parse than the indexed query itself. Same rows either way."""
    values = list(values)
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{column}__in": values})
    quote = connection.ops.quote_name
    where = f"{quote(queryset.model._meta.db_table)}.{quote(column)} = ANY(%s)"
    # Table and column names come from model metadata (quoted); the values are a parameter.
    return queryset.extra(where=[where], params=[values])  # noqa: S610


@dataclass
class Context:
    """One file of one system's export being stored: what a room's store may ask."""

    force: object
    system: str
    counts: Counts
    rejects: list = field(default_factory=list)
    new_records: list = field(default_factory=list)  # SourceRecord ids created this run

    def reject(self, line: int, row: dict, reason: str) -> None:
        self.rejects.append((line, row, reason))
        self.counts.rejected += 1

    def person_ids_of(self, source_ids) -> dict[str, int | None]:
        """source_id (of a people.csv row of this system) -> its person id."""
        wanted = [s for s in set(source_ids) if s]
        return dict(among(SourceRecord.objects.filter(force=self.force, system=self.system),
                          "source_id", wanted).values_list("source_id", "person_id"))

    def resolve(self, kind: str, source_ids) -> dict[str, int]:
        """source_id (in this system's export) -> the id of the row it became, for a kind
        a room registered with `register_reference` (e.g. "incident"); unknown -> absent."""
        resolver = REFERENCES.get(kind)
        wanted = [s for s in set(source_ids) if s]
        if resolver is None or not wanted:
            return {}
        return resolver(self, wanted)


@dataclass(frozen=True)
class LegacyFile:
    name: str  # the file's name in the export folder, e.g. "incidents.csv"
    kind: str  # e.g. "incidents", "crime"
    room: str  # the room that stores it
    validator: Callable[[dict], dict]
    # The store, or its dotted path ("haven.people.ingest.store.store_people"), imported
    # at the first ingest so that registering it in ready() stays light.
    store: Callable[[Context, list], None] | str
    order: int  # files are read in this order (people first: the others refer to them)
    columns: tuple[str, ...] = ()  # every column the contract names
    required: tuple[str, ...] = ()  # columns without which no row can be stored


    def storer(self) -> Callable[[Context, list], None]:
        return import_string(self.store) if isinstance(self.store, str) else self.store


FILES: dict[str, LegacyFile] = {}
REFERENCES: dict[str, Callable[[Context, list], dict]] = {}


def register_legacy_file(name: str, *, kind: str, room: str, validator, store, order: int,
                         columns=(), required=()) -> None:
    """A room stores export file `name`; registering a name again replaces its handler (a
    new room claiming a file people kept as legacy records)."""
    FILES[name] = LegacyFile(name=name, kind=kind, room=room, validator=validator,
                             store=store, order=order, columns=tuple(columns),
                             required=tuple(required))


def unregister_legacy_file(name: str) -> None:
    FILES.pop(name, None)


def legacy_files() -> list[LegacyFile]:
    """Every registered file, in reading order."""
    return sorted(FILES.values(), key=lambda f: (f.order, f.name))


def legacy_file(name: str) -> LegacyFile | None:
    return FILES.get(name)


def register_reference(kind: str, resolver: Callable[[Context, list], dict]) -> None:
    """`resolver(ctx, source_ids) -> {source_id: id}` answers references of `kind` to rows
    the registering room stored from this system's export."""
    REFERENCES[kind] = resolver


class FileOrder:
    """The registered files as (file, kind, validator, store), in reading order: a live view
    of the registry (what `run.FILE_ORDER` was as a fixed list)."""

    def __iter__(self):
        return iter([(f.name, f.kind, f.validator, f.storer()) for f in legacy_files()])

    def __len__(self) -> int:
        return len(FILES)

    def __repr__(self) -> str:
        return f"FileOrder({[f.name for f in legacy_files()]})"

"""The raw export row behind a room's stored row, kept whole as an archive.

A room that stores an export file in its own tables (intake: incidents.csv) keeps each raw
row here, in `people.LegacyRecord` under its file kind, linked to the row it became: the
room's table is the one source of the fact, the archive only says what the system sent.
"""

from __future__ import annotations

from haven.core.bulk import fast_insert_rows
from haven.people.ingest.registry import Context, among
from haven.people.models import LegacyRecord

# The kinds of archived row, for rooms that archive what they store (e.g. Kind.INCIDENT).
Kind = LegacyRecord.Kind
RAW_COLUMNS = ("force_id", "system", "kind", "source_id", "occurred_at", "incident_id", "data")


def archive_rows(ctx: Context, kind: str, rows: list[tuple]) -> None:
    """Keep `rows` [(source_id, occurred_at, incident_id or None, raw row)] of one batch:
    new ones inserted in bulk, a changed raw row updated, an unchanged one left alone."""
    if not rows:
        return
    existing = {r.source_id: r for r in among(LegacyRecord.objects.filter(
        force=ctx.force, system=ctx.system, kind=kind), "source_id", [r[0] for r in rows])}
    new, changed = [], []
    for source_id, occurred_at, incident_id, data in rows:
        raw = existing.get(source_id)
        if raw is None:
            new.append((ctx.force.pk, ctx.system, kind, source_id, occurred_at, incident_id,
                        data))
        elif raw.data != data:
            raw.data = data
            changed.append(raw)
    fast_insert_rows(LegacyRecord, RAW_COLUMNS, new)
    if changed:
        LegacyRecord.objects.bulk_update(changed, ["data"], batch_size=2000)

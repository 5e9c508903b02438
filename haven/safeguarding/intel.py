"""Public-protection intelligence: the legacy `intel.csv` rows, owned by this room.

Safeguarding claims `intel.csv` in the ingest registry (SafeguardingConfig.ready): each row
becomes an `Intelligence` row here and one confidential entry on the person's chronology
that points back to it. The raw row is archived through the people room's
`archive_rows` (what the system sent), as intake does for incidents: the intelligence
itself is read only from this room's table.
"""

from __future__ import annotations

from django.utils import timezone

from haven.chronology.services import ENTRY_COLUMNS, Sensitivity, record_entries

FILE = "intel.csv"
KIND = "intel"
COLUMNS = ("source_id", "person_source_id", "recorded_at", "grading", "text")
REQUIRED = ("source_id", "person_source_id")


def store_intel(ctx, batch: list) -> None:
    """One batch of intel.csv: [(line, raw row, values)] -> Intelligence rows, chronology
    entries and the raw archive; a row whose person is unknown is rejected."""
    # Imported at the first ingest, not at start-up (the store is registered by dotted path).
    from haven.people.ingest.archive import archive_rows
    from haven.safeguarding.models import Intelligence

    persons = ctx.person_ids_of([values["subject"] for _line, _row, values in batch])
    ids = [values["source_id"] for _line, _row, values in batch]
    existing = {r.source_id: r for r in Intelligence.objects.filter(
        force=ctx.force, source_system=ctx.system, source_id__in=ids)}
    new, changed, archive = [], [], []
    now = timezone.now()
    for line, row, values in batch:
        person_id = persons.get(values["subject"])
        if person_id is None:
            ctx.reject(line, row, f"person_source_id {values['subject']} is not in people.csv")
            continue
        data = values["data"]
        fields = {"person_id": person_id, "recorded_at": values["occurred_at"] or now,
                  "grading": (data.get("grading") or "").strip()[:16],
                  "text": (data.get("text") or "").strip()}
        archive.append((values["source_id"], values["occurred_at"], None, data))
        record = existing.get(values["source_id"])
        if record is None:
            new.append(Intelligence(force=ctx.force, source_system=ctx.system,
                                    source_id=values["source_id"],
                                    sensitivity=Sensitivity.CONFIDENTIAL, **fields))
        elif any(getattr(record, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(record, k, v)
            changed.append(record)
        else:
            ctx.counts.unchanged += 1
    created = Intelligence.objects.bulk_create(new)
    if changed:
        Intelligence.objects.bulk_update(changed, ["person_id", "recorded_at", "grading",
                                                   "text"])
    if any(r.pk is None for r in created):  # backends that return no ids: read them back
        created = list(Intelligence.objects.filter(
            force=ctx.force, source_system=ctx.system,
            source_id__in=[r.source_id for r in new]))
    rows = [dict(person_id=r.person_id, force_id=ctx.force.pk, occurred_at=r.recorded_at,
                 kind="intelligence", source_room="safeguarding", source_type="intelligence",
                 source_id=str(r.pk), summary=_summary(r, ctx.system),
                 sensitivity=Sensitivity.CONFIDENTIAL) for r in created]
    record_entries([tuple(row[c] for c in ENTRY_COLUMNS) for row in rows])
    archive_rows(ctx, KIND, archive)
    ctx.counts.stored += len(created)
    ctx.counts.updated += len(changed)


def _summary(item, system: str) -> str:
    graded = f", graded {item.grading}" if item.grading else ""
    return f"Intelligence item ({system.replace('_', ' ')}{graded})"


def register() -> None:
    """Claim intel.csv from the people room (registering the name again replaces its
    handler; this room's ready() runs after people's)."""
    # Imported here: called from AppConfig.ready(), once the app registry is full.
    from haven.people.ingest import validate
    from haven.people.ingest.registry import register_legacy_file

    register_legacy_file(FILE, kind=KIND, room="safeguarding", validator=validate.intel_row,
                         store="haven.safeguarding.intel.store_intel", order=70,
                         columns=COLUMNS, required=REQUIRED)

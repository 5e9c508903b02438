"""Rooms write to a person's chronology through `record_entry`; readers use `entries_for`."""

from __future__ import annotations

from django.db.models import QuerySet

from haven.access.capabilities import max_sensitivity
from haven.chronology.models import Entry
from haven.core.bulk import fast_insert_rows


def _entry(person, *, occurred_at, kind: str, source_room: str, source_type: str, source_id,
           summary: str, sensitivity: int, actor) -> Entry:
    """An unsaved entry of `person`'s chronology (refused without a summary)."""
    if not summary.strip():
        raise ValueError("A chronology entry needs a summary")
    return Entry(person=person, force_id=person.force_id, occurred_at=occurred_at, kind=kind,
                 source_room=source_room, source_type=source_type, source_id=str(source_id),
                 summary=summary[:300], sensitivity=sensitivity,
                 recorded_by=actor if getattr(actor, "is_authenticated", False) else None)


def record_entry(
    person,
    *,
    occurred_at,
    kind: str,
    source_room: str,
    source_type: str,
    source_id,
    summary: str,
    sensitivity: int = Entry.Sensitivity.NORMAL,
    actor=None,
) -> Entry:
    """Add one event to a person's chronology (call inside the action's transaction)."""
    entry = _entry(person, occurred_at=occurred_at, kind=kind, source_room=source_room,
                   source_type=source_type, source_id=source_id, summary=summary,
                   sensitivity=sensitivity, actor=actor)
    entry.save(force_insert=True)
    return entry


def record_entry_for_each(persons, *, occurred_at, kind: str, source_room: str,
                          source_type: str, source_id, summary: str,
                          sensitivity: int = Entry.Sensitivity.NORMAL, actor=None) -> int:
    """`record_entry` for each of `persons` (the same event on several people's
    chronologies, e.g. everyone named on an incident log), as one multi-row INSERT. Call
    inside the action's transaction. Returns how many were written."""
    entries = [_entry(person, occurred_at=occurred_at, kind=kind, source_room=source_room,
                      source_type=source_type, source_id=source_id, summary=summary,
                      sensitivity=sensitivity, actor=actor) for person in persons]
    Entry.objects.bulk_create(entries)
    return len(entries)


def entries_for(user, person) -> QuerySet[Entry]:
    """The entries this user may read, newest first. The caller has already authorised the person
    through `access_person`, which logged the read."""
    return Entry.objects.filter(person=person, sensitivity__lte=max_sensitivity(user))


Sensitivity = Entry.Sensitivity
# The column order of `record_entries` rows.
ENTRY_COLUMNS = ("person_id", "force_id", "occurred_at", "kind", "source_room", "source_type",
                 "source_id", "summary", "sensitivity")


def record_entries(rows: list[tuple]) -> int:
    """The bulk form of `record_entry`, for ingest: one multi-row insert of entries given as
    tuples in `ENTRY_COLUMNS` order (ids, not instances; source_id as text). Call inside the
    batch's transaction. Returns how many were written."""
    fast_insert_rows(Entry, ENTRY_COLUMNS, rows)
    return len(rows)

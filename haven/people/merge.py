"""Merge two persons a user judges to be one, and undo it exactly.

A merge moves every row hanging off the absorbed person (source records, addresses,
chronology, involvements, shares, markers, and any later room's rows) to the kept
person, records the moved ids in a MergeEvent, and leaves the absorbed person as a
tombstone (`merged_into`). Unmerge moves exactly those rows back and restores both
persons' best values. Both are logged as "combination".
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from haven.access.log import Action, record_access
from haven.chronology.services import record_entry
from haven.core.actions import action
from haven.core.concurrency import StaleEdit
from haven.people.addresses import protect_addresses
from haven.people.models import MergeEvent, Person
from haven.people.movers import move_back, move_person_data, restore_dropped
from haven.people.services import BEST_FIELDS, InvalidRecord, refresh_person


def _state(person: Person) -> dict:
    values = {name: getattr(person, name) for name in BEST_FIELDS}
    if values["date_of_birth"] is not None:
        values["date_of_birth"] = values["date_of_birth"].isoformat()
    return values


def _restore(person: Person, state: dict) -> None:

    for name in BEST_FIELDS:
        value = state.get(name)
        if name == "date_of_birth" and value:
            value = dt.date.fromisoformat(value)
        setattr(person, name, value)


@action("person.merge", record_type="person")
def do_merge_persons(keep: Person, absorb: Person, *, reason: str, actor,
                     version: int | None = None) -> MergeEvent:
    """Merge `absorb` into `keep`. `version` (of keep, as the user read it) guards staleness."""
    if not (reason or "").strip():
        raise InvalidRecord("reason", "Give a reason for the merge")
    if keep.pk == absorb.pk:
        raise InvalidRecord("other_person", "A person cannot be merged with themselves")
    if keep.force_id != absorb.force_id:
        raise InvalidRecord("other_person", "Persons of different forces cannot be merged")
    with transaction.atomic():
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(
            pk__in=[keep.pk, absorb.pk])}
        keep, absorb = locked[keep.pk], locked[absorb.pk]
        if keep.merged_into_id or absorb.merged_into_id:
            raise StaleEdit("One of these persons has already been merged. Reload the page.")
        if version is not None and keep.version != version:
            raise StaleEdit("This person was changed by someone else. Reload and try again.")
        snapshot = {
            "keep_before": _state(keep), "absorbed_before": _state(absorb),
            "keep_records": list(keep.source_records.values_list("pk", flat=True)),
        }
        snapshot.update(move_person_data(absorb, keep))
        absorb.merged_into = keep
        absorb.version += 1
        absorb.save(update_fields=["merged_into", "version", "updated_at"])
        refresh_person(keep)
        protect_addresses([keep.pk])
        keep.version += 1
        keep.save(update_fields=["version", "updated_at"])
        event = MergeEvent.objects.create(force_id=keep.force_id, keep=keep, absorbed=absorb,
                                          reason=reason.strip()[:500], snapshot=snapshot,
                                          merged_by=actor)
        moved = {k: len(v) for k, v in snapshot["moved"].items()}
        record_access(actor, Action.COMBINATION, record_type="person", record_id=keep.pk,
                      person_id=keep.pk, reason=reason[:500],
                      detail={"merge_event": event.pk, "absorbed": absorb.pk, "moved": moved})
        record_entry(keep, occurred_at=timezone.now(), kind="persons_merged",
                     source_room="people", source_type="merge_event", source_id=event.pk,
                     summary=f"Person {absorb.pk} merged into this person", actor=actor)
    return event


@action("person.merge", record_type="person")
def do_unmerge(merge_event: MergeEvent, *, actor) -> Person:
    """Undo a merge exactly: move back what moved, restore dropped rows and best values.

    Returns the restored (formerly absorbed) person.
    """
    with transaction.atomic():
        event = MergeEvent.objects.select_for_update().get(pk=merge_event.pk)
        if event.unmerged_at is not None:
            raise StaleEdit("This merge has already been undone. Reload the page.")
        keep = Person.objects.select_for_update().get(pk=event.keep_id)
        absorbed = Person.objects.select_for_update().get(pk=event.absorbed_id)
        if keep.merged_into_id:
            raise StaleEdit(f"Person {keep.pk} was itself merged later; undo that merge first.")
        snapshot = event.snapshot
        move_back(snapshot.get("moved", {}), absorbed.pk)
        restore_dropped(snapshot)
        absorbed.merged_into = None
        _restore(absorbed, snapshot["absorbed_before"])
        absorbed.version += 1
        absorbed.save()
        _restore(keep, snapshot["keep_before"])
        keep.version += 1
        keep.save()
        event.unmerged_at, event.unmerged_by = timezone.now(), actor
        event.save(update_fields=["unmerged_at", "unmerged_by"])
        for person_id in (keep.pk, absorbed.pk):
            record_access(actor, Action.COMBINATION, record_type="person", record_id=person_id,
                          person_id=person_id,
                          detail={"unmerge_of": event.pk, "keep": keep.pk,
                                  "absorbed": absorbed.pk})
        for person, other in ((keep, absorbed), (absorbed, keep)):
            record_entry(person, occurred_at=timezone.now(), kind="persons_unmerged",
                         source_room="people", source_type="merge_event", source_id=event.pk,
                         summary=f"Merge with person {other.pk} undone", actor=actor)
    return absorbed

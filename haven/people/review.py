"""Clerical review: a person decides whether two source records are the same person."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.chronology.services import record_entry
from haven.core.actions import action
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit
from haven.people.keys import profile
from haven.people.merge import do_merge_persons
from haven.people.models import Address, ReviewItem, SourceRecord
from haven.people.scoring import compare
from haven.people.services import RAW_FIELDS, InvalidRecord, new_person_for, refresh_person


def review_items_for(user) -> QuerySet[ReviewItem]:
    """The user's force's review queue (empty for roles without `linkage.review`)."""
    if not can(user, "linkage.review") or not user.force_id:
        return ReviewItem.objects.none()
    return ReviewItem.objects.filter(force_id=user.force_id).select_related(
        "record_a", "record_b")


def access_review_item(user, item_id) -> ReviewItem:
    pk = db_int(item_id)
    item = review_items_for(user).filter(pk=pk).first() if pk is not None else None
    if item is None:
        # Refused or missing look the same, and the attempt is logged (ADR 0002).
        if getattr(user, "is_authenticated", False):
            record_access(user, Action.CONSULTATION, record_type="review_item",
                          record_id=item_id, outcome=Outcome.REFUSED)
        raise Http404("Not found")
    record_access(user, Action.CONSULTATION, record_type="review_item", record_id=item.pk,
                  person_id=item.record_a.person_id,
                  detail={"persons": [item.record_a.person_id, item.record_b.person_id]})
    return item


# What a reviewer reads for each field the engines compare.
FIELD_LABELS = {
    "forename": "Forename", "middle_names": "Middle names", "middle": "Middle names",
    "surname": "Surname", "dateofbirth": "Date of birth", "date_of_birth": "Date of birth",
    "dob": "Date of birth", "gender": "Gender", "phone": "Phone", "email": "Email",
    "address_line": "Address line", "town": "Town", "postcode": "Postcode",
    "aliases": "Aliases", "pnc": "PNC id", "pnc_id": "PNC id",
    "confidential_address": "Confidential address", "incident": "Same incident",
}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def evidence_for(item: ReviewItem) -> list[dict]:
    """Per-field evidence: stored from the run, else computed with the light scorer."""
    if item.evidence:
        rows = [{"field": e.get("field", ""), "level": e.get("level", e.get("comparison_level")),
                 "weight": e.get("weight", e.get("match_weight", 0.0))} for e in item.evidence]
    else:
        a, b = (profile({n: getattr(r, n) for n in RAW_FIELDS}) for r in (item.record_a,
                                                                            item.record_b))
        rows = compare(a, b)[1]
    return [{**row, "label": field_label(row["field"])} for row in rows]


def _split_off(record: SourceRecord, actor):
    """Give a wrongly linked record its own person again (with its own address)."""
    old = record.person
    record.person = new_person_for(record)
    record.save(update_fields=["person"])
    Address.objects.filter(person=old, source_record=record).update(person=record.person)
    refresh_person(old)
    return record.person


@action("linkage.review", record_type="review_item")
def do_decide_review(item: ReviewItem, *, decision: str, version: int, actor) -> ReviewItem:
    """Record link / not_link; link merges the two persons, not_link separates them.

    A later `haven link` passes the decision to the engine as must-link / cannot-link.
    """

    if decision not in (ReviewItem.Decision.LINK, ReviewItem.Decision.NOT_LINK):
        raise InvalidRecord("decision", "Choose whether the records are the same person")
    with transaction.atomic():
        updated = ReviewItem.objects.filter(pk=item.pk, version=version, decision="").update(
            decision=decision, decided_by=actor, decided_at=timezone.now(), version=version + 1)
        if not updated:
            raise StaleEdit("Someone else decided this pair already. Reload the queue.")
        item.refresh_from_db()
        a, b = item.record_a, item.record_b
        outcome = "unchanged"
        if decision == ReviewItem.Decision.LINK and a.person_id != b.person_id:
            keep, absorb = sorted((a.person, b.person),
                                  key=lambda p: (-p.source_records.count(), p.pk))
            do_merge_persons(keep, absorb, reason=f"Clerical review {item.pk}: same person",
                             actor=actor)
            outcome = "merged"
        elif decision == ReviewItem.Decision.NOT_LINK and a.person_id == b.person_id:
            _split_off(b, actor)
            outcome = "separated"
        a.refresh_from_db()
        b.refresh_from_db()
        record_access(actor, Action.COMBINATION, record_type="review_item", record_id=item.pk,
                      person_id=a.person_id,
                      detail={"decision": decision, "records": [a.pk, b.pk], "outcome": outcome,
                              "persons": sorted({a.person_id, b.person_id})})
        for person in {a.person, b.person}:
            record_entry(person, occurred_at=timezone.now(), kind="linkage_review",
                         source_room="people", source_type="review_item", source_id=item.pk,
                         summary="Linkage review: " + ("same person" if decision == "link"
                                                       else "not the same person"),
                         actor=actor)
    return item

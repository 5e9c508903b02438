"""Clerical review queue and merge / unmerge: thin views over review.py and merge.py."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit
from haven.people.access import access_person
from haven.people.addresses import PlaceSet, force_places, is_confidential, place
from haven.people.merge import do_merge_persons, do_unmerge
from haven.people.models import MergeEvent
from haven.people.national import cross_force_waiting_count
from haven.people.review import (
    access_review_item,
    do_decide_review,
    evidence_for,
    field_label,
    review_items_for,
)
from haven.people.services import RAW_FIELDS, InvalidRecord

QUEUE_PAGE = 50


def _require_logged(user, capability: str, *, record_type: str, record_id="") -> None:
    """`require`, with the refused attempt written to the access log (ADR 0002)."""
    if not can(user, capability):
        record_access(user, Action.COMBINATION, record_type=record_type, record_id=record_id,
                      outcome=Outcome.REFUSED)
        raise Http404("Not found")


@login_required
def review_queue(request):
    if not can(request.user, "linkage.review"):
        record_access(request.user, Action.CONSULTATION, record_type="review_queue",
                      outcome=Outcome.REFUSED)
        raise Http404("Not found")
    pending = review_items_for(request.user).filter(decision="").order_by("-probability", "pk")
    items = list(pending[:QUEUE_PAGE])
    # The queue names records of persons: the read is logged (ids only).
    record_access(request.user, Action.CONSULTATION, record_type="review_queue",
                  detail={"items": [i.pk for i in items], "persons": sorted(
                      {p for i in items for p in (i.record_a.person_id, i.record_b.person_id)
                       if p is not None})})
    return render(request, "people/review_queue.html",
                  {"items": items, "total": pending.count(),
                   "cross_force_waiting": cross_force_waiting_count(request.user)})


def _side(user, record, places) -> list[dict]:
    """One record's fields; its address masked without need when this system or any other
    system marked the same place confidential for either person in the pair."""
    show_confidential = can(user, "person.view_confidential_address")
    hidden = (record.confidential_address or is_confidential(
        place(record.address_line, record.postcode), places)) and not show_confidential
    rows = []
    for name in RAW_FIELDS:
        value = getattr(record, name)
        if name in {"address_line", "town", "postcode"} and hidden:
            value = "Confidential address – not shown to your role"
        rows.append({"name": field_label(name), "value": value})
    return rows


def _posted_version(request) -> int:
    """The version the form was read at; a malformed one is 0, which no record has (stale)."""
    return db_int(request.POST.get("version", "").strip()) or 0


@login_required
def review_item(request, item_id):
    item = access_review_item(request.user, item_id)  # 404 and logged when refused
    error = None
    if request.method == "POST":
        try:
            do_decide_review(item, decision=request.POST.get("decision", ""),
                             version=_posted_version(request), actor=request.user)
            messages.success(request, "Decision recorded.")
            return redirect("people:review_queue")
        except InvalidRecord as exc:
            error = {"field": exc.field, "message": str(exc)}
        except StaleEdit as exc:
            error = {"field": "decision", "message": str(exc)}
    places = PlaceSet([*force_places(item.force_id), *(
        place(r.address_line, r.postcode) for r in (item.record_a, item.record_b)
        if r.confidential_address)])
    fields = zip(_side(request.user, item.record_a, places),
                 _side(request.user, item.record_b, places), strict=True)
    return render(request, "people/review_item.html",
                  {"item": item, "fields": fields, "evidence": evidence_for(item),
                   "error": error})


@login_required
@require_POST
def merge(request, person_id):
    _require_logged(request.user, "person.merge", record_type="person", record_id=person_id)
    keep = access_person(request.user, person_id)
    other_id = request.POST.get("other_person", "").strip()
    try:
        if db_int(other_id) is None:
            raise InvalidRecord("other_person", "Enter the number of the person to merge in")
        absorb = access_person(request.user, other_id)
        event = do_merge_persons(keep, absorb, reason=request.POST.get("reason", ""),
                                 actor=request.user,
                                 version=_posted_version(request))
        messages.success(request, f"Person {event.absorbed_id} merged into this person.")
    except (InvalidRecord, StaleEdit) as exc:
        messages.error(request, str(exc))
    except Http404:
        messages.error(request, "Enter the number of a person you may see to merge in")
    return redirect("people:detail", person_id=keep.pk)


@login_required
@require_POST
def unmerge(request, merge_id):
    _require_logged(request.user, "person.merge", record_type="merge_event", record_id=merge_id)
    if not request.user.force_id:
        raise Http404("Not found")
    if db_int(merge_id) is None:
        raise Http404("Not found")
    event = get_object_or_404(MergeEvent, pk=merge_id, force_id=request.user.force_id)
    access_person(request.user, event.keep_id)
    try:
        restored = do_unmerge(event, actor=request.user)
        messages.success(request, f"Merge undone: person {restored.pk} restored.")
    except StaleEdit as exc:
        messages.error(request, str(exc))
    return redirect("people:detail", person_id=event.keep_id)

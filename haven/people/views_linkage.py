"""Clerical review queue and merge / unmerge: thin views over review.py and merge.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from haven.access.capabilities import can, require
from haven.core.concurrency import StaleEdit
from haven.people.access import access_person
from haven.people.merge import do_merge_persons, do_unmerge
from haven.people.models import MergeEvent
from haven.people.review import (
    access_review_item,
    do_decide_review,
    evidence_for,
    field_label,
    review_items_for,
)
from haven.people.services import RAW_FIELDS, InvalidRecord

QUEUE_PAGE = 50


@login_required
def review_queue(request):
    require(request.user, "linkage.review")
    pending = review_items_for(request.user).filter(decision="").order_by("-probability", "pk")
    return render(request, "people/review_queue.html",
                  {"items": pending[:QUEUE_PAGE], "total": pending.count()})


def _side(user, record) -> list[dict]:
    show_confidential = can(user, "person.view_confidential_address")
    rows = []
    for name in RAW_FIELDS:
        value = getattr(record, name)
        if name in {"address_line", "town", "postcode"} and record.confidential_address \
                and not show_confidential:
            value = "Confidential address – not shown to your role"
        rows.append({"name": field_label(name), "value": value})
    return rows


@login_required
def review_item(request, item_id):
    require(request.user, "linkage.review")
    item = access_review_item(request.user, item_id)
    error = None
    if request.method == "POST":
        try:
            do_decide_review(item, decision=request.POST.get("decision", ""),
                             version=int(request.POST.get("version") or 0), actor=request.user)
            messages.success(request, "Decision recorded.")
            return redirect("people:review_queue")
        except InvalidRecord as exc:
            error = {"field": exc.field, "message": str(exc)}
        except StaleEdit as exc:
            error = {"field": "decision", "message": str(exc)}
    fields = zip(_side(request.user, item.record_a), _side(request.user, item.record_b),
                 strict=True)
    return render(request, "people/review_item.html",
                  {"item": item, "fields": fields, "evidence": evidence_for(item),
                   "error": error})


@login_required
@require_POST
def merge(request, person_id):
    require(request.user, "person.merge")
    keep = access_person(request.user, person_id)
    other_id = request.POST.get("other_person", "").strip()
    try:
        if not other_id.isdigit():
            raise InvalidRecord("other_person", "Enter the number of the person to merge in")
        absorb = access_person(request.user, other_id)
        event = do_merge_persons(keep, absorb, reason=request.POST.get("reason", ""),
                                 actor=request.user,
                                 version=int(request.POST.get("version") or 0))
        messages.success(request, f"Person {event.absorbed_id} merged into this person.")
    except (InvalidRecord, StaleEdit) as exc:
        messages.error(request, str(exc))
    except Http404:
        messages.error(request, "other_person: no such person you may see")
    return redirect("people:detail", person_id=keep.pk)


@login_required
@require_POST
def unmerge(request, merge_id):
    require(request.user, "person.merge")
    if not request.user.force_id:
        raise Http404("Not found")
    event = get_object_or_404(MergeEvent, pk=merge_id, force_id=request.user.force_id)
    access_person(request.user, event.keep_id)
    try:
        restored = do_unmerge(event, actor=request.user)
        messages.success(request, f"Merge undone: person {restored.pk} restored.")
    except StaleEdit as exc:
        messages.error(request, str(exc))
    return redirect("people:detail", person_id=event.keep_id)

"""Matches with other forces (issue 19): thin views over national.py's review services.

A national run's cross-force proposals wait for both forces' answers; each force's
`linkage.review` roles answer for its side here. Nothing is ever merged across forces.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.core.concurrency import StaleEdit
from haven.people.national import (
    access_cross_force_proposal,
    answer_label,
    cross_force_queue,
    do_decide_cross_force,
    do_withdraw_cross_force,
    page_number,
    proposal_for_reviewer,
)
from haven.people.services import InvalidRecord
from haven.people.views_linkage import _posted_version

CONFIRMED = ("Both forces said these records are the same person: the match is confirmed. "
             "No records were merged; each force keeps its own record.")


@login_required
def cross_force_list(request):
    if not can(request.user, "linkage.review") or not request.user.force_id:
        record_access(request.user, Action.CONSULTATION, record_type="cross_force_queue",
                      outcome=Outcome.REFUSED)
        raise Http404("Not found")
    context = cross_force_queue(request.user, page=page_number(request.GET.get("page")),
                                answered_page=page_number(request.GET.get("answered_page")))
    context["waiting_pages"] = _pages(context["waiting_page"], "page",
                                      context["answered_page"]["number"], "answered_page")
    context["answered_pages"] = _pages(context["answered_page"], "answered_page",
                                       context["waiting_page"]["number"], "page")
    return render(request, "people/cross_force_list.html", context)


def _pages(paging: dict, name: str, other_number: int, other_name: str) -> dict | None:
    """GOV.UK pagination for one of the list's tables: the links keep the other table's
    page, and only the first, last and the pages next to the current one are numbered."""
    if paging["pages"] < 2:
        return None

    def href(number):
        query = {name: number}
        if other_number > 1:
            query[other_name] = other_number
        anchor = "#waiting" if name == "page" else "#answered"
        return "?" + "&".join(f"{k}={v}" for k, v in sorted(query.items())) + anchor

    current, last = paging["number"], paging["pages"]
    items, previous = [], 0
    for number in range(1, last + 1):
        if number in (1, last) or abs(number - current) <= 1:
            if number - previous > 1:
                items.append({"ellipsis": True})
            items.append({"number": number, "href": href(number), "current": number == current})
            previous = number
    return {"items": items, "previous": href(current - 1) if current > 1 else None,
            "next": href(current + 1) if current < last else None}


def _decided_message(proposal, user) -> str:
    if proposal.confirmed:
        return CONFIRMED
    own = proposal.decision_a if proposal.force_a_id == user.force_id else proposal.decision_b
    other = proposal.decision_b if proposal.force_a_id == user.force_id else proposal.decision_a
    if not other:
        return (f"Your force's answer is recorded ({answer_label(own)}). "
                "It now waits for the other force's answer.")
    return f"Your force's answer is recorded ({answer_label(own)}). The forces disagree: " \
        "the records stay apart."


WITHDRAWN = ("Your force's answer is withdrawn. The match waits for your force's answer "
             "again.")
UNCONFIRMED = ("Your force's answer is withdrawn: the match is no longer confirmed, and the "
               "\"Also recorded by\" line has gone from both forces' person pages. The match "
               "waits for your force's answer again.")


@login_required
def cross_force_proposal(request, proposal_id):
    error = None
    if request.method == "POST":
        proposal = access_cross_force_proposal(request.user, proposal_id)  # 404, logged
        try:
            proposal = do_decide_cross_force(
                proposal, decision=request.POST.get("decision", ""),
                version=_posted_version(request), actor=request.user)
            messages.success(request, _decided_message(proposal, request.user))
            return redirect("people:cross_force_list")
        except (InvalidRecord, StaleEdit) as exc:
            error = str(exc)
    return _proposal_page(request, proposal_id, error=error)


@login_required
def cross_force_withdraw(request, proposal_id):
    """A force takes back its answer, with a reason, carrying the version it read."""
    proposal = access_cross_force_proposal(request.user, proposal_id)  # 404, logged
    if request.method != "POST":
        return redirect("people:cross_force_proposal", proposal.pk)
    reason = request.POST.get("reason", "")
    try:
        withdrawal = do_withdraw_cross_force(proposal, reason=reason,
                                             version=_posted_version(request),
                                             actor=request.user)
    except InvalidRecord as exc:
        return _proposal_page(request, proposal_id, reason_error=str(exc), reason=reason)
    except StaleEdit as exc:
        return _proposal_page(request, proposal_id, withdraw_error=str(exc), reason=reason)
    messages.success(request, UNCONFIRMED if withdrawal.was_confirmed else WITHDRAWN)
    return redirect("people:cross_force_proposal", proposal.pk)


def _proposal_page(request, proposal_id, *, error=None, reason_error=None, withdraw_error=None,
                   reason=""):
    seen = proposal_for_reviewer(request.user, proposal_id)  # 404 and logged when refused
    own, other = seen["own"], seen["other"]
    rows = [("Forename", "forename"), ("Middle names", "middle_names"), ("Surname", "surname"),
            ("Date of birth", "date_of_birth"), ("Gender", "gender"), ("PNC id", "pnc_id"),
            ("System", "system")]
    fields = [{"label": label, "own": own.get(name),
               "other": other.get(name) if seen["other_shared"] else None}
              for label, name in rows]
    return render(request, "people/cross_force_proposal.html", {
        "p": seen, "fields": fields, "error": error, "confirmed_text": CONFIRMED,
        "reason_error": reason_error, "withdraw_error": withdraw_error, "reason": reason,
        "answer_own": answer_label(seen["decision_own"]),
        "answer_other": answer_label(seen["decision_other"])})

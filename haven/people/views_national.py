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
    return render(request, "people/cross_force_list.html", cross_force_queue(request.user))


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
        "answer_own": answer_label(seen["decision_own"]),
        "answer_other": answer_label(seen["decision_other"])})

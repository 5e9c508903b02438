"""The victim's case: opened or updated by the HAU review, re-opened by a new incident,
closed only with a reason, regraded (lowered only with the mitigation and a rationale).

Every change here is a `do_` action (haven.core.actions): capability checked, one
transaction, access log and chronology written with the change.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from haven.access.log import Action, record_access, via
from haven.chronology.services import ENTRY_COLUMNS, record_entries, record_entry
from haven.core.actions import action, unchanged
from haven.core.concurrency import StaleEdit, update_if_unchanged
from haven.forces.policy import policy
from haven.intake.home import victims_of
from haven.people.access import scoped_persons
from haven.safeguarding import allocation
from haven.safeguarding.models import GRADE_ORDER, Case, CaseEvent, ContactPreferences, RiskChange
from haven.safeguarding.services import RECORD_TYPE

__all__ = ["CaseRefused", "StaleEdit", "do_close_case", "do_open_or_update_case",
           "do_regrade_case", "do_reopen_case", "do_save_contact_preferences", "do_set_markers",
           "on_case_update", "on_incident_recorded", "chronicle"]

STALE = "Someone else changed this case since you opened it. Reload the page and try again."

# Safety markers an officer can set; shown on the sanitised view too.
MARKERS = (
    "Do not visit unannounced",
    "Live DVPO",
    "Live DVPN",
    "Bail conditions: no contact",
    "Firearms or weapons at the address",
    "Children in the household",
    "Interpreter needed",
    "Call before visiting: safe number only",
)


class CaseRefused(ValueError):
    """A change the rules refuse; `field` names the form field to show the message on."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def review_due(force, grade: str, at) -> dt.datetime:
    days = (policy(force, "safeguarding_review_days", at=at) or {}).get(grade, 28)
    return at + dt.timedelta(days=days)


def chronicle(case: Case, *, kind: str, summary: str, actor=None, person=None, at=None,
              sensitivity: int = 2) -> None:
    """One entry on the victim's chronology for the case (restricted by default: the fact
    of a safeguarding case is not for every reader). Inside the action's transaction."""
    at = at or timezone.now()
    if person is None and actor is not None and getattr(actor, "is_authenticated", False):
        person = scoped_persons(actor).filter(pk=case.person_id).first()
    if person is not None:
        record_entry(person, occurred_at=at, kind=kind, source_room="safeguarding",
                     source_type="case", source_id=case.pk, summary=summary,
                     sensitivity=sensitivity, actor=actor)
        return
    row = dict(person_id=case.person_id, force_id=case.force_id, occurred_at=at, kind=kind,
               source_room="safeguarding", source_type="case", source_id=str(case.pk),
               summary=summary[:300], sensitivity=sensitivity)
    record_entries([tuple(row[c] for c in ENTRY_COLUMNS)])


def _event(case, kind, summary, *, actor=None, reason="", at=None):
    return CaseEvent.objects.create(case=case, kind=kind, at=at or timezone.now(),
                                    actor=actor if getattr(actor, "is_authenticated", False)
                                    else None, summary=summary[:300], reason=reason)


def _log(actor, case, *, detail=None, reason="", action_kind=Action.ALTERATION):
    record_access(actor, action_kind, record_type=RECORD_TYPE, record_id=case.pk,
                  person_id=case.person_id, reason=reason, detail={**(detail or {}),
                                                                   **via(actor)})


@action("case.manage", record_type=RECORD_TYPE)
def do_open_or_update_case(force, person_id: int, *, grade: str, assessment_id=None,
                           why: str = "", actor, person=None) -> Case:
    """The HAU review opens the victim's case (one per victim per force), re-opens it if
    closed, or updates its grade. The grade the HAU set is recorded in the risk history;
    the case is routed to its holder by the force's allocation policy."""
    now = timezone.now()
    if actor is not None and getattr(actor, "force_id", None) != force.pk:
        raise Http404("Not found")
    case = Case.objects.select_for_update().filter(force=force, person_id=person_id).first()
    if case is None:
        case = Case.objects.create(force=force, person_id=person_id, status=Case.Status.OPEN,
                                   opened_at=now, grade=grade, assessment_id=assessment_id,
                                   next_review_at=review_due(force, grade, now))
        RiskChange.objects.create(case=case, at=now, actor=actor, to_grade=grade,
                                  rationale=why, source="hau_review")
        _event(case, CaseEvent.Kind.OPENED, f"Case opened: {grade} risk ({why})".strip(),
               actor=actor, at=now)
        allocation.do_route_case(case, actor=actor, at=now, reason="Case opened")
        chronicle(case, kind="safeguarding_case_opened", actor=actor, person=person, at=now,
                  summary=f"Safeguarding case opened after HAU review: {grade} risk")
        _log(actor, case, detail={"opened": True, "assessment": assessment_id})
        return case
    fields = {"grade": grade, "assessment_id": assessment_id or case.assessment_id}
    reopened = case.status == Case.Status.CLOSED
    if reopened:
        fields.update(status=Case.Status.OPEN, closed_at=None, close_reason="")
    if grade != case.grade:
        RiskChange.objects.create(case=case, at=now, actor=actor, from_grade=case.grade,
                                  to_grade=grade, rationale=why, source="hau_review")
        fields["next_review_at"] = review_due(force, grade, now)
    before = case.grade
    update_if_unchanged(case, case.version, STALE, **fields)
    if reopened:
        _event(case, CaseEvent.Kind.REOPENED, "Re-opened by HAU review", actor=actor, at=now)
    what = f"{before} to {grade}" if before != grade else f"{grade} confirmed"
    _event(case, CaseEvent.Kind.UPDATED, f"HAU review: {what}", actor=actor, at=now)
    if allocation.routing_kind(force, before, at=now) != allocation.routing_kind(
            force, grade, at=now) or (not case.allocated_user_id and not case.allocated_team):
        allocation.do_route_case(case, actor=actor, at=now, reason=f"Risk now {grade}")
    chronicle(case, kind="safeguarding_case_updated", actor=actor, person=person, at=now,
              summary=f"Safeguarding case {'re-opened and ' if reopened else ''}updated after "
                      f"HAU review: {what}")
    _log(actor, case, detail={"updated": True, "reopened": reopened,
                              "assessment": assessment_id})
    return case


def on_case_update(follow_up, *, actor) -> None:
    """The HAU review's "case_update" step (registered with haven.risk.review): runs inside
    the review's transaction, so the review and the case commit together."""
    do_open_or_update_case(follow_up.force, follow_up.victim_id, grade=follow_up.grade,
                           assessment_id=follow_up.assessment_id, why=follow_up.why,
                           actor=actor)


@action("case.manage", record_type=RECORD_TYPE)
def do_close_case(case: Case, *, version, reason: str, actor) -> Case:
    """Close an open case; the reason is required and kept in the case's history."""
    if not reason.strip():
        raise CaseRefused("reason", "Say why the case is being closed")
    if case.status == Case.Status.CLOSED:
        raise CaseRefused("reason", "This case is already closed")
    now = timezone.now()
    update_if_unchanged(case, version, STALE, status=Case.Status.CLOSED, closed_at=now,
                        close_reason=reason.strip()[:300])
    _event(case, CaseEvent.Kind.CLOSED, "Case closed", actor=actor, reason=reason, at=now)
    chronicle(case, kind="safeguarding_case_closed", actor=actor, at=now,
              summary="Safeguarding case closed")
    _log(actor, case, detail={"closed": True})
    return case


@action("case.manage", record_type=RECORD_TYPE, system=True)
def do_reopen_case(case: Case, *, reason: str, actor, person=None, at=None) -> bool:
    """Re-open a closed case (a new incident for the victim). Idempotent: an open case is
    left alone and False returned. `actor=None` only for the system (the incident
    subscriber)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.OPEN:
        unchanged()
        return False
    now = at or timezone.now()
    update_if_unchanged(case, case.version, STALE, status=Case.Status.OPEN, closed_at=None,
                        close_reason="", next_review_at=review_due(case.force, case.grade, now))
    _event(case, CaseEvent.Kind.REOPENED, "Case re-opened", actor=actor, reason=reason,
           at=now)
    chronicle(case, kind="safeguarding_case_reopened", actor=actor, person=person, at=now,
              summary=f"Safeguarding case re-opened: {reason}"[:300])
    _log(actor, case, detail={"reopened": True})
    return True


def on_incident_recorded(event) -> None:
    """After an incident log commits: each of its victims' closed cases in that force is
    re-opened (a new incident re-opens the case). Idempotent; runs as the system."""
    victims = victims_of([event.incident_id]).get(event.incident_id, [])
    by_person = {p.pk: p for p in victims}
    cases = Case.objects.filter(force_id=event.force_id, person_id__in=by_person,
                                status=Case.Status.CLOSED)
    for case in cases:
        with transaction.atomic():
            do_reopen_case(case, reason="New incident recorded", actor=None,
                           person=by_person[case.person_id])


@action("case.manage", record_type=RECORD_TYPE)
def do_regrade_case(case: Case, *, version, grade: str, mitigation: str = "",
                    rationale: str = "", actor) -> Case:
    """Change the case's risk level. Lowering it needs the risk the plan mitigated and a
    rationale; every change is kept (RiskChange)."""
    if grade not in GRADE_ORDER:
        raise CaseRefused("grade", "Choose a risk level")
    if grade == case.grade:
        raise CaseRefused("grade", "The case is already at this risk level")
    lowering = GRADE_ORDER[grade] < GRADE_ORDER[case.grade]
    if lowering and not mitigation.strip():
        raise CaseRefused("mitigation", "Say which risk the plan has mitigated")
    if not rationale.strip():
        raise CaseRefused("rationale", "Give the rationale for the new risk level")
    now = timezone.now()
    before = case.grade
    update_if_unchanged(case, version, STALE, grade=grade,
                        next_review_at=review_due(case.force, grade, now))
    RiskChange.objects.create(case=case, at=now, actor=actor, from_grade=before, to_grade=grade,
                              mitigation=mitigation.strip(), rationale=rationale.strip(),
                              source="plan")
    _event(case, CaseEvent.Kind.REGRADED, f"Risk changed from {before} to {grade}",
           actor=actor, reason=rationale, at=now)
    if allocation.routing_kind(case.force, before, at=now) != allocation.routing_kind(
            case.force, grade, at=now):
        allocation.do_route_case(case, actor=actor, at=now, reason=f"Risk now {grade}")
    chronicle(case, kind="safeguarding_risk_changed", actor=actor, at=now,
              summary=f"Safeguarding case risk changed from {before} to {grade}")
    _log(actor, case, detail={"from": before, "to": grade})
    return case


@action("case.manage", record_type=RECORD_TYPE)
def do_set_markers(case: Case, *, version, markers: list[str], actor) -> Case:
    """Set the safety markers shown on every view of the case (sanitised included)."""
    chosen = [m for m in MARKERS if m in set(markers)]
    update_if_unchanged(case, version, STALE, markers=chosen)
    _event(case, CaseEvent.Kind.PLAN, "Safety markers: " + (", ".join(chosen) or "none"),
           actor=actor)
    _log(actor, case, detail={"markers": len(chosen)})
    return case


@action("case.manage", record_type="contact_preferences")
def do_save_contact_preferences(case: Case, *, version: int | None, safe_number: str = "",
                                safe_times: str = "", no_messages: bool = False,
                                no_letters_home: bool = False, notes: str = "",
                                actor) -> ContactPreferences:
    """Record how the victim may safely be contacted (one record per victim per force)."""
    safe_number = safe_number.strip()
    if safe_number and sum(ch.isdigit() for ch in safe_number) < 10:
        raise CaseRefused("safe_number", "Enter the safe number in full, like 07700 900123")
    fields = dict(safe_number=safe_number[:32], safe_times=safe_times.strip()[:120],
                  no_messages=no_messages, no_letters_home=no_letters_home,
                  notes=notes.strip()[:300], updated_by=actor)
    prefs = ContactPreferences.objects.filter(force_id=case.force_id,
                                              person_id=case.person_id).first()
    if prefs is None:
        prefs = ContactPreferences.objects.create(force_id=case.force_id,
                                                  person_id=case.person_id, **fields)
    else:
        update_if_unchanged(prefs, version if version is not None else prefs.version,
                            "Someone else changed the contact preferences. Reload the page.",
                            **fields)
    record_access(actor, Action.ALTERATION, record_type="contact_preferences",
                  record_id=prefs.pk, person_id=case.person_id)
    chronicle(case, kind="safeguarding_contact_preferences", actor=actor,
              summary="Victim's safe contact arrangements recorded")
    return prefs

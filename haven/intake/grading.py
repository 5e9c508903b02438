"""Grading a call: THRIVE and a response grade with the force's target time.

A repeat, high-risk, MARAC or live-order call is held at priority or above unless an OCC
supervisor records a rationale; a scheduled appointment needs the handler's recorded check
that the delay does not put the victim at risk. Re-grading adds a row; the history stays.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from haven.access.capabilities import can, require
from haven.access.log import Action
from haven.core.actions import action
from haven.forces.policy import policy
from haven.intake import rules
from haven.intake.creation import IntakeInvalid, incident_markers
from haven.intake.models import Grading, Incident, IncidentProgress
from haven.intake.services import bump_version, log_people, write_chronology


def target_minutes(incident: Incident, grade: str, at=None) -> int | None:
    targets = policy(incident.force, "response_target_minutes", at=at or incident.opened_at)
    return (targets or {}).get(grade)


def response_due_at(incident: Incident, grade: str):
    minutes = target_minutes(incident, grade)
    return None if minutes is None else incident.opened_at + dt.timedelta(minutes=minutes)


@action("incident.grade", record_type="incident")
def do_grade_incident(
    incident: Incident, *, grade: str, thrive: dict, actor, reason: str = "",
    supervisor_rationale: str = "", delay_risk_checked: bool = False,
    delay_check_note: str = "", victim_requested: bool = False, version: int | None = None,
) -> Grading:
    if not (can(actor, "incident.grade") or can(actor, "incident.supervise")):
        require(actor, "incident.grade")
    thrive = {part: str((thrive or {}).get(part) or "").strip() for part in rules.THRIVE}
    with transaction.atomic():
        progress = IncidentProgress.objects.select_for_update().get(incident=incident)
        if incident.state == rules.CLOSED:
            raise IntakeInvalid({"grade": "This log is closed; it cannot be re-graded."})
        markers = incident_markers(incident)
        errors = rules.grading_errors(
            grade=grade, thrive=thrive, markers=markers,
            supervisor_rationale=supervisor_rationale,
            actor_is_supervisor=can(actor, "incident.supervise"),
            delay_risk_checked=delay_risk_checked, delay_check_note=delay_check_note,
        )
        regrade = bool(progress.grade)
        if regrade and not reason.strip():
            errors.setdefault("reason", "Say what changed: a re-grade needs a reason.")
        if errors:
            raise IntakeInvalid(errors)
        bump_version(incident, version)
        now = timezone.now()
        grading = Grading.objects.create(
            incident=incident, grade=grade, thrive=thrive, reason=reason.strip(),
            supervisor_rationale=supervisor_rationale.strip(),
            supervisor=actor if supervisor_rationale.strip() else None,
            delay_risk_checked=delay_risk_checked, delay_check_note=delay_check_note.strip(),
            victim_requested=victim_requested, graded_by=actor, graded_at=now,
        )
        previous = progress.grade
        progress.grade, progress.graded_at, progress.risk_markers = grade, now, markers
        progress.repeat_victim = "repeat_victim" in markers
        progress.save(update_fields=["grade", "graded_at", "risk_markers", "repeat_victim"])
        log_people(actor, incident, Action.ALTERATION, detail={"grade": grade})
        summary = (f"re-graded {previous} to {grade}" if regrade else f"graded {grade}")
        write_chronology(incident, kind="incident_graded", summary=summary, actor=actor, at=now)
    return grading

"""Completing an assessment and its sergeant review (HAU review: `review.py`; live: `live.py`).

Each `do_…` runs in one transaction with its access-log entry and chronology entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import can, require
from haven.access.log import Action, Outcome, record_access
from haven.chronology.services import record_entry
from haven.core.concurrency import StaleEdit, update_if_unchanged
from haven.forces.policy import policy
from haven.risk import intake_link, rules
from haven.risk.models import Answer, Assessment, Child, GradingEvent, ReassessmentFlag
from haven.risk.questionnaires import DASH, HBA, STALKING, current_version
from haven.risk.rules import GradingRefused
from haven.tasks.services import create_task

__all__ = ["GradingRefused", "StaleEdit", "AssessmentInput", "access_assessment",
           "scoped_assessments", "do_complete_assessment", "do_review_sergeant"]


@dataclass
class AssessmentInput:
    """What the officer's form (or the API) gives. answers: code -> (value, source, comment)."""

    answers: dict[str, tuple[str, str, str]]
    grade: str
    rationale: str = ""
    method: str = Assessment.Method.IN_PERSON
    victim_response: str = Assessment.VictimResponse.ANSWERED
    response_reason: str = ""
    victim_view: str = ""
    other_information: str = ""
    hba_concern: bool = False
    children: list[dict] = field(default_factory=list)


def scoped_assessments(user) -> QuerySet[Assessment]:
    if not can(user, "risk.view") or user.is_partner or user.force_id is None:
        return Assessment.objects.none()
    return Assessment.objects.filter(force_id=user.force_id)


def access_assessment(user, assessment_id, *, reason: str = "", action=Action.CONSULTATION):
    """The assessment (404 alike for missing and forbidden); the read of the victim is logged."""
    try:
        pk = int(assessment_id)
    except (TypeError, ValueError):
        pk = None
    with transaction.atomic():
        found = scoped_assessments(user).filter(pk=pk).select_related(
            "victim", "incident", "questionnaire").first() if pk is not None else None
        record_access(user, action, record_type="risk_assessment", record_id=assessment_id,
                      person_id=found.victim_id if found else None, reason=reason,
                      outcome=Outcome.ALLOWED if found else Outcome.REFUSED)
    if found is None:
        raise Http404("Not found")
    return found


def threshold_for(force, instrument: str, at=None) -> int:
    """Visible-high threshold for this instrument: a per-instrument override, else the
    force's `dash_high_threshold`."""
    by_instrument = policy(force, "dash_high_threshold_by_instrument", at=at) or {}
    if instrument in by_instrument:
        return int(by_instrument[instrument])
    return int(policy(force, "dash_high_threshold", at=at))


def current_assessment(person) -> Assessment | None:
    return (Assessment.objects.filter(victim=person, completed_at__isnull=False)
            .order_by("-completed_at", "-id").first())


def _check_answers(version, given: dict, *, required: bool) -> dict[str, tuple]:
    """The answers for one questionnaire version; every question needs one when required."""
    result = {}
    allowed_sources = set(Answer.Source.values)
    for question in version.questions.all():
        value, source, comment = given.get(question.code, ("", Answer.Source.VICTIM, ""))
        if not value:
            if required:
                raise GradingRefused(f"answer_{question.code}",
                                     f"{question.code}: choose yes, no, not known or not asked")
            continue
        if value not in rules.VALUES:
            raise GradingRefused(f"answer_{question.code}",
                                 f"{question.code}: choose yes, no, not known or not asked")
        if source not in allowed_sources:
            raise GradingRefused(f"source_{question.code}",
                                 f"{question.code}: say who gave the information")
        result[question.code] = (question, value, source, (comment or "")[:500])
    return result


def _check_children(children: list[dict]) -> list[dict]:
    clean = []
    for number, child in enumerate(children, start=1):
        if not any(str(child.get(k) or "").strip() for k in ("name", "age", "school")):
            continue
        name = str(child.get("name") or "").strip()
        if not name:
            raise GradingRefused(f"child_{number}_name", f"Child {number}: enter a name")
        age = child.get("age")
        if age in (None, ""):
            age = None
        else:
            try:
                age = int(age)
            except (TypeError, ValueError):
                raise GradingRefused(f"child_{number}_age",
                                     f"Child {number}: age must be a whole number") from None
            if not 0 <= age <= 17:
                raise GradingRefused(f"child_{number}_age",
                                     f"Child {number}: age must be between 0 and 17")
        clean.append({"name": name[:120], "age": age,
                      "school": str(child.get("school") or "").strip()[:120],
                      "present": bool(child.get("present"))})
    return clean


def evaluate(force, victim, data: AssessmentInput, *, at) -> dict:
    """Apply the rules to the form data (no writes). Raises GradingRefused naming a field."""
    dash = current_version(DASH, force)
    dash_answers = _check_answers(dash, data.answers, required=True)
    values = {code: row[1] for code, row in dash_answers.items()}
    indicators = {code: row[0].indicator for code, row in dash_answers.items()}
    threshold = threshold_for(force, dash.instrument, at)
    if data.method not in Assessment.Method.values:
        raise GradingRefused("method", "Say whether the assessment was in person or by telephone")
    result = rules.assess_score(
        values, threshold=threshold, medium_band=policy(force, "dash_medium_band", at=at),
        victim_response=data.victim_response, response_reason=data.response_reason,
        method=data.method)
    times = intake_link.da_incident_times(victim)
    escalation = rules.escalation(
        times, at=at, window_days=policy(force, "escalation_window_days", at=at),
        incidents=policy(force, "escalation_incidents", at=at))
    stalking = rules.stalking_triggered(
        values, indicators, incident_count=len(times),
        min_incidents=policy(force, "stalking_screen_min_incidents", at=at))
    hba = rules.hba_triggered(values, indicators, hba_concern=data.hba_concern)
    extra = {}
    for instrument, triggered in ((STALKING, stalking), (HBA, hba)):
        version = current_version(instrument, force)
        if version is not None:
            extra.update(_check_answers(version, data.answers, required=triggered))
    grade, basis = rules.initial_grade(result, data.grade, data.rationale)
    return {
        "questionnaire": dash, "answers": {**dash_answers, **extra}, "result": result,
        "grade": grade, "basis": basis, "escalation": escalation, "stalking": stalking,
        "hba": hba, "children": _check_children(data.children),
        "prompts": rules.prompts(values, indicators, escalation_flag=escalation,
                                 hba_concern=data.hba_concern),
    }


def do_complete_assessment(*, victim, incident=None, data: AssessmentInput, actor) -> Assessment:
    """The attending officer's DASH: scored, graded, in the HAU queue, on the chronology."""
    require(actor, "risk.complete")
    if victim.force_id != actor.force_id or (incident and incident.force_id != actor.force_id):
        raise Http404("Not found")
    now = timezone.now()
    checked = evaluate(actor.force, victim, data, at=now)
    result = checked["result"]
    with transaction.atomic():
        assessment = Assessment.objects.create(
            force_id=actor.force_id, victim=victim, incident=incident,
            questionnaire=checked["questionnaire"], method=data.method,
            victim_response=data.victim_response, response_reason=data.response_reason[:500],
            victim_view=data.victim_view, other_information=data.other_information,
            score=result.score, threshold=result.threshold, grade=checked["grade"],
            grade_basis=checked["basis"], escalation=checked["escalation"],
            stalking_triggered=checked["stalking"], hba_triggered=checked["hba"],
            hba_concern=data.hba_concern,
            completed_by=actor, completed_at=now,
        )
        Answer.objects.bulk_create(
            Answer(assessment=assessment, question=question, value=value, source=source,
                   comment=comment)
            for question, value, source, comment in checked["answers"].values())
        Child.objects.bulk_create(Child(assessment=assessment, **c) for c in checked["children"])
        GradingEvent.objects.create(
            assessment=assessment, stage=GradingEvent.Stage.OFFICER, actor=actor,
            role=actor.role, at=now, from_grade="", to_grade=checked["grade"],
            rationale=data.rationale, score=result.score)
        create_task(
            actor.force, kind="hau_review", title=f"HAU review of risk assessment {assessment.pk}",
            owner_role="hau", person=victim, source_room="risk", source_type="assessment",
            source_id=assessment.pk, actor=actor,
            due_at=now + dt.timedelta(hours=policy(actor.force, "hau_review_due_hours", at=now)))
        ReassessmentFlag.objects.filter(person=victim, cleared_at__isnull=True).update(
            cleared_at=now, cleared_by=actor)
        record_access(actor, Action.COLLECTION, record_type="risk_assessment",
                      record_id=assessment.pk, person_id=victim.pk,
                      detail={"questionnaire": assessment.questionnaire_id})
        how = " by telephone" if data.method == Assessment.Method.TELEPHONE else ""
        partial = ", victim did not answer" if result.partial else ""
        record_entry(victim, occurred_at=now, kind="dash_completed", source_room="risk",
                     source_type="assessment", source_id=assessment.pk, actor=actor,
                     summary=f"Risk assessment{how}: {assessment.get_grade_display()} risk "
                             f"(score {result.score}{partial})")
        if incident is not None:
            intake_link.record_risk_assessed(incident, assessment_id=assessment.pk, actor=actor)
    return assessment


def _bump(assessment: Assessment, version, **fields) -> None:
    try:
        current = int(version)
    except (TypeError, ValueError):
        raise GradingRefused("version", "The form was missing its version. Reload the page.") \
            from None
    update_if_unchanged(
        assessment, current, "This assessment was changed by someone else since you opened it. "
        "Reload it and review again.", **fields)


def regrade(assessment: Assessment, *, grade: str, rationale: str, actor) -> bool:
    return rules.regrade(current=assessment.grade, proposed=grade, score=assessment.score,
                         threshold=assessment.threshold or threshold_for(
                             assessment.force, assessment.questionnaire.instrument),
                         rationale=rationale, may_downgrade_high=can(actor, "risk.downgrade_high"))


def do_review_sergeant(assessment: Assessment, *, version, grade: str, rationale: str = "",
                       guidance: str = "", actor) -> Assessment:
    """The supervisor sees the assessment and the incident, may regrade (with a rationale)
    and adds safeguarding guidance."""
    require(actor, "risk.review_sergeant")
    if assessment.force_id != actor.force_id:
        raise Http404("Not found")
    if assessment.status != Assessment.Status.AWAITING_SERGEANT:
        raise GradingRefused("grade", "This assessment is no longer awaiting supervisor review.")
    changed = regrade(assessment, grade=grade, rationale=rationale, actor=actor)
    now = timezone.now()
    with transaction.atomic():
        before = assessment.grade
        _bump(assessment, version, grade=grade, status=Assessment.Status.AWAITING_HAU,
              sergeant_by=actor, sergeant_at=now, safeguarding_guidance=guidance)
        event = GradingEvent.objects.create(
            assessment=assessment, stage=GradingEvent.Stage.SERGEANT, actor=actor,
            role=actor.role, at=now, from_grade=before, to_grade=grade, rationale=rationale,
            score=assessment.score)
        record_access(actor, Action.ALTERATION, record_type="risk_assessment",
                      record_id=assessment.pk, person_id=assessment.victim_id,
                      detail={"stage": "sergeant", "grading_event": event.pk})
        what = f"regraded {before} to {grade}" if changed else f"{grade} confirmed"
        record_entry(assessment.victim, occurred_at=now, kind="dash_supervisor_reviewed",
                     source_room="risk", source_type="assessment", source_id=assessment.pk,
                     actor=actor, summary=f"Supervisor review of risk assessment: {what}")
    return assessment

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
from haven.core.actions import action
from haven.core.concurrency import StaleEdit, refuse_if_changed, update_if_unchanged
from haven.forces.policy import policy
from haven.risk import intake_link, rules
from haven.risk.models import Answer, Assessment, Child, GradingEvent, ReassessmentFlag
from haven.risk.questionnaires import DASH, HBA, REPEATED, STALKING, current_versions
from haven.risk.rules import GradingRefused
from haven.tasks.services import do_close_tasks, do_create_task

__all__ = ["GradingRefused", "AssessmentRefused", "StaleEdit", "AssessmentInput",
           "access_assessment", "scoped_assessments", "may_read_answers", "require_logged",
           "do_complete_assessment", "do_review_sergeant"]


class AssessmentRefused(GradingRefused):
    """Every problem with a form at once: `errors` is {field: message}, in the form's order.
    `field` and the message are the first of them (so callers of GradingRefused still work)."""

    def __init__(self, errors: dict[str, str]):
        field, message = next(iter(errors.items()))
        super().__init__(field, message)
        self.errors = dict(errors)


def require_logged(user, action: str, *, record_type: str, record_id="", reason="") -> None:
    """`require`, with the refusal of a named record logged before the 404 (ADR 0002)."""
    if can(user, action):
        return
    record_access(user, Action.CONSULTATION, record_type=record_type,
                  record_id=str(record_id or "")[:64], reason=reason or f"needs {action}",
                  outcome=Outcome.REFUSED)
    raise Http404("Not found")


def may_read_answers(user, assessment) -> bool:
    """Need to know: the answers are for the officer who asked them and those who act on them
    (supervisors, the HAU, public protection). Everyone else with `risk.view` reads the fact of
    risk only."""
    return can(user, "risk.view_answers") or (
        assessment.completed_by_id is not None and assessment.completed_by_id == user.pk)


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


def _check_answers(version, given: dict, *, required: bool, errors: dict,
                   skip=()) -> dict[str, tuple]:
    """The answers for one questionnaire version; every question needs one when required.
    Problems go into `errors` (all of them, not only the first)."""
    result = {}
    allowed_sources = set(Answer.Source.values)
    for question in version.questions.all():
        if question.code in skip:
            continue
        value, source, comment = given.get(question.code, ("", Answer.Source.VICTIM, ""))
        if not value and not required:
            continue
        if value not in rules.VALUES:
            if required or value:
                errors[f"answer_{question.code}"] = (
                    f"{question.code}: choose yes, no, not known or not asked")
            continue
        if source not in allowed_sources:
            errors[f"source_{question.code}"] = f"{question.code}: say who gave the information"
            continue
        result[question.code] = (question, value, source, (comment or "")[:500])
    return result


def _check_children(children: list[dict], errors: dict) -> list[dict]:
    clean = []
    for number, child in enumerate(children, start=1):
        if not any(str(child.get(k) or "").strip() for k in ("name", "age", "school")):
            continue
        name = str(child.get("name") or "").strip()
        if not name:
            errors[f"child_{number}_name"] = f"Child {number}: enter a name"
        age = child.get("age")
        if age in (None, ""):
            age = None
        else:
            try:
                age = int(age)
            except (TypeError, ValueError):
                errors[f"child_{number}_age"] = f"Child {number}: age must be a whole number"
                continue
            if not 0 <= age <= 17:
                errors[f"child_{number}_age"] = f"Child {number}: age must be between 0 and 17"
                continue
        clean.append({"name": name[:120], "age": age,
                      "school": str(child.get("school") or "").strip()[:120],
                      "present": bool(child.get("present"))})
    return clean


def screen_reasons(force, victim, values: dict, indicators: dict, *, hba_concern: bool,
                   at, times=None) -> dict[str, str]:
    """Which follow-on screens the answers (and the victim's record) call for, and why, in
    words the officer reads above the screen and in the error summary. `times`: the
    victim's DA incident times, when the caller has read them."""
    found = rules.indicator_values(values, indicators)
    by_indicator = {ind: code for code, ind in indicators.items() if ind}
    reasons = {}
    if times is None:
        times = intake_link.da_incident_times(victim)
    min_incidents = policy(force, "stalking_screen_min_incidents", at=at)
    if rules.stalking_triggered(values, indicators, incident_count=len(times),
                                min_incidents=min_incidents):
        why = [f"{by_indicator[k]} was answered yes" for k in ("stalking", "very_frightened")
               if k in found]
        if len(times) >= min_incidents:
            why.append(f"the victim has {len(times)} domestic abuse incidents on record")
        reasons[STALKING] = "; ".join(why)
    if rules.hba_triggered(values, indicators, hba_concern=hba_concern):
        why = [f"{by_indicator[k]} was answered yes" for k in ("isolation", "control")
               if k in found]
        if hba_concern:
            why.append("honour-based abuse or forced marriage is indicated")
        reasons[HBA] = "; ".join(why)
    return reasons


_RANK = ["method", "victim_response", "response_reason", "answer_PD", "source_PD",
         "screen_stalking", "answer_SD", "source_SD", "screen_hba", "answer_HB", "source_HB",
         "child_", "grade", "rationale"]


def _form_rank(field: str) -> int:
    """Where a field sits on the officer's form, so the error summary reads top to bottom."""
    for rank, prefix in enumerate(_RANK):
        if field.startswith(prefix):
            return rank
    return len(_RANK)


SCREEN_NAMES = {STALKING: "stalking", HBA: "hba"}
# The DASH indicators (and the HBA checkbox) whose "yes" calls for each screen: the same
# rules as rules.stalking_triggered / rules.hba_triggered, for the page's script.
SCREEN_TRIGGERS = {STALKING: ("stalking", "very_frightened"),
                   HBA: ("isolation", "control", "hba")}
SCREEN_TITLES = {STALKING: "stalking and harassment screen", HBA: "honour-based abuse screen"}


def evaluate(force, victim, data: AssessmentInput, *, at) -> dict:
    """Apply the rules to the form data (no writes). Raises AssessmentRefused naming every
    field to fix, in the order the form asks them."""
    errors: dict[str, str] = {}
    # The three questionnaires and their questions, read together once.
    versions = current_versions((DASH, STALKING, HBA), force)
    dash = versions[DASH]
    if data.method not in Assessment.Method.values:
        errors["method"] = "Say whether the assessment was in person or by telephone"
    dash_answers = _check_answers(dash, data.answers, required=True, errors=errors)
    complete = len(dash_answers) == dash.questions.count()
    values = {code: row[1] for code, row in dash_answers.items()}
    indicators = {code: row[0].indicator for code, row in dash_answers.items()}
    threshold = threshold_for(force, dash.instrument, at)
    result = None
    try:
        result = rules.assess_score(
            values, threshold=threshold, medium_band=policy(force, "dash_medium_band", at=at),
            victim_response=data.victim_response, response_reason=data.response_reason,
            method=data.method)
    except GradingRefused as exc:
        if complete or exc.field != "victim_response":
            errors[exc.field] = str(exc)
    times = intake_link.da_incident_times(victim)
    escalation = rules.escalation(
        times, at=at, window_days=policy(force, "escalation_window_days", at=at),
        incidents=policy(force, "escalation_incidents", at=at))
    reasons = screen_reasons(force, victim, values, indicators, hba_concern=data.hba_concern,
                             at=at, times=times)
    extra = {}
    for instrument in (STALKING, HBA):
        version = versions[instrument]
        if version is None:
            continue
        triggered = instrument in reasons
        repeated = REPEATED.get(instrument, {})
        screen_errors: dict[str, str] = {}
        answers = _check_answers(version, data.answers, required=triggered,
                                 errors=screen_errors, skip=repeated)
        for code, dash_code in repeated.items():
            # Asked once in the sitting: the DASH answer stands for the screen's question.
            if dash_code in dash_answers and (triggered or answers):
                _question, value, source, comment = dash_answers[dash_code]
                answers[code] = (next(q for q in version.questions.all() if q.code == code),
                                 value, source,
                                 comment or f"As answered to {dash_code}")
        missing = [f for f in screen_errors if f.startswith("answer_")
                   and not data.answers.get(f.removeprefix("answer_"), ("",))[0]]
        if triggered and missing:
            errors[f"screen_{SCREEN_NAMES[instrument]}"] = (
                f"Answer the {SCREEN_TITLES[instrument]} ({len(missing)} questions left): "
                f"it is needed because {reasons[instrument]}")
        errors.update({f: m for f, m in screen_errors.items() if f not in missing})
        extra.update(answers)
    children = _check_children(data.children, errors)
    grade, basis = data.grade, ""
    try:
        if result is not None and complete:
            grade, basis = rules.initial_grade(result, data.grade, data.rationale)
        elif data.grade not in rules.GRADES:
            raise GradingRefused("grade", "Choose standard, medium or high")
    except GradingRefused as exc:
        errors[exc.field] = str(exc)
    if errors:
        raise AssessmentRefused(dict(sorted(errors.items(), key=lambda kv: _form_rank(kv[0]))))
    return {
        "questionnaire": dash, "answers": {**dash_answers, **extra}, "result": result,
        "grade": grade, "basis": basis, "escalation": escalation,
        "stalking": STALKING in reasons, "hba": HBA in reasons, "children": children,
        "prompts": rules.prompts(values, indicators, escalation_flag=escalation,
                                 hba_concern=data.hba_concern),
    }


@action("risk.complete", record_type="risk_assessment")
def do_complete_assessment(*, victim, incident=None, data: AssessmentInput, actor) -> Assessment:
    """The attending officer's DASH: scored, graded, in the HAU queue, on the chronology."""
    require(actor, "risk.complete")
    if victim.force_id != actor.force_id or (incident and incident.force_id != actor.force_id):
        raise Http404("Not found")
    now = timezone.now()
    checked = evaluate(actor.force, victim, data, at=now)
    result = checked["result"]
    with transaction.atomic(savepoint=False):  # inside the action's own transaction
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
        do_create_task(
            actor.force, kind="hau_review",
            title=f"HAU review of a DASH ({assessment.get_grade_display().lower()} risk, "
                  f"completed {now:%-d %b %Y})",
            owner_role="hau", person=victim, source_room="risk", source_type="assessment",
            source_id=assessment.pk, actor=actor,
            due_at=now + dt.timedelta(hours=policy(actor.force, "hau_review_due_hours", at=now)))
        cleared = list(ReassessmentFlag.objects.filter(person=victim, cleared_at__isnull=True)
                       .values_list("pk", flat=True))
        if cleared:  # a re-assessment: its flags' tasks are done (nothing to close else)
            ReassessmentFlag.objects.filter(pk__in=cleared).update(cleared_at=now,
                                                                   cleared_by=actor)
            do_close_tasks(source_room="risk", source_type="reassessment_flag",
                           source_ids=cleared, kinds=["reassessment"], actor=actor, at=now,
                           note=f"Re-assessed: risk assessment {assessment.pk}")
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


GUIDANCE_GRADES = (rules.MEDIUM, rules.HIGH)


def _check_fresh(assessment: Assessment, version) -> None:
    """Refuse a review made from a page someone else has changed since, before anything else
    is said about it."""
    try:
        current = int(version)
    except (TypeError, ValueError):
        raise GradingRefused("version", "The form was missing its version. Reload the page.") \
            from None
    refuse_if_changed(assessment, current, "This assessment was changed by someone else "
                      "since you opened it. Reload it and review again.")


def regrade(assessment: Assessment, *, grade: str, rationale: str, actor) -> bool:
    return rules.regrade(current=assessment.grade, proposed=grade, score=assessment.score,
                         threshold=assessment.threshold or threshold_for(
                             assessment.force, assessment.questionnaire.instrument),
                         rationale=rationale, may_downgrade_high=can(actor, "risk.downgrade_high"))


@action("risk.review_sergeant", record_type="risk_assessment")
def do_review_sergeant(assessment: Assessment, *, version, grade: str, rationale: str = "",
                       guidance: str = "", actor) -> Assessment:
    """The supervisor sees the assessment and the incident, may regrade (with a rationale)
    and adds safeguarding guidance."""
    require(actor, "risk.review_sergeant")
    if assessment.force_id != actor.force_id:
        raise Http404("Not found")
    if assessment.status != Assessment.Status.AWAITING_SERGEANT:
        raise GradingRefused("grade", "This assessment is no longer awaiting supervisor review.")
    _check_fresh(assessment, version)
    errors = {}
    changed = False
    try:
        changed = regrade(assessment, grade=grade, rationale=rationale, actor=actor)
    except GradingRefused as exc:
        errors[exc.field] = str(exc)
    if not guidance.strip() and ({assessment.grade, grade} & set(GUIDANCE_GRADES)):
        errors["guidance"] = ("Write safeguarding guidance for the officer: a supervisor's "
                              "review of a medium or high risk must say what to do next")
    if errors:
        raise AssessmentRefused(errors)
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

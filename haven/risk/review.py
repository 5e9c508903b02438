"""The harm assessment unit's review: regrade if needed, check the response, set next steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import require
from haven.access.log import Action, record_access
from haven.chronology.services import record_entry
from haven.core.actions import action
from haven.forces.models import Agency
from haven.forces.policy import policy
from haven.people.services import do_share_person
from haven.risk import rules
from haven.risk.models import Assessment, GradingEvent, ReassessmentFlag
from haven.risk.rules import GradingRefused
from haven.risk.services import _bump, regrade, scoped_assessments
from haven.tasks.services import do_close_tasks, do_create_task


@dataclass(frozen=True)
class FollowUp:
    """One next step of an HAU review, as handed to the room that takes it over."""

    kind: str
    why: str
    force: object
    assessment_id: int
    incident_id: int | None
    victim_id: int
    grade: str
    due_at: dt.datetime


# kind -> handler(follow_up, *, actor). Filled by rooms in AppConfig.ready().
_FOLLOW_UPS: dict[str, Callable] = {}


def register_follow_up(kind: str, handler: Callable) -> None:
    """A room takes over one of the HAU review's next steps (safeguarding opens or updates the
    victim's case for "case_update"; MARAC takes "marac_referral"). The handler runs inside
    the review's transaction, so the review and what it sets in motion commit together, and
    the stand-in task for that step is no longer created."""
    if kind not in STEP_OWNERS:
        raise KeyError(f"No HAU review step {kind!r}; steps are {sorted(STEP_OWNERS)}")
    _FOLLOW_UPS[kind] = handler


def unregister_follow_up(kind: str) -> None:
    _FOLLOW_UPS.pop(kind, None)


STEP_OWNERS = {
    # kind: (owner role, partner agency kind or None, title)
    "case_update": ("darm", None, "Open or update the victim's case"),
    "marac_referral": ("marac_coordinator", None, "MARAC referral"),
    "idva_offer": ("idva", Agency.Kind.IDVA, "IDVA offer"),
    "childrens_referral": ("childrens_services", Agency.Kind.CHILDREN,
                           "Children's services referral"),
    "encompass_notification": ("hau", None, "Operation Encompass notification to school"),
}


def hau_queue(user) -> QuerySet[Assessment]:
    """The HAU's work, one row per assessment: awaiting HAU review, or flagged for
    re-assessment (however many flags it has). Oldest first; lists sort by due time."""
    flagged = ReassessmentFlag.objects.filter(cleared_at__isnull=True).values("assessment_id")
    return (scoped_assessments(user)
            .filter(~Q(status=Assessment.Status.REVIEWED) | Q(pk__in=flagged))
            .select_related("incident", "victim").prefetch_related("flags")
            .order_by("completed_at", "id"))


def _due(force, kind: str, now):
    if kind == "encompass_notification":
        start = policy(force, "encompass_school_day_start", at=now)
        return rules.next_school_day_start(timezone.localtime(now), start)
    hours = (policy(force, "hau_followup_due_hours", at=now) or {}).get(kind)
    if hours is None:
        hours = policy(force, "hau_review_due_hours", at=now)
    return now + dt.timedelta(hours=hours)


@action("risk.hau_review", record_type="risk_assessment")
def do_review_hau(assessment: Assessment, *, version, grade: str, rationale: str = "",
                  response_matched: bool | None, notes: str = "", actor) -> list:
    """Record the HAU review and create the follow-up tasks. Returns the tasks created."""
    require(actor, "risk.hau_review")
    if assessment.force_id != actor.force_id:
        raise Http404("Not found")
    if assessment.status == Assessment.Status.REVIEWED:
        raise GradingRefused("grade", "The HAU has already reviewed this assessment.")
    if response_matched is None:
        raise GradingRefused("response_matched", "Say whether the response matched the risk")
    if response_matched is False and not notes.strip():
        raise GradingRefused("notes", "Say how the response fell short of the risk")
    changed = regrade(assessment, grade=grade, rationale=rationale, actor=actor)
    now = timezone.now()
    force = assessment.force
    children = list(assessment.children.values("name", "age", "school", "present"))
    steps = rules.next_steps(grade=grade, escalation_flag=assessment.escalation,
                             children=children,
                             idva_grades=policy(force, "idva_offer_grades", at=now))
    with transaction.atomic():
        before = assessment.grade
        _bump(assessment, version, grade=grade, status=Assessment.Status.REVIEWED, hau_by=actor,
              hau_at=now, hau_response_matched=response_matched, hau_notes=notes)
        event = GradingEvent.objects.create(
            assessment=assessment, stage=GradingEvent.Stage.HAU, actor=actor, role=actor.role,
            at=now, from_grade=before, to_grade=grade, rationale=rationale,
            score=assessment.score)
        do_close_tasks(source_room="risk", source_type="assessment", source_ids=[assessment.pk],
                    kinds=["hau_review"], note="HAU review recorded", actor=actor, at=now)
        tasks = []
        for step in steps:
            if step.kind in _FOLLOW_UPS:
                _FOLLOW_UPS[step.kind](FollowUp(
                    kind=step.kind, why=step.why, force=force, assessment_id=assessment.pk,
                    incident_id=assessment.incident_id, victim_id=assessment.victim_id,
                    grade=grade, due_at=_due(force, step.kind, now)), actor=actor)
            else:
                tasks.append(_step_task(assessment, step, now=now, actor=actor))
        record_access(actor, Action.ALTERATION, record_type="risk_assessment",
                      record_id=assessment.pk, person_id=assessment.victim_id,
                      detail={"stage": "hau", "grading_event": event.pk,
                              "tasks": [t.pk for t in tasks]})
        what = f"regraded {before} to {grade}" if changed else f"{grade} confirmed"
        next_titles = ", ".join(STEP_OWNERS[s.kind][2] for s in steps)
        record_entry(assessment.victim, occurred_at=now, kind="dash_hau_reviewed",
                     source_room="risk", source_type="assessment", source_id=assessment.pk,
                     actor=actor, summary=f"HAU review of risk assessment: {what}. "
                                          f"Next: {next_titles}")
    return tasks


def _step_task(assessment: Assessment, step: rules.Step, *, now, actor):
    role, agency_kind, title = STEP_OWNERS[step.kind]
    agency = None
    if agency_kind:
        agency = Agency.objects.filter(force_id=assessment.force_id, kind=agency_kind).first()
        if agency is not None:
            do_share_person(assessment.victim_id, agency, reason=f"{title} after HAU review",
                            actor=actor)
    return do_create_task(
        assessment.force, kind=step.kind,
        title=f"{title} ({step.why.lower()})",
        owner_role=role, owner_agency=agency, person=assessment.victim,
        due_at=_due(assessment.force, step.kind, now), source_room="risk",
        source_type="assessment", source_id=assessment.pk, actor=actor)

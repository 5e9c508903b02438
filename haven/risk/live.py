"""Live risk: a new event about a victim or their abuser flags the victim's grade for a fresh look.

Subscribed in `RiskConfig.ready()` to typed events (`haven.intake.events.IncidentRecorded`,
`haven.investigation.events.CustodyEvent` and `haven.protection.events.OrderBreached`).
The handlers take the event (ids) and run after the publisher's transaction commits: a bug
here is logged and never stops an incident being recorded. Rooms that come later
(investigation, protection) may call `do_flag_reassessment` directly.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import require
from haven.access.log import Action, record_access
from haven.chronology.services import record_entry
from haven.core.actions import action, unchanged
from haven.core.concurrency import StaleEdit
from haven.forces.policy import policy
from haven.intake import public as intake
from haven.intake.events import IncidentRecorded
from haven.investigation.events import CustodyEvent
from haven.people.access import persons_by_id
from haven.protection.events import OrderBreached
from haven.risk import intake_link
from haven.risk.models import Assessment, ReassessmentFlag
from haven.risk.rules import GradingRefused
from haven.risk.services import current_assessment
from haven.tasks.services import do_close_tasks, do_create_task

SOURCES = set(ReassessmentFlag.Source.values)


@action("risk.flag_reassessment", record_type="reassessment_flag", system=True)
def do_flag_reassessment(person, *, reason: str, source: str, actor, source_ref: str = "",
                         at=None, triggered_by=None) -> ReassessmentFlag | None:
    """Flag `person`'s current assessment for re-assessment, with the reason shown.

    Returns the flag, the existing open flag for the same event, or None when the person has
    no assessment to re-assess.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {sorted(SOURCES)}")
    if not reason.strip():
        raise ValueError("reason: say what happened")
    assessment = current_assessment(person)
    if assessment is None:
        unchanged()  # nothing to re-assess
        return None
    existing = ReassessmentFlag.objects.filter(
        assessment=assessment, source=source, source_ref=str(source_ref),
        cleared_at__isnull=True).first()
    if existing is not None:
        unchanged()  # the same event already raised this flag
        return existing
    now = timezone.now()
    # A reaction to an event runs as the system (actor None), credited to whoever's action
    # raised the event.
    user = actor if getattr(actor, "is_authenticated", False) else triggered_by
    with transaction.atomic():
        flag = ReassessmentFlag.objects.create(
            assessment=assessment, person=person, force_id=person.force_id, reason=reason[:300],
            source=source, source_ref=str(source_ref)[:64], raised_at=at or now, raised_by=user)
        do_create_task(
            assessment.force, kind="reassessment",
            title=f"Re-assess risk: {reason[:120]}",
            owner_role="hau", person=person, source_room="risk", source_type="reassessment_flag",
            source_id=flag.pk, actor=actor,
            due_at=now + dt.timedelta(hours=policy(assessment.force, "reassessment_due_hours",
                                                   at=now)))
        record_access(actor, Action.ALTERATION, record_type="risk_assessment",
                      record_id=assessment.pk, person_id=person.pk,
                      detail={"flag": flag.pk, "source": source,
                              "triggered_by": getattr(user, "pk", None)})
        record_entry(person, occurred_at=at or now, kind="risk_reassessment_flagged",
                     source_room="risk", source_type="reassessment_flag", source_id=flag.pk,
                     actor=user, summary=f"Risk grade flagged for re-assessment: {reason}")
    return flag


@action("risk.hau_review", record_type="reassessment_flag")
def do_clear_flag(flag: ReassessmentFlag, *, note: str, actor) -> ReassessmentFlag:
    """The HAU looked again and decided no new assessment is needed: say why."""

    require(actor, "risk.hau_review")
    if flag.force_id != actor.force_id:
        raise Http404("Not found")
    if not note.strip():
        raise GradingRefused("note", "Say why no new assessment is needed")
    now = timezone.now()
    with transaction.atomic():
        if not ReassessmentFlag.objects.filter(pk=flag.pk, cleared_at__isnull=True).update(
                cleared_at=now, cleared_by=actor):
            raise StaleEdit("This flag was already dealt with. Reload the page.")
        do_close_tasks(source_room="risk", source_type="reassessment_flag", source_ids=[flag.pk],
                    kinds=["reassessment"], note=note, actor=actor, at=now)
        record_access(actor, Action.ALTERATION, record_type="risk_assessment",
                      record_id=flag.assessment_id, person_id=flag.person_id,
                      detail={"flag": flag.pk, "change": "cleared"})
        record_entry(flag.person, occurred_at=now, kind="risk_reassessment_cleared",
                     source_room="risk", source_type="reassessment_flag", source_id=flag.pk,
                     actor=actor, summary=f"Re-assessment flag closed by the HAU: {note}")
    flag.refresh_from_db()
    return flag


def victims_of_abuser(person, *, existing_at=None) -> list:
    """Victims whose assessed incidents name this person as the suspect (with
    `existing_at`: only assessments that existed then)."""
    assessments = Assessment.objects.filter(
        incident_id__in=intake.incident_ids_with(person.pk, role=intake.SUSPECT))
    if existing_at is not None:
        assessments = assessments.filter(created_at__lte=existing_at)
    victim_ids = set(assessments.values_list("victim_id", flat=True)) - {person.pk}
    return _persons(victim_ids)


def _persons(person_ids) -> list:
    return persons_by_id(person_ids)


def _person(person_id):
    return next(iter(_persons([person_id])), None)


def _actor(actor_id):
    return get_user_model().objects.filter(pk=actor_id).first() if actor_id else None


def on_incident_recorded(event: IncidentRecorded) -> None:
    """After an incident log commits: flag its victims' (and its suspects' victims')
    current grades. Runs after commit: a failure here never undoes the log."""
    incident = intake.incident(event.incident_id)
    if incident is not None:
        flag_for_incident(incident, triggered_by=_actor(event.actor_id), at=event.recorded_at)


def flag_for_incident(incident, *, triggered_by=None, at=None):
    """Flag for a new incident the grades that existed when it was recorded (`at`; the
    reaction runs after commit, and e.g. the demo seeds assessments after its incidents)."""
    victims = intake_link.victims_of(incident)
    flagged = {victim.pk for victim in victims}  # handled here, not as the abuser's victims
    for victim in victims:
        current = current_assessment(victim)
        if (current is not None and current.incident_id != incident.pk
                and (at is None or current.completed_at <= at)):
            do_flag_reassessment(victim, reason=f"New incident {incident.reference}",
                                 source=ReassessmentFlag.Source.INCIDENT,
                                 source_ref=incident.pk, actor=None, triggered_by=triggered_by)
    for suspect in intake_link.suspects_of(incident):
        for victim in victims_of_abuser(suspect, existing_at=at):
            if victim.pk not in flagged:
                do_flag_reassessment(
                    victim, reason=f"Abuser named in new incident {incident.reference}",
                    source=ReassessmentFlag.Source.INCIDENT, source_ref=incident.pk,
                    actor=None, triggered_by=triggered_by)
                flagged.add(victim.pk)


def _about_person(person, *, own_reason: str, abuser_reason: str, source: str, ref: str,
                  at, triggered_by):
    do_flag_reassessment(person, reason=own_reason, source=source, source_ref=ref, at=at,
                         actor=None, triggered_by=triggered_by)
    for victim in victims_of_abuser(person):
        do_flag_reassessment(victim, reason=abuser_reason, source=source, source_ref=ref, at=at,
                             actor=None, triggered_by=triggered_by)


def on_custody_event(event: CustodyEvent) -> None:
    person, kind, occurred_at = _person(event.person_id), event.kind, event.occurred_at
    if person is None:
        return
    actor = _actor(event.actor_id)
    when = timezone.localtime(occurred_at).strftime("%d %b %Y %H:%M") if occurred_at else ""
    _about_person(person, own_reason=f"Custody event ({kind}) {when}".strip(),
                  abuser_reason=f"Abuser custody event: {kind} {when}".strip(),
                  source=ReassessmentFlag.Source.CUSTODY, ref=f"{kind}:{person.pk}:{when}",
                  at=occurred_at, triggered_by=actor)


def on_order_breached(event: OrderBreached) -> None:
    person, order_ref, occurred_at = _person(event.person_id), event.order_ref, event.occurred_at
    if person is None:
        return
    actor = _actor(event.actor_id)
    _about_person(person, own_reason=f"Order {order_ref} breached",
                  abuser_reason=f"Abuser breached order {order_ref}",
                  source=ReassessmentFlag.Source.BREACH, ref=str(order_ref),
                  at=occurred_at, triggered_by=actor)


def open_flags(assessment_or_person) -> list[ReassessmentFlag]:
    qs = ReassessmentFlag.objects.filter(cleared_at__isnull=True)
    if isinstance(assessment_or_person, Assessment):
        return list(qs.filter(assessment=assessment_or_person))
    return list(qs.filter(person=assessment_or_person))

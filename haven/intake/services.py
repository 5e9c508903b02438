"""Fetch-and-authorise for incident logs, and the log's lifecycle.

    opened → dispatched → attended → risk assessed → sergeant endorsed → closed

Each step is one `do_…` in a transaction that writes the access log and the chronology of
every person involved. Creating a log and grading it are in `creation.py` and `grading.py`
(re-exported here).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import can, require
from haven.access.log import Action, Outcome, record_access, record_accesses
from haven.chronology.services import record_entry_for_each
from haven.core.actions import action, unchanged
from haven.core.concurrency import StaleEdit, update_if_unchanged
from haven.forces.policy import policy
from haven.intake import rules
from haven.intake.models import Incident, IncidentProgress, StateChange
from haven.tasks.services import do_create_task

__all__ = [
    "StaleEdit", "TransitionRefused", "access_incident", "scoped_incidents",
    "do_dispatch_incident", "do_record_attendance", "do_record_risk_assessed",
    "do_endorse_incident", "do_close_incident", "do_sweep_overdue_dash", "progress_of",
    "assigned_incidents", "dispatchable_officers", "not_yet_attended",
]

TransitionRefused = rules.TransitionRefused


def scoped_incidents(user) -> QuerySet[Incident]:
    """Incident logs this user may see: their own force's (partners see none here)."""
    if not (user and user.is_authenticated) or not can(user, "incident.view"):
        return Incident.objects.none()
    if user.is_partner or user.force_id is None:
        return Incident.objects.none()
    return Incident.objects.filter(force_id=user.force_id)


def access_incident(user, incident_id, *, reason: str = "", action: str = Action.CONSULTATION):
    """Return the incident (404 alike for missing and forbidden), logging a consultation of
    each person involved, or the refused attempt."""
    try:
        pk = int(incident_id)
    except (TypeError, ValueError):
        pk = None
    # The read and its entry commit together; inside a caller's transaction no savepoint
    # is needed (the 404 is raised after the block, so only a database error leaves it).
    with transaction.atomic(savepoint=False):
        incident = scoped_incidents(user).filter(pk=pk).first() if pk is not None else None
        if incident is None:
            record_access(user, action, record_type="incident", record_id=incident_id,
                          reason=reason, outcome=Outcome.REFUSED)
        else:
            log_people(user, incident, action, reason=reason)
    if incident is None:
        raise Http404("Not found")
    return incident


def log_people(user, incident: Incident, action: str, *, reason: str = "",
               detail: dict | None = None, person_ids=None) -> None:
    """One access-log entry per person involved (ids only), or one for the log itself.
    `person_ids`: those on the log, when the caller has just read them."""
    if person_ids is None:
        person_ids = incident.involvements.values_list("person_id", flat=True)
    person_ids = sorted(set(person_ids))
    record_accesses(user, action, record_type="incident", record_id=incident.pk,
                    person_ids=person_ids or [None], reason=reason, detail=detail)


def write_chronology(incident: Incident, *, kind: str, summary: str, actor, at=None,
                     involvements=None) -> None:
    """Put one event about this log on the chronology of every person involved
    (`involvements`, with their persons, when the caller has just read them)."""
    if involvements is None:
        involvements = incident.involvements.select_related("person")
    persons = {}
    for involvement in involvements:
        persons.setdefault(involvement.person_id, involvement.person)
    # One INSERT for all of them (was one per person).
    record_entry_for_each(
        persons.values(), occurred_at=at or timezone.now(), kind=kind, source_room="intake",
        source_type="incident", source_id=incident.pk,
        summary=f"{incident.reference}: {summary}", actor=actor)


def progress_of(incident: Incident) -> IncidentProgress:
    progress, _ = IncidentProgress.objects.get_or_create(incident=incident)
    return progress


def bump_version(incident: Incident, version: int | None, **fields) -> None:
    """`UPDATE … WHERE version = v`; a stale version raises StaleEdit, never overwrites."""
    update_if_unchanged(
        incident, incident.version if version is None else version,
        "This incident log was changed by someone else since you opened it. "
        "Reload it and try again.", **fields)


def _transition(incident: Incident, target: str, *, actor, version=None, note: str = "",
                at=None, capability: str | None = None) -> IncidentProgress:
    if capability:
        require(actor, capability)
    at = at or timezone.now()
    fresh = Incident.objects.select_for_update().get(pk=incident.pk)
    rules.check_transition(fresh.state, target, domestic_abuse=fresh.domestic_abuse)
    if version is None:
        version = fresh.version
    from_state = fresh.state
    bump_version(incident, version, state=target)
    StateChange.objects.create(incident=incident, from_state=from_state, to_state=target,
                               at=at, by=actor if getattr(actor, "is_authenticated", False)
                               else None, note=note)
    log_people(actor, incident, Action.ALTERATION, detail={"state": target})
    return progress_of(incident)


def dispatchable_officers(force):
    """Officers of the force who can attend a log (response officers first)."""

    users = get_user_model().objects.filter(force=force, is_active=True).order_by(
        "role", "username")
    attending = [u for u in users if can(u, "incident.attend")]
    return sorted(attending, key=lambda u: (u.role != "response_officer", u.get_username()))


@action("incident.dispatch", record_type="incident")
def do_dispatch_incident(incident: Incident, *, actor, version=None, officer=None,
                         unit: str = "") -> Incident:
    """Send someone: a named officer of the force (`officer`, who then sees the log on their
    home page) and/or a unit's callsign (`unit`)."""
    unit = (unit or "").strip()
    if officer is not None and (officer.force_id != incident.force_id
                                or not can(officer, "incident.attend")):
        raise TransitionRefused("Choose an officer of this force who can attend.")
    if len(unit) > IncidentProgress._meta.get_field("assigned_unit").max_length:
        raise TransitionRefused("A unit's callsign is at most 32 characters.")
    with transaction.atomic():
        progress = progress_of(incident)
        if incident.domestic_abuse and not progress.checklist_complete:
            raise TransitionRefused("Complete the call checklist before dispatching.")
        if not progress.grade:
            raise TransitionRefused("Grade the call before dispatching.")
        progress = _transition(incident, rules.DISPATCHED, actor=actor, version=version,
                               capability="incident.dispatch")
        progress.dispatched_at = timezone.now()
        progress.assigned_officer = officer
        progress.assigned_unit = unit
        progress.save(update_fields=["dispatched_at", "assigned_officer", "assigned_unit"])
        sent = " and ".join(x for x in (officer.get_username() if officer else "",
                                         f"unit {unit}" if unit else "") if x) or "officers"
        write_chronology(incident, kind="incident_dispatched",
                         summary=f"{sent} dispatched ({progress.grade})", actor=actor)
    return incident


def assigned_incidents(user) -> QuerySet[Incident]:
    """Open logs dispatched to this officer by name (not every dispatched log in the force)."""
    return scoped_incidents(user).filter(
        progress__assigned_officer=user,
        state__in=[rules.DISPATCHED, rules.ATTENDED]).select_related("progress")


@action("incident.attend", record_type="incident")
def do_record_attendance(incident: Incident, *, actor, version=None) -> Incident:
    with transaction.atomic():
        progress = _transition(incident, rules.ATTENDED, actor=actor, version=version,
                               capability="incident.attend")
        progress.attended_at = timezone.now()
        progress.save(update_fields=["attended_at"])
        write_chronology(incident, kind="incident_attended", summary="officer arrived",
                         actor=actor)
    return incident


def not_yet_attended(incident: Incident) -> bool:
    """Lock the log (as `do_record_risk_assessed` would) and say whether it is still before
    the officer's arrival, where that action can only refuse. The risk room asks first: a
    DASH taken before attendance was recorded (a station report, or the arrival not yet
    entered) then costs one query, not an action's savepoint, two reads and a rollback."""
    state = (Incident.objects.select_for_update().filter(pk=incident.pk)
             .values_list("state", flat=True).first())
    return state in (rules.OPENED, rules.DISPATCHED)


@action("risk.complete", record_type="incident")
def do_record_risk_assessed(incident: Incident, *, assessment_id, actor) -> Incident:
    """Called by the risk room when a DASH for this incident is completed.

    attended → risk assessed, recording the time (arrival → DASH). A later assessment of the
    same log (a re-assessment) records its id and leaves the state and first time alone.
    """
    # The action's own transaction rolls back a refusal: no second savepoint here.
    with transaction.atomic(savepoint=False):
        fresh = Incident.objects.select_for_update().get(pk=incident.pk)
        progress = progress_of(fresh)
        if fresh.state in (rules.RISK_ASSESSED, rules.ENDORSED, rules.CLOSED):
            progress.risk_assessment_id = assessment_id
            progress.save(update_fields=["risk_assessment_id"])
            log_people(actor, fresh, Action.ALTERATION,
                       detail={"risk_assessment": str(assessment_id)})
            incident.refresh_from_db()
            return incident
        if fresh.state != rules.ATTENDED:
            raise TransitionRefused("Record the officer's arrival on the log before its "
                                    "risk assessment.")
        progress = _transition(incident, rules.RISK_ASSESSED, actor=actor,
                               note=f"assessment {assessment_id}")
        progress.risk_assessed_at = timezone.now()
        progress.risk_assessment_id = assessment_id
        progress.save(update_fields=["risk_assessed_at", "risk_assessment_id"])
        write_chronology(incident, kind="incident_risk_assessed",
                         summary="risk assessment (DASH) completed", actor=actor)
    return incident


@action("incident.endorse", record_type="incident")
def do_endorse_incident(incident: Incident, *, supervision: str, actor, version=None) -> Incident:
    """The sergeant's review of the action taken and the risk assessment."""
    if not (supervision or "").strip():
        raise TransitionRefused("Record your supervision: the action taken and the risk "
                                "assessment you reviewed.")
    with transaction.atomic():
        progress = _transition(incident, rules.ENDORSED, actor=actor, version=version,
                               note="sergeant endorsement", capability="incident.endorse")
        progress.endorsed_at = timezone.now()
        progress.endorsed_by = actor
        progress.endorsement = supervision.strip()
        progress.save(update_fields=["endorsed_at", "endorsed_by", "endorsement"])
        write_chronology(incident, kind="incident_endorsed",
                         summary="sergeant reviewed and endorsed the log", actor=actor)
    return incident


@action("incident.close", record_type="incident")
def do_close_incident(incident: Incident, *, actor, version=None) -> Incident:
    with transaction.atomic():
        progress = _transition(incident, rules.CLOSED, actor=actor, version=version,
                               capability="incident.close")
        progress.closed_at = timezone.now()
        progress.closed_by = actor
        progress.save(update_fields=["closed_at", "closed_by"])
        write_chronology(incident, kind="incident_closed", summary="log closed", actor=actor)
    return incident


def dash_overdue(incident: Incident, now=None) -> bool:
    """Read-only: a DA log attended without a DASH for longer than the force allows (the
    list shows it at once; the sweep job tags it to the HAU's queue)."""
    progress = getattr(incident, "progress", None)
    return (incident.domestic_abuse and incident.state == rules.ATTENDED
            and progress is not None
            and _dash_overdue(progress, incident.force, now or timezone.now()))


def _dash_overdue(progress: IncidentProgress, force, now) -> bool:
    hours = policy(force, "dash_due_hours_after_attendance", at=now)
    return progress.attended_at is not None and progress.attended_at + dt.timedelta(
        hours=hours) <= now


@action("incident.view", record_type="incident", system=True)
def do_sweep_overdue_dash(force=None, *, now=None, actor=None) -> list[Incident]:
    """Tag to the HAU queue every DA log attended without a DASH within the force's time.

    Run by `haven intake_sweep` and whenever a list that shows the tag is opened."""
    now = now or timezone.now()
    candidates = Incident.objects.filter(
        domestic_abuse=True, state=rules.ATTENDED, progress__attended_at__isnull=False,
        progress__dash_overdue_tagged_at__isnull=True,
    ).select_related("force", "progress")
    if force is not None:
        candidates = candidates.filter(force=force)
    if any(f.name == "risk_assessments" for f in Incident._meta.get_fields()):
        # A DASH the risk room holds against the log (even one recorded out of order) counts.
        candidates = candidates.filter(risk_assessments__isnull=True)
    tagged = []
    for incident in candidates:
        if not _dash_overdue(incident.progress, incident.force, now):
            continue
        with transaction.atomic():
            progress = IncidentProgress.objects.select_for_update().get(pk=incident.progress.pk)
            if progress.dash_overdue_tagged_at is not None:
                continue
            progress.dash_overdue_tagged_at = now
            progress.save(update_fields=["dash_overdue_tagged_at"])
            victim = incident.involvements.filter(role="victim").select_related("person").first()
            do_create_task(
                incident.force, kind="missing_dash", owner_role="hau", due_at=now,
                title=f"No DASH on {incident.reference} since attendance",
                source_room="intake", source_type="incident", source_id=incident.pk,
                person=victim.person if victim else None, actor=actor,
            )
            write_chronology(incident, kind="dash_overdue", actor=actor, at=now,
                             summary="no DASH within the expected time; tagged to the HAU")
        tagged.append(incident)
    if not tagged:
        unchanged()
    return tagged

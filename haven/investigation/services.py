"""Crimes, allocation, positive action, custody and court events, outcomes, and the
Victims' Code. Evidence is in `evidence.py`; the inspection's figures in `measures.py`.

Reads go through `access_crime(user, id)` (the same 404 for missing and forbidden, logged);
every change is a `do_…` action (capability checked, one transaction, access log and
chronology written with it).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import SUPERVISORS, can
from haven.access.log import Action, Outcome, record_access
from haven.chronology.services import Sensitivity, record_entry
from haven.core.actions import action
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit, update_if_unchanged
from haven.core.events import publish
from haven.forces.policy import policy
from haven.intake import public as intake_public
from haven.investigation import rules
from haven.investigation.events import CaseEventRecorded, CustodyEvent
from haven.investigation.models import (
    CaseEvent,
    Crime,
    CrimeOffence,
    Offence,
    Reallocation,
    Team,
    VictimNotice,
)
from haven.risk.services import current_assessment
from haven.safeguarding.services import contact_preferences_for
from haven.tasks.services import do_close_tasks, do_create_task

__all__ = ["InvestigationRefused", "StaleEdit", "scoped_crimes", "access_crime",
           "do_record_crime", "do_reallocate_crime", "do_record_arrest",
           "do_record_case_event", "do_record_prison_release", "do_record_outcome",
           "do_record_victim_told", "team_role", "contact_lines"]

ROOM = "investigation"
STALE = "This crime was changed by someone else since you opened it. Reload it and try again."
OFFENCES = set(Offence.values)
OFFENCE_LABELS = dict(Offence.choices)
# Who works a team's crimes when no officer is named yet.
TEAM_ROLES = {Team.DETECTIVE: "detective", Team.HAU: "hau", Team.LOCAL: "response_officer"}
ROLE_TEAMS = {"detective": Team.DETECTIVE, "hau": Team.HAU, "response_officer": Team.LOCAL,
              "snt_officer": Team.LOCAL, "sergeant": Team.LOCAL}


class InvestigationRefused(ValueError):
    """A change that cannot be made as asked: `errors` is {field: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())))
        self.errors = dict(errors)


def team_role(team: str) -> str:
    return TEAM_ROLES.get(team, "response_officer")


# --- reads --------------------------------------------------------------------------------

def scoped_crimes(user) -> QuerySet[Crime]:
    """Crimes this user may see: their own force's (partners see none)."""
    if not (user and user.is_authenticated) or not can(user, "crime.view"):
        return Crime.objects.none()
    if user.is_partner or user.force_id is None:
        return Crime.objects.none()
    return Crime.objects.filter(force_id=user.force_id)


def _people_of(crime: Crime) -> list[int]:
    return sorted({p for p in (crime.victim_id, crime.suspect_id) if p})


def log_crime(user, crime: Crime, act: str, *, reason: str = "", detail=None) -> None:
    """One access-log entry per person the crime names (ids only), or one for the crime."""
    for person_id in _people_of(crime) or [None]:
        record_access(user, act, record_type="crime", record_id=crime.pk, person_id=person_id,
                      reason=reason, detail=detail)


def access_crime(user, crime_id, *, reason: str = "", action_: str = Action.CONSULTATION
                 ) -> Crime:
    """The crime (404 alike for missing and forbidden); the read is logged, per person."""
    pk = db_int(crime_id)
    with transaction.atomic():
        crime = (scoped_crimes(user).filter(pk=pk).select_related(
            "victim", "suspect", "incident", "allocated_to").first() if pk is not None else None)
        if crime is None:
            record_access(user, action_, record_type="crime", record_id=str(crime_id)[:64],
                          reason=reason, outcome=Outcome.REFUSED)
        else:
            log_crime(user, crime, action_, reason=reason)
    if crime is None:
        raise Http404("Not found")
    return crime


def _own_force(crime: Crime, actor) -> None:
    if actor is not None and crime.force_id != getattr(actor, "force_id", None):
        raise Http404("Not found")


def _chronology(crime: Crime, *, kind: str, summary: str, actor, at=None) -> None:
    for person in (crime.victim, crime.suspect):
        if person is not None:
            record_entry(person, occurred_at=at or timezone.now(), kind=kind, source_room=ROOM,
                         source_type="crime", source_id=crime.pk,
                         summary=f"Crime {crime.reference}: {summary}",
                         sensitivity=Sensitivity.RESTRICTED, actor=actor)


# --- recording a crime ------------------------------------------------------------------------

def _victim_grade(person) -> str | None:
    if person is None:
        return None
    assessment = current_assessment(person)
    return assessment.grade if assessment is not None else None


def allocation_for(force, offences, victim, *, at=None) -> rules.Allocation:
    return rules.allocate(
        offences, victim_grade=_victim_grade(victim),
        offence_teams=policy(force, "crime_allocation_offences", at=at) or {},
        high_risk_team=policy(force, "crime_allocation_high_risk_team", at=at),
        high_risk_grades=policy(force, "crime_allocation_high_risk_grades", at=at) or [],
        labels=OFFENCE_LABELS)


def _parties_of(incident) -> tuple:
    """The first victim and suspect named on an incident log (through intake's public
    reads, not its tables)."""
    victims, suspects = intake_public.victims_of(incident), intake_public.suspects_of(incident)
    return (victims[0] if victims else None), (suspects[0] if suspects else None)


@action("crime.record", record_type="crime")
def do_record_crime(*, offences: list[str], principal: str | None = None,
                    domestic_abuse: bool = True, incident=None, victim=None, suspect=None,
                    summary: str = "", recorded_at=None, actor) -> Crime:
    """Record a crime from an incident log (its victim and suspect) or on its own, with every
    offence disclosed; `principal` is the one counted (HOCR), the rest are kept."""
    force = actor.force
    errors = {}
    offences = [o for o in dict.fromkeys(offences or []) if o]
    if not offences:
        errors["offences"] = "Choose every offence the victim disclosed"
    elif set(offences) - OFFENCES:
        errors["offences"] = "Choose offences from the list"
    principal = principal or (offences[0] if offences else None)
    if offences and principal not in offences:
        errors["principal"] = "The principal offence must be one of the offences chosen"
    if incident is not None and incident.force_id != force.pk:
        raise Http404("Not found")
    if errors:
        raise InvestigationRefused(errors)
    if incident is not None:
        from_log = _parties_of(incident)
        victim = victim or from_log[0]
        suspect = suspect or from_log[1]
    for person in (victim, suspect):
        if person is not None and person.force_id != force.pk:
            raise Http404("Not found")
    now = timezone.now()
    allocation = allocation_for(force, offences, victim, at=now)
    officer = actor if ROLE_TEAMS.get(actor.role) == allocation.team else None
    crime = Crime.objects.create(
        force=force, reference=f"pending-{now.timestamp()}", incident=incident, victim=victim,
        suspect=suspect, domestic_abuse=domestic_abuse, victim_enhanced=domestic_abuse,
        recorded_at=recorded_at or now, recorded_by=actor, summary=summary.strip(),
        team=allocation.team, allocated_to=officer, allocation_reason=allocation.reason)
    crime.reference = f"{force.code}/CR/{crime.pk:06d}"
    Crime.objects.filter(pk=crime.pk).update(reference=crime.reference)
    CrimeOffence.objects.bulk_create([
        CrimeOffence(crime=crime, offence=o, principal=o == principal, position=n)
        for n, o in enumerate(offences)])
    Reallocation.objects.create(crime=crime, team=allocation.team, officer=officer,
                                reason=allocation.reason, at=now, by=actor)
    log_crime(actor, crime, Action.ALTERATION, detail={"change": "recorded"})
    flag = " (domestic abuse)" if domestic_abuse else ""
    _chronology(crime, kind="crime_recorded", actor=actor, at=crime.recorded_at,
                summary=f"{OFFENCE_LABELS[principal]}{flag} recorded")
    return crime


@action("crime.allocate", record_type="crime")
def do_reallocate_crime(crime: Crime, *, team: str, officer=None, reason: str, version: int,
                        actor) -> Crime:
    """Give the crime to another team or a named officer, saying why."""
    _own_force(crime, actor)
    errors = {}
    if team not in Team.values:
        errors["team"] = "Choose detectives, HAU detectives or local officers"
    if not (reason or "").strip():
        errors["reason"] = "Say why the crime is being reallocated"
    if officer is not None and officer.force_id != crime.force_id:
        errors["officer"] = "Choose an officer of this force"
    if errors:
        raise InvestigationRefused(errors)
    now = timezone.now()
    update_if_unchanged(crime, version, STALE, team=team, allocated_to=officer,
                        allocation_reason=reason.strip()[:300])
    Reallocation.objects.create(crime=crime, team=team, officer=officer,
                                reason=reason.strip()[:300], at=now, by=actor)
    log_crime(actor, crime, Action.ALTERATION, detail={"change": "reallocated", "team": team})
    _chronology(crime, kind="crime_reallocated", actor=actor, at=now,
                summary=f"Reallocated to {Team(team).label}: {reason.strip()}")
    return crime


# --- positive action -------------------------------------------------------------------------

@action("crime.investigate", record_type="crime")
def do_record_arrest(crime: Crime, *, arrested: bool, version: int, at=None, reason: str = "",
                     actor) -> Crime:
    """Positive action: the suspect was arrested (when), or why not."""
    _own_force(crime, actor)
    at = at or timezone.now()
    if not arrested and not (reason or "").strip():
        raise InvestigationRefused({"reason": "Say why the suspect was not arrested"})
    if arrested:
        update_if_unchanged(crime, version, STALE, arrested=True, arrested_at=at,
                            no_arrest_reason="")
    else:
        update_if_unchanged(crime, version, STALE, arrested=False, arrested_at=None,
                            no_arrest_reason=reason.strip()[:500])
    log_crime(actor, crime, Action.ALTERATION, detail={"change": "positive_action",
                                                       "arrested": bool(arrested)})
    if arrested:
        _add_event(crime, kind=CaseEvent.Kind.ARREST, occurred_at=at, actor=actor)
    else:
        _chronology(crime, kind="crime_no_arrest", actor=actor, at=at,
                    summary=f"Suspect not arrested: {reason.strip()}")
    return crime


# --- custody and court -------------------------------------------------------------------------

def _add_event(crime: Crime, *, kind: str, occurred_at, actor, conditions=None, court="",
               next_date=None, note="", source="") -> CaseEvent:
    event = CaseEvent.objects.create(
        crime=crime, kind=kind, occurred_at=occurred_at, conditions=conditions or {},
        court=court[:200], next_date=next_date, note=note[:500], source=source[:100],
        recorded_at=timezone.now(), recorded_by=actor)
    label = CaseEvent.Kind(kind).label
    _chronology(crime, kind=f"custody_{kind}", actor=actor, at=occurred_at,
                summary=label + (f": {note}" if note else ""))
    if kind in rules.QUALIFYING_EVENTS:
        _create_victim_notice(crime, what=label, occurred_at=occurred_at, event=event,
                             actor=actor)
    if kind == CaseEvent.Kind.PRISON_RELEASE:
        _prison_release_tasks(crime, event, actor=actor)
    if kind in rules.RISK_EVENTS and crime.suspect_id:
        # Live risk re-opens the victims' assessments (risk.live.on_custody_event).
        publish(CustodyEvent(person_id=crime.suspect_id, force_id=crime.force_id, kind=kind,
                             occurred_at=occurred_at,
                             actor_id=getattr(actor, "pk", None)))
    # Protection keeps the suspect's bail conditions from these (protection.custody).
    publish(CaseEventRecorded(crime_id=crime.pk, force_id=crime.force_id, kind=kind,
                              occurred_at=occurred_at, actor_id=getattr(actor, "pk", None)))
    return event


def _check_conditions(kind: str, conditions: dict | None) -> dict:
    conditions = {k: v for k, v in (conditions or {}).items() if v not in (None, "", False)}
    if kind in (CaseEvent.Kind.BAIL, CaseEvent.Kind.BAIL_CHANGE):
        allowed = {"protected_person", "exclusion_zone", "no_contact", "other"}
        return {k: v for k, v in conditions.items() if k in allowed}
    return {}


@action("crime.investigate", record_type="crime")
def do_record_case_event(crime: Crime, *, kind: str, occurred_at=None, conditions=None,
                         court: str = "", next_date=None, note: str = "", source: str = "",
                         actor) -> CaseEvent:
    """Interview, release, bail (with conditions) and its changes or breach, charge, remand,
    hearing, result, sentence, restraining order, prison release."""
    _own_force(crime, actor)
    errors = {}
    if kind not in CaseEvent.Kind.values:
        errors["kind"] = "Choose what happened"
    elif kind == CaseEvent.Kind.ORDER_BREACH:
        # One place for breaches: protection records them (and publishes OrderBreached).
        errors["kind"] = ("Record a breach of a restraining order on the order itself: "
                          "\"Orders protecting the victim\" on this page")
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + dt.timedelta(minutes=5) and kind != "hearing":
        errors["occurred_at"] = "The date and time cannot be in the future"
    if kind in ("bail", "bail_change") and not _check_conditions(kind, conditions) and not (
            note or "").strip():
        errors["conditions"] = "Give the bail conditions (or say there are none)"
    if errors:
        raise InvestigationRefused(errors)
    event = _add_event(crime, kind=kind, occurred_at=occurred_at, actor=actor,
                       conditions=_check_conditions(kind, conditions), court=court,
                       next_date=next_date, note=(note or "").strip(), source=source)
    log_crime(actor, crime, Action.ALTERATION, detail={"change": "event", "kind": kind,
                                                       "event": event.pk})
    return event


def _prison_release_tasks(crime: Crime, event: CaseEvent, *, actor) -> None:
    """A prison release: tell the victim, and re-assess the risk to them."""
    if crime.victim is None:
        return
    hours = policy(crime.force, "reassessment_due_hours", at=event.occurred_at)
    do_create_task(crime.force, kind="reassessment",
                   title=f"Re-assess the risk: suspect released from prison ({crime.reference})",
                   owner_role="hau", person=crime.victim, source_room=ROOM,
                   source_type="case_event", source_id=event.pk, actor=actor,
                   due_at=max(event.occurred_at, timezone.now()) + dt.timedelta(hours=hours))
    _create_victim_notice(crime, what="Suspect released from prison",
                         occurred_at=event.occurred_at, event=event, actor=actor)


@action("crime.investigate", record_type="crime")
def do_record_prison_release(person, *, released_at=None, source: str, note: str = "",
                             actor) -> list[CaseEvent]:
    """A prison release notification about `person` (from the prison information process or
    any other source): recorded on the latest crime against each of their victims in this
    force, each making the two tasks (tell the victim, re-assess the risk)."""
    if person.force_id != actor.force_id:
        raise Http404("Not found")
    if not (source or "").strip():
        raise InvestigationRefused({"source": "Say who told us of the release"})
    released_at = released_at or timezone.now()
    latest: dict[int, Crime] = {}
    for crime in (Crime.objects.filter(force_id=actor.force_id, suspect=person,
                                       victim__isnull=False)
                  .select_related("victim", "suspect", "force").order_by("-recorded_at")):
        latest.setdefault(crime.victim_id, crime)
    if not latest:
        raise InvestigationRefused({"person": "No crime in Haven names this person as the "
                                              "suspect"})
    events = []
    for crime in latest.values():
        event = _add_event(crime, kind=CaseEvent.Kind.PRISON_RELEASE, occurred_at=released_at,
                           actor=actor, note=(note or "").strip(), source=source.strip())
        log_crime(actor, crime, Action.ALTERATION, detail={"change": "event",
                                                           "kind": "prison_release",
                                                           "event": event.pk})
        events.append(event)
    return events


# --- the Victims' Code ----------------------------------------------------------------------

def victim_due_at(force, occurred_at, *, enhanced: bool) -> dt.datetime:
    key = ("victim_update_working_days_enhanced" if enhanced
           else "victim_update_working_days_standard")
    days = policy(force, key, at=occurred_at)
    overrides = policy(force, "working_day_overrides", at=occurred_at) or {}
    return rules.victim_due(timezone.localtime(occurred_at), days, overrides)


def _create_victim_notice(crime: Crime, *, what: str, occurred_at, event=None, actor
                         ) -> VictimNotice | None:
    """A "tell the victim" task, due within 1 working day (enhanced: DA victims) or 5."""
    if crime.victim is None:
        return None
    due = victim_due_at(crime.force, occurred_at, enhanced=crime.victim_enhanced)
    notice = VictimNotice.objects.create(crime=crime, event=event, what=what[:200],
                                         enhanced=crime.victim_enhanced, due_at=due)
    task = do_create_task(
        crime.force, kind="victim_update", title=f"Tell the victim: {what} ({crime.reference})",
        owner_role=team_role(crime.team), owner_user=crime.allocated_to, person=crime.victim,
        due_at=due, source_room=ROOM, source_type="victim_notice", source_id=notice.pk,
        actor=actor)
    VictimNotice.objects.filter(pk=notice.pk).update(task_id=task.pk)
    notice.task_id = task.pk
    return notice


@action("crime.investigate", record_type="crime")
def do_record_victim_told(notice: VictimNotice, *, method: str, at=None, actor) -> VictimNotice:
    """The victim was told (how): the notice and its task are done."""
    crime = notice.crime
    _own_force(crime, actor)
    if not (method or "").strip():
        raise InvestigationRefused({"method": "Say how the victim was told"})
    at = at or timezone.now()
    if not VictimNotice.objects.filter(pk=notice.pk, told_at__isnull=True).update(
            told_at=at, told_by=actor, method=method.strip()[:100]):
        raise StaleEdit("Someone has already recorded that the victim was told. Reload it.")
    do_close_tasks(source_room=ROOM, source_type="victim_notice", source_ids=[notice.pk],
                   note=f"Victim told ({method.strip()})", actor=actor, at=at)
    log_crime(actor, crime, Action.ALTERATION, detail={"change": "victim_told",
                                                       "notice": notice.pk})
    if crime.victim is not None:
        record_entry(crime.victim, occurred_at=at, kind="victim_told", source_room=ROOM,
                     source_type="victim_notice", source_id=notice.pk, actor=actor,
                     summary=f"Crime {crime.reference}: victim told of {notice.what.lower()} "
                             f"({method.strip()})")
    notice.refresh_from_db()
    return notice


def contact_lines(force, person_id) -> list[str]:
    """How to contact the victim safely, from the safeguarding room (empty when none)."""
    prefs = contact_preferences_for(force, person_id)
    if prefs is None:
        return []
    lines = []
    for attr, text in (("safe_number", "Safe number: {}"), ("safe_times", "Safe times: {}")):
        value = getattr(prefs, attr, "")
        if value:
            lines.append(text.format(value))
    if getattr(prefs, "no_messages", False):
        lines.append("Do not leave messages")
    if getattr(prefs, "no_letters_home", False):
        lines.append("Do not write to the home address")
    if getattr(prefs, "notes", ""):
        lines.append(prefs.notes)
    return lines


# --- outcomes --------------------------------------------------------------------------------

NOTICE_FOR_OUTCOME = {**{n: "Out-of-court disposal" for n in (2, 3, 6, 7, 8, 22)},
                      **{n: "Decision not to prosecute" for n in (9, 10, 14, 15, 16, 21)}}


@action("crime.outcome", record_type="crime")
def do_record_outcome(crime: Crime, *, outcome: int, note: str = "", version: int, at=None,
                      actor) -> Crime:
    """Close the crime with a Home Office outcome type (1-22)."""
    _own_force(crime, actor)
    number = db_int(outcome)
    if number not in rules.OUTCOME_TYPES:
        raise InvestigationRefused({"outcome": "Choose a Home Office outcome type (1 to 22)"})
    if crime.domestic_abuse and number in rules.NEEDS_SIGN_OFF:
        if actor.role not in SUPERVISORS:
            raise InvestigationRefused({"outcome": f"Outcome {number} on a domestic abuse "
                                        "crime needs a supervisor's sign-off"})
        if not (note or "").strip():
            raise InvestigationRefused({"note": f"Give the rationale for outcome {number}"})
    at = at or timezone.now()
    update_if_unchanged(crime, version, STALE, outcome=number, outcome_at=at,
                        outcome_note=(note or "").strip()[:500])
    log_crime(actor, crime, Action.ALTERATION, detail={"change": "outcome", "outcome": number})
    _chronology(crime, kind="crime_outcome", actor=actor, at=at,
                summary=f"Outcome {number}: {rules.outcome_label(number)}")
    if number in NOTICE_FOR_OUTCOME:
        _create_victim_notice(crime, what=NOTICE_FOR_OUTCOME[number], occurred_at=at,
                             actor=actor)
    return crime


# --- lists -----------------------------------------------------------------------------------

def crimes_for_officer(user) -> QuerySet[Crime]:
    """Open crimes allocated to this officer, then their team's with nobody named yet."""
    team = ROLE_TEAMS.get(user.role)
    mine = Q(allocated_to=user)
    if team is not None and user.role != "sergeant":
        mine |= Q(allocated_to__isnull=True, team=team)
    return (scoped_crimes(user).filter(mine, outcome__isnull=True)
            .select_related("victim", "suspect").prefetch_related("offences")
            .order_by("recorded_at"))


def open_notices(crime: Crime) -> list[VictimNotice]:
    return list(crime.notices.filter(told_at__isnull=True))


def arrest_status_of_incidents(incident_ids) -> dict[int, bool | None]:
    """incident id -> True when a crime recorded from it has its suspect arrested, False when
    its crimes record a decision not to arrest, None when nothing is said (for the daily
    management board, through `haven.safeguarding.board.register_arrest_status`)."""
    out: dict[int, bool | None] = {}
    for incident_id, arrested in Crime.objects.filter(
            incident_id__in=list(incident_ids)).values_list("incident_id", "arrested"):
        if arrested:
            out[incident_id] = True
        elif arrested is False and out.get(incident_id) is None:
            out[incident_id] = False
    return out

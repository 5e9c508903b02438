"""The MARAC room's reads (`access_…`, scoped lists) and changes (`do_…` actions).

Scoping: police users see their force's areas, referrals and meetings. A partner user (an
IDVA, children's services) sees only the cases listed at a meeting its agency is invited to,
once the list has gone out, and records its own agency's research on them; an IDVA also sees
the referrals whose victim was shared with its service (to record contact). Everything else
is "not found", the same as a missing record, and the refusal is logged.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import can
from haven.access.log import Action as LogAction
from haven.access.log import Outcome, record_access
from haven.chronology.services import record_entry
from haven.core.actions import action, unchanged
from haven.core.api import db_int
from haven.core.calendar import end_of_working_day
from haven.core.concurrency import update_if_unchanged
from haven.forces.models import Agency, Force
from haven.forces.policy import policy
from haven.marac import rules
from haven.marac.models import Action, Area, Case, Meeting, Referral, Research
from haven.marac.rules import Refused
from haven.people.access import access_person, scoped_persons
from haven.people.addresses import address_areas
from haven.people.services import do_share_person

# --- scoping -------------------------------------------------------------------------------


def user_force_id(user):
    """A police user's force, a partner user's agency's force."""
    if getattr(user, "is_partner", False):
        return user.agency.force_id if user.agency_id else None
    return getattr(user, "force_id", None)


def _police(user) -> bool:
    return bool(user and user.is_authenticated and not user.is_partner and user.force_id)


def scoped_areas(user) -> QuerySet[Area]:
    if _police(user) and (can(user, "marac.view") or can(user, "marac.governance")
                          or can(user, "marac.refer")):
        return Area.objects.filter(force_id=user.force_id)
    return Area.objects.none()


def scoped_referrals(user) -> QuerySet[Referral]:
    if not (user and user.is_authenticated):
        return Referral.objects.none()
    if _police(user) and (can(user, "marac.view") or can(user, "marac.refer")):
        return Referral.objects.filter(force_id=user.force_id)
    if user.is_partner and can(user, "marac.idva_contact"):
        return Referral.objects.filter(
            force_id=user_force_id(user), idva_offered=True,
            victim_id__in=scoped_persons(user).values("pk"))
    if user.is_partner and can(user, "marac.refer"):
        return Referral.objects.filter(referred_by=user)
    return Referral.objects.none()


def scoped_meetings(user) -> QuerySet[Meeting]:
    if not (user and user.is_authenticated):
        return Meeting.objects.none()
    if _police(user) and (can(user, "marac.view") or can(user, "marac.governance")):
        return Meeting.objects.filter(force_id=user.force_id)
    if user.is_partner and can(user, "marac.research"):
        return Meeting.objects.filter(agencies=user.agency_id, list_sent_at__isnull=False)
    return Meeting.objects.none()


def scoped_cases(user) -> QuerySet[Case]:
    return Case.objects.filter(meeting__in=scoped_meetings(user).values("pk"))


def scoped_actions(user) -> QuerySet[Action]:
    actions = Action.objects.filter(case__in=scoped_cases(user).values("pk"))
    if getattr(user, "is_partner", False):
        actions = actions.filter(agency_id=user.agency_id)
    return actions


def _access(user, queryset, record_id, *, record_type: str, person_of=None,
            action=LogAction.CONSULTATION):
    pk = db_int(record_id)
    with transaction.atomic():
        found = queryset.filter(pk=pk).first() if pk is not None else None
        record_access(user, action, record_type=record_type, record_id=record_id,
                      person_id=person_of(found) if (found and person_of) else None,
                      outcome=Outcome.ALLOWED if found else Outcome.REFUSED)
    if found is None:
        raise Http404("Not found")
    return found


def access_area(user, area_id) -> Area:
    return _access(user, scoped_areas(user), area_id, record_type="marac_area")


def access_referral(user, referral_id, *, action=LogAction.CONSULTATION) -> Referral:
    return _access(user, scoped_referrals(user).select_related("victim", "perpetrator", "area"),
                   referral_id, record_type="marac_referral", person_of=lambda r: r.victim_id,
                   action=action)


def access_meeting(user, meeting_id) -> Meeting:
    return _access(user, scoped_meetings(user).select_related("area"), meeting_id,
                   record_type="marac_meeting")


def access_case(user, case_id) -> Case:
    return _access(user, scoped_cases(user).select_related(
        "meeting__area", "referral__victim", "referral__perpetrator"), case_id,
        record_type="marac_case", person_of=lambda c: c.referral.victim_id)


def access_action(user, action_id) -> Action:
    return _access(user, scoped_actions(user).select_related("case__referral", "agency"),
                   action_id, record_type="marac_action",
                   person_of=lambda a: a.case.referral.victim_id)


def _person(user, person_id, field):
    if not str(person_id or "").strip():
        return None
    try:
        return access_person(user, person_id, reason="MARAC referral")
    except Http404:
        raise Refused(field, "No person with that number that you may see.") from None


# --- areas -----------------------------------------------------------------------------------

@action("marac.coordinate", record_type="marac_area")
def do_add_area(force, *, name: str, pattern: str, chair=None, coordinator=None,
                districts=(), actor) -> Area:
    if force.pk != actor.force_id:
        raise Http404("Not found")
    if not name.strip():
        raise Refused("name", "Give the area's name")
    if pattern not in Area.Pattern.values:
        raise Refused("pattern", "Choose how often the MARAC meets")
    if Area.objects.filter(force=force, name__iexact=name.strip()).exists():
        raise Refused("name", "There is already a MARAC area with that name")
    area = Area.objects.create(force=force, name=name.strip(), pattern=pattern, chair=chair,
                               coordinator=coordinator,
                               districts=[d.strip().upper() for d in districts if d.strip()])
    record_access(actor, LogAction.COLLECTION, record_type="marac_area", record_id=area.pk)
    return area


def area_for(force, victim_id) -> Area | None:
    """The area covering the victim's latest address district, else the force's first."""
    areas = list(Area.objects.filter(force=force).order_by("name", "pk"))
    district = address_areas([victim_id]).get(victim_id, "")
    for area in areas:
        for code in area.districts:
            if district == code or (code.isalpha() and district.startswith(code)
                                    and district[len(code):][:1].isdigit()):
                return area
    return areas[0] if areas else None


# --- referrals -------------------------------------------------------------------------------

def last_referral(victim_id, perpetrator_id, *, before=None) -> Referral | None:
    """The latest referral of this victim and perpetrator (any area, any force)."""
    if perpetrator_id is None:
        return None
    rows = Referral.objects.filter(victim_id=victim_id, perpetrator_id=perpetrator_id)
    if before is not None:
        rows = rows.filter(referred_at__lte=before)
    return rows.order_by("-referred_at", "-pk").first()


def _agency_of(user) -> str:
    if getattr(user, "is_partner", False) and user.agency_id:
        return user.agency.kind
    return Referral.Agency.POLICE


def _idva_due(force, at):
    days = policy(force, "marac_idva_contact_working_days", at=at)
    overrides = policy(force, "working_day_overrides", at=at)
    return end_of_working_day(timezone.localtime(at), days, overrides)


def _create(force, area, *, victim, perpetrator, criterion, actor, at, referring_agency,
            consent, consent_basis="", rationale="", dash_yes_count=None,
            incidents_in_window=None, children=0, repeat_of=None, transferred_from=None,
            assessment_id=None, incident_id=None, idva=True, summary="") -> Referral:
    referral = Referral.objects.create(
        force=force, area=area, victim=victim, perpetrator=perpetrator, criterion=criterion,
        dash_yes_count=dash_yes_count, incidents_in_window=incidents_in_window,
        rationale=rationale, referring_agency=referring_agency,
        referred_by=actor if getattr(actor, "is_authenticated", False) else None,
        referred_at=at, consent=consent, consent_basis=consent_basis,
        children_in_household=children or 0, repeat_of=repeat_of,
        transferred_from=transferred_from, assessment_id=assessment_id,
        incident_id=incident_id, idva_offered=idva,
        idva_due_at=_idva_due(force, at) if idva else None)
    record_access(actor, LogAction.COLLECTION, record_type="marac_referral",
                  record_id=referral.pk, person_id=victim.pk,
                  detail={"criterion": criterion, "area": area.pk if area else None})
    where = f"the {area.name} MARAC" if area else "MARAC"
    record_entry(victim, occurred_at=at, kind="marac_referral", source_room="marac",
                 source_type="referral", source_id=referral.pk, actor=actor,
                 summary=summary or f"Referred to {where} "
                                    f"({Referral.Criterion(criterion).label.lower()})")
    return referral


@action("marac.refer", record_type="marac_referral")
def do_make_referral(*, area, victim_id, perpetrator_id=None, criterion: str,
                     dash_yes_count=None, incidents_in_window=None, rationale: str = "",
                     consent: str, consent_basis: str = "", children: int = 0,
                     actor) -> Referral:
    """A referral from any agency, with its criterion and consent or the basis without it."""
    force = area.force
    if force.pk != user_force_id(actor):
        raise Http404("Not found")
    victim = _person(actor, victim_id, "victim_id")
    if victim is None:
        raise Refused("victim_id", "Choose the victim")
    perpetrator = _person(actor, perpetrator_id, "perpetrator_id")
    now = timezone.now()
    previous = last_referral(victim.pk, perpetrator.pk if perpetrator else None, before=now)
    window = policy(force, "marac_repeat_window_days", at=now)
    recent = previous is not None and rules.is_repeat(
        incident_on=timezone.localdate(now), referred_on=timezone.localdate(previous.referred_at),
        window_days=window)
    rules.check_referral(
        rules.ReferralFacts(criterion=criterion, dash_yes_count=dash_yes_count,
                            incidents_in_window=incidents_in_window, rationale=rationale,
                            consent=consent, consent_basis=consent_basis,
                            has_recent_referral=recent),
        threshold=policy(force, "dash_high_threshold", at=now),
        escalation_incidents=policy(force, "escalation_incidents", at=now))
    referral = _create(force, area, victim=victim, perpetrator=perpetrator, criterion=criterion,
                       actor=actor, at=now, referring_agency=_agency_of(actor), consent=consent,
                       consent_basis=consent_basis, rationale=rationale,
                       dash_yes_count=dash_yes_count, incidents_in_window=incidents_in_window,
                       children=children, repeat_of=previous if recent else None)
    _share_with_idva(referral, actor)
    return referral


def _share_with_idva(referral: Referral, actor) -> None:
    """The IDVA service sees the victim it is offered to (a people share), when the referrer
    may share; a partner referrer's own agency already sees its client."""
    if not can(actor, "person.share"):
        return
    agency = Agency.objects.filter(force_id=referral.force_id, kind=Agency.Kind.IDVA).first()
    if agency is not None:
        do_share_person(referral.victim_id, agency, reason="IDVA offer with MARAC referral",
                        actor=actor)


@action("marac.coordinate", record_type="marac_referral")
def do_transfer_referral(referral: Referral, *, area: Area, reason: str, actor) -> Referral:
    """MARAC to MARAC: the victim moved. The receiving area (this force or another force of
    the alliance) gets a new referral that names the one it came from."""
    if referral.force_id != actor.force_id:
        raise Http404("Not found")
    if referral.status in (Referral.Status.TRANSFERRED,):
        raise Refused("area", "This referral has already been transferred")
    if area.pk == referral.area_id:
        raise Refused("area", "Choose another MARAC area")
    same_force = area.force_id == referral.force_id
    alliance = referral.force.alliance_id
    if not same_force and (alliance is None or area.force.alliance_id != alliance):
        raise Refused("area", "Transfers go to an area of this force or of the alliance")
    if not reason.strip():
        raise Refused("reason", "Say why the case moves (e.g. the victim moved)")
    now = timezone.now()
    update_if_unchanged(referral, referral.version, "The referral changed; look again.",
                        status=Referral.Status.TRANSFERRED)
    new = _create(area.force, area, victim=referral.victim, perpetrator=referral.perpetrator,
                  criterion=referral.criterion, actor=actor, at=now,
                  referring_agency=Referral.Agency.POLICE, consent=referral.consent,
                  consent_basis=referral.consent_basis,
                  rationale=f"Transferred from the {referral.area_name} MARAC: {reason}",
                  dash_yes_count=referral.dash_yes_count,
                  incidents_in_window=referral.incidents_in_window,
                  children=referral.children_in_household, repeat_of=referral.repeat_of,
                  transferred_from=referral, idva=referral.idva_offered,
                  summary=f"MARAC referral transferred from {referral.area_name} to "
                          f"{area.name}")
    return new


@action(None, record_type="marac_referral", system=True)
def do_create_repeat_referral(previous: Referral, *, incident_id: int, at, actor=None
                              ) -> Referral | None:
    """A repeat referral for the coordinator (an incident between the same victim and
    perpetrator within the window of the last referral). Once per incident."""
    if Referral.objects.filter(repeat_of=previous, incident_id=incident_id).exists():
        unchanged()
        return None
    area = previous.area
    try:
        with transaction.atomic():
            return _create(
                previous.force, area, victim=previous.victim, perpetrator=previous.perpetrator,
                criterion=rules.REPEAT, actor=actor, at=at,
                referring_agency=Referral.Agency.POLICE, consent=previous.consent,
                consent_basis=previous.consent_basis or "Repeat MARAC: re-referred by policy",
                rationale="New incident within the repeat window of the last referral",
                children=previous.children_in_household, repeat_of=previous,
                incident_id=incident_id, idva=previous.idva_offered,
                summary="Repeat MARAC referral after a new incident")
    except IntegrityError:  # the same incident delivered twice at once
        unchanged()
        return None


@action("marac.idva_contact", record_type="marac_referral")
def do_record_idva_contact(referral: Referral, *, outcome: str, contacted_on=None, actor
                           ) -> Referral:
    if outcome not in Referral.IdvaOutcome.values:
        raise Refused("outcome", "Choose what happened when the IDVA tried to make contact")
    if outcome in ("contacted", "engaged") and contacted_on is None:
        raise Refused("contacted_on", "Give the date the IDVA spoke to the victim")
    if contacted_on and contacted_on > timezone.localdate():
        raise Refused("contacted_on", "The date of contact cannot be in the future")
    now = timezone.now()
    update_if_unchanged(referral, referral.version, "The referral changed; look again.",
                        idva_outcome=outcome, idva_outcome_at=now, idva_contacted_on=contacted_on)
    record_access(actor, LogAction.ALTERATION, record_type="marac_referral",
                  record_id=referral.pk, person_id=referral.victim_id,
                  detail={"idva_outcome": outcome})
    record_entry(referral.victim, occurred_at=now, kind="marac_idva_contact",
                 source_room="marac", source_type="referral", source_id=referral.pk,
                 actor=actor, summary=f"IDVA: {Referral.IdvaOutcome(outcome).label.lower()}")
    return referral


def idva_in_time(referral: Referral) -> bool | None:
    """Contact within the working-day clock: None while no contact is recorded."""
    if referral.idva_contacted_on is None or referral.idva_due_at is None:
        return None
    return referral.idva_contacted_on <= timezone.localtime(referral.idva_due_at).date()


# --- meetings --------------------------------------------------------------------------------

@action("marac.coordinate", record_type="marac_meeting")
def do_schedule_meeting(area: Area, *, held_at, emergency: bool = False, agencies=(),
                        actor) -> Meeting:
    if area.force_id != actor.force_id:
        raise Http404("Not found")
    if held_at is None:
        raise Refused("held_at", "Give the date and time of the meeting")
    agencies = list(agencies)
    if any(a.force_id != area.force_id for a in agencies):
        raise Http404("Not found")
    meeting = Meeting.objects.create(force=area.force, area=area, held_at=held_at,
                                     emergency=emergency, created_by=actor)
    meeting.agencies.set(agencies)
    record_access(actor, LogAction.COLLECTION, record_type="marac_meeting",
                  record_id=meeting.pk, detail={"agencies": [a.pk for a in agencies]})
    return meeting


@action("marac.coordinate", record_type="marac_meeting")
def do_list_case(meeting: Meeting, referral: Referral, *, actor) -> Case:
    if meeting.force_id != actor.force_id or referral.force_id != actor.force_id:
        raise Http404("Not found")
    if meeting.closed_at:
        raise Refused("referral", "This meeting has been held")
    if referral.area_id not in (None, meeting.area_id):
        raise Refused("referral", "The referral belongs to another MARAC area")
    if referral.status != Referral.Status.AWAITING:
        raise Refused("referral", "This referral is not waiting to be listed")
    position = meeting.cases.count() + 1
    case = Case.objects.create(meeting=meeting, referral=referral, position=position)
    update_if_unchanged(referral, referral.version, "The referral changed; look again.",
                        status=Referral.Status.LISTED, area=meeting.area)
    record_access(actor, LogAction.ALTERATION, record_type="marac_meeting",
                  record_id=meeting.pk, person_id=referral.victim_id,
                  detail={"listed": referral.pk})
    return case


@action("marac.coordinate", record_type="marac_meeting")
def do_send_list(meeting: Meeting, *, actor) -> Meeting:
    """The case list (names and dates of birth, no narrative) goes to the invited agencies."""
    if meeting.force_id != actor.force_id:
        raise Http404("Not found")
    if not meeting.cases.exists():
        raise Refused("list", "List at least one case first")
    if not meeting.agencies.exists():
        raise Refused("list", "Invite at least one agency first")
    if meeting.list_sent_at:
        unchanged()
        return meeting
    update_if_unchanged(meeting, meeting.version, "The meeting changed; look again.",
                        list_sent_at=timezone.now())
    victims = list(meeting.cases.values_list("referral__victim_id", flat=True))
    for agency in meeting.agencies.all():
        record_access(actor, LogAction.DISCLOSURE, record_type="marac_meeting",
                      record_id=meeting.pk, detail={"agency": agency.pk, "persons": victims})
    return meeting


def list_due_on(meeting: Meeting) -> dt.date:
    days = policy(meeting.force, "marac_list_circulation_days", at=meeting.held_at)
    return rules.list_due_on(timezone.localtime(meeting.held_at).date(), days)


def _agency_for_research(user):
    return user.agency if getattr(user, "is_partner", False) else None


@action("marac.research", record_type="marac_case")
def do_record_research(case: Case, *, text: str, actor) -> Research:
    """The actor's agency's research on one listed case (the police's for the coordinator).
    Recording again replaces the agency's earlier text."""
    if not scoped_cases(actor).filter(pk=case.pk).exists():
        raise Http404("Not found")
    if case.meeting.closed_at:
        raise Refused("text", "The meeting has been held: research is closed")
    if not text.strip():
        raise Refused("text", "Write what your agency's records show (or 'nothing known')")
    agency = _agency_for_research(actor)
    research, _created = Research.objects.update_or_create(
        case=case, agency=agency,
        defaults={"text": text.strip(), "recorded_by": actor, "recorded_at": timezone.now()})
    record_access(actor, LogAction.COLLECTION, record_type="marac_case", record_id=case.pk,
                  person_id=case.referral.victim_id, detail={"research": research.pk})
    return research


def research_for(user, case: Case) -> QuerySet[Research]:
    """A partner reads only its own agency's form; police read every agency's."""
    rows = case.research.select_related("agency", "recorded_by")
    if getattr(user, "is_partner", False):
        rows = rows.filter(agency_id=user.agency_id)
    return rows


@action("marac.chair", record_type="marac_case")
def do_record_discussion(case: Case, *, version: int, information_shared: str,
                         risk_summary: str, actor) -> Case:
    if case.meeting.force_id != actor.force_id:
        raise Http404("Not found")
    if not risk_summary.strip():
        raise Refused("risk_summary", "Give the chair's summary of the risk")
    now = timezone.now()
    update_if_unchanged(case, version, "Someone else recorded this case; look again.",
                        information_shared=information_shared.strip(),
                        risk_summary=risk_summary.strip(), heard_at=case.heard_at or now)
    Referral.objects.filter(pk=case.referral_id).update(status=Referral.Status.HEARD)
    record_access(actor, LogAction.ALTERATION, record_type="marac_case", record_id=case.pk,
                  person_id=case.referral.victim_id)
    record_entry(case.referral.victim, occurred_at=now, kind="marac_heard",
                 source_room="marac", source_type="case", source_id=case.pk, actor=actor,
                 summary=f"Heard at the {case.meeting.area.name} MARAC")
    return case


@action("marac.chair", record_type="marac_case")
def do_add_action(case: Case, *, agency, owner: str, description: str, due_on, actor
                  ) -> Action:
    """An action an agency volunteered (agency None: the police)."""
    if case.meeting.force_id != actor.force_id:
        raise Http404("Not found")
    if agency is not None and agency.force_id != case.meeting.force_id:
        raise Http404("Not found")
    if not description.strip():
        raise Refused("description", "Say what the agency will do")
    if not owner.strip():
        raise Refused("owner", "Name who will do it")
    if due_on is None:
        raise Refused("due_on", "Give the date it is due")
    item = Action.objects.create(case=case, agency=agency, owner=owner.strip(),
                                 description=description.strip(), due_on=due_on)
    record_access(actor, LogAction.COLLECTION, record_type="marac_action", record_id=item.pk,
                  person_id=case.referral.victim_id)
    return item


@action("marac.action", record_type="marac_action")
def do_complete_action(item: Action, *, note: str = "", actor) -> Action:
    if not scoped_actions(actor).filter(pk=item.pk).exists():
        raise Http404("Not found")
    if item.done_at:
        unchanged()
        return item
    item.done_at = timezone.now()
    item.done_by = actor
    item.done_note = note.strip()
    item.save(update_fields=["done_at", "done_by", "done_note"])
    record_access(actor, LogAction.ALTERATION, record_type="marac_action", record_id=item.pk,
                  person_id=item.case.referral.victim_id)
    return item


@action("marac.chair", record_type="marac_meeting")
def do_close_meeting(meeting: Meeting, *, actor) -> Meeting:
    if meeting.force_id != actor.force_id:
        raise Http404("Not found")
    if meeting.closed_at:
        unchanged()
        return meeting
    if meeting.cases.filter(heard_at__isnull=True).exists():
        raise Refused("close", "Record the discussion of every listed case first")
    update_if_unchanged(meeting, meeting.version, "The meeting changed; look again.",
                        closed_at=timezone.now())
    record_access(actor, LogAction.ALTERATION, record_type="marac_meeting",
                  record_id=meeting.pk)
    return meeting


def overdue_actions(meeting: Meeting) -> QuerySet[Action]:
    """Actions from the area's earlier meetings, not done and due before this one."""
    return (Action.objects.filter(case__meeting__area_id=meeting.area_id,
                                  case__meeting__held_at__lt=meeting.held_at,
                                  done_at__isnull=True,
                                  due_on__lt=timezone.localtime(meeting.held_at).date())
            .select_related("agency", "case__referral__victim", "case__meeting")
            .order_by("due_on", "pk"))


def agenda(meeting: Meeting) -> list[dict]:
    cases = list(meeting.cases.select_related("referral__victim", "referral__perpetrator"))
    minutes = policy(meeting.force, "marac_minutes_per_case", at=meeting.held_at)
    times = rules.agenda_times(timezone.localtime(meeting.held_at), len(cases), minutes)
    return [{"case": c, "starts": t, "minutes": minutes} for c, t in zip(cases, times,
                                                                            strict=True)]


def force_areas_of_alliance(user) -> QuerySet[Area]:
    """Areas a case may be transferred to: this force's and the alliance's other forces'."""
    force = Force.objects.get(pk=user.force_id)
    if force.alliance_id is None:
        return Area.objects.filter(force=force)
    return Area.objects.filter(Q(force=force) | Q(force__alliance_id=force.alliance_id))

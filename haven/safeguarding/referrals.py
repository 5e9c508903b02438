"""Referrals of a victim's case to partner agencies (IDVA service, children's services,
health, housing, probation).

- `do_refer_case`: the HAU or a DARM refers, recording the victim's consent or the lawful
  basis for sharing without it; the person is shared with the agency through the people
  room (`do_share_person`) and the agency gets a task to answer by policy
  `referral_answer_due_hours`.
- `do_answer_referral`: the agency accepts or declines, with a reason (declining needs one).
- `do_add_partner_entry`: what the agency adds; it goes on the victim's chronology marked
  as the agency's (`kind="partner_entry"`, summary starting with the agency's name).
- `do_withdraw_referral`: sharing is per case and per agency and can be withdrawn (the
  person's share with the agency ends: people's `do_end_person_share`).

Reads: `scoped_referrals(user)` (a partner sees only its own agency's live referrals),
`access_referral(user, id)` (fetch, authorise, log; one 404 for missing and forbidden).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access, record_list_access
from haven.chronology.services import Sensitivity, record_entry
from haven.core.actions import action
from haven.core.api import db_int
from haven.core.concurrency import update_if_unchanged
from haven.forces.models import Agency
from haven.forces.policy import policy
from haven.people.access import scoped_persons
from haven.safeguarding.models_partners import PartnerEntry, Referral
from haven.tasks.services import do_close_tasks, do_create_task
from haven.web.home import register_section

RECORD_TYPE = "referral"
SOURCE_ROOM = "safeguarding"
# Partner information never belongs on a sanitised view: only roles that may read
# confidential entries (public protection, the auditor) see it on the chronology; the
# agency sees its own entries on its referral page.
PARTNER_SENSITIVITY = Sensitivity.CONFIDENTIAL
# The role that owns an agency's answer task (health, housing and probation staff are
# not Haven users yet: their answer is recorded by the HAU from their reply).
AGENCY_ROLE = {Agency.Kind.IDVA: "idva", Agency.Kind.CHILDREN: "childrens_services"}


class ReferralRefused(ValueError):
    """A referral, answer or entry that cannot be made; `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def person_of(user, person_id):
    """The Person this user may see (not logged: the caller has logged the read)."""
    return scoped_persons(user).filter(pk=person_id).first()


def names_of(user, person_ids) -> dict[int, str]:
    """person id -> display name, for the persons this user may see."""
    ids = {pk for pk in person_ids if pk}
    return {p.pk: p.display_name for p in scoped_persons(user).filter(pk__in=ids)}


def _referral_person(actor, referral):
    """The victim as the people room holds them (the partner sees them through the share)."""
    person = person_of(actor, referral.person_id)
    if person is None:
        raise Http404("Not found")
    return person


# Reads -----------------------------------------------------------------------------------

def scoped_referrals(user) -> QuerySet[Referral]:
    """Referrals this user may see: the force's (police), or their own agency's referrals
    that are awaiting an answer or accepted (partner staff). Nothing else."""
    if not (user and user.is_authenticated) or not can(user, "referral.view"):
        return Referral.objects.none()
    rows = Referral.objects.select_related("agency", "case", "force")
    if user.is_partner:
        if not user.agency_id:
            return Referral.objects.none()
        return rows.filter(agency_id=user.agency_id, status__in=Referral.ACTIVE)
    if not user.force_id:
        return Referral.objects.none()
    return rows.filter(force_id=user.force_id)


def access_referral(user, referral_id, *, reason: str = "",
                    action: str = Action.CONSULTATION) -> Referral:
    """Return the referral, logging the consultation; 404 (refusal logged) otherwise."""
    pk = db_int(referral_id)
    with transaction.atomic():
        referral = scoped_referrals(user).filter(pk=pk).first() if pk is not None else None
        record_access(user, action, record_type=RECORD_TYPE, record_id=str(referral_id)[:64],
                      person_id=referral.person_id if referral else None, reason=reason,
                      outcome=Outcome.ALLOWED if referral else Outcome.REFUSED)
    if referral is None:
        raise Http404("Not found")
    return referral


def referrals_of_case(case) -> QuerySet[Referral]:
    """Every referral of a case (the caller has authorised the case)."""
    return Referral.objects.filter(case=case).select_related("agency", "referred_by",
                                                             "decided_by", "withdrawn_by")


def agencies_for(case) -> QuerySet[Agency]:
    """The partner agencies of the case's force that it may be referred to."""
    return Agency.objects.filter(force_id=case.force_id).order_by("kind", "name")


def partner_entries(referral) -> QuerySet[PartnerEntry]:
    return PartnerEntry.objects.filter(referral=referral).select_related("recorded_by", "agency")


def partner_entry_agencies(entry_ids) -> dict[str, str]:
    """chronology source id of a partner entry -> the agency's name: for the case page to
    mark partner entries as theirs."""
    ids = [db_int(i) for i in entry_ids]
    return {str(pk): name for pk, name in PartnerEntry.objects.filter(
        pk__in=[i for i in ids if i is not None]).values_list("pk", "agency__name")}


def log_referral_list(user, referrals, *, reason: str) -> None:
    """A list of referrals names the victims: one access-log entry per person."""
    shown: dict[int, list] = {}
    for referral in referrals:
        shown.setdefault(referral.person_id, []).append(f"referral:{referral.pk}")
    record_list_access(user, record_type=RECORD_TYPE, shown=shown, reason=reason)


# Changes ---------------------------------------------------------------------------------

def _answer_due(case, agency, now) -> dt.datetime:
    hours = policy(case.force, "referral_answer_due_hours")[agency.kind]
    return now + dt.timedelta(hours=hours)


@action("referral.make", record_type=RECORD_TYPE)
def do_refer_case(case, agency, *, reason: str, consent: str, lawful_basis: str = "",
                  basis_note: str = "", actor) -> Referral:
    """Refer the case to a partner agency of its force and share the victim with it."""
    if case.force_id != actor.force_id or agency is None or agency.force_id != case.force_id:
        raise Http404("Not found")
    reason, basis_note = (reason or "").strip(), (basis_note or "").strip()
    if consent not in Referral.Consent.values:
        raise ReferralRefused("consent", "Say whether the victim consented to the referral")
    if consent == Referral.Consent.NOT_GIVEN:
        if lawful_basis not in Referral.LawfulBasis.values:
            raise ReferralRefused("lawful_basis", "Choose the lawful basis for sharing without "
                                                  "consent")
        if not basis_note:
            raise ReferralRefused("basis_note", "Say why the victim's information is shared "
                                                "without their consent")
    else:
        lawful_basis, basis_note = "", ""
    if not reason:
        raise ReferralRefused("reason", "Say why the agency is asked to help")
    if not case.is_open:
        raise ReferralRefused("agency", "The case is closed: a new incident or the HAU "
                                        "re-opens it before a referral")
    if Referral.objects.filter(case=case, agency=agency, status__in=Referral.ACTIVE).exists():
        raise ReferralRefused("agency", f"The case is already referred to {agency.name}")
    person = person_of(actor, case.person_id)
    if person is None:
        raise Http404("Not found")
    now = timezone.now()
    referral = Referral.objects.create(
        case=case, force_id=case.force_id, person_id=case.person_id, agency=agency,
        reason=reason, consent=consent, lawful_basis=lawful_basis, basis_note=basis_note,
        referred_at=now, referred_by=actor, answer_due_at=_answer_due(case, agency, now))
    from haven.people.services import do_share_person  # people's linkage: not at start-up

    do_share_person(case.person_id, agency, reason=f"Referral {referral.pk} to {agency.name}",
                    actor=actor)
    title = (f"Accept or decline the referral of {person.display_name}"
             if agency_has_users(agency) else
             f"Record the reply of {agency.name} to the referral of {person.display_name}")
    do_create_task(case.force, kind="referral_answer", title=title,
                   owner_role=AGENCY_ROLE.get(agency.kind, "hau"), owner_agency=agency,
                   due_at=referral.answer_due_at, source_room=SOURCE_ROOM,
                   source_type=RECORD_TYPE, source_id=referral.pk, person=person, actor=actor)
    record_access(actor, Action.DISCLOSURE, record_type=RECORD_TYPE, record_id=referral.pk,
                  person_id=case.person_id, reason=reason[:500],
                  detail={"agency": agency.pk, "consent": consent,
                          "lawful_basis": lawful_basis})
    consent_words = ("with the victim's consent" if consent == Referral.Consent.GIVEN
                     else "without consent: " + referral.get_lawful_basis_display())
    record_entry(person, occurred_at=now, kind="referral_made", source_room=SOURCE_ROOM,
                 source_type=RECORD_TYPE, source_id=referral.pk,
                 summary=f"Referred to {agency.name} {consent_words}",
                 sensitivity=PARTNER_SENSITIVITY, actor=actor)
    return referral


def _own_referral(actor, referral) -> None:
    """A partner acts only on its own agency's live referral: else the same 404."""
    if not (actor.is_partner and actor.agency_id == referral.agency_id
            and referral.status in Referral.ACTIVE):
        record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE,
                      record_id=referral.pk, outcome=Outcome.REFUSED)
        raise Http404("Not found")


def agency_has_users(agency) -> bool:
    """Whether the agency's own staff answer in Haven (IDVA service, children's services);
    for the others (health, housing, probation) the HAU records the answer they sent."""
    return agency.kind in AGENCY_ROLE


@action("referral.answer", record_type=RECORD_TYPE)
def do_answer_referral(referral, *, accept: bool, reason: str = "", version: int,
                       actor) -> Referral:
    """The agency accepts or declines (a decline needs the reason)."""
    _own_referral(actor, referral)
    return _answer(referral, accept=accept, reason=reason, version=version, actor=actor)


@action("referral.make", record_type=RECORD_TYPE)
def do_record_agency_answer(referral, *, accept: bool, reason: str = "", version: int,
                            actor) -> Referral:
    """The HAU records the answer of an agency whose staff do not use Haven (health,
    housing, probation), from the agency's reply; the chronology says it was recorded."""
    if referral.force_id != actor.force_id or agency_has_users(referral.agency):
        record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE,
                      record_id=referral.pk, outcome=Outcome.REFUSED)
        raise Http404("Not found")
    return _answer(referral, accept=accept, reason=reason, version=version, actor=actor,
                   recorded=True)


def _answer(referral, *, accept, reason, version, actor, recorded=False) -> Referral:
    reason = (reason or "").strip()
    if referral.status != Referral.Status.PENDING:
        raise ReferralRefused("decision", "This referral has already been answered")
    if not accept and not reason:
        raise ReferralRefused("reason", "Say why the referral is declined")
    now = timezone.now()
    status = Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED
    update_if_unchanged(referral, version, "This referral was changed by someone else since "
                        "you opened it. Reload it and try again.", status=status,
                        decided_at=now, decided_by=actor, decision_reason=reason)
    do_close_tasks(source_room=SOURCE_ROOM, source_type=RECORD_TYPE, source_ids=[referral.pk],
                   kinds=["referral_answer"], note=referral.get_status_display(), actor=actor)
    record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE, record_id=referral.pk,
                  person_id=referral.person_id, reason=reason[:500],
                  detail={"decision": status, "recorded_for_agency": recorded})
    record_entry(_referral_person(actor, referral), occurred_at=now,
                 kind=f"referral_{status}", source_room=SOURCE_ROOM, source_type=RECORD_TYPE,
                 source_id=referral.pk,
                 summary=f"{referral.agency.name} {status} the referral"
                         + (" (their reply, recorded by the police)" if recorded else "")
                         + (f": {reason}" if reason else ""),
                 sensitivity=PARTNER_SENSITIVITY, actor=actor)
    return referral


@action("referral.add_entry", record_type=RECORD_TYPE)
def do_add_partner_entry(referral, *, text: str, occurred_at=None, actor) -> PartnerEntry:
    """What the agency did or learnt, on the victim's chronology marked as the agency's."""
    _own_referral(actor, referral)
    text = (text or "").strip()
    if not text:
        raise ReferralRefused("text", "Say what happened")
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now:
        raise ReferralRefused("occurred_at", "The date cannot be in the future")
    entry = PartnerEntry.objects.create(referral=referral, agency=referral.agency,
                                        person_id=referral.person_id, occurred_at=occurred_at,
                                        text=text[:2000], recorded_by=actor)
    record_access(actor, Action.COLLECTION, record_type="partner_entry", record_id=entry.pk,
                  person_id=referral.person_id, detail={"referral": referral.pk})
    record_entry(_referral_person(actor, referral), occurred_at=occurred_at,
                 kind="partner_entry", source_room=SOURCE_ROOM, source_type="partner_entry",
                 source_id=entry.pk, summary=f"{referral.agency.name}: {text}",
                 sensitivity=PARTNER_SENSITIVITY, actor=actor)
    return entry


@action("referral.make", record_type=RECORD_TYPE)
def do_withdraw_referral(referral, *, reason: str, version: int, actor) -> Referral:
    """Stop sharing the case with the agency (awaiting answer, accepted or declined)."""
    if referral.force_id != actor.force_id:
        raise Http404("Not found")
    reason = (reason or "").strip()
    if not reason:
        raise ReferralRefused("withdraw_reason", "Say why sharing with the agency stops")
    if referral.status == Referral.Status.WITHDRAWN:
        raise ReferralRefused("withdraw_reason", "Sharing was already withdrawn")
    now = timezone.now()
    update_if_unchanged(referral, version, "This referral was changed by someone else since "
                        "you opened it. Reload it and try again.",
                        status=Referral.Status.WITHDRAWN, withdrawn_at=now, withdrawn_by=actor,
                        withdraw_reason=reason)
    referral.refresh_from_db()
    from haven.people.services import do_end_person_share  # as above: not at start-up

    do_end_person_share(referral.person_id, referral.agency,
                        reason=f"Referral {referral.pk} withdrawn: {reason}", actor=actor)
    do_close_tasks(source_room=SOURCE_ROOM, source_type=RECORD_TYPE, source_ids=[referral.pk],
                   note="Sharing withdrawn", actor=actor)
    record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE, record_id=referral.pk,
                  person_id=referral.person_id, reason=reason[:500],
                  detail={"withdrawn": True, "agency": referral.agency_id})
    record_entry(_referral_person(actor, referral), occurred_at=now, kind="referral_withdrawn",
                 source_room=SOURCE_ROOM, source_type=RECORD_TYPE, source_id=referral.pk,
                 summary=f"Sharing with {referral.agency.name} withdrawn: {reason}",
                 sensitivity=PARTNER_SENSITIVITY, actor=actor)
    return referral


# Home page -------------------------------------------------------------------------------

def home_referred(user) -> list[dict]:
    """A partner's home section: the cases referred to their agency, each naming the victim
    and saying what is due when. The home page logs one entry per person shown."""
    rows = list(scoped_referrals(user).order_by("status", "answer_due_at")[:50])
    names = names_of(user, [r.person_id for r in rows])
    now = timezone.now()
    items = []
    for r in rows:
        if r.person_id not in names:
            continue  # sharing ended: not theirs to see
        if r.status == Referral.Status.PENDING:
            due = timezone.localtime(r.answer_due_at).strftime("%a %d %b %H:%M")
            meta = f"{'answer overdue since' if r.answer_due_at < now else 'answer due'} {due}"
        else:
            meta = f"accepted {timezone.localtime(r.decided_at).strftime('%d %b %Y')}"
        items.append({"text": f"{names[r.person_id]}: referred by {r.force.name} on "
                              f"{timezone.localtime(r.referred_at).strftime('%d %b %Y')}",
                      "url": reverse("safeguarding:referral", args=[r.pk]),
                      "meta": meta, "person_id": r.person_id, "record": f"referral:{r.pk}"})
    return items


def home_attention(user) -> list[dict]:
    """The HAU's and DARMs' home section: referrals an agency declined (sharing still on)
    or has not answered in time, each naming the victim and saying what is due."""
    now = timezone.now()
    rows = list(scoped_referrals(user).filter(
        Q(status=Referral.Status.DECLINED)
        | Q(status=Referral.Status.PENDING, answer_due_at__lt=now))
        .order_by("answer_due_at")[:50])
    names = names_of(user, [r.person_id for r in rows])
    items = []
    for r in rows:
        if r.status == Referral.Status.DECLINED:
            meta = (f"declined {timezone.localtime(r.decided_at):%d %b}: decide whether to "
                    "stop sharing")
        else:
            meta = f"answer overdue since {timezone.localtime(r.answer_due_at):%a %d %b %H:%M}"
        items.append({"text": f"{names.get(r.person_id, 'Name not available')}: referral to "
                              f"{r.agency.name}",
                      "url": reverse("safeguarding:case_partners", args=[r.case_id]),
                      "meta": meta, "person_id": r.person_id, "record": f"referral:{r.pk}"})
    return items


def register() -> None:
    register_section("Cases referred to your agency", "referral.answer", home_referred)
    register_section("Referrals declined or not answered in time", "referral.make",
                     home_attention)


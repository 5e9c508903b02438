"""Protective notices and orders, breaches and Clare's Law: every change is a `do_` action.

Reads of one record go through `access_order` / `access_application` (fetch, authorise,
log; the same 404 for missing and forbidden). Policy numbers come from
`haven.forces.policy`; the rules themselves are in `haven.protection.rules`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.chronology.services import Sensitivity, entries_for, record_entry
from haven.core.actions import action, unchanged
from haven.core.api import db_int
from haven.core.concurrency import update_if_unchanged
from haven.core.events import publish
from haven.forces.policy import policy
from haven.investigation import public as investigation_public
from haven.people.access import access_person
from haven.people.addresses import postcode_district
from haven.people.history import history_summary
from haven.protection import rules
from haven.protection.events import OrderBreached
from haven.protection.models import Breach, DisclosureApplication, Order
from haven.protection.rules import Refused
from haven.tasks.services import do_close_tasks, do_create_task, tasks_from

ROOM = "protection"
STALE = "Someone else changed this record since you opened it. Reload the page."
# A notice's hearing tasks, and the supervisor's task once it has lapsed: all close when the
# court's decision is recorded.
HEARING_TASKS = ["protection_hearing", "protection_lapsed"]


def _local_end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _check_person(person, force, field):
    if person is None or person.force_id != force.pk:
        raise Refused(field, "Choose a person known to this force.")


# --- the regime ---------------------------------------------------------------------------

def regime_for(force, at: dt.datetime | None = None, *, postcode: str = "") -> str:
    """csa2010 or da2021 for a notice given in `force` at `at` (optionally in an area)."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    return rules.regime_on(day, schedule=policy(force, "protection_regime", at=at),
                           areas=policy(force, "protection_regime_areas", at=at),
                           area=postcode_district(postcode) if postcode else "")


def authorisers(force):
    """The force's officers of sergeant rank and above, for the form's list (the action
    checks the rank the notice needs and names it when refusing)."""
    return get_user_model().objects.filter(force=force, role__in=rules.RANKS, is_active=True
                                           ).order_by("role", "last_name", "username")


# --- notices (DVPN / DAPN) ------------------------------------------------------------------

@action("order.notice", record_type="protective_order")
def do_issue_notice(force, *, subject, protected, authoriser, grounds: str, conditions: str,
                    premises_postcode: str = "", issued_at=None, actor) -> Order:
    """Give a DVPN or a DAPN (which one is the force's regime at the time and place).

    Refused (naming the field) when the subject is under 18, the authoriser's rank is below
    the rank the regime needs, or grounds or conditions are missing."""
    if force.pk != actor.force_id:
        raise Http404("Not found")
    issued_at = issued_at or timezone.now()
    regime = regime_for(force, issued_at, postcode=premises_postcode)
    kind = rules.NOTICE_OF_REGIME[regime]
    _check_person(subject, force, "subject")
    _check_person(protected, force, "protected")
    if subject.pk == protected.pk:
        raise Refused("protected", "The person protected cannot be the subject.")
    refusal = rules.age_refusal(kind, subject.date_of_birth, timezone.localdate(issued_at))
    if refusal:
        raise Refused("subject", refusal)
    if authoriser is None or authoriser.force_id != force.pk:
        raise Refused("authoriser", "Name the officer who authorised the notice.")
    refusal = rules.rank_refusal(kind, authoriser.role, policy(force, f"{kind}_min_rank",
                                                               at=issued_at))
    if refusal:
        raise Refused("authoriser", refusal)
    if not grounds.strip():
        raise Refused("grounds", "Say the grounds: the violence or abuse, or threat of it, "
                                 "and why the notice is necessary to protect.")
    if not conditions.strip():
        raise Refused("conditions", "Say the conditions: at least no molestation or contact.")
    order = Order.objects.create(
        force=force, kind=kind, regime=regime, subject=subject, protected=protected,
        grounds=grounds.strip(), conditions=conditions.strip(),
        premises_postcode=premises_postcode.strip().upper()[:16], authorised_by=authoriser,
        authoriser_role=authoriser.role, owner=actor, starts_at=issued_at, created_by=actor)
    record_access(actor, Action.COLLECTION, record_type="protective_order", record_id=order.pk,
                  person_id=subject.pk, detail={"kind": kind, "authorised_by": authoriser.pk,
                                                "protected": protected.pk})
    for person in (subject, protected):
        record_entry(person, occurred_at=issued_at, kind=f"{kind}_issued", source_room=ROOM,
                     source_type="order", source_id=order.pk, actor=actor,
                     summary=f"{kind.upper()} authorised by {authoriser.get_role_display()} "
                             f"{authoriser.get_full_name() or authoriser.username}")
    return order


def _supervisor_role(user) -> str:
    return rules.SUPERVISOR_OF.get(getattr(user, "role", ""), "sergeant")


@action("order.notice", record_type="protective_order")
def do_record_service(order: Order, *, version: int, served_at, served_where: str,
                      subject_address_for_notice: str, served_by=None, actor) -> Order:
    """The notice was served on the subject in person: start the hearing clock (48 hours
    disregarding Sundays, Christmas Day, Good Friday and bank holidays) and give the owner
    and their supervisor a task due at the deadline."""
    if not order.is_notice or order.force_id != actor.force_id:
        raise Http404("Not found")
    if order.served_at is not None:
        raise Refused("served_at", "This notice was already recorded as served.")
    if served_at is None:
        raise Refused("served_at", "Say when the notice was served.")
    if not served_where.strip():
        raise Refused("served_where", "Say where the notice was served (in person).")
    served_by = served_by or actor
    deadline = rules.hearing_deadline(
        served_at, policy(order.force, "dvpo_hearing_hours", at=served_at),
        policy(order.force, "working_day_overrides", at=served_at) or {})
    update_if_unchanged(order, version, STALE, served_at=served_at, served_by=served_by,
                        served_where=served_where.strip()[:200],
                        subject_address_for_notice=subject_address_for_notice.strip()[:300],
                        hearing_due_at=deadline)
    what = rules.ORDER_OF_NOTICE[order.kind].upper()
    _hearing_tasks(order, deadline, actor)
    record_access(actor, Action.ALTERATION, record_type="protective_order",
                  record_id=order.pk, person_id=order.subject_id,
                  detail={"served": True, "served_by": served_by.pk})
    record_entry(order.subject, occurred_at=served_at, kind="notice_served", source_room=ROOM,
                 source_type="order", source_id=order.pk, actor=actor,
                 summary=f"{order.kind.upper()} served in person; {what} hearing due by "
                         f"{_when(deadline)}")
    return order


def _hearing_tasks(order: Order, deadline, actor) -> None:
    """The hearing's tasks: one to the notice's owner, one to their supervisor."""
    what = rules.ORDER_OF_NOTICE[order.kind].upper()
    owner = order.owner or actor
    title = f"{what} hearing for notice {order.reference} before {_when(deadline)}"
    do_create_task(order.force, kind="protection_hearing", title=title,
                   owner_role=owner.role, owner_user=owner, due_at=deadline,
                   person=order.protected, source_room=ROOM, source_type="order",
                   source_id=order.pk, actor=actor)
    do_create_task(order.force, kind="protection_hearing", title=f"Supervise: {title}",
                   owner_role=_supervisor_role(owner), due_at=deadline,
                   person=order.protected, source_room=ROOM, source_type="order",
                   source_id=order.pk, actor=actor)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%a %d %b %Y %H:%M") if value else ""


@action("order.record", record_type="protective_order")
def do_record_order_made(notice: Order, *, made_on: dt.date, days: int | None = None,
                         ends_on: dt.date | None = None, conditions: str,
                         requirements=(), notification_requirements: str = "",
                         court: str = "", actor) -> Order:
    """The magistrates made the DVPO (14–28 days, beginning with the day made) or the DAPO
    (any duration; prohibitions, positive requirements and notification requirements)."""
    if not notice.is_notice or notice.force_id != actor.force_id:
        raise Http404("Not found")
    force = notice.force
    kind = rules.ORDER_OF_NOTICE[notice.kind]
    at = _local_end_of(made_on)
    if not conditions.strip():
        raise Refused("conditions", "Say the order's conditions (at least no molestation).")
    notification_due = None
    if kind == "dvpo":
        if days is None:
            raise Refused("days", "Say how many days the court made the DVPO for.")
        last = rules.order_last_day(made_on, days,
                                    min_days=policy(force, "dvpo_min_days", at=at),
                                    max_days=policy(force, "dvpo_max_days", at=at))
        ends_at = _local_end_of(last)
    else:
        if ends_on is not None and ends_on < made_on:
            raise Refused("ends_on", "The order cannot end before the day it is made.")
        ends_at = _local_end_of(ends_on) if ends_on else None
        days = (ends_on - made_on).days + 1 if ends_on else None
        # Every DAPO's subject must notify their name(s) and home address (s.41), unless
        # another DAPO already makes them (s.41(8)(a)); the court may add requirements.
        already = in_force(Order.objects.filter(force=force, kind=Order.Kind.DAPO,
                                                subject=notice.subject), at).exists()
        if not already:
            notification_due = _local_end_of(rules.notification_last_day(
                made_on, policy(force, "dapo_notification_days", at=at)))
            notification_requirements = "; ".join(filter(None, (
                rules.STATUTORY_NOTIFICATION, notification_requirements.strip())))
    starts = timezone.make_aware(dt.datetime.combine(made_on, dt.time()))
    order = Order.objects.create(
        force=force, kind=kind, regime=notice.regime, subject=notice.subject,
        protected=notice.protected, notice=notice, grounds=notice.grounds,
        conditions=conditions.strip(), requirements=[r for r in requirements if r],
        notification_requirements=notification_requirements.strip(),
        notification_due_at=notification_due, starts_at=starts, ends_at=ends_at,
        duration_days=days, court=court.strip()[:200], owner=notice.owner or actor,
        created_by=actor)
    Order.objects.filter(pk=notice.pk).update(status=Order.Status.DETERMINED,
                                              version=notice.version + 1)
    do_close_tasks(source_room=ROOM, source_type="order", source_ids=[notice.pk],
                   kinds=HEARING_TASKS, note=f"{kind.upper()} made", actor=actor)
    if notification_due:
        do_create_task(force, kind="dapo_notification",
                       title=f"DAPO {order.reference}: check the subject notified by "
                             f"{_when(notification_due)}",
                       owner_role=(order.owner or actor).role, owner_user=order.owner or actor,
                       due_at=notification_due, person=order.subject, source_room=ROOM,
                       source_type="order", source_id=order.pk, actor=actor)
    record_access(actor, Action.COLLECTION, record_type="protective_order", record_id=order.pk,
                  person_id=order.subject_id, detail={"kind": kind, "notice": notice.pk})
    ends = f"until {timezone.localtime(ends_at):%d %b %Y}" if ends_at else "until varied"
    for person in (order.subject, order.protected):
        record_entry(person, occurred_at=starts, kind=f"{kind}_made", source_room=ROOM,
                     source_type="order", source_id=order.pk, actor=actor,
                     summary=f"{kind.upper()} made {ends}")
    return order


@action("order.record", record_type="protective_order")
def do_record_hearing_outcome(notice: Order, *, version: int, outcome: str, note: str,
                              next_hearing_at=None, actor) -> Order:
    """The magistrates refused the order (the notice ends) or adjourned (the notice stays in
    force until the adjourned hearing, which becomes the deadline on its tasks)."""
    if not notice.is_notice or notice.force_id != actor.force_id:
        raise Http404("Not found")
    # A lapsed notice may still have the court's decision recorded (the lapse was marked
    # because nothing was recorded by the deadline, not because the court did not sit).
    if notice.status not in (Order.Status.LIVE, Order.Status.LAPSED) or notice.served_at is None:
        raise Refused("outcome", "Only a served notice waiting for its hearing can have an "
                                 "outcome recorded.")
    if not note.strip():
        raise Refused("note", "Say what the court decided, and why if known.")
    what = rules.ORDER_OF_NOTICE[notice.kind].upper()
    if outcome == "refused":
        update_if_unchanged(notice, version, STALE, status=Order.Status.DETERMINED,
                            ends_at=timezone.now())
        do_close_tasks(source_room=ROOM, source_type="order", source_ids=[notice.pk],
                       kinds=HEARING_TASKS, note=f"{what} refused: {note}"[:500],
                       actor=actor)
        summary = f"{what} refused by the magistrates: the notice has ended"
    elif outcome == "adjourned":
        if next_hearing_at is None or next_hearing_at <= timezone.now():
            raise Refused("next_hearing_at", "Give the date and time of the adjourned hearing.")
        update_if_unchanged(notice, version, STALE, hearing_due_at=next_hearing_at,
                            status=Order.Status.LIVE)
        do_close_tasks(source_room=ROOM, source_type="order", source_ids=[notice.pk],
                       kinds=HEARING_TASKS, note=f"Adjourned: {note}"[:500],
                       actor=actor)
        _hearing_tasks(notice, next_hearing_at, actor)
        summary = f"{what} hearing adjourned to {_when(next_hearing_at)}: the notice continues"
    else:
        raise Refused("outcome", "Choose refused or adjourned.")
    record_access(actor, Action.ALTERATION, record_type="protective_order",
                  record_id=notice.pk, person_id=notice.subject_id,
                  detail={"hearing_outcome": outcome})
    for person in filter(None, (notice.subject, notice.protected)):
        record_entry(person, occurred_at=timezone.now(), kind="hearing_outcome",
                     source_room=ROOM, source_type="order", source_id=notice.pk, actor=actor,
                     summary=summary)
    return notice


@action("order.record", record_type="protective_order")
def do_record_notification(order: Order, *, version: int, notified_at, actor) -> Order:
    """The DAPO's subject made the notification the order requires: its task closes."""
    if order.force_id != actor.force_id or order.notification_due_at is None:
        raise Http404("Not found")
    if order.notified_at is not None:
        unchanged()
        return order
    if notified_at is None:
        raise Refused("notified_at", "Say when the subject notified the police.")
    update_if_unchanged(order, version, STALE, notified_at=notified_at)
    do_close_tasks(source_room=ROOM, source_type="order", source_ids=[order.pk],
                   kinds=["dapo_notification"], note="Subject notified", actor=actor)
    record_access(actor, Action.ALTERATION, record_type="protective_order", record_id=order.pk,
                  person_id=order.subject_id, detail={"notified": True})
    return order


@action("order.record", record_type="protective_order")
def do_record_court_order(force, *, kind: str, subject, protected, starts_at, ends_at,
                          conditions: str, court: str = "", actor) -> Order:
    """A restraining order, non-molestation order or bail conditions, with start, end and
    conditions."""
    if force.pk != actor.force_id:
        raise Http404("Not found")
    if kind not in (Order.Kind.RESTRAINING, Order.Kind.NON_MOLESTATION, Order.Kind.BAIL):
        raise Refused("kind", "Choose a restraining order, non-molestation order or bail "
                              "conditions.")
    _check_person(subject, force, "subject")
    if protected is not None:
        _check_person(protected, force, "protected")
    if starts_at is None:
        raise Refused("starts_at", "Say when the order starts.")
    if ends_at is not None and ends_at < starts_at:
        raise Refused("ends_at", "The order cannot end before it starts.")
    if not conditions.strip():
        raise Refused("conditions", "Say the conditions.")
    order = Order.objects.create(
        force=force, kind=kind, subject=subject, protected=protected,
        conditions=conditions.strip(), starts_at=starts_at, ends_at=ends_at,
        court=court.strip()[:200], owner=actor, created_by=actor)
    record_access(actor, Action.COLLECTION, record_type="protective_order", record_id=order.pk,
                  person_id=subject.pk, detail={"kind": kind})
    for person in filter(None, (subject, protected)):
        record_entry(person, occurred_at=starts_at, kind="order_recorded", source_room=ROOM,
                     source_type="order", source_id=order.pk, actor=actor,
                     summary=f"{order.get_kind_display()} recorded")
    return order


# --- bail conditions from investigation's custody events ----------------------------------

BAIL_SOURCE = "investigation"


@action("order.record", record_type="protective_order", system=True)
def do_sync_bail_conditions(crime_id: int, *, actor, triggered_by=None) -> list[Order]:
    """Keep the bail-conditions orders of a crime's suspect (protecting its victim) as
    investigation's custody events say: one order per period of bail with conditions
    (`investigation.public.bail_periods`), changed when the conditions change, ended by
    bail without conditions, release, RUI, charge, out-of-court disposal, no prosecution or
    remand. Idempotent (the orders are worked out afresh from the events, whatever order the
    events arrive in). Run as the system by the event subscriber, credited to the officer
    who recorded the event (`triggered_by`)."""
    facts = investigation_public.bail_periods(crime_id)
    if not facts or not facts["suspect_id"]:
        unchanged()
        return []
    user = actor if getattr(actor, "is_authenticated", False) else triggered_by
    prefix = f"crime-{crime_id}:"
    existing = {o.source_id: o for o in Order.objects.filter(
        force_id=facts["force_id"], source_system=BAIL_SOURCE, source_id__startswith=prefix)}
    out, wrote = [], False
    for period in facts["periods"]:
        ended = period["ended_at"] is not None
        fields = {"kind": Order.Kind.BAIL, "subject_id": facts["suspect_id"],
                  "protected_id": facts["victim_id"], "conditions": period["conditions"],
                  "starts_at": period["starts_at"],
                  "ends_at": period["ended_at"] if ended else period["until"],
                  "status": Order.Status.ENDED if ended else Order.Status.LIVE}
        order = existing.get(f"{prefix}{period['event_id']}")
        if order is None:
            order = Order.objects.create(
                force_id=facts["force_id"], source_system=BAIL_SOURCE,
                source_id=f"{prefix}{period['event_id']}", court="", owner=user,
                created_by=user, **fields)
            change, summary = Action.COLLECTION, (f"Bail conditions recorded from crime "
                                                  f"{facts['reference']}")
        elif any(getattr(order, k) != v for k, v in fields.items()):
            was_live = order.status == Order.Status.LIVE
            Order.objects.filter(pk=order.pk).update(**fields, version=order.version + 1)
            order.refresh_from_db()
            change = Action.ALTERATION
            summary = (f"Bail conditions ended: {period['ended_by'].lower()}"
                       if ended and was_live else "Bail conditions changed")
        else:
            out.append(order)
            continue
        wrote = True
        record_access(actor, change, record_type="protective_order", record_id=order.pk,
                      person_id=order.subject_id,
                      detail={"kind": order.kind, "crime": crime_id, "status": order.status,
                              "triggered_by": getattr(user, "pk", None)})
        for person in filter(None, (order.subject, order.protected)):
            record_entry(person, occurred_at=period["ended_at"] or period["starts_at"],
                         kind="order_recorded", source_room=ROOM, source_type="order",
                         source_id=order.pk, actor=user, summary=summary)
        out.append(order)
    if not wrote:
        unchanged()
    return out


# --- breaches ------------------------------------------------------------------------------

@action("order.breach", record_type="protective_order")
def do_record_breach(order: Order, *, occurred_at, description: str,
                     incident_reference: str = "", actor) -> Breach:
    """Record a breach: the subject's victims' risk is re-opened (OrderBreached, after
    commit) and the officer is shown the crime prompt for this kind of order."""
    if order.force_id != actor.force_id:
        raise Http404("Not found")
    if occurred_at is None:
        raise Refused("occurred_at", "Say when the breach happened.")
    if not description.strip():
        raise Refused("description", "Say what the subject did.")
    breach = Breach.objects.create(order=order, occurred_at=occurred_at,
                                   incident_reference=incident_reference.strip()[:64],
                                   description=description.strip(),
                                   crime_prompt=rules.breach_prompt(order.kind),
                                   recorded_by=actor)
    record_access(actor, Action.ALTERATION, record_type="protective_order",
                  record_id=order.pk, person_id=order.subject_id, detail={"breach": breach.pk})
    for person in filter(None, (order.subject, order.protected)):
        record_entry(person, occurred_at=occurred_at, kind="order_breached", source_room=ROOM,
                     source_type="breach", source_id=breach.pk, actor=actor,
                     summary=f"{order.get_kind_display()} {order.reference} breached")
    publish(OrderBreached(person_id=order.subject_id, force_id=order.force_id,
                          order_ref=order.reference, occurred_at=occurred_at,
                          actor_id=actor.pk))
    return breach


# --- orders ending soon --------------------------------------------------------------------

@action(None, record_type="protective_order", system=True)
def do_raise_expiry_tasks(force, *, at=None, actor=None) -> int:
    """A task to review the victim's protection for each live order ending within
    `order_expiry_warning_days` (once per order). Run by the periodic job
    (`jobs.protection_sweep`)."""
    at = at or timezone.now()
    soon = at + dt.timedelta(days=policy(force, "order_expiry_warning_days", at=at))
    orders = list(Order.objects.filter(force=force, status=Order.Status.LIVE,
                                       ends_at__gte=at, ends_at__lte=soon)
                  .exclude(kind__in=[Order.Kind.DVPN, Order.Kind.DAPN]))
    done = set(tasks_from(source_room=ROOM, source_type="order",
                          source_ids=[o.pk for o in orders], kinds=["order_expiring"])
               .values_list("source_id", flat=True))
    raised = 0
    for order in orders:
        if str(order.pk) in done:
            continue
        owner = order.owner
        do_create_task(force, kind="order_expiring",
                       title=f"{order.get_kind_display()} {order.reference} ends "
                             f"{_when(order.ends_at)}: review the victim's protection",
                       owner_role=owner.role if owner else "hau", owner_user=owner,
                       due_at=order.ends_at, person=order.protected or order.subject,
                       source_room=ROOM, source_type="order", source_id=order.pk, actor=actor)
        raised += 1
    if not raised:
        unchanged()
    return raised


@action(None, record_type="protective_order", system=True)
def do_mark_lapsed_notices(force, *, at=None, actor=None) -> list[Order]:
    """A served notice whose hearing deadline passed with nothing recorded (no order made,
    no refusal, no adjournment) has lapsed: it is marked "Lapsed", its hearing tasks close,
    and its owner's supervisor gets a task to review the victim's protection. Idempotent.
    Run by the periodic job (`jobs.protection_sweep`), never on a page view."""
    at = at or timezone.now()
    notices = list(Order.objects.filter(
        force=force, kind__in=[Order.Kind.DVPN, Order.Kind.DAPN], status=Order.Status.LIVE,
        hearing_due_at__lt=at).select_related("owner", "subject", "protected"))
    lapsed = []
    for notice in notices:
        if not Order.objects.filter(pk=notice.pk, status=Order.Status.LIVE).update(
                status=Order.Status.LAPSED, ends_at=notice.hearing_due_at,
                version=notice.version + 1):
            continue  # decided meanwhile
        what = rules.ORDER_OF_NOTICE[notice.kind].upper()
        do_close_tasks(source_room=ROOM, source_type="order", source_ids=[notice.pk],
                       kinds=["protection_hearing"],
                       note=f"Lapsed: no {what} hearing recorded by the deadline", actor=actor)
        do_create_task(force, kind="protection_lapsed",
                       title=f"{notice.kind.upper()} {notice.reference} lapsed without a "
                             f"recorded {what} hearing: record the court's decision or review "
                             "the victim's protection",
                       owner_role=_supervisor_role(notice.owner) if notice.owner else "sergeant",
                       due_at=at,
                       person=notice.protected, source_room=ROOM, source_type="order",
                       source_id=notice.pk, actor=actor)
        record_access(actor, Action.ALTERATION, record_type="protective_order",
                      record_id=notice.pk, person_id=notice.subject_id,
                      detail={"lapsed": True})
        for person in filter(None, (notice.subject, notice.protected)):
            record_entry(person, occurred_at=notice.hearing_due_at, kind="notice_lapsed",
                         source_room=ROOM, source_type="order", source_id=notice.pk,
                         summary=f"{notice.kind.upper()} {notice.reference} lapsed: no {what} "
                                 "hearing recorded by the deadline")
        lapsed.append(notice)
    if not lapsed:
        unchanged()
    return lapsed


# --- reads ---------------------------------------------------------------------------------

def scoped_orders(user):
    if not (user and user.is_authenticated) or not can(user, "order.view") or not user.force_id:
        return Order.objects.none()
    return Order.objects.filter(force_id=user.force_id)


def access_order(user, order_id, *, reason: str = "") -> Order:
    pk = db_int(order_id)
    with transaction.atomic():
        order = (scoped_orders(user).select_related("subject", "protected", "authorised_by")
                 .filter(pk=pk).first() if pk is not None else None)
        record_access(user, Action.CONSULTATION, record_type="protective_order",
                      record_id=order_id, person_id=order.subject_id if order else None,
                      reason=reason, outcome=Outcome.ALLOWED if order else Outcome.REFUSED)
    if order is None:
        raise Http404("Not found")
    return order


def in_force(orders, at=None):
    """Of these orders, those in force at `at`: live, started, and not ended."""
    at = at or timezone.now()
    return (orders.filter(status=Order.Status.LIVE, starts_at__lte=at)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gte=at)))


def live_orders_of(person_ids, at=None):
    """Orders in force at `at` naming any of the persons as subject or protected."""
    ids = list(person_ids)
    return in_force(Order.objects.all(), at).filter(
        Q(subject_id__in=ids) | Q(protected_id__in=ids))


def person_for_form(user, person_id):
    """A person chosen on a form, read through the people room's door (404 otherwise)."""
    return access_person(user, person_id, reason="protection form")


# --- Clare's Law ---------------------------------------------------------------------------

def dvds_clock_days(force, received_at) -> int:
    return rules.dvds_days(timezone.localdate(received_at),
                           max_days=policy(force, "dvds_max_days", at=received_at),
                           before=policy(force, "dvds_clock_before", at=received_at) or {})


@action("dvds.manage", record_type="dvds_application")
def do_open_application(force, *, route: str, person_at_risk, subject, applicant=None,
                        applicant_relationship: str = "", information_source: str = "",
                        concern: str = "", received_at=None, actor) -> DisclosureApplication:
    """A right-to-ask or right-to-know application; its clock (28 days; 35 before 2023)
    starts when it is received."""
    if force.pk != actor.force_id:
        raise Http404("Not found")
    if route not in DisclosureApplication.Route.values:
        raise Refused("route", "Choose right to ask or right to know.")
    _check_person(person_at_risk, force, "person_at_risk")
    _check_person(subject, force, "subject")
    if person_at_risk.pk == subject.pk:
        raise Refused("subject", "The subject must be a different person from the person at "
                                 "risk.")
    if route == DisclosureApplication.Route.KNOW and not information_source.strip():
        raise Refused("information_source", "Say where the information came from (police "
                                            "or which partner).")
    received_at = received_at or timezone.now()
    days = dvds_clock_days(force, received_at)
    app = DisclosureApplication.objects.create(
        force=force, route=route, person_at_risk=person_at_risk, subject=subject,
        applicant=applicant, applicant_relationship=applicant_relationship.strip()[:100],
        information_source=information_source.strip()[:200], concern=concern.strip(),
        received_at=received_at, due_at=received_at + dt.timedelta(days=days),
        clock_days=days, created_by=actor)
    record_access(actor, Action.COLLECTION, record_type="dvds_application", record_id=app.pk,
                  person_id=person_at_risk.pk, detail={"route": route, "subject": subject.pk})
    record_entry(person_at_risk, occurred_at=received_at, kind="dvds_application",
                 source_room=ROOM, source_type="dvds_application", source_id=app.pk,
                 actor=actor, summary=f"Clare's Law application ({app.get_route_display()})",
                 sensitivity=Sensitivity.CONFIDENTIAL)
    return app


def _open_app(app, actor):
    if app.force_id != actor.force_id:
        raise Http404("Not found")
    if app.closed_at is not None:
        raise Refused("stage", "This application is closed.")


def _log_app(actor, app, detail):
    record_access(actor, Action.ALTERATION, record_type="dvds_application", record_id=app.pk,
                  person_id=app.person_at_risk_id, detail=detail)


@action("dvds.manage", record_type="dvds_application")
def do_record_identity_check(app: DisclosureApplication, *, version: int, documents: str,
                             met_at, actor) -> DisclosureApplication:
    """Step 2: the face-to-face meeting and identity verification (photo ID and another
    document)."""
    _open_app(app, actor)
    if len([d for d in documents.split(",") if d.strip()]) < 2:
        raise Refused("documents", "Verify identity with photo ID and one other document: "
                                   "name both.")
    if met_at is None:
        raise Refused("met_at", "Say when you met the applicant face to face.")
    update_if_unchanged(app, version, STALE, identity_documents=documents.strip()[:200],
                        identity_checked_at=timezone.now(), met_at=met_at,
                        stage=DisclosureApplication.Stage.RESEARCH)
    _log_app(actor, app, {"step": "identity"})
    return app


def subject_research(app: DisclosureApplication) -> dict:
    """What Haven's linked records say about the subject (through the people room's
    composed history: incidents, roles, orders, assessments, markers)."""
    return history_summary(app.subject)


def subject_timeline(user, app: DisclosureApplication, limit: int = 30) -> list:
    """The subject's chronology as this user may read it (every room's entries: incidents,
    crimes, orders, assessments), newest first; the read is logged against the subject."""
    record_access(user, Action.CONSULTATION, record_type="chronology",
                  record_id=app.subject_id, person_id=app.subject_id,
                  reason="Clare's Law research", detail={"dvds_application": app.pk})
    return list(entries_for(user, app.subject).order_by("-occurred_at")[:limit])


@action("dvds.manage", record_type="dvds_application")
def do_record_research(app: DisclosureApplication, *, version: int, findings: str,
                       actor) -> DisclosureApplication:
    _open_app(app, actor)
    if not findings.strip():
        raise Refused("findings", "Summarise what the research found (or that it found "
                                  "nothing).")
    update_if_unchanged(app, version, STALE, research=findings.strip(),
                        research_at=timezone.now(), stage=DisclosureApplication.Stage.DECISION)
    record_access(actor, Action.CONSULTATION, record_type="person", record_id=app.subject_id,
                  person_id=app.subject_id, reason="Clare's Law research",
                  detail={"dvds_application": app.pk})
    _log_app(actor, app, {"step": "research"})
    return app


@action("dvds.manage", record_type="dvds_application")
def do_flag_immediate_risk(app: DisclosureApplication, *, note: str, actor
                           ) -> DisclosureApplication:
    """Immediate risk at any stage: an urgent task now; the wait for the clock stops."""
    _open_app(app, actor)
    if app.immediate_risk_at is not None:
        unchanged()
        return app
    if not note.strip():
        raise Refused("note", "Say what the immediate risk is.")
    now = timezone.now()
    DisclosureApplication.objects.filter(pk=app.pk).update(
        immediate_risk_at=now, immediate_risk_note=note.strip(), version=app.version + 1)
    app.refresh_from_db()
    do_create_task(app.force, kind="dvds_immediate_risk",
                   title=f"URGENT: immediate risk on Clare's Law application {app.reference}: "
                         "safeguard and disclose now",
                   owner_role="darm", owner_user=actor,
                   due_at=now + dt.timedelta(hours=policy(
                       app.force, "dvds_immediate_risk_due_hours", at=now)),
                   person=app.person_at_risk, source_room=ROOM,
                   source_type="dvds_application", source_id=app.pk, actor=actor)
    _log_app(actor, app, {"step": "immediate_risk"})
    record_entry(app.person_at_risk, occurred_at=now, kind="dvds_immediate_risk",
                 source_room=ROOM, source_type="dvds_application", source_id=app.pk,
                 actor=actor, summary="Clare's Law: immediate risk flagged",
                 sensitivity=Sensitivity.CONFIDENTIAL)
    return app


@action("dvds.decide", record_type="dvds_application")
def do_record_decision(app: DisclosureApplication, *, version: int, decision: str,
                       tests: dict, rationale: str, panel: str, actor
                       ) -> DisclosureApplication:
    """The multi-agency decision, with each legal test recorded."""
    _open_app(app, actor)
    if app.stage != DisclosureApplication.Stage.DECISION and not app.immediate_risk_at:
        raise Refused("decision", "Record the identity check and the research first (with "
                                  "immediate risk flagged, decide at once).")
    if decision not in ("disclose", "not_disclose"):
        raise Refused("decision", "Choose disclose or do not disclose.")
    if not panel.strip():
        raise Refused("panel", "Name the multi-agency forum that decided (e.g. the DVDS "
                               "panel or MARAC).")
    if not rationale.strip():
        raise Refused("rationale", "Give the rationale for the decision.")
    refused = rules.decision_refusal(decision, tests)
    if refused:
        raise Refused(*refused)
    now = timezone.now()
    closing = decision == "not_disclose"
    update_if_unchanged(
        app, version, STALE, decision=decision,
        decision_tests={k: bool(tests.get(k)) for k in rules.DISCLOSURE_TESTS},
        decision_rationale=rationale.strip(), decision_panel=panel.strip()[:200],
        decided_at=now, decided_by=actor,
        stage=(DisclosureApplication.Stage.CLOSED if closing
               else DisclosureApplication.Stage.DISCLOSE),
        closed_at=now if closing else None)
    if closing:
        _close_app_tasks(app, "Decided: no disclosure", actor)
    _log_app(actor, app, {"step": "decision", "decision": decision})
    return app


def _close_app_tasks(app, note, actor):
    do_close_tasks(source_room=ROOM, source_type="dvds_application", source_ids=[app.pk],
                   note=note, actor=actor)


@action("dvds.manage", record_type="dvds_application")
def do_record_disclosure(app: DisclosureApplication, *, version: int, disclosed_to: str,
                         what: str, disclosed_at, actor) -> DisclosureApplication:
    """Disclosure to the person best placed to protect: to whom, what was said, by whom,
    when. Closes the application."""
    _open_app(app, actor)
    if app.decision != "disclose":
        raise Refused("decision", "Record the multi-agency decision to disclose first.")
    if not disclosed_to.strip():
        raise Refused("disclosed_to", "Say who was told (the person best placed to protect).")
    if not what.strip():
        raise Refused("what", "Say what was disclosed.")
    if disclosed_at is None:
        raise Refused("disclosed_at", "Say when the disclosure was made.")
    update_if_unchanged(app, version, STALE, disclosed_to=disclosed_to.strip()[:200],
                        disclosed_what=what.strip(), disclosed_at=disclosed_at,
                        disclosed_by=actor, closed_at=timezone.now(),
                        stage=DisclosureApplication.Stage.CLOSED)
    _close_app_tasks(app, "Disclosure made", actor)
    _log_app(actor, app, {"step": "disclosure"})
    record_entry(app.person_at_risk, occurred_at=disclosed_at, kind="dvds_disclosure",
                 source_room=ROOM, source_type="dvds_application", source_id=app.pk,
                 actor=actor, summary="Clare's Law disclosure made",
                 sensitivity=Sensitivity.CONFIDENTIAL)
    return app


def scoped_applications(user):
    if not (user and user.is_authenticated) or not can(user, "dvds.view") or not user.force_id:
        return DisclosureApplication.objects.none()
    return DisclosureApplication.objects.filter(force_id=user.force_id)


def access_application(user, app_id) -> DisclosureApplication:
    pk = db_int(app_id)
    with transaction.atomic():
        app = (scoped_applications(user).select_related("person_at_risk", "subject",
                                                        "applicant")
               .filter(pk=pk).first() if pk is not None else None)
        record_access(user, Action.CONSULTATION, record_type="dvds_application",
                      record_id=app_id, person_id=app.person_at_risk_id if app else None,
                      outcome=Outcome.ALLOWED if app else Outcome.REFUSED)
    if app is None:
        raise Http404("Not found")
    return app


def clock_text(app: DisclosureApplication, now=None) -> str:
    """What the coordinator sees: immediate risk, days left, or overdue."""
    now = now or timezone.now()
    if app.closed_at:
        return f"closed {timezone.localtime(app.closed_at):%d %b %Y}"
    if app.immediate_risk_at:
        return "IMMEDIATE RISK: act now, do not wait for the clock"
    left = (timezone.localdate(app.due_at) - timezone.localdate(now)).days
    due = f"{timezone.localtime(app.due_at):%d %b %Y}"
    if left < 0:
        return f"overdue by {-left} day{'s' if -left != 1 else ''} (was due {due})"
    return f"{left} day{'s' if left != 1 else ''} left of {app.clock_days} (due {due})"


def hearing_countdown(order: Order, now=None) -> str:
    now = now or timezone.now()
    if order.hearing_due_at is None:
        return "Not served yet: the 48-hour clock starts when the notice is served"
    if order.status == Order.Status.LAPSED:
        return (f"Lapsed: the hearing deadline passed {_when(order.hearing_due_at)} with no "
                "decision recorded")
    if order.status != Order.Status.LIVE:
        return "Court has decided"
    left = order.hearing_due_at - now
    if left.total_seconds() < 0:
        return f"Hearing deadline passed {_when(order.hearing_due_at)}: the notice lapses"
    hours, rest = divmod(int(left.total_seconds()), 3600)
    return f"{hours} h {rest // 60} min left: hearing by {_when(order.hearing_due_at)}"

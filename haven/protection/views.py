"""Thin views: parse, access_…, do_…, render. Every page answers 404 to a role without the
capability and to another force's user (the same as a missing record)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode

from haven.access.capabilities import can, require
from haven.access.log import record_list_access
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit
from haven.forces.policy import policy
from haven.people.lookup import LookupCriteriaError, find_candidates
from haven.people.services import InvalidRecord, do_add_source_record
from haven.protection import measures, rules, services
from haven.protection.models import Order
from haven.protection.rules import Refused
from haven.web.forms import error_list

User = get_user_model()
COURT_KINDS = [(k, label) for k, label in Order.Kind.choices
               if k in (Order.Kind.RESTRAINING, Order.Kind.NON_MOLESTATION, Order.Kind.BAIL)]


def _when(post, name) -> dt.datetime | None:
    text = (post.get(name) or "").strip()
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _day(post, name) -> dt.date | None:
    try:
        return dt.date.fromisoformat((post.get(name) or "").strip())
    except ValueError:
        return None


def _int(post, name) -> int | None:
    return db_int(post.get(name))


def _version(post) -> int:
    return _int(post, "version") or -1


def _person(user, value, field):
    if not (value or "").strip():
        return None
    try:
        return services.person_for_form(user, value)
    except Http404:
        raise Refused(field, "No person with that number in your force.") from None


def _errors(refused: Refused) -> dict:
    return {refused.field: refused.message}


# --- orders --------------------------------------------------------------------------------

@login_required
def order_list(request):
    require(request.user, "order.view")
    now = timezone.now()
    orders = list(services.in_force(services.scoped_orders(request.user), now)
                  .select_related("subject", "protected").order_by("ends_at", "pk")[:200])
    shown: dict[int, list] = {}
    for order in orders:
        for pid in filter(None, (order.subject_id, order.protected_id)):
            shown.setdefault(pid, []).append(order.pk)
    with transaction.atomic():
        record_list_access(request.user, record_type="protective_order", shown=shown,
                           reason="orders in force")
    return render(request, "protection/list.html", {
        "orders": orders, "now": now,
        "can_notice": can(request.user, "order.notice"),
        "can_record": can(request.user, "order.record"),
        "can_dvds": can(request.user, "dvds.manage"),
        "can_measure": can(request.user, "dvds.measures"),
        "regime": rules.REGIME_WORDS[services.regime_for(request.user.force, now)]
        if request.user.force_id else ""})


@login_required
def person_orders(request, person_id):
    require(request.user, "order.view")
    person = services.person_for_form(request.user, person_id)
    orders = list(services.in_force(services.scoped_orders(request.user))
                  .filter(Q(subject=person) | Q(protected=person))
                  .select_related("subject", "protected").order_by("ends_at", "pk"))
    ended = list(services.scoped_orders(request.user).filter(
        Q(subject=person) | Q(protected=person)).exclude(
        pk__in=[o.pk for o in orders]).order_by("-starts_at")[:50])
    return render(request, "protection/person.html",
                  {"person": person, "orders": orders, "ended": ended,
                   "can_notice": can(request.user, "order.notice"),
                   "can_record": can(request.user, "order.record")})


@login_required
def notice_new(request):
    require(request.user, "order.notice")
    force = request.user.force
    if force is None:
        raise Http404("Not found")
    data = request.POST if request.method == "POST" else request.GET
    regime = services.regime_for(force, timezone.now(), postcode=data.get("premises_postcode",
                                                                          ""))
    kind = rules.NOTICE_OF_REGIME[regime]
    errors = {}
    chosen = _picked(request.user, data)
    finding = data.get("find") if data.get("find") in PICK_FIELDS else ""
    if request.method == "POST" and not finding:
        try:
            subject, protected = chosen.get("subject"), chosen.get("protected")
            if subject is None:
                raise Refused("subject", "Choose the person the notice is against: search by "
                                         "name.")
            if protected is None:
                raise Refused("protected", "Choose the person to protect: search by name.")
            authoriser = User.objects.filter(pk=_int(data, "authoriser"),
                                             force=force).first()
            order = services.do_issue_notice(
                force, subject=subject, protected=protected, authoriser=authoriser,
                grounds=data.get("grounds", ""), conditions=data.get("conditions", ""),
                premises_postcode=data.get("premises_postcode", ""), actor=request.user)
        except Refused as refused:
            errors = _errors(refused)
        else:
            messages.success(request, f"{order.kind.upper()} {order.reference} recorded. "
                                      "Serve it in person and record the service.")
            return redirect("protection:detail", order.pk)
    return render(request, "protection/notice_new.html", {
        "chosen": chosen, "kind": kind,
        "pickers": _picker(request.user, data, chosen, errors, finding,
                           labels=NOTICE_LABELS),
        "regime_words": rules.REGIME_WORDS[regime], "data": data,
        "errors": errors, "error_summary": error_list(errors),
        "authorisers": services.authorisers(force),
        "min_rank": rules.RANK_WORDS[policy(force, f"{kind}_min_rank")]})


PICK_FIELDS = ("subject", "protected")


def _picked(user, data) -> dict:
    """field -> the person already chosen on the form (from the page the officer came from,
    or picked from the search), read through the people room's door; missing if none."""
    chosen = {}
    for field in PICK_FIELDS:
        if not (data.get(field) or "").strip():
            continue
        try:
            chosen[field] = _person(user, data.get(field), field)
        except Refused:
            continue
    return chosen


def _search(user, data, field) -> tuple[list, str]:
    """People the user may see matching the name (and date of birth) typed for `field`:
    names and dates of birth only, never an address. Every result is logged."""
    try:
        found = find_candidates(user, forename=data.get(f"{field}_forename", ""),
                                surname=data.get(f"{field}_surname", ""),
                                date_of_birth=data.get(f"{field}_dob", "") or None,
                                reason="protection: choose a person")
    except LookupCriteriaError as error:
        return [], str(error)
    people = [c.person for c in found]
    with transaction.atomic():
        record_list_access(user, record_type="person", shown={p.pk: [p.pk] for p in people},
                           reason="protection: choose a person")
    return people, "" if people else "No one found. Check the spelling or give fewer details."


COURT_LABELS = {"subject": "Person it is against", "protected": "Person it protects (optional)"}
NOTICE_LABELS = {"subject": "Person the notice is against", "protected": "Person to protect"}


def _picker(user, data, chosen, errors, finding, *, labels=COURT_LABELS) -> list[dict]:
    """What the form shows for each person: the one chosen, or a search and its results."""
    out = []
    for field in PICK_FIELDS:
        results, message = ([], "")
        if finding == field:
            results, message = _search(user, data, field)
        others = {f: p.pk for f, p in chosen.items() if f != field}
        out.append({"field": field, "label": labels[field], "chosen": chosen.get(field),
                    "change_url": f"?{urlencode(others)}" if others else "?",
                    "results": results, "message": message, "error": errors.get(field),
                    "forename": data.get(f"{field}_forename", ""),
                    "surname": data.get(f"{field}_surname", ""),
                    "dob": data.get(f"{field}_dob", "")})
    return out


@login_required
def court_order_new(request):
    require(request.user, "order.record")
    force = request.user.force
    if force is None:
        raise Http404("Not found")
    data = request.POST if request.method == "POST" else request.GET
    errors = {}
    chosen = _picked(request.user, data)
    finding = data.get("find") if data.get("find") in PICK_FIELDS else ""
    if request.method == "POST" and not finding:
        try:
            subject = chosen.get("subject")
            if subject is None:
                raise Refused("subject", "Choose the person the order is against: search by "
                                         "name.")
            order = services.do_record_court_order(
                force, kind=data.get("kind", ""), subject=subject,
                protected=chosen.get("protected"),
                starts_at=_when(data, "starts_at"), ends_at=_when(data, "ends_at"),
                conditions=data.get("conditions", ""), court=data.get("court", ""),
                actor=request.user)
        except Refused as refused:
            errors = _errors(refused)
        else:
            messages.success(request, f"{order.get_kind_display()} {order.reference} recorded.")
            return redirect("protection:detail", order.pk)
    return render(request, "protection/court_order_new.html", {
        "pickers": _picker(request.user, data, chosen, errors, finding), "kinds": COURT_KINDS,
        "data": data, "errors": errors, "error_summary": error_list(errors)})


@login_required
def order_detail(request, order_id):
    require(request.user, "order.view")
    order = services.access_order(request.user, order_id, reason="order page")
    errors, prompt = {}, None
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "service":
                services.do_record_service(
                    order, version=_version(request.POST),
                    served_at=_when(request.POST, "served_at"),
                    served_where=request.POST.get("served_where", ""),
                    subject_address_for_notice=request.POST.get("address_for_notice", ""),
                    actor=request.user)
                messages.success(request, "Service recorded; the hearing clock is running.")
            elif step == "made":
                days = _int(request.POST, "days")
                made = services.do_record_order_made(
                    order, made_on=_day(request.POST, "made_on") or timezone.localdate(),
                    days=days, ends_on=_day(request.POST, "ends_on"),
                    conditions=request.POST.get("conditions", ""),
                    requirements=[r.strip() for r in
                                  request.POST.get("requirements", "").splitlines()],
                    notification_requirements=request.POST.get("notification", ""),
                    court=request.POST.get("court", ""), actor=request.user)
                messages.success(request, f"{made.kind.upper()} recorded.")
                return redirect("protection:detail", made.pk)
            elif step == "outcome":
                services.do_record_hearing_outcome(
                    order, version=_version(request.POST),
                    outcome=request.POST.get("outcome", ""),
                    note=request.POST.get("note", ""),
                    next_hearing_at=_when(request.POST, "next_hearing_at"), actor=request.user)
                messages.success(request, "Court outcome recorded.")
            elif step == "notified":
                services.do_record_notification(
                    order, version=_version(request.POST),
                    notified_at=_when(request.POST, "notified_at"), actor=request.user)
                messages.success(request, "Notification recorded.")
            elif step == "breach":
                breach = services.do_record_breach(
                    order, occurred_at=_when(request.POST, "occurred_at"),
                    description=request.POST.get("description", ""),
                    incident_reference=request.POST.get("incident_reference", ""),
                    actor=request.user)
                prompt = breach.crime_prompt
                messages.success(request, "Breach recorded. The victim's risk is flagged for "
                                          "a fresh look.")
            else:
                raise Http404("Not found")
        except Refused as refused:
            errors = _errors(refused)
        except StaleEdit as stale:
            errors = {"version": str(stale)}
        else:
            if prompt is None:
                return redirect("protection:detail", order.pk)
        order.refresh_from_db()
    return render(request, "protection/detail.html", {
        "order": order, "errors": errors, "error_summary": error_list(errors),
        "prompt": prompt, "countdown": services.hearing_countdown(order),
        "breaches": list(order.breaches.order_by("-occurred_at")),
        "made_kind": rules.ORDER_OF_NOTICE.get(order.kind, ""),
        "can_notice": can(request.user, "order.notice"),
        "can_record": can(request.user, "order.record"),
        "can_breach": can(request.user, "order.breach"),
        "dapo_hint": "The subject must always notify their name and home address within "
                     f"{policy(order.force, 'dapo_notification_days')} days beginning with "
                     "the day the order is made (Domestic Abuse Act 2021 s.41). Add anything "
                     "more the court required.",
        "dvpo_hint": f"Between {policy(order.force, 'dvpo_min_days')} and "
                     f"{policy(order.force, 'dvpo_max_days')} days, beginning with the day "
                     "it is made."})


# --- Clare's Law -----------------------------------------------------------------------------

def _new_person(user, data, prefix, label):
    """A person named on the form, recorded as what the applicant told us (linked to anyone
    Haven already knows by the people room's linkage)."""
    known = (data.get(f"{prefix}_id") or "").strip()
    if known:
        return _person(user, known, f"{prefix}_forename")
    forename = (data.get(f"{prefix}_forename") or "").strip()
    surname = (data.get(f"{prefix}_surname") or "").strip()
    if not (forename and surname):
        raise Refused(f"{prefix}_forename", f"Give the {label}'s first name and last name.")
    fields = {"forename": forename, "surname": surname,
              "date_of_birth": (data.get(f"{prefix}_dob") or "").strip() or None}
    try:
        record = do_add_source_record(user.force, fields, system="haven",
                                      source_id=f"dvds-{uuid.uuid4().hex[:12]}", actor=user)
    except InvalidRecord as invalid:
        raise Refused(f"{prefix}_dob", f"The {label}'s date of birth: {invalid}") from None
    return record.person


@login_required
def dvds_new(request):
    require(request.user, "dvds.manage")
    force = request.user.force
    if force is None:
        raise Http404("Not found")
    data = request.POST if request.method == "POST" else request.GET
    errors = {}
    if request.method == "POST":
        try:
            with transaction.atomic():
                at_risk = _new_person(request.user, data, "at_risk", "person at risk")
                subject = _new_person(request.user, data, "subject", "partner asked about")
                applicant = None
                if data.get("route") == "ask" and data.get("applicant_is") == "other":
                    applicant = _new_person(request.user, data, "applicant", "applicant")
                elif data.get("route") == "ask":
                    applicant = at_risk
                app = services.do_open_application(
                    force, route=data.get("route", ""), person_at_risk=at_risk,
                    subject=subject, applicant=applicant,
                    applicant_relationship=data.get("applicant_relationship", ""),
                    information_source=data.get("information_source", ""),
                    concern=data.get("concern", ""), actor=request.user)
        except Refused as refused:
            errors = _errors(refused)
        else:
            messages.success(request, f"Application {app.reference} opened: due by "
                                      f"{timezone.localtime(app.due_at):%d %b %Y}.")
            return redirect("protection:dvds_detail", app.pk)
    return render(request, "protection/dvds_new.html", {
        "data": data, "errors": errors, "error_summary": error_list(errors)})


STEPS = {"identity", "research", "immediate_risk", "decision", "disclosure"}


@login_required
def dvds_detail(request, app_id):
    require(request.user, "dvds.view")
    app = services.access_application(request.user, app_id)
    errors = {}
    if request.method == "POST":
        step, post = request.POST.get("step"), request.POST
        if step not in STEPS:
            raise Http404("Not found")
        try:
            if step == "identity":
                services.do_record_identity_check(
                    app, version=_version(post), documents=post.get("documents", ""),
                    met_at=_when(post, "met_at"), actor=request.user)
            elif step == "research":
                services.do_record_research(app, version=_version(post),
                                            findings=post.get("findings", ""),
                                            actor=request.user)
            elif step == "immediate_risk":
                services.do_flag_immediate_risk(app, note=post.get("note", ""),
                                                actor=request.user)
            elif step == "decision":
                services.do_record_decision(
                    app, version=_version(post), decision=post.get("decision", ""),
                    tests={k: post.get(f"test_{k}") == "yes" for k in rules.DISCLOSURE_TESTS},
                    rationale=post.get("rationale", ""), panel=post.get("panel", ""),
                    actor=request.user)
            else:
                services.do_record_disclosure(
                    app, version=_version(post), disclosed_to=post.get("disclosed_to", ""),
                    what=post.get("what", ""), disclosed_at=_when(post, "disclosed_at"),
                    actor=request.user)
        except Refused as refused:
            errors = _errors(refused)
        except StaleEdit as stale:
            errors = {"version": str(stale)}
        else:
            messages.success(request, "Saved.")
            return redirect("protection:dvds_detail", app.pk)
        app.refresh_from_db()
    research = entries = None
    if app.stage != app.Stage.RECEIVED:
        research = services.subject_research(app)
        entries = services.subject_timeline(request.user, app)
    return render(request, "protection/dvds_detail.html", {
        "app": app, "errors": errors, "error_summary": error_list(errors),
        "clock": services.clock_text(app), "research": research, "entries": entries,
        "tests": [(k, label, app.decision_tests.get(k)) for k, label in
                  rules.DISCLOSURE_TESTS.items()],
        "can_manage": can(request.user, "dvds.manage"),
        "can_decide": can(request.user, "dvds.decide")})


@login_required
def dvds_measures(request):
    require(request.user, "dvds.measures")
    if request.user.force_id is None:
        raise Http404("Not found")
    return render(request, "protection/measures.html",
                  {"m": measures.figures(request.user.force)})


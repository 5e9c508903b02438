"""Thin views: parse, access_…, do_…, render. Every page answers 404 to a role without the
capability, to another force's user and to another agency (the same as a missing record)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from haven.access.capabilities import can, require
from haven.access.log import record_list_access
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit
from haven.forces.models import Agency
from haven.marac import measures as marac_measures
from haven.marac import pdf, services
from haven.marac.models import Area, Referral
from haven.marac.rules import Refused
from haven.web.forms import error_list


def _when(post, name) -> dt.datetime | None:
    text = (post.get(name) or "").strip()
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


def _summary(errors: dict) -> list:
    return error_list(errors, anchor=lambda f: f"id_{f}")


# --- index and governance -------------------------------------------------------------------

@login_required
def index(request):
    require(request.user, "marac.view")
    if request.user.is_partner:
        raise Http404("Not found")
    areas = list(services.scoped_areas(request.user).select_related("chair", "coordinator"))
    meetings = list(services.scoped_meetings(request.user).filter(closed_at__isnull=True)
                    .select_related("area").order_by("held_at")[:50])
    waiting = list(services.scoped_referrals(request.user)
                   .filter(status=Referral.Status.AWAITING)
                   .select_related("victim", "area").order_by("referred_at")[:200])
    record_list_access(request.user, record_type="marac_referral",
                       shown={r.victim_id: [r.pk] for r in waiting})
    return render(request, "marac/index.html", {
        "areas": areas, "meetings": meetings, "waiting": waiting,
        "can_coordinate": can(request.user, "marac.coordinate"),
        "can_refer": can(request.user, "marac.refer"),
        "can_govern": can(request.user, "marac.governance")})


@login_required
def governance(request):
    require(request.user, "marac.governance")
    user = request.user
    areas = list(services.scoped_areas(user).select_related("chair", "coordinator"))
    rows = []
    today = timezone.localdate()
    for area in areas:
        meetings = area.meetings.all()
        rows.append({
            "area": area,
            "next": meetings.filter(held_at__gte=timezone.now()).order_by("held_at").first(),
            "held": meetings.filter(closed_at__isnull=False).count(),
            "waiting": area.referrals.filter(status=Referral.Status.AWAITING).count(),
            "overdue": services.scoped_actions(user).filter(
                case__meeting__area=area, done_at__isnull=True, due_on__lt=today).count()})
    data = marac_measures.measures(user.force, today)
    return render(request, "marac/governance.html", {"rows": rows, "m": data})


@login_required
def measures_csv(request):
    require(request.user, "marac.governance")
    response = HttpResponse(marac_measures.csv_text(request.user.force),
                            content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="marac-dataset.csv"'
    return response


@login_required
def area_new(request):
    require(request.user, "marac.coordinate")
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:
            area = services.do_add_area(
                request.user.force, name=values.get("name", ""),
                pattern=values.get("pattern", ""),
                districts=(values.get("districts") or "").replace(",", " ").split(),
                coordinator=request.user, actor=request.user)
        except Refused as refused:
            errors[refused.field] = refused.message
        else:
            messages.success(request, f"{area} added")
            return redirect("marac:index")
    return render(request, "marac/area_new.html", {
        "errors": errors, "error_summary": _summary(errors), "values": values,
        "patterns": Area.Pattern.choices})


# --- referrals -------------------------------------------------------------------------------

@login_required
def referral_new(request):
    require(request.user, "marac.refer")
    user = request.user
    force_id = services.user_force_id(user)
    areas = list(Area.objects.filter(force_id=force_id).order_by("name"))
    errors = {}
    values = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        area = next((a for a in areas if a.pk == db_int(values.get("area"))), None)
        try:
            if area is None:
                raise Refused("area", "Choose the MARAC area")
            referral = services.do_make_referral(
                area=area, victim_id=values.get("victim_id"),
                perpetrator_id=values.get("perpetrator_id") or None,
                criterion=values.get("criterion", ""),
                dash_yes_count=db_int(values.get("dash_yes_count")),
                incidents_in_window=db_int(values.get("incidents_in_window")),
                rationale=values.get("rationale", ""), consent=values.get("consent", ""),
                consent_basis=values.get("consent_basis", ""),
                children=db_int(values.get("children")) or 0, actor=user)
        except Refused as refused:
            errors[refused.field] = refused.message
        else:
            messages.success(request, f"Referral {referral.reference} made")
            if services.scoped_referrals(user).filter(pk=referral.pk).exists():
                return redirect("marac:referral", referral.pk)
            return redirect("home")
    return render(request, "marac/referral_new.html", {
        "errors": errors, "error_summary": _summary(errors), "values": values, "areas": areas,
        "criteria": Referral.Criterion.choices, "consents": Referral.Consent.choices})


@login_required
def referral_detail(request, referral_id):
    user = request.user
    if not (can(user, "marac.view") or can(user, "marac.idva_contact")
            or can(user, "marac.refer")):
        raise Http404("Not found")
    referral = services.access_referral(user, referral_id)
    errors = {}
    if request.method == "POST":
        try:
            if request.POST.get("do") == "transfer":
                area = services.force_areas_of_alliance(user).filter(
                    pk=db_int(request.POST.get("area"))).first()
                if area is None:
                    raise Refused("area", "Choose the MARAC area the case moves to")
                services.do_transfer_referral(referral, area=area,
                                              reason=request.POST.get("reason", ""),
                                              actor=user)
                messages.success(request, f"Transferred to the {area.name} MARAC")
                return redirect("marac:referral", referral.pk)
            if request.POST.get("do") == "idva":
                services.do_record_idva_contact(
                    referral, outcome=request.POST.get("outcome", ""),
                    contacted_on=_day(request.POST, "contacted_on"), actor=user)
                messages.success(request, "IDVA contact recorded")
                return redirect("marac:referral", referral.pk)
            raise Http404("Not found")
        except Refused as refused:
            errors[refused.field] = refused.message
        except StaleEdit as stale:
            errors["outcome"] = str(stale)
    transfer_areas = []
    if can(user, "marac.coordinate"):
        transfer_areas = list(services.force_areas_of_alliance(user).exclude(
            pk=referral.area_id).select_related("force"))
    return render(request, "marac/referral.html", {
        "r": referral, "errors": errors, "error_summary": _summary(errors),
        "police": not user.is_partner, "transfer_areas": transfer_areas,
        "can_idva": can(user, "marac.idva_contact"),
        "outcomes": Referral.IdvaOutcome.choices,
        "idva_in_time": services.idva_in_time(referral),
        "cases": list(referral.cases.select_related("meeting__area")) if not user.is_partner
        else []})


# --- meetings --------------------------------------------------------------------------------

@login_required
def meeting_new(request):
    require(request.user, "marac.coordinate")
    user = request.user
    areas = list(services.scoped_areas(user))
    agencies = list(Agency.objects.filter(force_id=user.force_id).order_by("name"))
    errors, values = {}, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        area = next((a for a in areas if a.pk == db_int(values.get("area"))), None)
        chosen = [a for a in agencies if str(a.pk) in values.getlist("agencies")]
        try:
            if area is None:
                raise Refused("area", "Choose the MARAC area")
            meeting = services.do_schedule_meeting(
                area, held_at=_when(values, "held_at"), emergency=values.get("emergency") == "1",
                agencies=chosen, actor=user)
        except Refused as refused:
            errors[refused.field] = refused.message
        else:
            messages.success(request, f"{meeting} planned")
            return redirect("marac:meeting", meeting.pk)
    return render(request, "marac/meeting_new.html", {
        "errors": errors, "error_summary": _summary(errors), "values": values, "areas": areas,
        "agencies": agencies})


@login_required
def meeting_detail(request, meeting_id):
    user = request.user
    if not (can(user, "marac.view") or can(user, "marac.research")):
        raise Http404("Not found")
    meeting = services.access_meeting(user, meeting_id)
    errors = {}
    if request.method == "POST":
        try:
            what = request.POST.get("do")
            if what == "list":
                referral = services.scoped_referrals(user).filter(
                    pk=db_int(request.POST.get("referral"))).first()
                if referral is None:
                    raise Refused("referral", "Choose a referral waiting to be listed")
                services.do_list_case(meeting, referral, actor=user)
                messages.success(request, f"{referral.victim.display_name} listed")
            elif what == "send":
                services.do_send_list(meeting, actor=user)
                messages.success(request, "Case list sent to the agencies")
            elif what == "close":
                services.do_close_meeting(meeting, actor=user)
                messages.success(request, "Meeting closed")
            else:
                raise Http404("Not found")
            return redirect("marac:meeting", meeting.pk)
        except Refused as refused:
            errors[refused.field] = refused.message
        except StaleEdit as stale:
            errors["list"] = str(stale)
    agenda = services.agenda(meeting)
    overdue = list(services.overdue_actions(meeting)) if not user.is_partner else []
    waiting = []
    if can(user, "marac.coordinate") and not meeting.closed_at:
        waiting = list(services.scoped_referrals(user).filter(
            Q(area=meeting.area) | Q(area__isnull=True),
            status=Referral.Status.AWAITING).select_related("victim"))
    shown: dict = {}
    for row in agenda:
        shown.setdefault(row["case"].referral.victim_id, []).append(row["case"].pk)
    for r in waiting:
        shown.setdefault(r.victim_id, []).append(f"referral:{r.pk}")
    for a in overdue:
        shown.setdefault(a.case.referral.victim_id, []).append(f"action:{a.pk}")
    record_list_access(user, record_type="marac_meeting", shown=shown)
    return render(request, "marac/meeting.html", {
        "meeting": meeting, "agenda": agenda, "overdue": overdue, "waiting": waiting,
        "errors": errors, "error_summary": _summary(errors), "police": not user.is_partner,
        "can_coordinate": can(user, "marac.coordinate"), "can_chair": can(user, "marac.chair"),
        "list_due_on": services.list_due_on(meeting),
        "list_late": services.list_due_on(meeting) < timezone.localdate(),
        "agencies": list(meeting.agencies.all())})


def _pdf(request, meeting_id, which):
    user = request.user
    if not (can(user, "marac.view") or can(user, "marac.research")):
        raise Http404("Not found")
    if which == "minutes" and user.is_partner:
        raise Http404("Not found")
    meeting = services.access_meeting(user, meeting_id)
    make = pdf.minutes_pdf if which == "minutes" else pdf.agenda_pdf
    try:
        content = make(meeting)
    except pdf.PdfRefused as refused:
        messages.error(request, str(refused))
        return redirect("marac:meeting", meeting.pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="marac-{which}-{meeting.pk}.pdf"'
    return response


@login_required
def agenda_pdf(request, meeting_id):
    return _pdf(request, meeting_id, "agenda")


@login_required
def minutes_pdf(request, meeting_id):
    return _pdf(request, meeting_id, "minutes")


# --- a listed case ---------------------------------------------------------------------------

@login_required
def case_detail(request, case_id):
    user = request.user
    if not (can(user, "marac.view") or can(user, "marac.research")):
        raise Http404("Not found")
    case = services.access_case(user, case_id)
    errors, values = {}, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            what = request.POST.get("do")
            if what == "research":
                services.do_record_research(case, text=values.get("text", ""), actor=user)
                messages.success(request, "Research recorded")
            elif what == "discussion":
                services.do_record_discussion(
                    case, version=db_int(values.get("version")) or -1,
                    information_shared=values.get("information_shared", ""),
                    risk_summary=values.get("risk_summary", ""), actor=user)
                messages.success(request, "Discussion recorded")
            elif what == "action":
                agency = None
                if values.get("agency") != "police":
                    agency = Agency.objects.filter(force_id=case.meeting.force_id,
                                                   pk=db_int(values.get("agency"))).first()
                    if agency is None:
                        raise Refused("agency", "Choose the agency that will act")
                services.do_add_action(case, agency=agency, owner=values.get("owner", ""),
                                       description=values.get("description", ""),
                                       due_on=_day(values, "due_on"), actor=user)
                messages.success(request, "Action agreed")
            elif what == "done":
                item = services.access_action(user, values.get("action"))
                services.do_complete_action(item, note=values.get("note", ""), actor=user)
                messages.success(request, "Action marked done")
            else:
                raise Http404("Not found")
            return redirect("marac:case", case.pk)
        except Refused as refused:
            errors[refused.field] = refused.message
        except StaleEdit as stale:
            errors["risk_summary"] = str(stale)
    research = list(services.research_for(user, case))
    own = next((r for r in research if r.agency_id == (user.agency_id if user.is_partner
                                                         else None)), None)
    actions = case.actions.select_related("agency")
    if user.is_partner:
        actions = actions.filter(agency_id=user.agency_id)
    return render(request, "marac/case.html", {
        "case": case, "r": case.referral, "meeting": case.meeting, "research": research,
        "own": own, "actions": list(actions), "errors": errors,
        "error_summary": _summary(errors), "values": values, "police": not user.is_partner,
        "can_research": can(user, "marac.research") and not case.meeting.closed_at,
        "can_chair": can(user, "marac.chair") and not user.is_partner,
        "can_complete": can(user, "marac.action"),
        "agencies": list(case.meeting.agencies.all()), "today": timezone.localdate()})

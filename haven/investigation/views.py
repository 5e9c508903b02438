"""Thin views: parse, access_…, do_…, render. Every page answers 404 to a role without the
capability and to another force's user (the same as a missing record)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from haven.access.capabilities import can, require
from haven.access.log import Action, record_list_access
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit
from haven.intake.services import access_incident
from haven.investigation import evidence as ev
from haven.investigation import measures, rules, services
from haven.investigation.models import (
    CaseEvent,
    CustodyRecord,
    EvidenceItem,
    Offence,
    Team,
    VictimNotice,
)
from haven.people.access import access_person
from haven.web.forms import error_list

User = get_user_model()


def _incident(user, incident_id, reason):
    return access_incident(user, incident_id, reason=reason)


def _version(post) -> int:
    try:
        return int(post.get("version", ""))
    except ValueError:
        return -1


def _when(post, name) -> dt.datetime | None:
    """A datetime-local field (local time) or None."""
    text = (post.get(name) or "").strip()
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


# --- lists -----------------------------------------------------------------------------------

@login_required
def crime_list(request):
    require(request.user, "crime.view")
    crimes = list(services.scoped_crimes(request.user).select_related("victim", "allocated_to")
                  .prefetch_related("offences").order_by("-recorded_at")[:200])
    due = {}
    for crime_id, due_at in (VictimNotice.objects.filter(
            crime__in=crimes, told_at__isnull=True).order_by("due_at")
            .values_list("crime_id", "due_at")):
        due.setdefault(crime_id, due_at)
    shown: dict[int, list] = {}
    for crime in crimes:
        crime.next_due = due.get(crime.pk)
        if crime.victim_id:
            shown.setdefault(crime.victim_id, []).append(crime.pk)
    with transaction.atomic():
        record_list_access(request.user, record_type="crime", shown=shown,
                           reason="crime list")
    return render(request, "investigation/list.html", {
        "crimes": crimes, "can_record": can(request.user, "crime.record"),
        "can_measure": can(request.user, "investigation.measures"), "now": timezone.now()})


@login_required
def measures_page(request):
    require(request.user, "investigation.measures")
    if request.user.force_id is None:
        raise Http404("Not found")
    return render(request, "investigation/measures.html",
                  {"m": measures.figures(request.user.force)})


# --- recording a crime -------------------------------------------------------------------------

@login_required
def new_crime(request):
    require(request.user, "crime.record")
    incident = None
    source = request.POST if request.method == "POST" else request.GET
    victim = None
    if source.get("incident"):
        incident = _incident(request.user, source.get("incident"), "recording a crime")
    elif source.get("victim"):  # a crime reported without an incident log (standalone)
        victim = access_person(request.user, source.get("victim"), reason="recording a crime")
    errors = {}
    if request.method == "POST":
        try:
            crime = services.do_record_crime(
                offences=request.POST.getlist("offences"),
                principal=request.POST.get("principal") or None,
                domestic_abuse=request.POST.get("domestic_abuse") == "yes",
                incident=incident, victim=victim, summary=request.POST.get("summary", ""),
                actor=request.user)
        except services.InvestigationRefused as refused:
            errors = refused.errors
        else:
            messages.success(request, f"Crime {crime.reference} recorded and allocated to "
                                      f"{crime.get_team_display().lower()}.")
            return redirect("investigation:detail", crime.pk)
    return render(request, "investigation/new.html", {
        "incident": incident, "victim": victim, "offences": Offence.choices, "errors": errors,
        "error_summary": error_list(errors), "data": request.POST,
        "chosen": request.POST.getlist("offences")}, status=400 if errors else 200)


# --- the crime page --------------------------------------------------------------------------

def _crime_context(user, crime, errors=None, data=None) -> dict:
    errors = errors or {}
    notices = list(crime.notices.all())
    contact = (services.contact_lines(crime.force, crime.victim_id)
               if crime.victim_id and can(user, "crime.investigate") else [])
    officers = (list(User.objects.filter(force_id=crime.force_id, is_active=True,
                                         role__in=["detective", "hau", "response_officer",
                                                   "snt_officer", "sergeant"])
                     .order_by("role", "username"))
                if can(user, "crime.allocate") else [])
    return {
        "crime": crime, "offences": list(crime.offences.all()),
        "allocations": list(crime.allocations.select_related("officer", "by")),
        "events": list(crime.events.select_related("recorded_by")),
        "notices": notices, "contact_lines": contact,
        "evidence": list(ev.evidence_for(user, crime=crime, incident=crime.incident)),
        "can_investigate": can(user, "crime.investigate"),
        "can_allocate": can(user, "crime.allocate"),
        "can_outcome": can(user, "crime.outcome"),
        "can_upload": can(user, "evidence.upload"),
        "can_see_evidence": can(user, "evidence.view"),
        "teams": Team.choices, "officers": officers,
        # A breach of an order is recorded on the order (protection), not as a custody event.
        "event_kinds": [(k, label) for k, label in CaseEvent.Kind.choices
                        if k not in ("arrest", "order_breach")],
        "outcome_types": sorted(rules.OUTCOME_TYPES.items()),
        "outcome_label": rules.outcome_label(crime.outcome),
        "errors": errors, "error_summary": error_list(errors), "data": data or {},
    }


@login_required
def crime_detail(request, crime_id):
    crime = services.access_crime(request.user, crime_id)
    return render(request, "investigation/detail.html", _crime_context(request.user, crime))


def _crime_post(request, crime_id, change):
    """Run one change on the crime; on a refusal show the page again with the errors."""
    crime = services.access_crime(request.user, crime_id, action_=Action.ALTERATION)
    try:
        message = change(crime)
    except services.InvestigationRefused as refused:
        crime.refresh_from_db()
        return render(request, "investigation/detail.html",
                      _crime_context(request.user, crime, refused.errors, request.POST),
                      status=400)
    except StaleEdit as stale:
        crime.refresh_from_db()
        return render(request, "investigation/detail.html",
                      _crime_context(request.user, crime, {"version": str(stale)}), status=409)
    messages.success(request, message)
    return redirect("investigation:detail", crime.pk)


@login_required
@require_POST
def allocate(request, crime_id):
    def change(crime):
        officer = None
        if request.POST.get("officer"):
            officer = User.objects.filter(pk=db_int(request.POST["officer"]),
                                          force_id=crime.force_id).first()
            if officer is None:
                raise services.InvestigationRefused({"officer": "Choose an officer"})
        services.do_reallocate_crime(crime, team=request.POST.get("team", ""), officer=officer,
                                     reason=request.POST.get("reason", ""),
                                     version=_version(request.POST), actor=request.user)
        return "Crime reallocated."
    return _crime_post(request, crime_id, change)


@login_required
@require_POST
def arrest(request, crime_id):
    def change(crime):
        arrested = request.POST.get("arrested")
        if arrested not in ("yes", "no"):
            raise services.InvestigationRefused({"arrested": "Say whether the suspect was "
                                                             "arrested"})
        services.do_record_arrest(crime, arrested=arrested == "yes",
                                  at=_when(request.POST, "arrested_at"),
                                  reason=request.POST.get("reason", ""),
                                  version=_version(request.POST), actor=request.user)
        return "Arrest recorded." if arrested == "yes" else "Reason for not arresting recorded."
    return _crime_post(request, crime_id, change)


@login_required
@require_POST
def add_event(request, crime_id):
    def change(crime):
        conditions = {
            "protected_person": request.POST.get("protected_person") == "yes",
            "no_contact": request.POST.get("no_contact") == "yes",
            "exclusion_zone": request.POST.get("exclusion_zone", "").strip()[:200],
            "other": request.POST.get("other_conditions", "").strip()[:300]}
        event = services.do_record_case_event(
            crime, kind=request.POST.get("kind", ""), occurred_at=_when(request.POST,
                                                                        "occurred_at"),
            conditions=conditions, court=request.POST.get("court", ""),
            next_date=_when(request.POST, "next_date"), note=request.POST.get("note", ""),
            source=request.POST.get("source", ""), actor=request.user)
        return f"{event.get_kind_display()} recorded."
    return _crime_post(request, crime_id, change)


@login_required
@require_POST
def outcome(request, crime_id):
    def change(crime):
        services.do_record_outcome(crime, outcome=request.POST.get("outcome"),
                                   note=request.POST.get("note", ""),
                                   version=_version(request.POST), actor=request.user)
        return "Outcome recorded."
    return _crime_post(request, crime_id, change)


@login_required
@require_POST
def victim_told(request, crime_id, notice_id):
    def change(crime):
        notice = crime.notices.filter(pk=db_int(notice_id)).first()
        if notice is None:
            raise Http404("Not found")
        services.do_record_victim_told(notice, method=request.POST.get("method", ""),
                                       actor=request.user)
        return "Recorded that the victim was told."
    return _crime_post(request, crime_id, change)


# --- evidence --------------------------------------------------------------------------------

def _upload(request, *, incident=None, crime=None):
    kind = request.POST.get("kind", "file")
    if kind in (EvidenceItem.Kind.BWV, EvidenceItem.Kind.STATEMENT):
        return ev.do_record_evidence_reference(
            kind=kind, incident=incident, crime=crime,
            reference=request.POST.get("reference", ""), text=request.POST.get("text", ""),
            description=request.POST.get("description", ""), actor=request.user)
    upload = request.FILES.get("file")
    if upload is None:
        raise ev.UploadRefused("Choose a photo, video or PDF to add")
    return ev.do_upload_evidence(upload, incident=incident, crime=crime,
                                 description=request.POST.get("description", ""),
                                 actor=request.user)


@login_required
def incident_evidence(request, incident_id):
    """Evidence from the scene of one incident: the list, and the upload from a phone."""
    require(request.user, "evidence.view" if request.method == "GET" else "evidence.upload")
    incident = _incident(request.user, incident_id, "evidence from the scene")
    error = ""
    if request.method == "POST":
        try:
            item = _upload(request, incident=incident)
        except ev.UploadRefused as refused:
            error = str(refused)
        else:
            messages.success(request, f"{item.get_kind_display()} added to the evidence, "
                                      "with its fingerprint below.")
            return redirect("investigation:evidence", item.public_id)
    return render(request, "investigation/incident_evidence.html", {
        "incident": incident, "evidence": list(ev.evidence_for(request.user, incident=incident)),
        "can_upload": can(request.user, "evidence.upload"), "error": error,
        "error_summary": error_list({"file": error}) if error else []},
        status=400 if error else 200)


@login_required
@require_POST
def crime_evidence(request, crime_id):
    require(request.user, "evidence.upload")
    crime = services.access_crime(request.user, crime_id, action_=Action.ALTERATION)
    try:
        item = _upload(request, crime=crime)
    except ev.UploadRefused as refused:
        return render(request, "investigation/detail.html",
                      _crime_context(request.user, crime, {"file": str(refused)}), status=400)
    messages.success(request, f"{item.get_kind_display()} added to the evidence, with its "
                              "fingerprint below.")
    return redirect("investigation:evidence", item.public_id)


@login_required
def evidence_detail(request, public_id):
    item = ev.access_evidence(request.user, public_id, act=CustodyRecord.Act.VIEWED,
                              photo_fetched_after=True)
    back = (reverse("investigation:detail", args=[item.crime_id]) if item.crime_id else
            reverse("investigation:incident_evidence", args=[item.incident_id]))
    return render(request, "investigation/evidence.html", {
        "item": item, "custody": list(item.custody.select_related("by")), "back": back,
        "is_photo": item.kind == EvidenceItem.Kind.PHOTO and bool(item.storage_name),
        "has_file": bool(item.storage_name)})


@login_required
def evidence_shown(request, public_id):
    """A photo as shown on a page: a copy without its EXIF (no GPS position)."""
    item = ev.access_evidence(request.user, public_id, act=None)
    if item.kind != EvidenceItem.Kind.PHOTO or not item.storage_name:
        raise Http404("Not found")
    try:
        data = ev.read_verified(request.user, item, act=CustodyRecord.Act.VIEWED)
    except ev.EvidenceAltered:
        return _altered(request, item)
    body, mime = ev.shown_copy(data)
    response = HttpResponse(body, content_type=mime)
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _altered(request, item):
    return render(request, "investigation/altered.html", {"item": item}, status=409)


@login_required
def evidence_download(request, public_id):
    """The original file, only when it still hashes to the fingerprint taken on receipt."""
    item = ev.access_evidence(request.user, public_id, act=None)
    if not item.storage_name:
        raise Http404("Not found")
    try:
        data = ev.read_verified(request.user, item, act=CustodyRecord.Act.EXPORTED
                                if request.GET.get("export") else CustodyRecord.Act.DOWNLOADED)
    except ev.EvidenceAltered:
        return _altered(request, item)
    response = HttpResponse(data, content_type=item.content_type)
    extension = {"image/jpeg": "jpg", "image/png": "png", "video/mp4": "mp4",
                 "application/pdf": "pdf"}.get(item.content_type, "bin")
    response["Content-Disposition"] = (f'attachment; filename="evidence-{item.public_id}.'
                                       f'{extension}"')
    response["X-Evidence-SHA256"] = item.sha256
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response

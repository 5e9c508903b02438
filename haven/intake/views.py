"""The control room's pages: thin — parse, access, do, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from haven.access.capabilities import can, require
from haven.access.log import Action, Outcome, record_access
from haven.core.concurrency import StaleEdit
from haven.intake import callscreen, forms, history, home, rules, services
from haven.intake.creation import (
    IntakeInvalid,
    do_add_involvement,
    do_correct_involvement,
    do_create_incident,
)
from haven.intake.grading import do_grade_incident
from haven.intake.models import Incident, Involvement, QuestionWording
from haven.intake.presenters import incident_context
from haven.web.forms import error_list

STEP_NAMES = {"dispatched": "dispatch", "attended": "attend", "endorsed": "endorse",
              "closed": "close"}


def _errors(errors: dict) -> list[dict]:
    return error_list(errors, anchor=forms.field_anchor)


@login_required
def incident_list(request):
    require(request.user, "incident.view")
    with transaction.atomic():
        incidents = list(services.scoped_incidents(request.user).exclude(state=rules.CLOSED)
                         .select_related("progress", "force").order_by("-opened_at")[:100])
        victims = home.victims_of(incidents)
        home.log_shown(request.user, [p.pk for people in victims.values() for p in people],
                       where="incident list")
    now = timezone.now()
    for incident in incidents:
        incident.victims = victims.get(incident.pk, [])
        incident.dash_overdue = services.dash_overdue(incident, now)
    return render(request, "intake/list.html", {"incidents": incidents})


WHERE_FIELDS = [("address_line", "Address, first line", "text"), ("town", "Town", "text"),
                ("postcode", "Postcode", "text")]
WHO_FIELDS = [("forename", "First name", "text"), ("surname", "Last name", "text"),
              ("date_of_birth", "Date of birth (for example 23/04/1990)", "text"),
              ("phone", "Phone number", "tel")]


def _call_form_context(request, data, errors=None, *, add_new=False):
    category = data.get("category") or Incident.Category.DOMESTIC
    question_set = rules.question_set_for(category)
    panel = callscreen.people_panel(request.user, data, add_new=add_new)
    return {
        **panel,
        "where_fields": [{"name": n, "label": label, "type": t, "value": data.get(n, "")}
                         for n, label, t in WHERE_FIELDS],
        "who_fields": [{"name": n, "label": label, "type": t, "value": panel["who"][n]}
                       for n, label, t in WHO_FIELDS],
        "data": data, "errors": _errors(errors or {}), "field_errors": errors or {},
        "questions": forms.question_rows(question_set, data, errors, wording=dict(
            QuestionWording.objects.filter(force_id=request.user.force_id,
                                           question_set=question_set)
            .values_list("code", "wording"))),
        "question_set_label": rules.question_set_label(question_set),
        "reported_via": Incident.ReportedVia.choices, "categories": Incident.Category.choices,
        "relationships": Involvement.Relationship.choices,
    }


@login_required
def incident_new(request):
    require(request.user, "incident.create")
    if request.method != "POST":
        return render(request, "intake/new.html", _call_form_context(request, request.GET))
    if request.POST.get("add") == "new":  # without JavaScript: add the person, stay on the form
        return render(request, "intake/new.html",
                      _call_form_context(request, request.POST, add_new=True))
    fields = forms.parse_call(request.POST)
    people = []
    for person_id, role in forms.chosen_people(request.POST):
        person = history.scoped_person(request.user, person_id)
        people.append({"person": person, "role": role})
    people += forms.new_person_involvements(request.POST)
    people = forms.with_suspect_relationship(people, request.POST)
    try:
        incident = do_create_incident(request.user.force, involvements=people,
                                      actor=request.user, **fields)
    except IntakeInvalid as invalid:
        # The one relationship select stands for every suspect's relationship.
        errors = {("suspect_relationship" if key.endswith(".relationship") else key): message
                  for key, message in invalid.errors.items()}
        context = _call_form_context(request, request.POST, errors)
        return render(request, "intake/new.html", context, status=400)
    known = len(history.recognised_from(incident.involvements.all()))
    messages.success(request, f"Incident {incident.reference} opened."
                     + (f" {known} {'person' if known == 1 else 'people'} you added as new "
                        f"{'was' if known == 1 else 'were'} already known to Haven: see "
                        "\"recognised\" below." if known else "") + " Grade the call now.")
    return redirect("intake:detail", incident.pk)


@login_required
def checklist_partial(request):
    """The question set for the chosen category (htmx swap when the category changes)."""
    require(request.user, "incident.create")
    category = request.GET.get("category") or Incident.Category.DOMESTIC
    question_set = rules.question_set_for(category)
    return render(request, "intake/_checklist.html", {
        "questions": forms.question_rows(question_set, request.GET, wording=dict(
            QuestionWording.objects.filter(force_id=request.user.force_id,
                                           question_set=question_set)
            .values_list("code", "wording"))),
        "question_set_label": rules.question_set_label(question_set)})


@login_required
def lookup_partial(request):
    """As the handler types: the people on the log so far with their history, possible
    matches for what is typed, and the address's history (htmx swaps only this panel)."""
    if not can(request.user, "person.lookup"):
        record_access(request.user, Action.CONSULTATION, record_type="call_screen",
                      outcome=Outcome.REFUSED)
        raise Http404("Not found")
    context = callscreen.people_panel(request.user, request.GET,
                                      add_new=request.GET.get("add") == "new",
                                      picked=bool(request.GET.get("picked")))
    context["who_fields"] = [{"name": n, "label": label, "type": t, "value": ""}
                             for n, label, t in WHO_FIELDS]
    context["partial"] = True
    return render(request, "intake/_history.html", context)


@login_required
def incident_detail(request, incident_id):
    incident = services.access_incident(request.user, incident_id)
    return render(request, "intake/detail.html", incident_context(request.user, incident))


@login_required
def briefing(request, incident_id):
    require(request.user, "briefing.view")
    incident = services.access_incident(request.user, incident_id, reason="attending briefing")
    return render(request, "intake/briefing.html", incident_context(request.user, incident))


@login_required
@require_POST
def grade(request, incident_id):
    incident = services.access_incident(request.user, incident_id)
    try:
        do_grade_incident(incident, actor=request.user, version=forms.version_of(request.POST),
                          **forms.parse_grading(request.POST))
    except (IntakeInvalid, StaleEdit) as refused:
        errors = getattr(refused, "errors", None) or {"grade": str(refused)}
        incident.refresh_from_db()
        context = incident_context(request.user, incident)
        context.update(grade_errors=_errors(errors), grade_field_errors=errors,
                       grade_data=request.POST)
        return render(request, "intake/detail.html", context, status=400)
    if request.POST.get("then") == "dispatch":
        incident.refresh_from_db()
        try:
            officer, unit = _dispatch_to(request)
            services.do_dispatch_incident(incident, actor=request.user, officer=officer,
                                          unit=unit)
        except (services.TransitionRefused, StaleEdit) as refused:
            incident.refresh_from_db()
            context = incident_context(request.user, incident)
            context["step_errors"] = [{"anchor": "officer",
                                       "message": f"Grade recorded, but not dispatched: "
                                                  f"{refused}"}]
            return render(request, "intake/detail.html", context, status=400)
        messages.success(request, f"Grade recorded; log {incident.reference} dispatched.")
        return redirect("intake:detail", incident.pk)
    messages.success(request, "Grade recorded.")
    return redirect("intake:detail", incident.pk)


def _dispatch_to(request):
    """The officer (one of the force's who can attend) and/or unit chosen on the log page."""
    officer_id, unit = request.POST.get("officer", ""), request.POST.get("unit", "").strip()
    officer = None
    if officer_id:
        officer = next((u for u in services.dispatchable_officers(request.user.force)
                        if str(u.pk) == officer_id), None)
        if officer is None:
            raise services.TransitionRefused("Choose an officer of this force who can attend.")
    if officer is None and not unit:
        raise services.TransitionRefused("Choose the officer to send, or give the unit's "
                                         "callsign.")
    return officer, unit


@login_required
@require_POST
def step(request, incident_id, target):
    if target not in STEP_NAMES:
        raise Http404("Not found")
    incident = services.access_incident(request.user, incident_id)
    version = forms.version_of(request.POST)
    try:
        if target == rules.DISPATCHED:
            officer, unit = _dispatch_to(request)
            services.do_dispatch_incident(incident, actor=request.user, version=version,
                                          officer=officer, unit=unit)
        elif target == rules.ATTENDED:
            services.do_record_attendance(incident, actor=request.user, version=version)
        elif target == rules.ENDORSED:
            services.do_endorse_incident(incident, actor=request.user, version=version,
                                         supervision=request.POST.get("supervision", ""))
        else:
            services.do_close_incident(incident, actor=request.user, version=version)
    except (services.TransitionRefused, StaleEdit) as refused:
        incident.refresh_from_db()
        context = incident_context(request.user, incident)
        context["step_errors"] = [{"anchor": "supervision" if target == rules.ENDORSED
                                   else "officer" if target == rules.DISPATCHED
                                   else "next-step", "message": str(refused)}]
        return render(request, "intake/detail.html", context, status=400)
    messages.success(request, f"Log {incident.reference} is now "
                              f"{target.replace('_', ' ')}.")
    return redirect("intake:detail", incident.pk)


def _people_page(request, incident, *, errors=None, data=None, status=200, correcting=None):
    context = incident_context(request.user, incident)
    summary = (error_list(errors, anchor=lambda f: f"{f}_{correcting}") if correcting
               else _errors(errors or {}))
    context.update(errors=summary, field_errors=errors or {}, data=data or {},
                   new_roles=forms.PERSON_ROLES[1:], roles=forms.PERSON_ROLES,
                   relationships=Involvement.Relationship.choices, correcting=correcting,
                   detail_fields=[{"name": n, "label": label, "type": t,
                                   "value": (data or {}).get(n, "")}
                                  for n, label, t in WHO_FIELDS + WHERE_FIELDS])
    return render(request, "intake/people.html", context, status=status)


@login_required
def people(request, incident_id):
    """The officer at the scene (or the handler) adds or corrects the people on a log."""
    require(request.user, "incident.create")
    incident = services.access_incident(request.user, incident_id,
                                        reason="adding or correcting people on the log")
    if request.method != "POST":
        return _people_page(request, incident)
    details = {name: request.POST.get(name, "") for name in forms.NEW_PERSON_FIELDS}
    try:
        involvement = do_add_involvement(
            incident, role=request.POST.get("role", ""), details=details,
            relationship=request.POST.get("relationship", ""), actor=request.user)
    except IntakeInvalid as invalid:
        errors = {("new_" + k if k in ("role", "relationship") else k): v
                  for k, v in invalid.errors.items()}
        return _people_page(request, incident, errors=errors, data=request.POST, status=400)
    messages.success(request, "Person added to the log." + (
        " Haven already knew them: see \"recognised\" below."
        if history.recognised_from([involvement]) else ""))
    return redirect("intake:people", incident.pk)


@login_required
@require_POST
def correct_person(request, incident_id, involvement_id):
    require(request.user, "incident.create")
    incident = services.access_incident(request.user, incident_id,
                                        reason="adding or correcting people on the log")
    involvement = incident.involvements.filter(pk=involvement_id).first()
    if involvement is None:
        raise Http404("Not found")
    details = None
    if request.POST.get("correct_details") == "yes":
        details = {name: request.POST.get(name, "") for name in forms.NEW_PERSON_FIELDS}
    try:
        do_correct_involvement(incident, involvement, role=request.POST.get("role", ""),
                               reason=request.POST.get("reason", ""), details=details,
                               actor=request.user, version=forms.version_of(request.POST),
                               relationship=request.POST.get("relationship"))
    except IntakeInvalid as invalid:
        return _people_page(request, incident, errors=invalid.errors, data=request.POST,
                            status=400, correcting=involvement.pk)
    except StaleEdit as stale:
        incident.refresh_from_db()
        return _people_page(request, incident, errors={"role": str(stale)}, status=409,
                            correcting=involvement.pk)
    messages.success(request, "The log is corrected.")
    return redirect("intake:people", incident.pk)

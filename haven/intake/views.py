"""The control room's pages: thin — parse, access, do, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from haven.access.capabilities import require
from haven.core.concurrency import StaleEdit
from haven.intake import forms, history, rules, services
from haven.intake.creation import IntakeInvalid, do_create_incident
from haven.intake.grading import do_grade_incident
from haven.intake.models import Incident, QuestionWording
from haven.intake.presenters import incident_context
from haven.web.forms import error_list

STEP_NAMES = {"dispatched": "dispatch", "attended": "attend", "endorsed": "endorse",
              "closed": "close"}


def _errors(errors: dict) -> list[dict]:
    return error_list(errors, anchor=forms.field_anchor)


@login_required
def incident_list(request):
    require(request.user, "incident.view")
    services.sweep_overdue_dash(request.user.force, actor=request.user)
    incidents = (services.scoped_incidents(request.user).exclude(state=rules.CLOSED)
                 .select_related("progress").order_by("-opened_at")[:100])
    return render(request, "intake/list.html", {"incidents": incidents})


LOOKUP_FIELDS = [("forename", "First name", "text"), ("surname", "Last name", "text"),
                 ("date_of_birth", "Date of birth (YYYY-MM-DD)", "text"),
                 ("phone", "Phone number", "tel"), ("address_line", "Address, first line", "text"),
                 ("postcode", "Postcode", "text"), ("town", "Town", "text")]


def _call_form_context(request, data, errors=None):
    category = data.get("category") or Incident.Category.DOMESTIC
    question_set = rules.question_set_for(category)
    chosen = dict(forms.chosen_people(data))
    return {
        "lookup_fields": [{"name": n, "label": label, "type": t, "value": data.get(n, "")}
                          for n, label, t in LOOKUP_FIELDS],
        "pickable": history.persons_in_scope(request.user, chosen) if chosen else [],
        "roles": forms.PERSON_ROLES,
        "data": data, "errors": _errors(errors or {}), "field_errors": errors or {},
        "questions": forms.question_rows(question_set, data, errors, wording=dict(
            QuestionWording.objects.filter(force_id=request.user.force_id,
                                           question_set=question_set)
            .values_list("code", "wording"))),
        "question_set_label": rules.question_set_label(question_set),
        "reported_via": Incident.ReportedVia.choices, "categories": Incident.Category.choices,
        "chosen": chosen,
    }


@login_required
def incident_new(request):
    require(request.user, "incident.create")
    if request.method != "POST":
        return render(request, "intake/new.html", _call_form_context(request, request.GET))
    fields = forms.parse_call(request.POST)
    people = []
    for person_id, role in forms.chosen_people(request.POST):
        person = history.scoped_person(request.user, person_id)
        people.append({"person": person, "role": role})
    try:
        incident = do_create_incident(request.user.force, involvements=people,
                                      actor=request.user, **fields)
    except IntakeInvalid as invalid:
        context = _call_form_context(request, request.POST, invalid.errors)
        return render(request, "intake/new.html", context, status=400)
    messages.success(request, f"Incident {incident.reference} opened. Grade the call now.")
    return redirect("intake:detail", incident.pk)


@login_required
def checklist_partial(request):
    """The question set for the chosen category (htmx swap when the category changes)."""
    require(request.user, "incident.create")
    return render(request, "intake/_checklist.html", _call_form_context(request, request.GET))


@login_required
def lookup_partial(request):
    """As the handler types: matched persons with their history, and the address's history."""
    require(request.user, "person.lookup")
    values = {name: request.GET.get(name, "").strip()
              for name in ("forename", "surname", "date_of_birth", "phone", "postcode")}
    candidates, error = [], None
    if any(values[name] for name in ("forename", "surname", "date_of_birth", "phone")):
        try:
            candidates = history.find_candidates(request.user, **values)
        except ValueError as exc:  # the people room's LookupCriteriaError names the field
            error = {"field": getattr(exc, "field", ""), "message": str(exc)}
    address = history.address_history(
        request.user.force, address_line=request.GET.get("address_line", ""),
        postcode=values["postcode"]) if values["postcode"] else None
    chosen = dict(forms.chosen_people(request.GET))
    shown = {c.person.pk for c in candidates}
    kept = [p for p in history.persons_in_scope(request.user, chosen) if p.pk not in shown]
    return render(request, "intake/_history.html", {
        "candidates": candidates, "searched": any(values.values()), "partial_error": error,
        "address_history": address, "roles": forms.PERSON_ROLES, "chosen": chosen,
        "pickable": kept + [c.person for c in candidates],
    })


@login_required
def incident_detail(request, incident_id):
    incident = services.access_incident(request.user, incident_id)
    return render(request, "intake/detail.html", incident_context(request.user, incident))


@login_required
def briefing(request, incident_id):
    require(request.user, "briefing.view")
    services.sweep_overdue_dash(request.user.force, actor=request.user)
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
    messages.success(request, "Grade recorded.")
    return redirect("intake:detail", incident.pk)


@login_required
@require_POST
def step(request, incident_id, target):
    if target not in STEP_NAMES:
        raise Http404("Not found")
    incident = services.access_incident(request.user, incident_id)
    version = forms.version_of(request.POST)
    try:
        if target == rules.DISPATCHED:
            services.do_dispatch_incident(incident, actor=request.user, version=version)
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
                                   else "next-step", "message": str(refused)}]
        return render(request, "intake/detail.html", context, status=400)
    messages.success(request, f"Log {incident.reference} is now "
                              f"{target.replace('_', ' ')}.")
    return redirect("intake:detail", incident.pk)

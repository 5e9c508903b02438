"""Thin views: parse, access_…, do_…, render."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from haven.access.capabilities import can, require
from haven.forces.policy import policy
from haven.people.access import access_person
from haven.people.history import history_summary
from haven.risk import forms, intake_link, lists, live, measures, rules
from haven.risk.models import Answer, Assessment
from haven.risk.questionnaires import DASH, HBA, REPEATED, STALKING, current_version
from haven.risk.review import do_review_hau, hau_queue
from haven.risk.services import (
    SCREEN_NAMES,
    SCREEN_TRIGGERS,
    AssessmentRefused,
    GradingRefused,
    StaleEdit,
    access_assessment,
    do_complete_assessment,
    do_review_sergeant,
    may_read_answers,
    require_logged,
    scoped_assessments,
    screen_reasons,
    threshold_for,
)
from haven.tasks.services import tasks_from
from haven.web.forms import error_list

VALUE_CHOICES = Answer.Value.choices
SOURCE_CHOICES = Answer.Source.choices


@login_required
def assessment_list(request):
    require(request.user, "risk.view")
    status = request.GET.get("status", "")
    rows = (scoped_assessments(request.user).select_related("incident", "victim")
            .prefetch_related("flags"))
    if status in Assessment.Status.values:
        rows = rows.filter(status=status)
    rows = _logged(request.user, lists.assessment_rows(rows[:200]), "assessment list")
    return render(request, "risk/list.html", {
        "rows": rows, "status": status, "statuses": Assessment.Status.choices})


def _logged(user, rows, reason):
    """A list shows named persons and their grades: one access-log entry names them all."""
    lists.log_list(user, reason=reason, person_ids=[r["a"].victim_id for r in rows],
                   assessment_ids=[r["a"].pk for r in rows])
    for row in rows:
        row["due_text"] = lists.due_text(row["due"])
    return rows


def _blocks(force, post, errors=None, reasons=None):
    """The questionnaires to show, grouped by section, with what was posted. A question a
    screen repeats from the DASH is not shown (its DASH answer stands)."""
    errors = errors or {}
    reasons = reasons or {}
    blocks = []
    for instrument in (DASH, STALKING, HBA):
        version = current_version(instrument, force)
        if version is None:
            continue
        screen = SCREEN_NAMES.get(instrument, "")
        screen_error = errors.get(f"screen_{screen}") if screen else None
        repeated = REPEATED.get(instrument, {})
        questions = []
        for q in version.questions.all():
            if q.code in repeated:
                continue
            value = post.get(f"answer_{q.code}", "")
            error = errors.get(f"answer_{q.code}") or errors.get(f"source_{q.code}")
            if screen_error and not value:
                error = f"{q.code}: answer this, the screen is needed"
            questions.append({
                "q": q, "value": value,
                "source": post.get(f"source_{q.code}", Answer.Source.VICTIM),
                "comment": post.get(f"comment_{q.code}", ""), "error": error})
        sections = [(name, list(items)) for name, items in
                    groupby(questions, key=lambda row: row["q"].section)]
        blocks.append({"version": version, "sections": sections, "optional": bool(screen),
                       "screen": screen, "error": screen_error,
                       "reason": reasons.get(instrument, ""),
                       "repeated": sorted(repeated.values()),
                       "triggers": " ".join(SCREEN_TRIGGERS.get(instrument, ()))})
    return blocks


def _child_rows(post, errors):
    rows = []
    for n in range(1, forms.CHILD_ROWS + 1):
        prefix = f"child_{n}_"
        rows.append({"n": n, "name": post.get(prefix + "name", ""),
                     "age": post.get(prefix + "age", ""), "school": post.get(prefix + "school", ""),
                     "present": post.get(prefix + "present") == "yes",
                     "error": errors.get(prefix + "name") or errors.get(prefix + "age")})
    return rows


@login_required
def new_assessment(request):
    params = request.POST if request.method == "POST" else request.GET
    require_logged(request.user, "risk.complete",
                   record_type="incident" if params.get("incident") else "person",
                   record_id=params.get("incident") or params.get("person"),
                   reason="risk assessment")
    incident = None
    if params.get("incident"):
        incident = intake_link.access_incident(request.user, params["incident"],
                                               reason="risk assessment")
    victims = intake_link.victims_of(incident) if incident else []
    person_id = params.get("person") or (victims[0].pk if len(victims) == 1 else None)
    if person_id is None:
        if incident is None:
            raise Http404("Not found")
        lists.log_list(request.user, reason="choose the victim for a risk assessment",
                       person_ids=[v.pk for v in victims], incident_ids=[incident.pk])
        areas = lists.address_areas(v.pk for v in victims)
        return render(request, "risk/choose_victim.html", {
            "incident": incident,
            "victims": [{"person": v, "area": areas[v.pk]} for v in victims]})
    if incident is not None and str(person_id) not in {str(v.pk) for v in victims}:
        raise Http404("Not found")
    victim = access_person(request.user, person_id, reason="risk assessment")
    errors = {}
    force = request.user.force
    if request.method == "POST":
        questions = [q for block in _blocks(force, {})
                     for _, rows in block["sections"] for q in (r["q"] for r in rows)]
        data = forms.assessment_input(request.POST, questions)
        try:
            assessment = do_complete_assessment(victim=victim, incident=incident, data=data,
                                                actor=request.user)
        except AssessmentRefused as exc:
            errors = exc.errors
        except GradingRefused as exc:
            errors[exc.field] = str(exc)
        else:
            messages.success(request, f"DASH completed for {victim.display_name}: "
                                      f"{assessment.get_grade_display()} risk")
            return redirect("risk:detail", assessment.pk)
    # Screens the victim's record alone calls for are open from the start; the answers open
    # the others as the officer goes (score.mjs), and say why.
    on_record = screen_reasons(force, victim, {}, {}, hba_concern=False, at=timezone.now())
    score = sum(1 for key, value in request.POST.items()
                if key.startswith("answer_PD") and value == "yes")
    return render(request, "risk/new.html", {
        "incident": incident, "victim": victim,
        "blocks": _blocks(force, request.POST, errors, on_record),
        "errors": errors, "error_summary": error_list(errors), "post": request.POST,
        "value_choices": VALUE_CHOICES, "score": score,
        "source_choices": SOURCE_CHOICES, "definitions": rules.DEFINITIONS,
        "prompts": rules.PROMPTS.values(), "children_rows": _child_rows(request.POST, errors),
        "threshold": threshold_for(force, DASH), "medium_band": policy(force, "dash_medium_band"),
        "methods": Assessment.Method.choices, "responses": Assessment.VictimResponse.choices,
    }, status=400 if errors else 200)


def _incident_url(assessment) -> str:
    if assessment.incident_id is None:
        return ""
    try:
        return reverse("intake:detail", args=[assessment.incident_id])
    except NoReverseMatch:  # intake pages not built
        return ""


def _detail_context(request, assessment, errors=None, stage=""):
    user = request.user
    show_answers = may_read_answers(user, assessment)
    answers = (list(assessment.answers.select_related("question", "question__version"))
               if show_answers else [])
    values = {a.question.code: a.value for a in answers}
    indicators = {a.question.code: a.question.indicator for a in answers}
    history = history_summary(assessment.victim)
    return {
        "a": assessment, "answers": answers, "show_answers": show_answers,
        "children": assessment.children.all() if show_answers else [],
        "events": assessment.grading_events.select_related("actor"),
        "flags": live.open_flags(assessment),
        "prompts": [rules.PROMPTS[k] for k in rules.prompts(
            values, indicators, escalation_flag=assessment.escalation,
            hba_concern=assessment.hba_concern)] if show_answers else [],
        "review_reasons": (["Not done in person (telephone): review"]
                           if assessment.method == "telephone" else [])
        + (["Victim did not answer: score from observation and records only"]
           if assessment.victim_response != "answered" else []),
        "can_sergeant": can(user, "risk.review_sergeant")
        and assessment.status == Assessment.Status.AWAITING_SERGEANT,
        "can_hau": can(user, "risk.hau_review")
        and assessment.status != Assessment.Status.REVIEWED,
        "grades": rules.GRADES, "definitions": rules.DEFINITIONS, "errors": errors or {},
        "error_summary": error_list(errors or {}),
        "stage": stage, "post": request.POST,
        "can_clear_flags": can(user, "risk.hau_review"),
        "incident_url": _incident_url(assessment),
        "area": lists.address_areas([assessment.victim_id])[assessment.victim_id],
        "history": history if show_answers else None,
        "safety_markers": history["warning_markers"],
        "earlier": (scoped_assessments(user).filter(victim_id=assessment.victim_id)
                    .exclude(pk=assessment.pk).select_related("incident")
                    if show_answers else []),
        "next_steps": tasks_from(source_room="risk", source_type="assessment",
                                 source_ids=[assessment.pk], exclude_kinds=["hau_review"]
                                 ).select_related("owner_agency"),
    }


@login_required
def assessment_detail(request, assessment_id):
    require_logged(request.user, "risk.view", record_type="risk_assessment",
                   record_id=assessment_id)
    assessment = access_assessment(request.user, assessment_id)
    return render(request, "risk/detail.html", _detail_context(request, assessment))


def _review(request, assessment_id, stage, action):
    require_logged(request.user, action, record_type="risk_assessment", record_id=assessment_id,
                   reason=f"{stage} review")
    assessment = access_assessment(request.user, assessment_id, reason=f"{stage} review")
    post = request.POST
    try:
        if stage == "sergeant":
            do_review_sergeant(assessment, version=post.get("version"), grade=post.get("grade"),
                               rationale=post.get("rationale", ""),
                               guidance=post.get("guidance", ""), actor=request.user)
            messages.success(request, "Supervisor review recorded")
        else:
            tasks = do_review_hau(
                assessment, version=post.get("version"), grade=post.get("grade"),
                rationale=post.get("rationale", ""),
                response_matched=forms.yes_no(post.get("response_matched")),
                notes=post.get("notes", ""), actor=request.user)
            messages.success(request, f"HAU review recorded: {len(tasks)} follow-up tasks "
                                      "created")
    except AssessmentRefused as exc:
        errors = exc.errors
    except GradingRefused as exc:
        errors = {exc.field: str(exc)}
    except StaleEdit as exc:
        errors = {"version": str(exc)}
    else:
        return redirect("risk:detail", assessment.pk)
    assessment.refresh_from_db()
    return render(request, "risk/detail.html",
                  _detail_context(request, assessment, errors, stage), status=400)


@login_required
@require_POST
def sergeant_review(request, assessment_id):
    return _review(request, assessment_id, "sergeant", "risk.review_sergeant")


@login_required
@require_POST
def hau_review(request, assessment_id):
    return _review(request, assessment_id, "hau", "risk.hau_review")


@login_required
@require_POST
def clear_flag(request, assessment_id, flag_id):
    require_logged(request.user, "risk.hau_review", record_type="risk_assessment",
                   record_id=assessment_id, reason="re-assessment flag")
    assessment = access_assessment(request.user, assessment_id, reason="re-assessment flag")
    flag = assessment.flags.filter(pk=flag_id).first()
    if flag is None:
        raise Http404("Not found")
    try:
        live.do_clear_flag(flag, note=request.POST.get("note", ""), actor=request.user)
    except GradingRefused as exc:
        errors = {f"note-{flag.pk}": str(exc)}
    except StaleEdit as exc:
        errors = {f"note-{flag.pk}": str(exc)}
    else:
        messages.success(request, "Re-assessment flag closed")
        return redirect("risk:detail", assessment.pk)
    return render(request, "risk/detail.html", _detail_context(request, assessment, errors),
                  status=400)


@login_required
def queue(request):
    require(request.user, "risk.hau_review")
    rows = sorted(lists.assessment_rows(hau_queue(request.user)[:200]),
                  key=lambda row: row["next_at"])
    return render(request, "risk/queue.html",
                  {"rows": _logged(request.user, rows, "HAU queue")})


@login_required
def measures_page(request):
    require(request.user, "risk.measures")
    if request.user.force_id is None:
        raise Http404("Not found")
    return render(request, "risk/measures.html",
                  {"m": measures.all_measures(request.user.force)})

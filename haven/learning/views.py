"""Thin views: parse, access_…, do_…, render. A role without the capability and another
force's user get 404 (the same as a missing record)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from haven.access import teams
from haven.access.capabilities import can, require
from haven.access.log import Action, record_access
from haven.core.concurrency import StaleEdit
from haven.learning import services
from haven.learning.models import ImportBatch, Lesson, Recommendation, Review
from haven.learning.rules import KIND_LABELS

MAX_UPLOAD = 5 * 1024 * 1024


def _titles():
    return {code: m.title for code, m in services.modules().items()}


def _date(value):
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _summary(table: dict, label) -> list[dict]:
    return [{"key": label(key), **{k: counts.get(k, 0) for k in (*KIND_LABELS, "total")}}
            for key, counts in table.items()]


@login_required
def index(request):
    require(request.user, "training.view")
    force = request.user.force
    found = services.analysis(force)
    names = services.staff_names(force)
    titles = _titles()
    roles = dict(services.police_roles())
    load = found.plan.load()
    hours = found.plan.hours(found.durations)
    months = [{"month": m, "hours": hours[m], "budget": found.hours_per_month,
               "modules": sorted((titles.get(c, c), n, found.capacity.get(c, 0))
                                 for c, n in load[m].items() if n)}
              for m in found.plan.months]

    def row(gap, **more):
        return {"user_id": gap.user_id, "name": names.get(gap.user_id, gap.user_id),
                "role": roles.get(gap.role, gap.role), "team": gap.team,
                "module": titles.get(gap.module, gap.module), "kind": KIND_LABELS[gap.kind],
                "audit": gap.kind == "audit", "reason": gap.reason, **more}

    with transaction.atomic():
        record_access(request.user, Action.CONSULTATION, record_type="training_analysis",
                      detail={"staff": len(found.staff), "gaps": len(found.gaps)})
        return render(request, "learning/index.html", {
            "found": found, "kinds": KIND_LABELS,
            "by_role": _summary(found.by("role"), lambda k: roles.get(k, k)),
            "by_team": _summary(found.by("team"), str),
            "gaps": [row(g) for g in found.gaps],
            "planned": [row(p.gap, by=p.by, month=p.month) for p in found.plan.items],
            "beyond": [row(b.gap, why=b.why) for b in found.plan.beyond],
            "months": [m for m in months if m["modules"]],
            "current": services.current_plan(force),
            "can_plan": can(request.user, "training.plan"),
            "can_record": can(request.user, "training.record"),
        })


def _staff_context(request, member, errors=None):
    record = services.record_of(request.user.force, member.pk)
    titles = _titles()
    roles = dict(services.police_roles())
    return {"member": member, "role": roles.get(member.role, member.role),
            "team": record["team"],
            "gaps": [{"module": titles.get(g.module, g.module), "kind": KIND_LABELS[g.kind],
                      "reason": g.reason} for g in record["gaps"]],
            "completions": record["completions"], "errors": errors or {},
            "modules": services.modules().values(),
            "can_record": can(request.user, "training.record"), "today": services.today()}


@login_required
def staff(request, user_id):
    with transaction.atomic():
        member = services.access_staff(request.user, user_id)
        return render(request, "learning/staff.html", _staff_context(request, member))


@login_required
@require_POST
def record_completion(request, user_id):
    member = services.access_staff(request.user, user_id)
    try:
        services.do_record_completion(
            request.user.force, member.pk, request.POST.get("module", ""),
            _date(request.POST.get("completed_on")), request.POST.get("provider", ""),
            actor=request.user)
    except services.Refused as refused:
        return render(request, "learning/staff.html",
                      _staff_context(request, member, refused.errors), status=400)
    messages.success(request, "Completion recorded.")
    return redirect("learning:staff", user_id=member.pk)


@login_required
@require_POST
def set_team(request, user_id):
    member = services.access_staff(request.user, user_id)
    try:
        teams.do_set_team(request.user.force, member.pk, request.POST.get("team", ""),
                          version=request.POST.get("version") or None, actor=request.user)
    except services.Refused as refused:
        return render(request, "learning/staff.html",
                      _staff_context(request, member, refused.errors), status=400)
    except StaleEdit as stale:
        messages.error(request, str(stale))
    return redirect("learning:staff", user_id=member.pk)


@login_required
def plan(request):
    require(request.user, "training.view")
    force = request.user.force
    current = services.current_plan(force)
    progress = services.plan_progress(current) if current else None
    names = services.staff_names(force)
    titles = _titles()
    today = services.today()
    items = [{"user_id": i.user_id, "name": names.get(i.user_id, i.user_id),
              "module": i.module.title, "kind": KIND_LABELS.get(i.kind, i.kind),
              "reason": i.reason, "by": i.due_by, "done": i.completed_on,
              "overdue": not i.completed_on and i.due_by < today}
             for i in (progress["items"] if progress else [])]
    beyond = [{"name": names.get(b["user"], b["user"]),
               "module": titles.get(b["module"], b["module"]),
               "kind": KIND_LABELS.get(b["kind"], b["kind"]), "why": b["why"]}
              for b in (current.beyond if current else [])]
    with transaction.atomic():
        record_access(request.user, Action.CONSULTATION, record_type="training_plan",
                      record_id=current.pk if current else "")
        return render(request, "learning/plan.html", {
            "current": current, "progress": progress, "items": items, "beyond": beyond,
            "can_plan": can(request.user, "training.plan")})


@login_required
@require_POST
def adopt_plan(request):
    require(request.user, "training.plan")
    adopted = services.do_adopt_plan(request.user.force, actor=request.user)
    messages.success(request, f"Plan adopted: {adopted.items.count()} training places "
                              "planned.")
    return redirect("learning:plan")


@login_required
def import_completions(request):
    require(request.user, "training.record")
    batch, error = None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Choose the CSV file the learning system exported."
        elif upload.size > MAX_UPLOAD:
            error = "The file is larger than 5 MB: split it."
        else:
            batch = services.do_import_completions(request.user.force, upload.read(),
                                                   upload.name, actor=request.user)
    elif request.GET.get("batch", "").isdigit():
        batch = ImportBatch.objects.filter(pk=request.GET["batch"],
                                           force=request.user.force).first()
    recent = ImportBatch.objects.filter(force=request.user.force)[:5]
    return render(request, "learning/import.html",
                  {"batch": batch, "error": error, "recent": recent},
                  status=400 if error else 200)


@login_required
def lessons(request):
    require(request.user, "lesson.read")
    user = request.user
    to_read = {lesson.pk for lesson in services.lessons_to_read(user)}
    publisher = can(user, "lesson.publish")
    rows = []
    for item in Lesson.objects.filter(force_id=user.force_id):
        if publisher or user.role in item.roles:
            totals = (services.completion_totals(services.lesson_completion(item))
                      if publisher else None)
            rows.append({"lesson": item, "to_read": item.pk in to_read, "totals": totals})
    open_recs = (Recommendation.objects.select_related("review")
                 .filter(review__force_id=user.force_id,
                         status__in=[Recommendation.Status.OPEN,
                                     Recommendation.Status.IN_PROGRESS])
                 .order_by("due_on", "pk") if publisher else [])
    return render(request, "learning/lessons.html", {
        "rows": rows, "publisher": publisher, "today": services.today(),
        "open_recs": open_recs,
        "reviews": Review.objects.filter(force_id=user.force_id) if publisher else []})


@login_required
def lesson(request, lesson_id):
    with transaction.atomic():
        item = services.access_lesson(request.user, lesson_id)
        publisher = can(request.user, "lesson.publish")
        completion = services.lesson_completion(item) if publisher else []
        roles = dict(services.police_roles())
        return render(request, "learning/lesson.html", {
            "lesson": item, "publisher": publisher, "completion": completion,
            "totals": services.completion_totals(completion),
            "role_labels": [roles.get(r, r) for r in item.roles],
            "read": item.acks.filter(user=request.user).first(),
            "concerns_me": request.user.role in item.roles})


@login_required
@require_POST
def acknowledge(request, lesson_id):
    item = services.access_lesson(request.user, lesson_id)
    services.do_acknowledge_lesson(item, actor=request.user)
    messages.success(request, "Thank you: you have confirmed you have read this lesson.")
    return redirect("home")


def _reviews_context(request, errors=None, values=None):
    return {"reviews": Review.objects.filter(force_id=request.user.force_id),
            "kinds": Review.Kind.choices, "errors": errors or {}, "values": values or {}}


@login_required
def reviews(request):
    require(request.user, "lesson.publish")
    if request.method == "POST":
        try:
            made = services.do_record_review(
                request.user.force, kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                published_on=request.POST.get("published_on", ""),
                summary=request.POST.get("summary", ""), actor=request.user)
        except services.Refused as refused:
            return render(request, "learning/reviews.html",
                          _reviews_context(request, refused.errors, request.POST), status=400)
        messages.success(request, "Review recorded.")
        return redirect("learning:review", review_id=made.pk)
    return render(request, "learning/reviews.html", _reviews_context(request))


def _review_context(request, item, errors=None):
    return {"review": item, "recommendations": item.recommendations.prefetch_related(
                "updates"),
            "lessons": item.lessons.all(), "statuses": Recommendation.Status.choices,
            "roles": services.police_roles(), "errors": errors or {},
            "can_update": can(request.user, "recommendation.update")}


@login_required
def review(request, review_id):
    with transaction.atomic():
        item = services.access_review(request.user, review_id)
        return render(request, "learning/review.html", _review_context(request, item))


@login_required
@require_POST
def add_recommendation(request, review_id):
    item = services.access_review(request.user, review_id)
    try:
        services.do_add_recommendation(item, text=request.POST.get("text", ""),
                                       owner=request.POST.get("owner", ""),
                                       due_on=request.POST.get("due_on", ""),
                                       actor=request.user)
    except services.Refused as refused:
        return render(request, "learning/review.html",
                      _review_context(request, item, refused.errors), status=400)
    messages.success(request, "Recommendation added.")
    return redirect("learning:review", review_id=item.pk)


@login_required
@require_POST
def publish_lesson(request, review_id):
    item = services.access_review(request.user, review_id)
    try:
        made = services.do_publish_lesson(
            request.user.force, title=request.POST.get("title", ""),
            text=request.POST.get("text", ""), roles=request.POST.getlist("roles"),
            review=item, actor=request.user)
    except services.Refused as refused:
        return render(request, "learning/review.html",
                      _review_context(request, item, refused.errors), status=400)
    messages.success(request, "Lesson published to the roles it concerns.")
    return redirect("learning:lesson", lesson_id=made.pk)


@login_required
@require_POST
def update_recommendation(request, rec_id):
    require(request.user, "recommendation.update")
    rec = (Recommendation.objects.select_related("review")
           .filter(pk=rec_id, review__force_id=request.user.force_id).first())
    if rec is None:
        raise Http404("Not found")
    item = services.access_review(request.user, rec.review_id)
    try:
        services.do_update_recommendation(
            rec, version=request.POST.get("version"), status=request.POST.get("status", ""),
            note=request.POST.get("note", ""), reason=request.POST.get("reason", ""),
            actor=request.user)
    except services.Refused as refused:
        return render(request, "learning/review.html",
                      _review_context(request, item, refused.errors), status=400)
    except StaleEdit as stale:
        messages.error(request, str(stale))
        return redirect("learning:review", review_id=item.pk)
    messages.success(request, f"Recommendation {rec.number} updated.")
    return redirect("learning:review", review_id=item.pk)

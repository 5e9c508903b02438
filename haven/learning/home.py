"""Home-page sections of the learning room: the lessons a member of staff has still to read;
for trainers and senior leaders the training plan (audit-driven needs first) and each
lesson's completion by team. Staff are not people of the people room: no person ids."""

from __future__ import annotations

from django.urls import reverse

from haven.learning import services
from haven.learning.rules import AUDIT, KIND_LABELS
from haven.web.home import register_section


def lessons_to_read(user):
    return [{"text": f"Read: {lesson.title}",
             "url": reverse("learning:lesson", args=[lesson.pk]),
             "meta": f"published {lesson.published_on:%d %b %Y}"}
            for lesson in services.lessons_to_read(user)]


def training_plan(user):
    items = [{"text": "Training needs analysis and plan", "url": reverse("learning:index"),
              "meta": ""}]
    plan = services.current_plan(user.force)
    if plan is not None:
        progress = services.plan_progress(plan)
        items.append({"text": "Adopted training plan: progress",
                      "url": reverse("learning:plan"),
                      "meta": f"{progress['done']} of {progress['total']} done, "
                              f"{len(progress['overdue'])} overdue"})
    return items


def audit_needs(user):
    found = services.analysis(user.force)
    names = services.staff_names(user.force)
    titles = {code: m.title for code, m in services.modules().items()}
    by_gap = {(p.gap.user_id, p.gap.module): p for p in found.plan.items}
    items = []
    for gap in found.gaps:
        if gap.kind != AUDIT:
            continue
        planned = by_gap.get((gap.user_id, gap.module))
        items.append({"text": f"{names.get(gap.user_id, gap.user_id)}: "
                              f"{titles.get(gap.module, gap.module)}",
                      "url": reverse("learning:staff", args=[gap.user_id]),
                      "meta": f"{KIND_LABELS[AUDIT].lower()}; planned for "
                              f"{planned.month:%B %Y}" if planned else
                              f"{KIND_LABELS[AUDIT].lower()}; beyond the plan"})
    return items


def lesson_completion(user):
    items = []
    for lesson in services.recent_lessons(user.force):
        totals = services.completion_totals(services.lesson_completion(lesson))
        items.append({"text": lesson.title, "url": reverse("learning:lesson", args=[lesson.pk]),
                      "meta": f"read by {totals['read']} of {totals['staff']} "
                              f"({totals['percent']}%)"})
    return items


def register() -> None:
    register_section("Lessons to read", "lesson.read", lessons_to_read)
    register_section("Training", "training.view", training_plan)
    register_section("Training needs found by audits", "training.view", audit_needs)
    register_section("Lessons learned: completion", "lesson.publish", lesson_completion)

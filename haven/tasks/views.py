from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from haven.access.capabilities import can, require
from haven.access.log import Action, Outcome, record_access
from haven.core.concurrency import StaleEdit
from haven.tasks.services import (
    access_task,
    do_complete_task,
    log_task_reads,
    overdue_for,
    source_link,
    tasks_for,
    visible_person_ids,
)
from haven.web import drafts


@login_required
def task_list(request):
    if not can(request.user, "tasks.view"):
        record_access(request.user, Action.CONSULTATION, record_type="task_list",
                      outcome=Outcome.REFUSED)
    require(request.user, "tasks.view")
    overdue_only = request.GET.get("overdue") == "1"
    tasks = overdue_for(request.user) if overdue_only else tasks_for(request.user)
    tasks = list(tasks[:500])
    visible = visible_person_ids(request.user, tasks)
    with transaction.atomic():
        log_task_reads(request.user, tasks, record_type="task_list", visible=visible)
        return render(request, "tasks/list.html", {
            "tasks": tasks, "overdue_only": overdue_only, "now": timezone.now(),
            "visible_person_ids": visible,
        })


@login_required
def task_detail(request, task_id):
    posting = request.method == "POST"
    task = access_task(request.user, task_id,
                       action=Action.ALTERATION if posting else Action.CONSULTATION)
    error = None
    if posting:
        try:
            version = int(request.POST.get("version", ""))
            do_complete_task(task, version=version, note=request.POST.get("note", ""),
                             actor=request.user)
            drafts.do_discard_draft("task-outcome", path=request.path, actor=request.user)
            return redirect("tasks:list")
        except ValueError:
            error = "The form was missing its version number. Reload the page."
        except StaleEdit as exc:
            error = str(exc)
    visible = visible_person_ids(request.user, [task])
    with transaction.atomic():
        log_task_reads(request.user, [task], record_type="task", visible=visible)
        return render(request, "tasks/detail.html", {
            "task": task, "error": error, "person_visible": task.person_id in visible,
            "source_link": source_link(request.user, task),
        })

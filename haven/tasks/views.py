from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from haven.access.capabilities import require
from haven.core.concurrency import StaleEdit
from haven.tasks.services import access_task, do_complete_task, overdue_for, tasks_for


@login_required
def task_list(request):
    require(request.user, "tasks.view")
    overdue_only = request.GET.get("overdue") == "1"
    tasks = overdue_for(request.user) if overdue_only else tasks_for(request.user)
    return render(request, "tasks/list.html", {
        "tasks": tasks[:500], "overdue_only": overdue_only, "now": timezone.now(),
    })


@login_required
def task_detail(request, task_id):
    task = access_task(request.user, task_id)
    error = None
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
            do_complete_task(task, version=version, note=request.POST.get("note", ""),
                             actor=request.user)
            return redirect("tasks:list")
        except ValueError:
            error = "The form was missing its version number. Reload the page."
        except StaleEdit as exc:
            error = str(exc)
    return render(request, "tasks/detail.html", {"task": task, "error": error})

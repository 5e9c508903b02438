from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from haven.access.capabilities import actions_for
from haven.tasks.services import tasks_for
from haven.web.home import sections_for


@login_required
def home(request):
    """A role's own work: its open tasks (overdue first) and the sections rooms register."""
    now = timezone.now()
    tasks = list(tasks_for(request.user)[:50])
    return render(
        request,
        "web/home.html",
        {
            "tasks": tasks,
            "overdue_count": sum(1 for t in tasks if t.due_at < now),
            "sections": sections_for(request.user),
            "now": now,
            "actions": actions_for(request.user.role),
        },
    )

import json

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from haven.access.capabilities import actions_for
from haven.access.log import record_list_access
from haven.tasks.services import tasks_for, visible_person_ids
from haven.web import drafts
from haven.web.home import sections_for


@login_required
def home(request):
    """A role's own work: its open tasks (overdue first) and the sections rooms register."""
    now = timezone.now()
    tasks = list(tasks_for(request.user)[:50])
    visible = visible_person_ids(request.user, tasks)
    sections = sections_for(request.user)
    # Whatever names a person on this page is a consultation: one entry per person shown.
    shown: dict[int, list] = {}
    for task in tasks:
        if task.person_id in visible:
            shown.setdefault(task.person_id, []).append(f"task:{task.pk}")
    for section in sections:
        for item in section["items"]:
            if item.get("person_id"):
                shown.setdefault(item["person_id"], []).append(item.get("record", item["url"]))
    with transaction.atomic():
        record_list_access(request.user, record_type="home", shown=shown)
        return render(
            request,
            "web/home.html",
            {
                "tasks": tasks,
                "visible_person_ids": visible,
                "overdue_count": sum(1 for t in tasks if t.due_at < now),
                "sections": sections,
                "now": now,
                "actions": actions_for(request.user.role),
            },
        )


@login_required
def draft(request):
    """Autosave (POST JSON {key, path, fields}) and restore (GET ?key=&path=) a form's draft.

    Only ever the signed-in user's own drafts: another user's key and path find nothing,
    answered exactly as "no draft" (204, not 404: a 404 would be a console error on every
    form page that has nothing to restore).
    """
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
            saved = drafts.do_save_draft(body.get("key"), body.get("path"), body.get("fields"),
                                         actor=request.user)
        except (ValueError, drafts.BadDraft) as error:
            return JsonResponse({"detail": str(error)}, status=400)
        return JsonResponse({"saved": saved is not None})
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        fields = drafts.load(request.user, request.GET.get("key"), request.GET.get("path"))
    except drafts.BadDraft as error:
        return JsonResponse({"detail": str(error)}, status=400)
    if fields is None:
        return HttpResponse(status=204)
    response = JsonResponse({"fields": fields})
    response["Cache-Control"] = "no-store"
    return response

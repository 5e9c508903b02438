"""Health endpoints for a load balancer or orchestrator: no sign-in, no personal data.

`/healthz/` says the process answers; `/readyz/` that it can reach its database and that
every migration has been applied (a half-upgraded server is not ready). With jobs in the
database queue, `/readyz/` also reports the queue's backlog (jobs waiting and the oldest's
age in seconds) for monitoring — a stopped worker shows as a growing age, while the web
server stays ready: a 999 call must still be recordable when the worker is down.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from haven.core.jobs import queue_in_database


@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request):
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # any failure means "not ready"; say which kind, no detail
        return JsonResponse({"status": "not ready", "reason": type(error).__name__}, status=503)
    if pending:
        return JsonResponse({"status": "not ready", "reason": "migrations pending",
                             "pending": len(pending)}, status=503)
    return JsonResponse({"status": "ready", **_queue_backlog()})


def _queue_backlog() -> dict:
    if not queue_in_database():
        return {}
    # Only with the database queue: the immediate backend's installations have no table.
    from django.db.models import Count, Min
    from django_tasks_db.models import DBTaskResult

    from haven.core.jobs import find_abandoned  # uses the same table, so the same condition

    waiting = DBTaskResult.objects.filter(status="READY").aggregate(
        n=Count("id"), oldest=Min("enqueued_at"))
    age = (timezone.now() - waiting["oldest"]).total_seconds() if waiting["oldest"] else 0
    backlog = {"jobs_waiting": waiting["n"], "oldest_job_waiting_seconds": round(age)}
    # Jobs still marked running on a worker gone for longer than the grace period (a live
    # worker revives them at its next tick; if this stays, no worker is running). Named
    # only when there are some, so a healthy answer keeps its shape.
    abandoned = len(find_abandoned())
    if abandoned:
        backlog["jobs_running_on_a_lost_worker"] = abandoned
    return backlog

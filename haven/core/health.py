"""Health endpoints for a load balancer or orchestrator: no sign-in, no personal data.

`/healthz/` says the process answers; `/readyz/` that it can reach its database and that
every migration has been applied (a half-upgraded server is not ready).
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.http import require_GET


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
    return JsonResponse({"status": "ready"})

"""Running it for real (issue 18 item 1): health endpoints, no caching of personal data,
HSTS outside the demo, and `haven serve` refusing the demo settings."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_health_answers_without_sign_in_and_says_nothing_personal(client, db):
    live = client.get("/healthz/")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = client.get("/readyz/")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert set(ready.json()) <= {"status", "jobs_waiting", "oldest_job_waiting_seconds"}


def test_readiness_reports_the_job_queues_backlog_without_becoming_unready(client, db,
                                                                         settings):
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from haven.core.events import deliver_queued

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert client.get("/readyz/").json() == {"status": "ready", "jobs_waiting": 0,
                                             "oldest_job_waiting_seconds": 0}
    deliver_queued.enqueue("x.Y", {"thing_id": 1}, "x.handler")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
    ready = client.get("/readyz/")
    assert ready.status_code == 200  # a stopped worker does not take the web server down
    assert ready.json()["jobs_waiting"] == 1
    assert 599 <= ready.json()["oldest_job_waiting_seconds"] <= 660


def test_readiness_fails_when_migrations_are_pending(client, db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [1, 2])
    answer = client.get("/readyz/")
    assert answer.status_code == 503 and answer.json()["reason"] == "migrations pending"


def test_pages_and_api_answers_are_never_cached(client_as):
    client = client_as("hau")
    for url in ("/", "/api/v1/tasks/", "/account/login/"):
        assert client.get(url)["Cache-Control"] == "no-store, private", url


def test_serve_refuses_the_demo_and_debug_settings(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="production"):
        call_command("serve", "--check-only")


def test_serve_runs_gunicorn_with_the_access_log_sealed_from_a_thread(settings, monkeypatch):
    import haven.web.management.commands.serve as serve

    settings.DEBUG = False
    # setenv first so that teardown restores the variable's absence (serve sets it).
    monkeypatch.setenv("HAVEN_AUDIT_SEAL_IN_THREAD", "unset")
    monkeypatch.delenv("HAVEN_AUDIT_SEAL_IN_THREAD")
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)
    started = []
    monkeypatch.setattr(serve.os, "execvp", lambda path, argv: started.append(argv))
    call_command("serve", "--workers", "2")
    assert "gunicorn" in started[0] and "--workers" in started[0]
    argv = started[0]
    # threaded workers, as measured under load (docs/benchmarks.md)
    assert argv[argv.index("--workers") + 1] == "2"
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--threads") + 1] == "4"
    assert serve.os.environ["HAVEN_AUDIT_SEAL_IN_THREAD"] == "1"

"""Running it for real (issue 18 item 1): health endpoints, no caching of personal data,
HSTS outside the demo, and `haven serve` refusing the demo settings."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_health_answers_without_sign_in_and_says_nothing_personal(client, db):
    live = client.get("/healthz/")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = client.get("/readyz/")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


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

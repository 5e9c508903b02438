"""access's periodic jobs (haven/access/jobs.py): the access log is sealed by the worker, and
idempotency keys past their retention are deleted (issue 18 items 3 and 5)."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from haven.access import log
from haven.access.log import Action, record_access, verify_chain
from haven.access.models import AccessLogEntry, IdempotentSubmission
from haven.core.idempotency import do_prune_idempotency_keys
from haven.core.jobs import PERIODIC, enqueue_due

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _submission(user, *, hours_old):
    row = IdempotentSubmission.objects.create(user=user, key=str(uuid.uuid4()), method="POST",
                                              path="/api/v1/incidents/", request_hash="0" * 64,
                                              status_code=201, body=b"{}")
    IdempotentSubmission.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=hours_old))
    return row


def test_keys_older_than_the_retention_are_deleted_and_the_count_logged(persona, settings):
    settings.HAVEN_IDEMPOTENCY_KEEP_HOURS = 24
    officer = persona("response_officer")
    old, fresh = _submission(officer, hours_old=25), _submission(officer, hours_old=23)
    assert do_prune_idempotency_keys(actor=None) == 1
    assert list(IdempotentSubmission.objects.values_list("pk", flat=True)) == [fresh.pk]
    entry = AccessLogEntry.objects.filter(record_type="idempotency_key").latest("id")
    assert entry.action == Action.ERASURE and entry.detail["deleted"] == 1
    assert old.key not in str(entry.detail) and "24 hours" in entry.reason  # a count, no keys


def test_the_retention_is_a_setting(persona, settings):
    settings.HAVEN_IDEMPOTENCY_KEEP_HOURS = 1
    _submission(persona("response_officer"), hours_old=2)
    assert do_prune_idempotency_keys(actor=None) == 1


def test_nothing_to_prune_is_logged_as_none_deleted(db):
    assert do_prune_idempotency_keys(actor=None) == 0
    assert AccessLogEntry.objects.filter(record_type="idempotency_key").latest("id").detail[
        "deleted"] == 0


def test_the_worker_prunes_keys_and_seals_the_log(persona, settings, monkeypatch):
    settings.TASKS = IMMEDIATE
    assert {"haven.access.jobs.seal_access_log",
            "haven.access.jobs.prune_idempotency_keys"} <= set(PERIODIC)
    monkeypatch.setattr(log, "seal_after_commit", lambda: None)  # left for the worker
    officer = persona("response_officer")
    _submission(officer, hours_old=48)
    waiting = record_access(officer, Action.CONSULTATION, record_type="person")
    assert AccessLogEntry.objects.get(pk=waiting.pk).seq is None
    enqueue_due(timezone.now() + dt.timedelta(days=1))
    assert not IdempotentSubmission.objects.exists()
    # Sealed by the job (entries the other jobs logged after it wait for its next run).
    assert AccessLogEntry.objects.get(pk=waiting.pk).seq is not None
    assert verify_chain().ok


@pytest.mark.parametrize("hours_old, kept", [(0, True), (23, True), (25, False)])
def test_the_cut_off_is_the_retention_before_now(persona, settings, hours_old, kept):
    settings.HAVEN_IDEMPOTENCY_KEEP_HOURS = 24
    row = _submission(persona("response_officer"), hours_old=hours_old)
    do_prune_idempotency_keys(actor=None)
    assert IdempotentSubmission.objects.filter(pk=row.pk).exists() is kept

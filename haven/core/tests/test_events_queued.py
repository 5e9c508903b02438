"""Queued delivery (production): one job per subscriber written in the publisher's
transaction, run by the worker; nothing queued when the publisher rolls back; a recorded
incident's reactions reach the other rooms through the worker, not the request."""

import dataclasses
import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from haven.core import events
from haven.core.events import Event, publish, subscribe, unsubscribe
from haven.core.queue.models import DeliveredReaction

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Stamped(Event):
    thing_id: int
    at: dt.datetime
    note: str | None = None


@pytest.fixture
def queued(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.HAVEN_EVENT_DELIVERY = "queued"


@pytest.fixture
def stamped_handler():
    calls = []

    def handler(event):
        calls.append(event)

    subscribe(Stamped, handler)
    yield calls
    unsubscribe(Stamped, handler)


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def queued_jobs():
    return DBTaskResult.objects.filter(task_path="haven.core.events.deliver_queued")


@pytest.mark.django_db(transaction=True)
def test_a_queued_event_is_a_job_committed_with_the_write_and_run_by_the_worker(
        queued, stamped_handler):
    at = dt.datetime(2026, 3, 1, 22, 15, tzinfo=dt.UTC)
    with transaction.atomic():
        publish(Stamped(thing_id=7, at=at, note="x"))
        assert queued_jobs().count() == 1  # written inside the publisher's transaction
    assert stamped_handler == []  # the request does not run it
    run_worker()
    assert stamped_handler == [Stamped(thing_id=7, at=at, note="x")]  # same values, types
    job = queued_jobs().get()
    assert job.status == "SUCCESSFUL"
    # The reaction is in the ledger under the event's id, so running the job again is a
    # no-op (haven/core/tests/test_worker_revival.py).
    delivered = DeliveredReaction.objects.get()
    assert delivered.event_id == job.args_kwargs["kwargs"]["event_id"]
    assert delivered.subscriber == job.args_kwargs["args"][2]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_publisher_queues_nothing(queued, stamped_handler):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(Stamped(thing_id=7, at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)))
        raise RuntimeError("the write failed")
    assert queued_jobs().count() == 0
    run_worker()
    assert stamped_handler == []


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_subscriber_has_gone_is_logged_not_guessed(queued, stamped_handler,
                                                               caplog):
    publish(Stamped(thing_id=9, at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)))
    unsubscribe(Stamped, events.subscribers(Stamped)[0])
    with caplog.at_level(logging.ERROR, logger="haven.core.events"):
        run_worker()
    assert stamped_handler == []
    assert "no subscriber" in caplog.text and "thing_id" in caplog.text


def test_the_immediate_backend_never_queues_inside_the_transaction(settings):
    # The immediate backend would run the job before the publisher commits.
    settings.HAVEN_EVENT_DELIVERY = "queued"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert events.delivery_mode() == "after_commit"
    settings.TASKS = DATABASE_QUEUE
    assert events.delivery_mode() == "queued"


@pytest.mark.django_db(transaction=True)
def test_a_recorded_incident_answers_before_its_reactions_which_the_worker_then_runs(
        queued, forces, persona, make_person, monkeypatch):
    from haven.intake.creation import do_create_incident
    from haven.intake.events import IncidentRecorded
    from haven.intake.tests.helpers import full_checklist

    reached = []
    monkeypatch.setattr("haven.risk.intake_link.victims_of",
                        lambda incident: reached.append(incident.pk) or [])
    victim = make_person()
    incident = do_create_incident(
        forces["WARKS"], reported_via="call", category="domestic",
        checklist=full_checklist(), actor=persona("call_handler"),
        involvements=[{"person": victim, "role": "victim"}])
    subscribed = len(events.subscribers(IncidentRecorded))
    assert queued_jobs().count() == subscribed >= 4  # one per room that reacts
    assert reached == []  # risk's reaction did not run in the caller's request
    run_worker()
    assert reached == [incident.pk]
    assert set(queued_jobs().values_list("status", flat=True)) == {"SUCCESSFUL"}
    # One event, one ledger row per room that reacted.
    event_ids = {job.args_kwargs["kwargs"]["event_id"] for job in queued_jobs()}
    assert len(event_ids) == 1
    assert DeliveredReaction.objects.filter(event_id__in=event_ids).count() == subscribed


@pytest.mark.django_db(transaction=True)
def test_every_subscribers_job_goes_in_one_insert_as_enqueue_would_write_it(
        queued, stamped_handler):
    """The reactions' jobs are one multi-row INSERT (an incident has four subscribers), each
    row as the backend's `enqueue` writes it (run_after filled in as its pre_save signal
    does), and the worker runs every one of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import get_date_max

    seen = []

    def second(event):
        seen.append(event.thing_id)

    subscribe(Stamped, second)
    try:
        at = dt.datetime(2026, 3, 1, 22, 15, tzinfo=dt.UTC)
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            publish(Stamped(thing_id=9, at=at))
        inserts = [q for q in captured.captured_queries
                   if q["sql"].startswith("INSERT") and "dbtaskresult" in q["sql"]]
        assert len(inserts) == 1
        jobs = list(queued_jobs())
        assert len(jobs) == 2 and {j.run_after for j in jobs} == {get_date_max()}
        assert {j.status for j in jobs} == {"READY"}
        assert len({j.args_kwargs["kwargs"]["event_id"] for j in jobs}) == 1
        run_worker()
        assert [e.thing_id for e in stamped_handler] == [9] and seen == [9]
    finally:
        unsubscribe(Stamped, second)

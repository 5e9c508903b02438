"""A job worker killed mid-job (issue 18 item 5, the fault test): the job it had claimed is
run again once the worker has not been seen for the grace period, and an event reaction
happens once in effect however often its job runs (docs/events.md)."""

import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haven.core import events, jobs
from haven.core.events import Event, publish, subscribe, unsubscribe
from haven.core.queue.models import DeliveredReaction, WorkerSeen

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
GRACE = dt.timedelta(seconds=60)
HANG_FILE = "HAVEN_TEST_REACTION_STARTED"  # set only in the worker this test kills


@dataclasses.dataclass(frozen=True, kw_only=True)
class CallLogged(Event):
    thing_id: int


def record_reaction(event):
    """The reaction's own write: a stand-in row, counted to prove it happened once. In the
    worker process the test kills, it writes, says so, and hangs inside its transaction."""
    Group.objects.create(name=f"reaction to {event.thing_id} #{uuid.uuid4().hex[:8]}")
    started = os.environ.get(HANG_FILE)
    if started:
        with open(started, "w") as marker:
            marker.write("in the reaction")
        time.sleep(120)


def reactions_done(thing_id) -> int:
    return Group.objects.filter(name__startswith=f"reaction to {thing_id} #").count()


@pytest.fixture
def queued(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.HAVEN_EVENT_DELIVERY = "queued"
    settings.HAVEN_WORKER_GRACE_SECONDS = GRACE.total_seconds()
    subscribe(CallLogged, record_reaction)
    yield
    unsubscribe(CallLogged, record_reaction)


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def the_job() -> DBTaskResult:
    return DBTaskResult.objects.get(task_path="haven.core.events.deliver_queued")


def claimed_by(worker_id, *, minutes_ago=10, seen_minutes_ago=None) -> DBTaskResult:
    """The state django-tasks leaves when `worker_id` claimed the job and then nothing more
    happened: RUNNING, started, the worker's id recorded (and its heartbeat, if given)."""
    job = the_job()
    job.claim(worker_id)
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(id=job.id).update(started_at=started)
    if seen_minutes_ago is not None:
        seen = timezone.now() - dt.timedelta(minutes=seen_minutes_ago)
        WorkerSeen.objects.create(worker_id=worker_id, host="test", pid=1, started_at=started,
                                  last_seen=seen)
    return DBTaskResult.objects.get(id=job.id)


def database_url() -> str:
    """The test database, for a worker in another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


WORKER_SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from haven.core.events import subscribe
from haven.core.tests.test_worker_revival import CallLogged, record_reaction
subscribe(CallLogged, record_reaction)
call_command("worker", tick=1, interval=0.1, periodic=False)
"""


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_reaction_is_replaced_and_the_reaction_happens_once(
        queued, tmp_path):
    publish(CallLogged(thing_id=1))  # no transaction open: the job commits at once
    started = tmp_path / "reaction-started"
    env = {**os.environ, "DATABASE_URL": database_url(), "HAVEN_TASKS": "database",
           HANG_FILE: str(started)}
    worker = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT], env=env,
                              start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while not started.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert started.exists(), worker.stderr.read().decode()[-2000:] if worker.poll() else ""
        # Requests first: the worker lowered its own priority (HAVEN_WORKER_NICE, default 10).
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(
            19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # mid-reaction, inside its transaction
        worker.wait(10)
    job = the_job()
    assert job.status == "RUNNING"  # what the fault run found: claimed, never finished
    (dead,) = job.worker_ids
    assert WorkerSeen.objects.filter(worker_id=dead).exists()  # `haven worker` beat
    assert reactions_done(1) == 0 and DeliveredReaction.objects.count() == 0  # rolled back

    # Within the grace period the worker may only be slow: its job is left alone.
    assert jobs.revive_abandoned() == {"revived": [], "failed": []}
    later = timezone.now() + GRACE + dt.timedelta(seconds=1)
    assert jobs.revive_abandoned(now=later) == {"revived": [str(job.id)], "failed": []}
    run_worker()
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL" and len(job.worker_ids) == 2
    assert reactions_done(1) == 1
    assert DeliveredReaction.objects.get().job_id == str(job.id)


@pytest.mark.django_db(transaction=True)
def test_a_reaction_that_committed_before_its_worker_died_is_not_done_again(queued):
    publish(CallLogged(thing_id=2))
    job = claimed_by("gone-worker", seen_minutes_ago=5)
    # The worker ran the reaction (its transaction committed, with the ledger row) and
    # died before django-tasks could mark the job done.
    event_name, fields, handler_path = job.args_kwargs["args"]
    event_id = job.args_kwargs["kwargs"]["event_id"]
    assert events.deliver(record_reaction, CallLogged(**fields),
                          once=(event_id, handler_path, str(job.id)))
    assert reactions_done(2) == 1 and the_job().status == "RUNNING"

    assert jobs.revive_abandoned()["revived"] == [str(job.id)]
    run_worker()
    assert the_job().status == "SUCCESSFUL"
    assert reactions_done(2) == 1  # the job ran again and did nothing
    assert DeliveredReaction.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_job_queued_twice_for_the_same_event_reacts_once(queued):
    publish(CallLogged(thing_id=3))
    job = the_job()
    # Re-queued by hand with the job's own arguments (what docs/events.md used to advise).
    events.deliver_queued.enqueue(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
    run_worker()
    assert reactions_done(3) == 1
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_a_failed_reaction_leaves_no_ledger_row(queued):
    def broken(event):
        Group.objects.create(name=f"reaction to {event.thing_id} #half")
        raise ValueError("bug in a reaction")

    unsubscribe(CallLogged, record_reaction)
    subscribe(CallLogged, broken)
    try:
        publish(CallLogged(thing_id=4))
        run_worker()
    finally:
        unsubscribe(CallLogged, broken)
    assert reactions_done(4) == 0 and DeliveredReaction.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_live_workers_long_job_is_left_alone_and_readiness_stays_quiet(queued, client):
    publish(CallLogged(thing_id=5))
    job = claimed_by("busy-worker", minutes_ago=30, seen_minutes_ago=0)
    assert jobs.find_abandoned() == []
    assert jobs.revive_abandoned() == {"revived": [], "failed": []}
    assert the_job().status == "RUNNING" and job.worker_ids == ["busy-worker"]
    assert "jobs_running_on_a_lost_worker" not in client.get("/readyz/").json()


@pytest.mark.django_db(transaction=True)
def test_readiness_reports_a_job_running_on_a_lost_worker_until_it_is_revived(queued,
                                                                              client):
    publish(CallLogged(thing_id=6))
    claimed_by("lost-worker", seen_minutes_ago=5)
    ready = client.get("/readyz/")
    assert ready.status_code == 200  # reported for monitoring; the server stays ready
    assert ready.json()["jobs_running_on_a_lost_worker"] == 1
    jobs.revive_abandoned()
    assert "jobs_running_on_a_lost_worker" not in client.get("/readyz/").json()


@pytest.mark.django_db(transaction=True)
def test_a_job_claimed_by_a_worker_without_a_heartbeat_counts_from_its_claim(queued):
    publish(CallLogged(thing_id=7))
    claimed_by("bare-db-worker", minutes_ago=0)  # claimed just now: may still be running
    assert jobs.find_abandoned() == []
    claimed = the_job()
    later = claimed.started_at + GRACE + dt.timedelta(seconds=1)
    assert [a.job_id for a in jobs.find_abandoned(now=later)] == [str(claimed.id)]


@pytest.mark.django_db(transaction=True)
def test_two_revivers_that_saw_the_same_abandoned_job_revive_it_once(queued):
    publish(CallLogged(thing_id=8))
    claimed_by("gone-worker", seen_minutes_ago=5)
    seen_by_both = jobs.find_abandoned()
    assert len(seen_by_both) == 1
    assert len(jobs.revive_abandoned(found=seen_by_both)["revived"]) == 1
    # The second reviver read the same RUNNING row before the first changed it.
    assert jobs.revive_abandoned(found=seen_by_both) == {"revived": [], "failed": []}
    # And once a new worker has claimed it, the stale judgement changes nothing either.
    the_job().claim("new-worker")
    assert jobs.revive_abandoned(found=seen_by_both) == {"revived": [], "failed": []}
    assert the_job().status == "RUNNING"


@pytest.mark.django_db(transaction=True)
def test_two_revivers_at_the_same_moment_revive_each_job_once(queued):
    for n in range(5):
        publish(CallLogged(thing_id=100 + n))
    for job in DBTaskResult.objects.all():
        job.claim("gone-worker")
    DBTaskResult.objects.update(started_at=timezone.now() - dt.timedelta(minutes=10))
    seen = jobs.find_abandoned()
    assert len(seen) == 5
    barrier, results = threading.Barrier(2), []

    def reviver():
        try:
            barrier.wait()
            results.append(jobs.revive_abandoned(found=seen))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reviver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    revived = [job_id for result in results for job_id in result["revived"]]
    assert len(results) == 2 and sorted(revived) == sorted(a.job_id for a in seen)
    assert DBTaskResult.objects.filter(status="READY").count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_job_that_keeps_killing_its_worker_is_failed_with_a_reason_not_revived(
        queued, caplog):
    publish(CallLogged(thing_id=9))
    job = claimed_by("third-worker", seen_minutes_ago=5)
    DBTaskResult.objects.filter(id=job.id).update(
        worker_ids=["first-worker", "second-worker", "third-worker"])
    with caplog.at_level("WARNING", logger="haven.core.jobs"):
        assert jobs.revive_abandoned() == {"revived": [], "failed": [str(job.id)]}
    job.refresh_from_db()
    assert job.status == "FAILED" and job.exception_class_path == jobs.WORKER_LOST
    assert "abandoned 3 times" in job.traceback
    assert "marked failed" in caplog.text and "thing_id" not in caplog.text
    run_worker()
    assert reactions_done(9) == 0


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_and_the_prune(queued):
    now = timezone.now()
    jobs.heartbeat("w1", now=now - dt.timedelta(days=2))
    jobs.heartbeat("w2", now=now - dt.timedelta(days=2))
    jobs.heartbeat("w2", now=now)  # w2 is still beating
    DeliveredReaction.objects.create(event_id="old", subscriber="s")
    DeliveredReaction.objects.filter(event_id="old").update(
        delivered_at=now - dt.timedelta(days=31))
    DeliveredReaction.objects.create(event_id="new", subscriber="s")
    assert jobs.prune_workers_and_deliveries(now=now) == {"workers": 1, "deliveries": 1}
    assert list(WorkerSeen.objects.values_list("worker_id", flat=True)) == ["w2"]
    assert list(DeliveredReaction.objects.values_list("event_id", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_the_workers_scheduler_thread_beats_and_revives(queued):
    publish(CallLogged(thing_id=10))
    claimed_by("gone-worker", seen_minutes_ago=5)
    stop = threading.Event()

    def scheduler():
        try:
            jobs.run_scheduler(stop, tick_seconds=0.1, worker_id="this-worker",
                               periodic=False)
        finally:
            connections.close_all()

    thread = threading.Thread(target=scheduler)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while the_job().status != "READY" and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(30)
    assert the_job().status == "READY"
    seen = WorkerSeen.objects.get(worker_id="this-worker").last_seen
    assert timezone.now() - seen < dt.timedelta(seconds=30)

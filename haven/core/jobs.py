"""Background and scheduled work (issue 18 item 2): nothing that writes runs on a GET.

Jobs are django-tasks tasks (the backport of Django 6's task framework). In production they
are queued in the database (`django_tasks_db`, no Redis) and run by `haven worker`, which
also enqueues the periodic jobs when they fall due. The demo and the tests run them at once
in the process (django-tasks' immediate backend); the demo starts the scheduler in a thread.

A room declares a periodic job in its `jobs.py`:

    @periodic(every=timedelta(minutes=5))
    @task()
    def sweep_overdue_dash():
        do_sweep_overdue_dash(actor=None)

Periodic jobs must be idempotent: two workers may both find a job due, and a job whose
worker died mid-run is run again.

A worker killed mid-job (issue 18 item 5): django-tasks marks a job RUNNING when a worker
claims it and never looks at it again. `haven worker` therefore gives its runner an id and
keeps a heartbeat (`WorkerSeen.last_seen`, written by its scheduler thread); every worker
puts back in the queue any job RUNNING on a worker not seen for longer than
`HAVEN_WORKER_GRACE_SECONDS` (`revive_abandoned`), and after `HAVEN_JOB_MAX_ATTEMPTS`
claims marks it failed instead. A revived event reaction does nothing twice: see
`haven.core.events.deliver_queued` (the delivered-reactions ledger).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import Error as AnyDatabaseError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string

log = logging.getLogger(__name__)


@dataclass
class Periodic:
    task: object
    every: dt.timedelta


PERIODIC: dict[str, Periodic] = {}
_last_enqueued: dict[str, dt.datetime] = {}


def queue_in_database() -> bool:
    """Jobs wait in the database for `haven worker` (else they run at once in the process)."""
    return "django_tasks_db" in settings.TASKS["default"]["BACKEND"]


def periodic(*, every: dt.timedelta):
    """Mark a django-tasks task to be enqueued every `every` by the scheduler."""
    def register(task):
        PERIODIC[task.module_path] = Periodic(task, every)
        return task
    return register


def _last_enqueued_at(path: str) -> dt.datetime | None:
    """When the job was last queued: the database queue's record when there is one (shared
    by every worker), else this process's memory (immediate backend)."""
    try:
        from django_tasks_db.models import DBTaskResult  # only with the database backend
    except (ImportError, RuntimeError):
        return _last_enqueued.get(path)
    try:
        return (DBTaskResult.objects.filter(task_path=path).order_by("-enqueued_at")
                .values_list("enqueued_at", flat=True).first()) or _last_enqueued.get(path)
    except Exception:  # table absent (the immediate backend's installations): use memory
        return _last_enqueued.get(path)


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose interval has passed since it was last queued."""
    now = now or timezone.now()
    queued = []
    for path, job in sorted(PERIODIC.items()):
        last = _last_enqueued_at(path)
        if last is None or now - last >= job.every:
            _last_enqueued[path] = now
            try:
                job.task.enqueue()
            except Exception:  # a failing job is logged; the scheduler carries on
                log.exception("job %s failed", path)
            queued.append(path)
    return queued


def run_scheduler(stop: threading.Event, *, tick_seconds: float = 30.0,
                  worker_id: str | None = None, periodic: bool = True) -> None:
    """Loop until `stop` is set: enqueue due jobs every tick. For a worker (`worker_id`),
    also say it is alive (more often than the grace period, so that a busy tick cannot make
    it look dead) and revive the jobs of workers that are gone."""
    beat_every = min(tick_seconds, worker_grace().total_seconds() / 4)
    next_tick = 0.0
    while not stop.is_set():
        if worker_id:
            _guarded(heartbeat, worker_id)
        if time.monotonic() >= next_tick:
            next_tick = time.monotonic() + tick_seconds
            if periodic:
                enqueue_due()
            if worker_id:
                _guarded(revive_abandoned)
        # This thread's own connection: closed when too old or broken, as db_worker does.
        close_old_connections()
        stop.wait(beat_every if worker_id else tick_seconds)


def _guarded(step, *args) -> None:
    # A locked or briefly unreachable database must not end the scheduler thread: the
    # next beat tries again (the grace period is several beats long).
    try:
        step(*args)
    except AnyDatabaseError as error:  # InterfaceError too (a dropped connection)
        log.warning("worker: %s failed (%s); trying again at the next beat", step.__name__,
                    type(error).__name__)


# --- Workers that died mid-job ---------------------------------------------------------------

RUNNING, READY, FAILED = "RUNNING", "READY", "FAILED"
WORKER_LOST = "haven.core.jobs.WorkerLost"


def worker_grace() -> dt.timedelta:
    """How long a worker may go unseen before its running jobs count as abandoned: an
    operational setting (`HAVEN_WORKER_GRACE_SECONDS`, default 120 s, four heartbeats or
    more), the same for every force."""
    seconds = getattr(settings, "HAVEN_WORKER_GRACE_SECONDS", None) or int(
        os.environ.get("HAVEN_WORKER_GRACE_SECONDS") or 120)
    return dt.timedelta(seconds=seconds)


def max_attempts() -> int:
    """Claims after which an abandoned job is marked failed instead of revived (a job that
    kills its worker every time must not take every worker down in turn)."""
    return getattr(settings, "HAVEN_JOB_MAX_ATTEMPTS", None) or int(
        os.environ.get("HAVEN_JOB_MAX_ATTEMPTS") or 3)


def new_worker_id() -> str:
    """Unique across the pool (django-tasks requires it), and says where the worker runs."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"[:64]


def heartbeat(worker_id: str, now: dt.datetime | None = None) -> None:
    """Record that this worker is alive now (one short UPDATE; an INSERT the first time)."""
    from haven.core.queue.models import WorkerSeen  # models: after start-up

    now = now or timezone.now()
    if not WorkerSeen.objects.filter(worker_id=worker_id).update(last_seen=now):
        WorkerSeen.objects.create(worker_id=worker_id, host=socket.gethostname()[:255],
                                  pid=os.getpid(), started_at=now, last_seen=now)


def forget_worker(worker_id: str) -> None:
    """A worker that stops cleanly has finished its job; its row is no longer needed."""
    from haven.core.queue.models import WorkerSeen  # models: after start-up

    WorkerSeen.objects.filter(worker_id=worker_id).delete()


@dataclass(frozen=True)
class Abandoned:
    job_id: str
    task_path: str
    worker_id: str
    started_at: dt.datetime
    attempts: int
    unseen_seconds: int


def find_abandoned(now: dt.datetime | None = None) -> list[Abandoned]:
    """Jobs RUNNING on a worker not seen within the grace period (or never seen: a worker
    without a heartbeat, such as a bare `db_worker`, counts from when it claimed the job)."""
    from django_tasks_db.models import DBTaskResult  # only with the database backend

    from haven.core.queue.models import WorkerSeen  # models: after start-up

    now = now or timezone.now()
    cutoff = now - worker_grace()
    # A job claimed after the cutoff had a live worker within the grace period.
    running = list(DBTaskResult.objects.filter(status=RUNNING, started_at__lt=cutoff)
                   .values_list("id", "task_path", "worker_ids", "started_at"))
    if not running:
        return []
    last_worker = {job_id: (ids[-1] if ids else "") for job_id, _, ids, _ in running}
    seen = dict(WorkerSeen.objects.filter(worker_id__in=set(last_worker.values()))
                .values_list("worker_id", "last_seen"))
    found = []
    for job_id, task_path, ids, started_at in running:
        last_seen = seen.get(last_worker[job_id]) or started_at
        if last_seen < cutoff:
            found.append(Abandoned(str(job_id), task_path, last_worker[job_id], started_at,
                                   len(ids), round((now - last_seen).total_seconds())))
    return found


def revive_abandoned(now: dt.datetime | None = None,
                     found: list[Abandoned] | None = None) -> dict[str, list[str]]:
    """Put abandoned jobs back in the queue (READY, run again by the next free worker), or
    mark them failed after `max_attempts()` claims. Each change is a conditional UPDATE on
    the claim that was judged (still RUNNING, same start), so when two workers revive at
    once only one of them changes a job, on SQLite and PostgreSQL alike."""
    from django_tasks_db.models import DBTaskResult  # only with the database backend

    now = now or timezone.now()
    found = find_abandoned(now) if found is None else found
    done: dict[str, list[str]] = {"revived": [], "failed": []}
    for job in found:
        same_claim = DBTaskResult.objects.filter(id=job.job_id, status=RUNNING,
                                                 started_at=job.started_at)
        if job.attempts >= max_attempts():
            changed = same_claim.update(
                status=FAILED, finished_at=now, return_value=None,
                exception_class_path=WORKER_LOST,
                traceback=f"{WORKER_LOST}: abandoned {job.attempts} times; worker "
                          f"{job.worker_id} not seen for {job.unseen_seconds} s")
            outcome = "failed"
        else:
            changed = same_claim.update(status=READY)
            outcome = "revived"
        if changed:
            done[outcome].append(job.job_id)
            # Ids and code paths only: a job's arguments are never logged.
            log.warning("job %s (%s) %s: worker %s not seen for %s s (claim %s of %s)",
                        job.job_id, job.task_path,
                        "run again" if outcome == "revived" else "marked failed",
                        job.worker_id, job.unseen_seconds, job.attempts, max_attempts())
    return done


def prune_workers_and_deliveries(now: dt.datetime | None = None) -> dict[str, int]:
    """Forget workers long gone and delivered reactions older than
    `HAVEN_DELIVERED_KEEP_DAYS` (default 30: far beyond any revival, which comes within
    minutes)."""
    from haven.core.queue.models import DeliveredReaction, WorkerSeen  # models: after start-up

    now = now or timezone.now()
    keep = dt.timedelta(days=getattr(settings, "HAVEN_DELIVERED_KEEP_DAYS", None) or int(
        os.environ.get("HAVEN_DELIVERED_KEEP_DAYS") or 30))
    workers, _ = WorkerSeen.objects.filter(last_seen__lt=now - dt.timedelta(days=1)).delete()
    deliveries, _ = DeliveredReaction.objects.filter(delivered_at__lt=now - keep).delete()
    return {"workers": workers, "deliveries": deliveries}


def start_scheduler_thread(*, tick_seconds: float = 30.0) -> threading.Event:
    """The demo's scheduler: a daemon thread; returns the event that stops it."""
    stop = threading.Event()
    thread = threading.Thread(target=run_scheduler, args=(stop,),
                              kwargs={"tick_seconds": tick_seconds}, daemon=True,
                              name="haven-scheduler")
    thread.start()
    time.sleep(0)  # let it take its first tick
    return stop

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

Periodic jobs must be idempotent: two workers may both find a job due.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

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


def run_scheduler(stop: threading.Event, *, tick_seconds: float = 30.0) -> None:
    """Loop until `stop` is set: enqueue due jobs every tick."""
    while not stop.is_set():
        enqueue_due()
        stop.wait(tick_seconds)


def start_scheduler_thread(*, tick_seconds: float = 30.0) -> threading.Event:
    """The demo's scheduler: a daemon thread; returns the event that stops it."""
    stop = threading.Event()
    thread = threading.Thread(target=run_scheduler, args=(stop,),
                              kwargs={"tick_seconds": tick_seconds}, daemon=True,
                              name="haven-scheduler")
    thread.start()
    time.sleep(0)  # let it take its first tick
    return stop

"""`haven worker`: run queued jobs and enqueue the periodic ones when they fall due.

Each worker has an id (given to django-tasks' `db_worker`, recorded on every job it claims)
and a heartbeat kept by its scheduler thread; a job left RUNNING by a worker that has not
been seen for longer than `HAVEN_WORKER_GRACE_SECONDS` is put back in the queue by whichever
worker notices first (haven/core/jobs.py, docs/events.md).
"""

import contextlib
import os
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from haven.core.jobs import (
    forget_worker,
    heartbeat,
    new_worker_id,
    queue_in_database,
    revive_abandoned,
    run_scheduler,
)


class Command(BaseCommand):
    help = "Run Haven's background jobs (database queue) and its schedule of periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=30.0,
                            help="seconds between checks for periodic jobs that are due")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds between looks at an empty queue")
        parser.add_argument("--no-periodic", action="store_false", dest="periodic",
                            help="run queued jobs only, without the schedule of periodic "
                                 "jobs (the load test); the heartbeat and revival still run")

    def handle(self, *args, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        if not queue_in_database():
            raise CommandError("The worker needs the database queue (HAVEN_TASKS=database); "
                               f"this installation runs jobs at once ({backend}).")
        # Requests first: an officer waiting for a page matters more than a reaction
        # landing a few hundred milliseconds sooner (HAVEN_WORKER_NICE, docs/events.md).
        if settings.HAVEN_WORKER_NICE > 0:
            os.nice(settings.HAVEN_WORKER_NICE)
        worker_id = new_worker_id()
        # Seen before the first claim, and at start-up whatever a dead worker left is
        # queued again before this one looks for work.
        heartbeat(worker_id)
        revive_abandoned()
        stop = threading.Event()
        threading.Thread(target=run_scheduler, args=(stop,), daemon=True,
                         name="haven-worker-scheduler",
                         kwargs={"tick_seconds": options["tick"], "worker_id": worker_id,
                                 "periodic": options["periodic"]}).start()
        try:
            call_command("db_worker", worker_id=worker_id, interval=options["interval"])
        finally:
            stop.set()
            # If the database is unreachable the row ages out (pruned after a day).
            with contextlib.suppress(DatabaseError):
                forget_worker(worker_id)

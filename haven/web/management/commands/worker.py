"""`haven worker`: run queued jobs and enqueue the periodic ones when they fall due."""

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from haven.core.jobs import queue_in_database, run_scheduler


class Command(BaseCommand):
    help = "Run Haven's background jobs (database queue) and its schedule of periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=30.0,
                            help="seconds between checks for periodic jobs that are due")

    def handle(self, *args, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        if not queue_in_database():
            raise CommandError("The worker needs the database queue (HAVEN_TASKS=database); "
                               f"this installation runs jobs at once ({backend}).")
        stop = threading.Event()
        threading.Thread(target=run_scheduler, args=(stop,),
                         kwargs={"tick_seconds": options["tick"]}, daemon=True).start()
        try:
            call_command("db_worker")
        finally:
            stop.set()

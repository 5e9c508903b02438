"""`haven serve`: run Haven for real under gunicorn (production), not Django's dev server.

    DATABASE_URL=postgres://… SECRET_KEY=… HAVEN_BASE_URL=https://haven.example.police.uk \\
        haven serve --bind 0.0.0.0:8000 [--workers 3 --threads 4]

Static files are served by whitenoise from `collectstatic`'s folder (run first, or pass
--collect). TLS ends at the force's proxy or load balancer, which checks `/readyz/`.
"""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Haven with gunicorn (production). Checks the set-up first."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("HAVEN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("HAVEN_WORKERS", "0")) or None,
                            help="worker processes (default: cores + 1)")
        parser.add_argument("--threads", type=int,
                            default=int(os.environ.get("HAVEN_THREADS", "4")),
                            help="threads per worker process (default 4)")
        parser.add_argument("--timeout", type=int, default=60)
        parser.add_argument("--collect", action="store_true",
                            help="collect static files first")
        parser.add_argument("--check-only", action="store_true",
                            help="run the deployment checks and stop")

    def handle(self, *args, **options):
        if settings.DEBUG:
            raise CommandError("haven serve is for production: unset HAVEN_DEMO/HAVEN_DEBUG "
                               "(use `haven demo` to try Haven).")
        call_command("check", deploy=True, fail_level="ERROR")
        if options["collect"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        if options["check_only"]:
            self.stdout.write("Deployment checks passed.")
            return
        # Threaded workers, cores + 1 of them: under the 50-user load on 2 cores, 3 workers ×
        # 4 threads answered with p95 88 and 105 ms where 5 one-thread workers (what the
        # old default of 2 × cores + 1 sync workers amounts to) gave 118 and 132 ms
        # (docs/benchmarks.md, "Serving: threads against processes"). Threads also keep a
        # phone's connection alive between requests, which sync workers cannot.
        workers = options["workers"] or ((os.cpu_count() or 1) + 1)
        argv = ["gunicorn", "haven.wsgi:application", "--bind", options["bind"],
                "--workers", str(workers), "--worker-class", "gthread",
                "--threads", str(max(options["threads"], 1)),
                "--timeout", str(options["timeout"]),
                "--access-logfile", "-", "--forwarded-allow-ips", "*"]
        # Web processes seal the access log from a thread, off the request's path (ADR 0005);
        # one-off commands keep sealing at once (they may exit before a thread would run).
        os.environ.setdefault("HAVEN_AUDIT_SEAL_IN_THREAD", "1")
        # gunicorn replaces this process: signals and exit codes are the server's own.
        os.execvp(sys.executable, [sys.executable, "-m", *argv])  # noqa: S606

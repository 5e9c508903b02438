"""`haven linkage export --out FILE.csv [--force CODE] [--user USERNAME]`:
system,source_id,person_id for every source record."""

import csv

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.core.csvsafe import safe_row
from haven.forces.models import Force
from haven.people.ingest.run import run_by_label
from haven.people.models import SourceRecord


def command_actor(username: str | None, capability: str, *, record_type: str, record_id="",
                  force=None):
    """The Haven user a command runs as (`--user`), who must hold `capability`; None when
    no --user is given (the access log then names the operating-system user). An unknown
    user, one without the right, or (with `force`) a user of another force is refused, and
    the refusal logged."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    other_force = (user is not None and force is not None
                   and user.force_id not in (None, force.pk))
    if user is None or not can(user, capability) or other_force:
        record_access(user, Action.CONSULTATION, record_type=record_type, record_id=record_id,
                      outcome=Outcome.REFUSED,
                      reason=f"command line --user {username}"[:500])
        raise CommandError(f"--user: {username!r} is not an active user who may do this "
                           f"({capability})")
    return user


class Command(BaseCommand):
    help = ("Linkage tools. `export` writes system,source_id,person_id for quality checks. "
            "The access-log entry names --user, or else the operating-system user.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export"])
        parser.add_argument("--out", required=True)
        parser.add_argument("--force", dest="force_code")
        parser.add_argument("--user", dest="username",
                            help="the Haven user running the export (needs ingest.run)")

    def handle(self, *args, **options):
        force = None
        if options["force_code"]:
            force = Force.objects.filter(code=options["force_code"]).first()
            if force is None:
                raise CommandError(f"--force: no force with code {options['force_code']!r}")
        actor = command_actor(options["username"], "ingest.run", record_type="linkage_export",
                              force=force)
        rows = SourceRecord.objects.order_by("system", "source_id")
        if force is None and actor is not None and actor.force_id is not None:
            force = actor.force  # a force's administrator exports their own force's records
        if force is not None:
            rows = rows.filter(force=force)
        written = 0
        with open(options["out"], "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["system", "source_id", "person_id"])
            for system, source_id, person_id in rows.values_list(
                    "system", "source_id", "person_id").iterator(chunk_size=5000):
                # A source id is whatever the system sent: never let it run as a formula.
                writer.writerow(safe_row([system, source_id, person_id or ""]))
                written += 1
        run_by = run_by_label(actor)
        record_access(actor, Action.DISCLOSURE, record_type="linkage_export",
                      detail={"rows": written, "force": force.code if force else "all",
                              "run_by": run_by},
                      reason="" if actor is not None else f"command line, run by {run_by}")
        self.stdout.write(f"Wrote {written} rows to {options['out']}")

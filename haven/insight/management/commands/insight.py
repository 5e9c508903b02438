"""`haven insight refresh [--user USERNAME]`: rebuild the analytics store (var/insight.duckdb).
`haven insight measures --force CODE --from YYYY-MM-DD --to YYYY-MM-DD [--area DISTRICT]
[--format json|csv] [--user USERNAME]`: the headline measures and, under `casework`, the
casework rooms' measures (MARAC, harm reduction actions, orders, Clare's Law, Victims' Code,
what works), each with how an area filter applied to it, from the store."""

import csv
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from haven.access.log import Action, record_access
from haven.forces.models import Force
from haven.insight import casework, measures, store
from haven.insight.services import do_refresh_store
from haven.people.ingest.run import run_by_label
from haven.people.management.commands.linkage import command_actor


def _date(text: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{flag}: {text!r} is not a date written YYYY-MM-DD") from error


class Command(BaseCommand):
    help = ("The insight room's analytics store. `refresh` rebuilds it from every room's "
            "extract (pseudonymised); `measures` prints the headline measures as JSON or CSV.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh", "measures"])
        parser.add_argument("--force", dest="force_code")
        parser.add_argument("--from", dest="start")
        parser.add_argument("--to", dest="end")
        parser.add_argument("--area", dest="district",
                            help="a postcode district (e.g. CV34); the whole force if omitted")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--user", dest="username",
                            help="the Haven user running the command (needs insight.refresh "
                                 "or insight.view); the access log names them")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        if options["action"] == "refresh":
            return self.refresh(options)
        return self.measures(options)

    def refresh(self, options):
        actor = command_actor(options["username"], "insight.refresh",
                              record_type="insight_store")

        def progress(name, count):
            if not options["no_progress"]:
                self.stderr.write(f"  {name}: {count} rows")

        report = do_refresh_store(actor=actor, progress=progress)
        self.stdout.write(report.text())

    def measures(self, options):
        for flag, key in (("--force", "force_code"), ("--from", "start"), ("--to", "end")):
            if not options[key]:
                raise CommandError(f"measures needs {flag}")
        force = Force.objects.filter(code=options["force_code"]).first()
        if force is None:
            raise CommandError(f"--force: no force with code {options['force_code']!r}")
        start, end = _date(options["start"], "--from"), _date(options["end"], "--to")
        district = (options["district"] or "").strip().upper() or None
        if district == store.WITHHELD.upper():
            raise CommandError("--area: confidential places are withheld and never an area")
        if end < start:
            raise CommandError("--to is before --from")
        actor = command_actor(options["username"], "insight.view", record_type="insight_measures",
                              force=force)
        try:
            con = store.connect()
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        try:
            result = measures.headline(con, force, start, end, district)
            result["casework"] = casework.summary(con, force, start, end, district)
        finally:
            con.close()
        run_by = run_by_label(actor)
        record_access(actor, Action.CONSULTATION, record_type="insight_measures",
                      record_id=force.code,
                      detail={"from": start.isoformat(), "to": end.isoformat(),
                              "area": district or "all", "run_by": run_by},
                      reason="" if actor is not None else f"command line, run by {run_by}")
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, indent=2))
            return
        writer = csv.writer(self.stdout)
        writer.writerow(["measure", "value"])
        for key, value in measures.flat_rows(result):
            writer.writerow([key, "" if value is None else value])

"""`haven perpetrators rank --force CODE` (a ranking run now, as the nightly job does) and
`haven perpetrators harm-table FILE.csv --force CODE` (load the force's published crime-harm
table: columns offence,days[,source])."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haven.forces.models import Force
from haven.perpetrators.harm import HarmTableInvalid
from haven.perpetrators.models import Run
from haven.perpetrators.services import do_load_harm_table, do_refresh_ranking


class Command(BaseCommand):
    help = "Rank the force's perpetrators now, or load its crime-harm table."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        rank = sub.add_parser("rank")
        rank.add_argument("--force", required=True, help="force code, e.g. WARKS")
        table = sub.add_parser("harm-table")
        table.add_argument("file")
        table.add_argument("--force", required=True, help="force code, e.g. WARKS")

    def handle(self, *args, **options):
        force = Force.objects.filter(code=options["force"]).first()
        if force is None:
            raise CommandError(f"No force with the code {options['force']!r}")
        if options["what"] == "rank":
            run = do_refresh_ranking(force, trigger=Run.Trigger.ON_DEMAND, actor=None)
            self.stdout.write(f"Ranked {run.perpetrators} perpetrators: {run.serial} serial, "
                              f"{run.repeat} repeat")
            return
        try:
            text = Path(options["file"]).read_text(encoding="utf-8-sig")
            count = do_load_harm_table(force, text, actor=None)
        except (OSError, HarmTableInvalid) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Loaded {count} crime-harm weights for {force.code}")

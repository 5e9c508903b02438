"""`haven link [--force CODE]`: full relink of source records into persons (Splink)."""

from django.core.management.base import BaseCommand, CommandError

from haven.forces.models import Force
from haven.people.relink import run_relink


class Command(BaseCommand):
    help = ("Relink every source record of a force (or all forces) with the Splink engine. "
            "Clerical review decisions and user merges are respected.")

    def add_arguments(self, parser):
        parser.add_argument("--force", dest="force_code", help="force code; all when omitted")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        forces = Force.objects.order_by("code")
        if options["force_code"]:
            forces = forces.filter(code=options["force_code"])
            if not forces.exists():
                raise CommandError(f"--force: no force with code {options['force_code']!r}")
        for force in forces:
            run = run_relink(force, progress=not options["no_progress"])
            counts = run.counts
            self.stdout.write(
                f"{force.code}: {counts.get('records', 0)} records -> {counts.get('persons', 0)} "
                f"persons; {counts.get('records_moved', 0)} records moved, "
                f"{counts.get('review_items', 0)} new review items "
                f"({counts.get('seconds', 0)}s, run {run.pk})")

"""`haven link [--force CODE]`: full relink of source records into persons (Splink), then the
steps other rooms registered to run after it (`haven.people.linking`; intake's incident
reconciliation across systems)."""

from django.core.management.base import BaseCommand, CommandError

from haven.forces.models import Force
from haven.people.linking import after_link_steps
from haven.people.relink import run_relink


class Command(BaseCommand):
    help = ("Relink every source record of a force (or all forces) with the Splink engine. "
            "Clerical review decisions and user merges are respected.")

    def add_arguments(self, parser):
        parser.add_argument("--force", dest="force_code", help="force code; all when omitted")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--no-reconcile", action="store_true",
                            help="skip the steps other rooms run after linking (incident "
                                 "reconciliation across systems)")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                            help="where Splink runs: duckdb (one machine, the default) or "
                                 "spark (HAVEN_SPARK_MASTER, local[2] unless set; "
                                 "docs/scale.md)")
        parser.add_argument("--national", action="store_true",
                            help="one run over the forces' records together (all, or --force): "
                                 "links between two forces are queued as proposals for both "
                                 "forces' review, never merged")

    def handle(self, *args, **options):
        forces = Force.objects.order_by("code")
        if options["force_code"]:
            forces = forces.filter(code=options["force_code"])
            if not forces.exists():
                raise CommandError(f"--force: no force with code {options['force_code']!r}")
        if options["national"]:
            from haven.people.national import run_national_link  # issue 19

            counts = run_national_link(forces, engine=options["engine"])
            self.stdout.write(
                f"national ({', '.join(counts['forces'])}, {counts['engine']}): "
                f"{counts['records']} records; {counts['proposals']} new cross-force "
                "proposals queued for both forces' review")
            return
        for force in forces:
            if options["engine"] == "spark":
                from haven.people.national import run_relink_spark  # issue 19

                run = run_relink_spark(force)
            else:
                run = run_relink(force, progress=not options["no_progress"])
            counts = run.counts
            self.stdout.write(
                f"{force.code}: {counts.get('records', 0)} records -> {counts.get('persons', 0)} "
                f"persons; {counts.get('records_moved', 0)} records moved, "
                f"{counts.get('review_items', 0)} new review items "
                f"({counts.get('seconds', 0)}s, run {run.pk})")
            if not options["no_reconcile"]:
                inputs = getattr(run, "after_link_inputs", {})
                for name, step in after_link_steps().items():
                    report = step(force, inputs[name]) if name in inputs else step(force)
                    self.stdout.write(f"{force.code}: {report}")
            if counts.get("records", 0) < 2:
                self.stdout.write(f"{force.code}: fewer than two records, nothing to link.")
            elif counts.get("parameters", "trained") != "trained":
                # too little data to train: say so, and which weights were used instead
                self.stdout.write(f"{force.code}: linked with the {counts['parameters']}; "
                                  "see haven/people/linkage/default_parameters.json.")

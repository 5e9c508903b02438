"""`haven learning import FILE.csv --force CODE`: store the completions a force's learning
system exported (every row reported by number; bad rows named, good rows kept), and
`haven learning modules`: install the eight default training modules."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haven.forces.models import Force
from haven.learning.services import do_import_completions, do_install_default_modules


class Command(BaseCommand):
    help = "Import training completions from a CSV, or install the default modules."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("file")
        imp.add_argument("--force", required=True, help="force code, e.g. WARKS")
        sub.add_parser("modules")

    def handle(self, *args, **options):
        if options["what"] == "modules":
            added = do_install_default_modules(actor=None)
            self.stdout.write(f"Installed {added} training modules")
            return
        force = Force.objects.filter(code=options["force"]).first()
        if force is None:
            raise CommandError(f"No force with the code {options['force']!r}")
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        batch = do_import_completions(force, data, Path(options["file"]).name, actor=None)
        if batch.problem:
            raise CommandError(f"{batch.filename}: nothing stored: {batch.problem}")
        for line in batch.report:
            if line["outcome"] != "stored":
                self.stdout.write(f"row {line['row']}: {line['outcome']}: {line['message']}")
        self.stdout.write(f"{batch.filename}: {batch.rows} rows, {batch.stored} stored, "
                          f"{batch.duplicates} already recorded, {batch.rejected} rejected")

"""`haven restore DIR`: put a backup back and prove it (row counts, `haven audit verify`)."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from haven.core.backup import restore


class Command(BaseCommand):
    help = ("Restore a backup made by `haven backup` over this installation's database, then "
            "verify row counts and the access log.")

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--yes", action="store_true",
                            help="confirm that this installation's data is replaced")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("A restore replaces this installation's data: add --yes.")
        try:
            result = restore(Path(options["folder"]))
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from None
        if result["rows_differ"]:
            raise CommandError(f"Row counts differ from the backup: {result['rows_differ']}")
        self.stdout.write(f"Restored {result['tables']} tables; row counts match the backup.")
        call_command("audit", "verify", stdout=self.stdout)

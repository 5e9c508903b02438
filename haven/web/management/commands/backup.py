"""`haven backup DIR`: database, access-log anchors and file stores, with a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haven.core.backup import backup


class Command(BaseCommand):
    help = "Back up Haven into a new folder (database, access-log anchors, evidence files)."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, **options):
        try:
            manifest = backup(Path(options["folder"]))
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up {sum(manifest['rows'].values())} rows in "
                          f"{len(manifest['rows'])} tables to {options['folder']} "
                          f"({', '.join(sorted(manifest['files']))}).")

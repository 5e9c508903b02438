"""`haven setup FILE.toml`: create forces, agencies, policy overrides and users (idempotent)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from haven.web.setup import apply_setup, load


class Command(BaseCommand):
    help = ("Create forces, agencies, policy overrides and users from one TOML file "
            "(docs/setup-example.toml). Safe to re-run: nothing is duplicated.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            report = apply_setup(load(options["file"]))
        except FileNotFoundError as error:
            raise CommandError(f"{options['file']}: no such file") from error
        except ValidationError as error:
            raise CommandError(f"{options['file']}: " + " ".join(error.messages)) from error
        self.stdout.write(report.text())

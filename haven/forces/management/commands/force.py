"""`haven force add CODE "Name" [--alliance NAME]`: create a force (idempotent)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from haven.forces.services import do_add_force


class Command(BaseCommand):
    help = "Manage forces. `haven force add WARKS \"Warwickshire Police\"`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a force, or bring its name/alliance into line")
        add.add_argument("code")
        add.add_argument("name")
        add.add_argument("--alliance", default=None)

    def handle(self, *args, **options):
        try:
            result = do_add_force(options["code"], options["name"], alliance=options["alliance"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        force = result.obj
        state = "created" if result.created else (
            "updated: " + ", ".join(result.changed) if result.changed else "already there")
        self.stdout.write(f"Force {force.code} ({force.name}): {state}\n")

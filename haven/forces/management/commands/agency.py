"""`haven agency add --force CODE --kind idva "Name"`: create a partner agency (idempotent)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from haven.forces.models import Agency
from haven.forces.services import do_add_agency, force_by_code


class Command(BaseCommand):
    help = "Manage partner agencies. `haven agency add --force WARKS --kind idva \"Name\"`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a partner agency serving a force's area")
        add.add_argument("name")
        add.add_argument("--force", required=True, dest="force_code")
        add.add_argument("--kind", required=True, choices=Agency.Kind.values)

    def handle(self, *args, **options):
        try:
            force = force_by_code(options["force_code"])
            result = do_add_agency(force, options["kind"], options["name"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        state = "created" if result.created else (
            "updated: " + ", ".join(result.changed) if result.changed else "already there")
        self.stdout.write(f"Agency {result.obj.name} ({force.code}): {state}\n")

"""`haven roles`: print the roles × actions matrix (Markdown), from capabilities.MATRIX."""

from django.core.management.base import BaseCommand

from haven.access.capabilities import MATRIX
from haven.access.roles import Role


class Command(BaseCommand):
    help = "Print who may do what: the roles × actions matrix as a Markdown table."

    def handle(self, *args, **options):
        roles = list(Role)
        self.stdout.write("| action | " + " | ".join(r.label for r in roles) + " |")
        self.stdout.write("|---|" + "---|" * len(roles))
        for action in sorted(MATRIX):
            marks = ["✓" if r.value in MATRIX[action] else "" for r in roles]
            self.stdout.write(f"| `{action}` | " + " | ".join(marks) + " |")

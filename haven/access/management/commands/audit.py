"""`haven audit verify`: check the access log's hash chain end to end."""

from django.core.management.base import BaseCommand, CommandError

from haven.access.log import verify_chain


class Command(BaseCommand):
    help = "Access log tools. `verify` checks the tamper-evident hash chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"OK: {report.checked} access log entries, chain intact.")
            return
        raise CommandError(
            f"BROKEN at entry {report.first_broken_id}: {report.problem} "
            f"({report.checked} entries checked before it)."
        )

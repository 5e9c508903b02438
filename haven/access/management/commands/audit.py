"""`haven audit verify`: check the access log's hash chain end to end, and against the signed
anchors kept outside the database; `haven audit seal`: write an anchor now."""

from django.core.management.base import BaseCommand, CommandError

from haven.access.anchors import anchor_file, seal
from haven.access.log import verify_chain


class Command(BaseCommand):
    help = ("Access log tools. `verify` checks the tamper-evident hash chain and the signed "
            "anchors outside the database; `seal` writes an anchor of the current head.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "seal"])

    def handle(self, *args, **options):
        if options["action"] == "seal":
            sealed = seal()
            self.stdout.write(f"Sealed up to entry {sealed['last_id']} in {anchor_file()}."
                              if sealed else "The access log is empty: nothing to seal.")
            return
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"OK: {report.checked} access log entries, chain intact; "
                              f"matches {report.anchors} signed anchors kept outside the "
                              "database.")
            return
        raise CommandError(
            f"BROKEN at entry {report.first_broken_id}: {report.problem} "
            f"({report.checked} entries checked before it)."
        )

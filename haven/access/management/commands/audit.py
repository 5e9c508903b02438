"""`haven audit verify`: check the access log's hash chain end to end, and against the signed
anchors kept outside the database (never writes); `haven audit seal`: chain the entries not
yet sealed and write an anchor now."""

from django.core.management.base import BaseCommand, CommandError

from haven.access.anchors import anchor_file
from haven.access.log import seal, verify_chain

# Entries normally wait well under a second to be sealed (after commit), at most the worker's
# interval; older than this, something stopped sealing (no worker?) and verify says so.
STALE_UNSEALED_SECONDS = 5 * 60


class Command(BaseCommand):
    help = ("Access log tools. `verify` checks the tamper-evident hash chain and the signed "
            "anchors outside the database, and reports entries not yet sealed (it writes "
            "nothing); `seal` chains the unsealed entries and writes an anchor of the head.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "seal"])

    def handle(self, *args, **options):
        if options["action"] == "seal":
            sealed = seal()
            self.stdout.write(f"Sealed up to entry {sealed['last_id']} (chain position "
                              f"{sealed['seq']}) in {anchor_file()}." if sealed else
                              "Nothing to seal (or another sealer is at work).")
            return
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"BROKEN at entry {report.first_broken_id}: {report.problem} "
                f"({report.checked} entries checked before it)."
            )
        self.stdout.write(f"OK: {report.checked} access log entries, chain intact; "
                          f"matches {report.anchors} signed anchors kept outside the "
                          "database.")
        if report.unsealed:
            age = report.oldest_unsealed_seconds or 0.0
            self.stdout.write(f"{report.unsealed} newer entries not yet sealed (the oldest "
                              f"{age:.0f} s old): `haven audit seal` or the worker seals them.")
            if age > STALE_UNSEALED_SECONDS:
                self.stderr.write(f"WARNING: entries have waited over "
                                  f"{STALE_UNSEALED_SECONDS // 60} minutes to be sealed: is "
                                  "`haven worker` running?")

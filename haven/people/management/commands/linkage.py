"""`haven linkage export --out FILE.csv`: system,source_id,person_id for every source record."""

import csv

from django.core.management.base import BaseCommand

from haven.access.log import Action, record_access
from haven.people.models import SourceRecord


class Command(BaseCommand):
    help = "Linkage tools. `export` writes system,source_id,person_id for quality checks."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export"])
        parser.add_argument("--out", required=True)
        parser.add_argument("--force", dest="force_code")

    def handle(self, *args, **options):
        rows = SourceRecord.objects.order_by("system", "source_id")
        if options["force_code"]:
            rows = rows.filter(force__code=options["force_code"])
        written = 0
        with open(options["out"], "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["system", "source_id", "person_id"])
            for system, source_id, person_id in rows.values_list(
                    "system", "source_id", "person_id").iterator(chunk_size=5000):
                writer.writerow([system, source_id, person_id or ""])
                written += 1
        record_access(None, Action.DISCLOSURE, record_type="linkage_export",
                      detail={"rows": written, "force": options["force_code"] or "all"})
        self.stdout.write(f"Wrote {written} rows to {options['out']}")

"""`haven drafts purge`: delete form drafts older than the `draft_retention_hours` policy.

Run it from cron (say hourly); drafts are also purged on each user's next draft read/write.
"""

from django.core.management.base import BaseCommand

from haven.web.drafts import purge_expired


class Command(BaseCommand):
    help = "Delete unsent form drafts older than each force's draft_retention_hours."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("purge", help="delete expired drafts")

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {purge_expired()} expired draft(s).\n")

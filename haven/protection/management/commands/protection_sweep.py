"""`manage.py protection_sweep`: the periodic job's work at once (lapsed notices, and a task
for each live order ending soon); `haven worker` runs it every 15 minutes anyway."""

from django.core.management.base import BaseCommand

from haven.protection.jobs import sweep


class Command(BaseCommand):
    help = ("Mark notices past their hearing deadline as lapsed and raise a task for every "
            "live protective order ending within the warning days.")

    def handle(self, *args, **options):
        counts = sweep()
        self.stdout.write(f"Notices lapsed: {counts['lapsed']}; orders ending soon: "
                          f"{counts['expiring']} task(s) raised")

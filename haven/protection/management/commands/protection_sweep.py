"""`manage.py protection_sweep`: a task for each live order ending soon (run daily)."""

from django.core.management.base import BaseCommand

from haven.forces.models import Force
from haven.protection.services import do_raise_expiry_tasks


class Command(BaseCommand):
    help = "Raise a task for every live protective order ending within the warning days."

    def handle(self, *args, **options):
        total = 0
        for force in Force.objects.order_by("code"):
            total += do_raise_expiry_tasks(force, actor=None)
        self.stdout.write(f"Orders ending soon: {total} task(s) raised")

"""`haven intake_sweep`: tag to the HAU every DA log attended without a DASH in time.

The same sweep runs every few minutes as a job (haven/intake/jobs.py, `haven worker`).
"""

from django.core.management.base import BaseCommand

from haven.forces.models import Force
from haven.intake.services import do_sweep_overdue_dash


class Command(BaseCommand):
    help = "Tag overdue-DASH incident logs to the harm assessment unit's queue."

    def add_arguments(self, parser):
        parser.add_argument("--force", help="Force code (default: every force)")

    def handle(self, *args, **options):
        force = None
        if options.get("force"):
            force = Force.objects.filter(code=options["force"]).first()
            if force is None:
                self.stderr.write(f"No force with code {options['force']!r}")
                raise SystemExit(2)
        tagged = do_sweep_overdue_dash(force)
        self.stdout.write(f"Tagged {len(tagged)} log(s) for a missing DASH: "
                          + ", ".join(str(i.pk) for i in tagged))

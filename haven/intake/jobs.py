"""intake's scheduled work: the overdue-DASH sweep (was run on every list GET)."""

import datetime as dt

from django_tasks import task

from haven.core.jobs import periodic
from haven.intake.services import do_sweep_overdue_dash


@periodic(every=dt.timedelta(minutes=5))
@task()
def sweep_overdue_dash() -> int:
    """Tag to the HAU every DA log attended without a DASH within the force's time."""
    return len(do_sweep_overdue_dash(actor=None))

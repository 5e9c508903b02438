"""protection's scheduled work: notices past their hearing deadline are marked lapsed, and
orders ending soon raise a task (never on a page view; see haven/core/jobs.py)."""

import datetime as dt

from django_tasks import task

from haven.core.jobs import periodic
from haven.forces.models import Force
from haven.protection.services import do_mark_lapsed_notices, do_raise_expiry_tasks


def sweep(at=None) -> dict:
    """For every force: lapse the notices past their hearing deadline with nothing recorded,
    and raise a task for each live order ending within the warning days. Idempotent."""
    lapsed = raised = 0
    for force in Force.objects.order_by("code"):
        lapsed += len(do_mark_lapsed_notices(force, at=at, actor=None))
        raised += do_raise_expiry_tasks(force, at=at, actor=None)
    return {"lapsed": lapsed, "expiring": raised}


@periodic(every=dt.timedelta(minutes=15))
@task()
def protection_sweep() -> dict:
    """Lapsed notices and orders ending soon, every quarter of an hour."""
    return sweep()

"""The perpetrators room's scheduled work: the nightly ranking of every force."""

import datetime as dt

from django_tasks import task

from haven.core.jobs import periodic
from haven.forces.models import Force
from haven.perpetrators.models import Run
from haven.perpetrators.services import do_refresh_ranking


@periodic(every=dt.timedelta(hours=24))
@task()
def rank_perpetrators_nightly() -> int:
    """A ranking run per force (idempotent enough: a second run the same night is only a
    newer run, and movement is measured against the one before)."""
    count = 0
    for force in Force.objects.all():
        do_refresh_ranking(force, trigger=Run.Trigger.NIGHTLY, actor=None)
        count += 1
    return count

"""The queue's own periodic job: forget workers long gone and old delivered-reaction rows."""

import datetime as dt

from django_tasks import task

from haven.core.jobs import periodic, prune_workers_and_deliveries


@periodic(every=dt.timedelta(days=1))
@task()
def prune_queue_bookkeeping() -> dict:
    return prune_workers_and_deliveries()

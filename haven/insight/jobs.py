"""insight's background work: the nightly rebuild of the analytics store, and the rebuild
an analyst asks for from the page (queued, never run in the request; its progress written
beside the store for the page's progress bar, `progress.py`).

The worker looks every hour; the store is rebuilt in the night hour
(`settings.HAVEN_INSIGHT_REFRESH_HOUR`, local time, 2 by default: deployment configuration,
not policy) when the last build is more than 20 hours old, so two workers, or a worker
restarted in the night, do not rebuild it twice."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task

from haven.core.jobs import periodic
from haven.insight import progress, store
from haven.insight.services import do_refresh_store

STALE_AFTER = dt.timedelta(hours=20)


def due(now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if timezone.localtime(now).hour != getattr(settings, "HAVEN_INSIGHT_REFRESH_HOUR", 2):
        return False
    built = store.refreshed_at()
    return built is None or now.replace(tzinfo=None) - built >= STALE_AFTER


@periodic(every=dt.timedelta(hours=1))
@task()
def refresh_store() -> int:
    """Rebuild var/insight.duckdb from every room's extract when due; the rows loaded."""
    if not due():
        return 0
    return do_refresh_store(actor=None).total


@task()
def refresh_on_demand(user_id: int) -> int:
    """The page's "Rebuild now", as the user who asked (the action checks their capability
    again when it runs), writing each step for the progress bar; the rows loaded."""
    user = get_user_model().objects.get(pk=user_id)
    tracker = progress.Tracker()
    tracker.start()
    try:
        report = do_refresh_store(actor=user, progress=tracker.table_done)
    except Exception:
        tracker.failed()
        raise
    tracker.done(report)
    return report.total

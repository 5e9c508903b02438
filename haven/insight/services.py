"""The insight room's actions and reads: refreshing the store on demand, reading the
profile of the user's own force, and the logged drill-down from a pseudonym to a person."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import require
from haven.access.log import Action, Outcome, record_access
from haven.core.actions import action
from haven.forces.models import Force
from haven.forces.policy import policy
from haven.insight import progress, store
from haven.people.access import access_person, scoped_persons


def force_for(user, force_code: str, capability: str = "insight.view") -> Force:
    """The user's own force named in the address, else 404 (wrong role or another force)."""
    require(user, capability)
    force = Force.objects.filter(code=force_code).first()
    if force is None or user.force_id != force.pk:
        record_access(user, Action.CONSULTATION, record_type="insight_profile",
                      record_id=force_code[:64], outcome=Outcome.REFUSED)
        raise Http404("Not found")
    return force


@action("insight.refresh", record_type="insight_store", system=True)
def do_refresh_store(*, actor, progress=None):
    """Rebuild the analytics store now (the nightly job and `haven insight refresh` run it
    as the system)."""
    report = store.refresh(progress=progress)
    record_access(actor, Action.CONSULTATION, record_type="insight_store",
                  detail={"rows": report.total, "seconds": round(report.seconds, 3),
                          "rows_per_second": round(report.rows_per_second)},
                  reason="" if actor is not None else "analytics store rebuilt by the system")
    return report


@action("insight.refresh", record_type="insight_store")
def do_queue_refresh(*, actor) -> bool:
    """Queue a rebuild of the store from the page (a background job; the page shows its
    progress). False, and nothing queued, while one is already queued or running."""
    from haven.insight import jobs  # a cycle: the job runs do_refresh_store from here

    if progress.in_progress():
        record_access(actor, Action.CONSULTATION, record_type="insight_store",
                      detail={"queued": False, "reason": "a rebuild is already under way"})
        return False
    progress.queued()
    jobs.refresh_on_demand.enqueue(actor.pk)
    record_access(actor, Action.CONSULTATION, record_type="insight_store",
                  detail={"queued": True})
    return True


def person_for_key(user, force, key: str):
    """The person behind a pseudonym, for a role with need (insight.drill_down), logged as a
    consultation with the reason; the same 404 for an unknown key, another force's person
    or a role without need."""
    require(user, "insight.drill_down")
    pseudonym = store.Pseudonym()
    found = None
    for pk in scoped_persons(user).filter(force=force).values_list("pk", flat=True).iterator(
            chunk_size=5000):
        if pseudonym.person(pk) == key:
            found = pk
            break
    if found is None:
        record_access(user, Action.CONSULTATION, record_type="insight_drill_down",
                      record_id=key[:64], outcome=Outcome.REFUSED)
        raise Http404("Not found")
    return access_person(user, found, reason="insight: opened from a pseudonym in the "
                                             f"problem profile ({timezone.localdate()})")


def default_period(force, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    days = policy(force, "investigation_measures_days", at=today)
    return today - dt.timedelta(days=days - 1), today

"""Performance timings for a force (issue 4 item 8): call to dispatch, call to arrival,
arrival to DASH, DASH to sergeant endorsement. Read-only; for insight and the daily meeting."""

from __future__ import annotations

from statistics import median

from haven.intake import rules
from haven.intake.models import Incident


def timing_summary(force, since=None, until=None) -> dict:
    """{interval: {"count", "median_minutes", "max_minutes"}} over logs opened in the period."""
    incidents = Incident.objects.filter(force=force).select_related("progress")
    if since is not None:
        incidents = incidents.filter(opened_at__gte=since)
    if until is not None:
        incidents = incidents.filter(opened_at__lt=until)
    values: dict[str, list[float]] = {key: [] for key in rules.TIMING_LABELS}
    for incident in incidents.exclude(progress__isnull=True):
        p = incident.progress
        for key, minutes in rules.timings(incident.opened_at, p.dispatched_at, p.attended_at,
                                          p.risk_assessed_at, p.endorsed_at).items():
            if minutes is not None:
                values[key].append(minutes)
    return {key: {"label": rules.TIMING_LABELS[key], "count": len(found),
                  "median_minutes": median(found) if found else None,
                  "max_minutes": max(found) if found else None}
            for key, found in values.items()}

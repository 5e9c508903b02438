"""The risk room's only door into intake: fetch an incident, tell intake a DASH is done."""

from __future__ import annotations

import logging

from haven.intake import public
from haven.intake.public import da_incident_times, suspects_of, victims_of
from haven.intake.services import (
    TransitionRefused,
    access_incident,
    do_record_risk_assessed,
    not_yet_attended,
)
from haven.risk.models import Assessment

log = logging.getLogger(__name__)

__all__ = ["access_incident", "attended_without_dash", "da_incident_times", "record_risk_assessed",
           "suspects_of", "victims_of"]


def record_risk_assessed(incident, *, assessment_id, actor) -> None:
    """Move the log from attended to risk assessed. A log in another state keeps its state
    (e.g. a DASH from a station report); the assessment is never refused for it."""
    if not_yet_attended(incident):
        # Locks the log and reads its state in one query: a log not yet attended would only
        # be refused by the action (five round trips for nothing).
        log.info("incident %s not moved to risk_assessed (state %s)", incident.pk, incident.state)
        return
    try:
        do_record_risk_assessed(incident, assessment_id=assessment_id, actor=actor)
    except TransitionRefused:
        log.info("incident %s not moved to risk_assessed (state %s)", incident.pk, incident.state)


def attended_without_dash(force, *, officer=None):
    """DA incidents attended whose victim has no assessment yet (the officer's to-do).

    With `officer`: only the logs dispatched to that officer, or to no named officer."""
    assessed = Assessment.objects.filter(force=force, incident__isnull=False).values(
        "incident_id")
    return (public.da_incidents(force, state="attended", officer=officer)
            .exclude(pk__in=assessed).order_by("opened_at"))

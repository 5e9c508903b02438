"""The risk room's only door into intake: fetch an incident, tell intake a DASH is done."""

from __future__ import annotations

import logging

from django.db.models import Q

from haven.intake.models import Incident, Involvement
from haven.intake.services import TransitionRefused, access_incident, do_record_risk_assessed

log = logging.getLogger(__name__)

__all__ = ["access_incident", "record_risk_assessed"]


def record_risk_assessed(incident, *, assessment_id, actor) -> None:
    """Move the log from attended to risk assessed. A log in another state keeps its state
    (e.g. a DASH from a station report); the assessment is never refused for it."""
    try:
        do_record_risk_assessed(incident, assessment_id=assessment_id, actor=actor)
    except TransitionRefused:
        log.info("incident %s not moved to risk_assessed (state %s)", incident.pk, incident.state)


def victims_of(incident) -> list:
    return [i.person for i in incident.involvements.filter(role=Involvement.Role.VICTIM)
            .select_related("person")]


def suspects_of(incident) -> list:
    return [i.person for i in incident.involvements.filter(role=Involvement.Role.SUSPECT)
            .select_related("person")]


def da_incident_times(person) -> list:
    """When each DA incident involving this person as victim happened (occurred or opened)."""
    rows = Incident.objects.filter(
        involvements__person=person, involvements__role=Involvement.Role.VICTIM,
        domestic_abuse=True,
    ).distinct().values_list("occurred_at", "opened_at")
    return [occurred or opened for occurred, opened in rows]


def attended_without_dash(force, *, officer=None):
    """DA incidents attended whose victim has no assessment yet (the officer's to-do).

    With `officer`: only the logs dispatched to that officer, or to no named officer."""
    rows = Incident.objects.filter(force=force, domestic_abuse=True, state="attended",
                                   risk_assessments__isnull=True)
    if officer is not None:
        rows = rows.filter(Q(progress__isnull=True) | Q(progress__assigned_officer__isnull=True)
                           | Q(progress__assigned_officer=officer))
    return rows.order_by("opened_at")

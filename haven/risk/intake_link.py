"""The risk room's only door into intake: fetch an incident, tell intake a DASH is done.

Imports are lazy and fall back to a force-scoped fetch and a no-op, so this room works
whether or not intake's services are present.
"""

from __future__ import annotations

import logging

from django.http import Http404

from haven.intake.models import Incident, Involvement

log = logging.getLogger(__name__)


def access_incident(user, incident_id, *, reason: str = ""):
    try:
        from haven.intake.services import access_incident as real
    except ImportError:  # pragma: no cover - intake services not built
        real = None
    if real is not None:
        return real(user, incident_id, reason=reason)
    try:
        pk = int(incident_id)
    except (TypeError, ValueError):
        raise Http404("Not found") from None
    incident = Incident.objects.filter(force_id=user.force_id, pk=pk).first()
    if incident is None:
        raise Http404("Not found")
    return incident


def record_risk_assessed(incident, *, assessment_id, actor) -> None:
    """Move the log from attended to risk assessed. A log in another state keeps its state
    (e.g. a DASH from a station report); the assessment is never refused for it."""
    try:
        from haven.intake.services import do_record_risk_assessed
    except ImportError:  # pragma: no cover - intake services not built
        return
    try:
        from haven.intake.rules import TransitionRefused
    except ImportError:  # pragma: no cover
        TransitionRefused = ValueError  # noqa: N806
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


def attended_without_dash(force):
    """DA incidents attended whose victim has no assessment yet (the officer's to-do)."""
    return (Incident.objects.filter(force=force, domestic_abuse=True, state="attended",
                                    risk_assessments__isnull=True)
            .order_by("opened_at"))

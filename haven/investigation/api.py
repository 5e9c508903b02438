"""Investigation API: read a crime; take a prison release notification (the prison
information process, or any other source). Same rules as the pages; a 400 names the field."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from haven.access.capabilities import require
from haven.investigation import rules, services
from haven.people.access import access_person


def _crime(crime) -> dict:
    return {
        "id": crime.pk, "reference": crime.reference, "victim": crime.victim_id,
        "suspect": crime.suspect_id, "incident": crime.incident_id,
        "domestic_abuse": crime.domestic_abuse, "recorded_at": crime.recorded_at,
        "offences": [{"offence": o.offence, "principal": o.principal}
                     for o in crime.offences.all()],
        "team": crime.team, "allocated_to": crime.allocated_to_id, "arrested": crime.arrested,
        "arrested_at": crime.arrested_at, "no_arrest_reason": crime.no_arrest_reason,
        "outcome": crime.outcome, "outcome_label": rules.outcome_label(crime.outcome),
        "events": [{"kind": e.kind, "occurred_at": e.occurred_at, "conditions": e.conditions}
                   for e in crime.events.all()],
        "version": crime.version}


# For the schema only: the shapes `_crime` and the prison release answer with.
CRIME_SCHEMA = {"type": "object", "additionalProperties": True,
                "required": ["id", "reference", "victim", "offences", "events", "version"],
                "properties": {
                    "id": {"type": "integer"}, "reference": {"type": "string"},
                    "victim": {"type": "integer", "nullable": True},
                    "suspect": {"type": "integer", "nullable": True},
                    "incident": {"type": "integer", "nullable": True},
                    "offences": {"type": "array", "items": {"type": "object"}},
                    "events": {"type": "array", "items": {"type": "object"}},
                    "version": {"type": "integer"}}}
RELEASE_REQUEST = {"type": "object", "required": ["person"], "properties": {
    "person": {"type": "integer"}, "released_at": {"type": "string", "format": "date-time"},
    "source": {"type": "string"}, "note": {"type": "string"}}}
RELEASE_SCHEMA = {"type": "object", "required": ["recorded"], "properties": {"recorded": {
    "type": "array", "items": {"type": "object", "properties": {
        "crime": {"type": "integer"}, "event": {"type": "integer"}}}}}}


@extend_schema_view(retrieve=extend_schema(
    responses={200: CRIME_SCHEMA},
    parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)]))
class CrimeViewSet(viewsets.ViewSet):
    """Crimes in the caller's force; every read is logged (per person named)."""

    lookup_value_regex = r"\d+"

    def retrieve(self, request, pk=None):
        return Response(_crime(services.access_crime(request.user, pk)))


@extend_schema_view(create=extend_schema(request={"application/json": RELEASE_REQUEST},
                                         responses={201: RELEASE_SCHEMA}))
class PrisonReleaseViewSet(viewsets.ViewSet):
    """POST {"person": id, "released_at": ISO 8601 (optional), "source": text, "note": text}:
    records the release on the latest crime against each of the person's victims and makes
    the tasks (tell the victim, re-assess the risk)."""

    def create(self, request):
        require(request.user, "crime.investigate")
        body = request.data
        if not body.get("person"):
            return Response({"person": ["Give the released person's id"]}, status=400)
        person = access_person(request.user, body["person"], reason="prison release")
        released_at = None
        if body.get("released_at"):
            released_at = parse_datetime(str(body["released_at"]))
            if released_at is None:
                return Response({"released_at": ["Give the date and time as ISO 8601"]},
                                status=400)
        try:
            events = services.do_record_prison_release(
                person, released_at=released_at, source=str(body.get("source", "")),
                note=str(body.get("note", "")), actor=request.user)
        except services.InvestigationRefused as refused:
            return Response({k: [v] for k, v in refused.errors.items()}, status=400)
        return Response({"recorded": [{"crime": e.crime_id, "event": e.pk} for e in events]},
                        status=201)


def register(router):
    router.register("investigation/crimes", CrimeViewSet, basename="investigation-crime")
    router.register("investigation/prison-releases", PrisonReleaseViewSet,
                    basename="investigation-prison-release")

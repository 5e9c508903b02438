"""Incident logs for a command-and-control feed: create (with the checklist), read, grade, step.

Every 400 names the field at fault, e.g. {"checklist.weapons": ["..."]}. Wrong role, other
force and missing are all 404.
"""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from haven.access.capabilities import require
from haven.access.log import Action, Outcome, record_access
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit
from haven.intake import rules, services
from haven.intake.creation import IntakeInvalid, do_create_incident
from haven.intake.forms import version_of
from haven.intake.grading import do_grade_incident
from haven.intake.models import Incident
from haven.people.access import scoped_persons

STEPS = {
    "dispatch": services.do_dispatch_incident,
    "attend": services.do_record_attendance,
    "endorse": services.do_endorse_incident,
    "close": services.do_close_incident,
}


class IncidentSerializer(serializers.ModelSerializer):
    grade = serializers.CharField(source="progress.grade", read_only=True)
    checklist = serializers.JSONField(source="progress.checklist", read_only=True)
    checklist_complete = serializers.BooleanField(source="progress.checklist_complete",
                                                  read_only=True)
    serious_reasons = serializers.JSONField(source="progress.serious_reasons", read_only=True)
    risk_markers = serializers.JSONField(source="progress.risk_markers", read_only=True)
    counter_allegation = serializers.BooleanField(source="progress.counter_allegation",
                                                  read_only=True)
    assigned_officer = serializers.IntegerField(source="progress.assigned_officer_id",
                                                read_only=True, allow_null=True)
    assigned_unit = serializers.CharField(source="progress.assigned_unit", read_only=True)
    involvements = serializers.SerializerMethodField()
    timings = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = ["id", "reference", "reported_via", "category", "domestic_abuse", "opened_at",
                  "occurred_at", "address_line", "town", "postcode", "summary", "state",
                  "version", "grade", "checklist", "checklist_complete", "serious_reasons",
                  "risk_markers", "counter_allegation", "assigned_officer", "assigned_unit",
                  "involvements", "timings",
                  "source_system", "source_id"]

    def get_involvements(self, incident) -> list[dict]:
        return [{"person": i.person_id, "role": i.role, "relationship": i.relationship}
                for i in incident.involvements.order_by("id")]

    def get_timings(self, incident) -> dict:
        p = incident.progress
        return rules.timings(incident.opened_at, p.dispatched_at, p.attended_at,
                             p.risk_assessed_at, p.endorsed_at)


def _bad(errors: dict) -> Response:
    return Response({field: [message] for field, message in errors.items()},
                    status=status.HTTP_400_BAD_REQUEST)


def _people(user, rows) -> tuple[list, dict]:
    if rows in (None, ""):
        return [], {}
    if not isinstance(rows, list):
        return [], {"involvements": "Give a list of {person, role, relationship}."}
    found, errors = [], {}
    # Everyone named by id, in one read of the caller's scope.
    named = [db_int(str(row.get("person", ""))) for row in rows if isinstance(row, dict)]
    in_scope = scoped_persons(user).in_bulk([pk for pk in named if pk is not None])
    for index, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        details = row.get("person") if isinstance(row.get("person"), dict) else row.get(
            "details")
        person_id = db_int(str(row.get("person", "")))  # str: JSON true is not person 1
        if isinstance(details, dict) and person_id is None:
            # Someone Haven has not met: recorded from these details when the log is saved.
            found.append({"details": details, "role": row.get("role", ""),
                          "relationship": row.get("relationship", "")})
            continue
        person = in_scope.get(person_id) if person_id is not None else None
        if person is None:
            errors[f"involvements.{index}.person"] = "No such person in your force."
            record_access(user, Action.CONSULTATION, record_type="incident_involvement",
                          person_id=person_id, outcome=Outcome.REFUSED,
                          reason="person named by id on a new log")
            continue
        found.append({"person": person, "role": row.get("role", ""),
                      "relationship": row.get("relationship", "")})
    return found, errors


class IncidentSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    state = serializers.CharField()
    grade = serializers.CharField()


@extend_schema_serializer(many=False)  # the answer is one object, not a list of them
class IncidentListSerializer(serializers.Serializer):
    """The list: a short summary per open log (the detail has the rest), under "results".
    For the schema only."""

    results = IncidentSummarySerializer(many=True)


@extend_schema_view(list=extend_schema(responses={200: IncidentListSerializer}),
                    **{name: extend_schema(parameters=[
                        OpenApiParameter("id", int, OpenApiParameter.PATH)])
                       for name in ("retrieve", "grade", "step")})
class IncidentViewSet(viewsets.ViewSet):
    serializer_class = IncidentSerializer

    def list(self, request):
        require(request.user, "incident.view")
        incidents = (services.scoped_incidents(request.user).exclude(state=rules.CLOSED)
                     .select_related("progress").order_by("-opened_at")[:100])
        return Response({"results": [{"id": i.pk, "reference": i.reference, "state": i.state,
                                      "grade": i.progress.grade if hasattr(i, "progress")
                                      else ""} for i in incidents]})

    def retrieve(self, request, pk=None):
        incident = services.access_incident(request.user, pk)
        return Response(IncidentSerializer(incident).data)

    def create(self, request):
        """Open a log: reported_via, category, domestic_abuse, address_line, town, postcode,
        summary, source_system, source_id, checklist {code: {answer, not_asked}},
        involvements [{person, role, relationship}] where `person` is a person's id or, for
        someone Haven has not met, their details {forename, surname, date_of_birth, phone,
        address_line, town, postcode} (any that are known; recorded as a Haven source record
        and linked)."""
        require(request.user, "incident.create")
        data = request.data
        people, errors = _people(request.user, data.get("involvements"))
        if errors:
            return _bad(errors)
        try:
            incident = do_create_incident(
                request.user.force, reported_via=data.get("reported_via", ""),
                category=data.get("category", ""),
                domestic_abuse=data.get("domestic_abuse", True) not in (False, "false", "no"),
                checklist=data.get("checklist") or {}, involvements=people,
                address_line=data.get("address_line", ""), town=data.get("town", ""),
                postcode=data.get("postcode", ""), summary=data.get("summary", ""),
                source_system=data.get("source_system", ""),
                source_id=data.get("source_id", ""), actor=request.user,
            )
        except IntakeInvalid as invalid:
            return _bad(invalid.errors)
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def grade(self, request, pk=None):
        """grade, thrive {threat, harm, risk, investigation, vulnerability, engagement}, reason,
        supervisor_rationale, delay_risk_checked, delay_check_note, victim_requested, version."""
        incident = services.access_incident(request.user, pk)
        data = request.data
        try:
            do_grade_incident(
                incident, grade=data.get("grade", ""), thrive=data.get("thrive") or {},
                reason=data.get("reason", ""),
                supervisor_rationale=data.get("supervisor_rationale", ""),
                delay_risk_checked=bool(data.get("delay_risk_checked")),
                delay_check_note=data.get("delay_check_note", ""),
                victim_requested=bool(data.get("victim_requested")),
                version=version_of(data), actor=request.user,
            )
        except IntakeInvalid as invalid:
            return _bad(invalid.errors)
        except StaleEdit as stale:
            return Response({"version": [str(stale)]}, status=status.HTTP_409_CONFLICT)
        incident.refresh_from_db()
        return Response(IncidentSerializer(incident).data)

    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        """step: dispatch (with officer: a user id, and/or unit: a callsign) | attend |
        endorse (with supervision) | close; version."""
        incident = services.access_incident(request.user, pk)
        name = request.data.get("step", "")
        if name not in STEPS:
            return _bad({"step": "Choose a step: " + ", ".join(STEPS) + "."})
        kwargs = {"actor": request.user, "version": version_of(request.data)}
        if name == "endorse":
            kwargs["supervision"] = request.data.get("supervision", "")
        if name == "dispatch":
            officer_id = str(request.data.get("officer") or "")
            kwargs["officer"] = next((u for u in services.dispatchable_officers(
                request.user.force) if str(u.pk) == officer_id), None)
            if officer_id and kwargs["officer"] is None:
                return _bad({"officer": "No such officer in your force who can attend."})
            kwargs["unit"] = str(request.data.get("unit") or "")
        try:
            STEPS[name](incident, **kwargs)
        except services.TransitionRefused as refused:
            field = "supervision" if "supervision" in str(refused) else "step"
            return _bad({field: str(refused)})
        except StaleEdit as stale:
            return Response({"version": [str(stale)]}, status=status.HTTP_409_CONFLICT)
        incident.refresh_from_db()
        return Response(IncidentSerializer(incident).data)


def register(router):
    router.register("incidents", IncidentViewSet, basename="incident")

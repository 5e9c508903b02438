"""Risk API: read an assessment, complete one, record the reviews. Same rules as the pages;
a 400 names the field (`{"<field>": ["message"]}`)."""

from __future__ import annotations

from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from haven.access.capabilities import require
from haven.people.access import access_person
from haven.risk import intake_link
from haven.risk.forms import yes_no
from haven.risk.models import Assessment
from haven.risk.review import do_review_hau
from haven.risk.services import (
    AssessmentInput,
    AssessmentRefused,
    GradingRefused,
    StaleEdit,
    access_assessment,
    do_complete_assessment,
    do_review_sergeant,
    may_read_answers,
    require_logged,
)


class AssessmentSerializer(serializers.ModelSerializer):
    """The fact of risk for everyone with `risk.view`; the answers (and what quotes them) only
    for those with need (`may_read_answers`): pass the reader as context["user"]."""

    flags = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()
    questionnaire = serializers.StringRelatedField()

    SUMMARY = ["id", "victim", "incident", "questionnaire", "status", "method",
               "victim_response", "score", "threshold", "grade", "grade_basis", "escalation",
               "completed_at", "sergeant_at", "hau_at", "version", "flags", "history",
               "contact", "answers_shown"]
    ANSWERS = ["stalking_triggered", "hba_triggered", "answers", "victim_view",
               "other_information", "safeguarding_guidance", "children"]

    class Meta:
        model = Assessment
        fields = ["id", "victim", "incident", "questionnaire", "status", "method",
                  "victim_response", "score", "threshold", "grade", "grade_basis", "escalation",
                  "stalking_triggered", "hba_triggered", "completed_at", "sergeant_at", "hau_at",
                  "version", "flags", "history", "contact", "victim_view", "other_information",
                  "safeguarding_guidance"]

    def _shows_answers(self, a) -> bool:
        user = self.context.get("user")
        return user is not None and may_read_answers(user, a)

    def to_representation(self, a):
        data = super().to_representation(a)
        shown = self._shows_answers(a)
        data["answers_shown"] = shown
        if shown:
            data["answers"] = [{"code": x.question.code, "value": x.value, "source": x.source}
                               for x in a.answers.select_related("question")]
            data["children"] = list(a.children.values("name", "age", "school", "present"))
            return data
        return {key: data[key] for key in self.SUMMARY if key in data}

    def get_flags(self, a) -> list[dict]:
        return [{"reason": f.reason, "source": f.source, "raised_at": f.raised_at}
                for f in a.flags.filter(cleared_at__isnull=True)]

    def get_history(self, a) -> list[dict]:
        shown = self._shows_answers(a)
        return [{"stage": e.stage, "role": e.role, "at": e.at, "from": e.from_grade,
                 "to": e.to_grade, **({"rationale": e.rationale} if shown else {})}
                for e in a.grading_events.all()]

    def get_contact(self, a) -> dict:
        def who(user):
            return user.get_username() if user is not None else None
        return {"unit": "hau", "assessed_by": who(a.completed_by),
                "reviewed_by": who(a.sergeant_by)}


def _refused(exc) -> Response:
    if isinstance(exc, AssessmentRefused):
        return Response({f: [m] for f, m in exc.errors.items()},
                        status=status.HTTP_400_BAD_REQUEST)
    field = getattr(exc, "field", "non_field_errors")
    return Response({field: [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)


def _answers(raw) -> dict:
    if not isinstance(raw, dict):
        raise GradingRefused("answers", "answers must be an object of code -> answer")
    answers = {}
    for code, item in raw.items():
        if isinstance(item, dict):
            answers[code] = (item.get("value", ""), item.get("source", "victim"),
                             item.get("comment", ""))
        else:
            answers[code] = (str(item), "victim", "")
    return answers


def _data(request, assessment) -> dict:
    return AssessmentSerializer(assessment, context={"user": request.user}).data


class AssessmentViewSet(viewsets.ViewSet):
    """Risk assessments in the caller's force; every read and change is logged."""

    serializer_class = AssessmentSerializer
    lookup_value_regex = r"\d+"

    def retrieve(self, request, pk=None):
        require_logged(request.user, "risk.view", record_type="risk_assessment", record_id=pk)
        return Response(_data(request, access_assessment(request.user, pk)))

    def create(self, request):
        require(request.user, "risk.complete")
        body = request.data
        incident = None
        if body.get("incident"):
            incident = intake_link.access_incident(request.user, body["incident"],
                                                   reason="risk assessment")
        if not body.get("person"):
            return Response({"person": ["Give the victim's person id"]}, status=400)
        victim = access_person(request.user, body["person"], reason="risk assessment")
        try:
            data = AssessmentInput(
                answers=_answers(body.get("answers", {})), grade=body.get("grade", ""),
                rationale=body.get("rationale", ""), method=body.get("method", "in_person"),
                victim_response=body.get("victim_response", "answered"),
                response_reason=body.get("response_reason", ""),
                victim_view=body.get("victim_view", ""),
                other_information=body.get("other_information", ""),
                hba_concern=bool(body.get("hba_concern")), children=body.get("children") or [])
            assessment = do_complete_assessment(victim=victim, incident=incident, data=data,
                                                actor=request.user)
        except GradingRefused as exc:
            return _refused(exc)
        return Response(_data(request, assessment), status=201)

    @action(detail=True, methods=["post"])
    def sergeant_review(self, request, pk=None):
        require_logged(request.user, "risk.review_sergeant", record_type="risk_assessment",
                       record_id=pk, reason="sergeant review")
        assessment = access_assessment(request.user, pk, reason="sergeant review")
        try:
            do_review_sergeant(assessment, version=request.data.get("version"),
                               grade=request.data.get("grade", ""),
                               rationale=request.data.get("rationale", ""),
                               guidance=request.data.get("guidance", ""), actor=request.user)
        except GradingRefused as exc:
            return _refused(exc)
        except StaleEdit as exc:
            return Response({"version": [str(exc)]}, status=409)
        return Response(_data(request, assessment))

    @action(detail=True, methods=["post"])
    def hau_review(self, request, pk=None):
        require_logged(request.user, "risk.hau_review", record_type="risk_assessment",
                       record_id=pk, reason="HAU review")
        assessment = access_assessment(request.user, pk, reason="HAU review")
        matched = request.data.get("response_matched")
        if not isinstance(matched, bool):
            matched = yes_no(str(matched or "").lower())
        try:
            tasks = do_review_hau(assessment, version=request.data.get("version"),
                                  grade=request.data.get("grade", ""),
                                  rationale=request.data.get("rationale", ""),
                                  response_matched=matched, notes=request.data.get("notes", ""),
                                  actor=request.user)
        except GradingRefused as exc:
            return _refused(exc)
        except StaleEdit as exc:
            return Response({"version": [str(exc)]}, status=409)
        data = _data(request, assessment)
        data["tasks"] = [{"id": t.pk, "kind": t.kind, "due_at": t.due_at} for t in tasks]
        return Response(data)


def register(router):
    router.register("risk/assessments", AssessmentViewSet, basename="risk-assessment")

"""Safeguarding API: the victim's case, with the same rules as the pages.

`GET /api/v1/safeguarding/cases/` lists the cases the caller may see (names the victims, so
the list is logged person by person); `GET /api/v1/safeguarding/cases/<id>/` is the full case
for roles with need (or a live break-glass) and the sanitised case for everyone else. No
answer carries an address, and the sanitised answer carries no narrative, DASH answer,
health or partner information.
"""

from __future__ import annotations

import importlib.util

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from haven.access.log import record_list_access
from haven.safeguarding import allocation
from haven.safeguarding.models import PlanAction
from haven.safeguarding.presenters import person_names
from haven.safeguarding.services import (
    access_case,
    contact_preferences_for,
    has_full_view,
    sanitised_case,
    sanitised_cases,
    scoped_cases,
)
from haven.safeguarding.views import _refuse


def _sanitised(case, name: str, data: dict | None = None) -> dict:
    data = sanitised_case(case) if data is None else data
    data["name"] = name
    data["view"] = "sanitised"
    return data


def _full(case, name: str) -> dict:
    prefs = contact_preferences_for(case.force_id, case.person_id)
    plan = list(case.plan_actions.select_related("owner_user", "owner_agency"))
    # The plan and the preferences are read once, for both halves of the answer.
    data = _sanitised(case, name, sanitised_case(
        case, prefs=prefs, plan_exists=any(p.status != PlanAction.Status.CANCELLED
                                           for p in plan)))
    data.update({
        "view": "full",
        "held_by": allocation.holder_name(case, reveal=True),
        "area": None if case.area_confidential else case.area,
        "area_withheld": case.area_confidential,
        "close_reason": case.close_reason,
        "contact_preferences": None if prefs is None else {
            "safe_number": prefs.safe_number, "safe_times": prefs.safe_times,
            "no_messages": prefs.no_messages, "no_letters_home": prefs.no_letters_home,
            "notes": prefs.notes, "version": prefs.version},
        "plan": [{"id": p.pk, "kind": p.kind, "detail": p.detail, "owner": p.owner_name,
                  "owner_kind": p.owner_kind, "due_on": p.due_on, "status": p.status,
                  "version": p.version}
                 for p in plan],
        "risk_history": [{"at": r.at, "from": r.from_grade, "to": r.to_grade,
                          "mitigation": r.mitigation, "rationale": r.rationale,
                          "source": r.source} for r in case.risk_changes.all()],
        "version": case.version,
    })
    return data


# For the schema only: a case is the sanitised view for anyone who may meet the victim, and
# the full view (plan, contact preferences, who holds it) for those with need to know.
CASE_SCHEMA = {"type": "object", "required": ["view", "name"], "additionalProperties": True,
               "properties": {"view": {"type": "string", "enum": ["sanitised", "full"]},
                              "name": {"type": "string"}}}


@extend_schema_view(
    list=extend_schema(responses={200: {"type": "array", "items": CASE_SCHEMA}}),
    retrieve=extend_schema(responses={200: CASE_SCHEMA}))
class CaseViewSet(viewsets.ViewSet):
    """Victims' cases; every read is logged."""

    lookup_value_regex = r"[^/]+"

    def list(self, request):
        _refuse(request.user, "case.view", "api list", "case list (API)")
        rows = list(scoped_cases(request.user).filter(status="open")
                    .select_related("force", "allocated_user").order_by("id")[:500])
        names = person_names(request.user, [c.person_id for c in rows])
        record_list_access(request.user, record_type="safeguarding_case_list",
                           reason="case list (API)",
                           shown={c.person_id: [f"case:{c.pk}"] for c in rows})
        return Response([_sanitised(c, names.get(c.person_id, ""), data)
                         for c, data in zip(rows, sanitised_cases(rows), strict=True)])

    def retrieve(self, request, pk=None):
        _refuse(request.user, "case.view", pk, "case (API)")
        case = access_case(request.user, pk, reason="case (API)")
        name = person_names(request.user, [case.person_id]).get(case.person_id, "")
        if has_full_view(request.user, case):
            return Response(_full(case, name))
        return Response(_sanitised(case, name))


def register(router):
    router.register("safeguarding/cases", CaseViewSet, basename="safeguarding-case")
    # The partners' part of this room (referrals, letters, meetings, board) adds its own.
    if importlib.util.find_spec("haven.safeguarding.api_partners") is not None:
        # Imported only when the partners' API module exists (find_spec above).
        from haven.safeguarding import api_partners

        api_partners.register(router)

"""Risk's part of the call-time history (`haven.people.history`): the highest grade of the
person's completed assessments within `history_lookback_days`. Registered in
RiskConfig.ready()."""

from __future__ import annotations

from haven.people.history import higher_grade, register_history_facts
from haven.risk.models import Assessment


def assessment_facts(ids, at, windows, context) -> dict[int, dict]:
    out: dict[int, dict] = {}
    rows = (Assessment.objects.filter(victim_id__in=ids, completed_at__isnull=False)
            .values_list("victim_id", "grade", "completed_at"))
    for person_id, grade, completed in rows:
        if at - completed <= windows[person_id]["history"]:
            facts = out.setdefault(person_id, {"highest_dash_grade_12m": None})
            facts["highest_dash_grade_12m"] = higher_grade(facts["highest_dash_grade_12m"],
                                                           grade)
    return out


def register() -> None:
    register_history_facts("risk.assessments", assessment_facts,
                           defaults={"highest_dash_grade_12m": None})

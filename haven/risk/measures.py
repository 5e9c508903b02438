"""Compliance measures for a force, as plain dicts (later analytics read these).

Each function takes a force and an optional period [since, until) on completion time.
"""

from __future__ import annotations

import statistics

from haven.intake import public as intake
from haven.risk.models import Assessment, GradingEvent


def _assessments(force, since=None, until=None):
    rows = Assessment.objects.filter(force=force, completed_at__isnull=False)
    if since:
        rows = rows.filter(completed_at__gte=since)
    if until:
        rows = rows.filter(completed_at__lt=until)
    return rows


def _durations(pairs) -> dict:
    hours = [(end - start).total_seconds() / 3600 for start, end in pairs
             if start is not None and end is not None and end >= start]
    if not hours:
        return {"count": 0, "median_hours": None, "mean_hours": None}
    return {"count": len(hours), "median_hours": round(statistics.median(hours), 2),
            "mean_hours": round(statistics.fmean(hours), 2)}


def dash_share(force, since=None, until=None) -> dict:
    """Share of domestic abuse incidents (opened in the period) with a risk assessment."""
    incidents = intake.da_incidents(force, since=since, until=until)
    total = incidents.count()
    with_dash = (Assessment.objects.filter(incident_id__in=incidents.values("pk"),
                                           completed_at__isnull=False)
                 .values("incident_id").distinct().count())
    return {"incidents": total, "with_dash": with_dash,
            "share": round(with_dash / total, 3) if total else None}


def attendance_to_dash(force, since=None, until=None) -> dict:
    """Hours from the officer's arrival (intake's record) to the completed DASH."""
    rows = list(_assessments(force, since, until).filter(incident__isnull=False)
                .values_list("incident_id", "completed_at"))
    attended = intake.attended_at(r[0] for r in rows)
    return _durations((attended.get(incident_id), done) for incident_id, done in rows)


def time_to_sergeant_review(force, since=None, until=None) -> dict:
    return _durations(_assessments(force, since, until).values_list("completed_at",
                                                                    "sergeant_at"))


def time_to_hau_review(force, since=None, until=None) -> dict:
    return _durations(_assessments(force, since, until).values_list("completed_at", "hau_at"))


def _changed(assessment_ids) -> set[int]:
    events = GradingEvent.objects.filter(assessment_id__in=assessment_ids).exclude(
        stage=GradingEvent.Stage.OFFICER).values_list("assessment_id", "from_grade", "to_grade")
    return {pk for pk, before, after in events if before != after}


def regrade_rates(force, since=None, until=None) -> dict:
    """How often the officer's grade was changed on review, by that grade and by officer."""
    officer_events = list(
        GradingEvent.objects.filter(assessment__in=_assessments(force, since, until),
                                    stage=GradingEvent.Stage.OFFICER)
        .values_list("assessment_id", "to_grade", "actor_id", "actor__username"))
    changed = _changed([row[0] for row in officer_events])
    by_grade: dict[str, dict] = {}
    by_officer: dict[int, dict] = {}
    for pk, grade, actor_id, username in officer_events:
        for bucket, key, extra in ((by_grade, grade, {}),
                                   (by_officer, actor_id, {"officer": username})):
            row = bucket.setdefault(key, {"assessments": 0, "regraded": 0, **extra})
            row["assessments"] += 1
            row["regraded"] += pk in changed
    for bucket in (by_grade, by_officer):
        for row in bucket.values():
            row["rate"] = round(row["regraded"] / row["assessments"], 3)
    return {"by_grade": by_grade, "by_officer": by_officer}


def all_measures(force, since=None, until=None) -> dict:
    return {
        "dash_share": dash_share(force, since, until),
        "attendance_to_dash": attendance_to_dash(force, since, until),
        "time_to_sergeant_review": time_to_sergeant_review(force, since, until),
        "time_to_hau_review": time_to_hau_review(force, since, until),
        "regrade_rates": regrade_rates(force, since, until),
    }

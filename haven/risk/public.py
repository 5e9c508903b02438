"""What risk offers other rooms to read (ids, grades and flags; never the answers).

Rooms read risk through these (and `services.access_assessment` for a user's read), never
through risk's models: haven/core/tests/test_room_boundaries.py.
"""

from __future__ import annotations

from haven.risk.models import Assessment


def assessments_for_audit(force, *, since=None, until=None, ids=None) -> list[dict]:
    """The force's completed assessments (completed in [since, until), or those `ids`) with
    the officer who completed them, as plain rows for the assurance room's DASH audits:
    {id, incident_id, completed_at, officer_id, grade, grade_basis, score, threshold,
    escalation, status, supervised (a sergeant's review recorded), reviewed (HAU)}.
    Never the answers, the victim's view or any name."""
    rows = Assessment.objects.filter(force=force, completed_at__isnull=False,
                                     completed_by__isnull=False)
    if since is not None:
        rows = rows.filter(completed_at__gte=since)
    if until is not None:
        rows = rows.filter(completed_at__lt=until)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    out = []
    for (pk, incident, completed, officer, grade, basis, score, threshold, escalation,
         status, sergeant_at, hau_at) in rows.values_list(
            "pk", "incident_id", "completed_at", "completed_by_id", "grade", "grade_basis",
            "score", "threshold", "escalation", "status", "sergeant_at", "hau_at"):
        out.append({"id": pk, "incident_id": incident, "completed_at": completed,
                    "officer_id": officer, "grade": grade or "", "grade_basis": basis or "",
                    "score": score, "threshold": threshold, "escalation": bool(escalation),
                    "status": status, "supervised": sergeant_at is not None,
                    "reviewed": hau_at is not None})
    return out

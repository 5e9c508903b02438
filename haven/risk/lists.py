"""What every risk list shows about each row: the victim's name, the address area and what is
due when; and the one access-log entry that records which persons a list showed.

A list shows names, so reading it is a read of each person on it (ADR 0002): one entry per
list read, with the person ids shown (ids only, never names).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from haven.access.log import record_list_access
from haven.forces.policy import policy
from haven.people.addresses import NO_ADDRESS, WITHHELD, address_areas, postcode_district
from haven.risk.models import Assessment, ReassessmentFlag
from haven.tasks.services import tasks_from

# The area of a victim's address comes from the people room, which owns addresses.
__all__ = ["NO_ADDRESS", "WITHHELD", "address_areas", "log_list", "postcode_district"]


def log_list(user, *, reason: str, person_ids, assessment_ids=(), incident_ids=()) -> None:
    """One access-log entry per person the list showed (the one rule for every list:
    `record_list_access`), each naming the rows that showed them when the caller passed
    them row by row."""
    person_ids = list(person_ids)
    shown: dict[int, list] = {pk: [] for pk in person_ids}
    for rows, prefix in ((list(assessment_ids), "assessment:"), (list(incident_ids),
                                                                 "incident:")):
        if len(rows) == len(person_ids):
            for pk, row in zip(person_ids, rows, strict=True):
                shown[pk].append(f"{prefix}{row}")
    record_list_access(user, record_type="risk_assessment_list", reason=reason, shown=shown)


def _due_by_assessment(assessments) -> dict[int, list[dict]]:
    """assessment id -> what is due on it and when, from the open tasks the risk room made."""
    by_pk = {a.pk: a for a in assessments}
    due: dict[int, list[dict]] = defaultdict(list)
    flags = {f.pk: f for f in ReassessmentFlag.objects.filter(
        assessment_id__in=by_pk, cleared_at__isnull=True)}
    tasks = tasks_from(source_room="risk", source_type="assessment", source_ids=by_pk,
                       kinds=["hau_review"], open_only=True).values_list(
        "source_type", "source_id", "kind", "due_at")
    flag_tasks = tasks_from(source_room="risk", source_type="reassessment_flag",
                            source_ids=flags, kinds=["reassessment"], open_only=True
                            ).values_list("source_type", "source_id", "kind", "due_at")
    for source_type, source_id, _kind, due_at in [*tasks, *flag_tasks]:
        if source_type == "assessment":
            due[int(source_id)].append({"what": "HAU review", "at": due_at})
        else:
            flag = flags[int(source_id)]
            due[flag.assessment_id].append({"what": f"Re-assess ({flag.reason})", "at": due_at})
    now = timezone.now()
    for pk, a in by_pk.items():
        if a.status == Assessment.Status.AWAITING_SERGEANT:
            due[pk].insert(0, {"what": "Supervisor review", "at": None})
        for item in due[pk]:
            item["overdue"] = item["at"] is not None and item["at"] < now
    return due


def assessment_rows(assessments) -> list[dict]:
    """Rows for a list of assessments, most urgent first (earliest due time)."""
    assessments = list(assessments)
    areas = address_areas(a.victim_id for a in assessments)
    due = _due_by_assessment(assessments)
    far = timezone.now() + dt.timedelta(days=36500)
    rows = [{"a": a, "name": a.victim.display_name, "area": areas[a.victim_id],
             "due": due.get(a.pk, []),
             "next_at": min((d["at"] for d in due.get(a.pk, []) if d["at"]), default=far)}
            for a in assessments]
    return rows


def due_text(items: list[dict]) -> str:
    parts = []
    for item in items:
        if item["at"] is None:
            parts.append(f"{item['what']}: awaited")
        else:
            when = timezone.localtime(item["at"]).strftime("%a %d %b %H:%M")
            parts.append(f"{item['what']} {'overdue since' if item['overdue'] else 'due'} "
                         f"{when}")
    return "; ".join(parts) or "Nothing due"


def dash_due_at(incident):
    """When the DASH for an attended incident is due: arrival plus the force's hours."""
    progress = getattr(incident, "progress", None)
    start = (progress.attended_at if progress is not None and progress.attended_at
             else incident.opened_at)
    return start + dt.timedelta(hours=policy(incident.force, "dash_due_hours_after_attendance",
                                             at=start))

"""What risk gives the insight store (docs/insight.md, "The extract shape"): each completed
assessment's grade, the victim as a pseudonymous key, and the incident it followed. Never
the answers."""

from __future__ import annotations

from django.utils import timezone

from haven.core.extracts import narrowed
from haven.forces.models import Force
from haven.risk.models import Assessment

TABLES = {
    "assessments": [("force_code", "VARCHAR"), ("assessment_id", "BIGINT"),
                    ("incident_id", "BIGINT"), ("victim_key", "VARCHAR"),
                    ("completed_at", "TIMESTAMP"), ("grade", "VARCHAR")],
}


def extracts(force_ids, since, until, *, pseudonym) -> dict:
    codes = dict(Force.objects.values_list("pk", "code"))
    rows = Assessment.objects.filter(completed_at__isnull=False)
    rows = narrowed(rows, force_ids, since, until, dated="completed_at")

    def assessment_rows():
        for pk, force_id, incident_id, victim_id, completed, grade in rows.values_list(
                "pk", "force_id", "incident_id", "victim_id", "completed_at",
                "grade").iterator(chunk_size=20000):
            yield (codes.get(force_id), pk, incident_id, pseudonym.person(victim_id),
                   timezone.localtime(completed).replace(tzinfo=None), grade or None)

    return {"assessments": assessment_rows()}

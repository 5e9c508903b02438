"""What the people room gives the insight store (docs/insight.md, "The extract shape"):
one row per linked person, pseudonymised. No name, no full date of birth, no address: the
year of birth (for age bands at the time of an incident) and the recorded sex only.

`legacy_assessments`: the DASH assessments of legacy exports (`risk_assessments.csv`), which
this room still keeps whole as `LegacyRecord`s (the risk room does not claim them): the
grade (the supervisor's, else the officer's), when completed, the victim as a pseudonymous
key and the Haven incident it followed (insight counts them once per reconciled event).
Never the answers."""

from __future__ import annotations

from django.utils import timezone

from haven.core.extracts import narrowed
from haven.forces.models import Force
from haven.people.models import LegacyRecord, Person

GRADES = ("standard", "medium", "high")

TABLES = {
    "persons": [("force_code", "VARCHAR"), ("person_key", "VARCHAR"),
                ("birth_year", "INTEGER"), ("sex", "VARCHAR")],
    "legacy_assessments": [("force_code", "VARCHAR"), ("record_id", "BIGINT"),
                           ("source_system", "VARCHAR"), ("incident_id", "BIGINT"),
                           ("victim_key", "VARCHAR"), ("completed_at", "TIMESTAMP"),
                           ("grade", "VARCHAR")],
}


def _grade(supervisor, officer) -> str | None:
    """The legacy row's grade: the supervisor's when given, else the officer's (as the
    call-time history reads it); anything but standard/medium/high is no grade."""
    for given in (supervisor, officer):
        value = str(given or "").strip().lower()
        if value:
            return value if value in GRADES else None
    return None


def extracts(force_ids, since, until, *, pseudonym) -> dict:
    """Persons are not dated: `since`/`until` do not narrow them (an incident in the period
    may involve a person first recorded long before)."""
    codes = dict(Force.objects.values_list("pk", "code"))
    rows = Person.objects.filter(merged_into__isnull=True)
    if force_ids is not None:
        rows = rows.filter(force_id__in=list(force_ids))

    def persons():
        for pk, force_id, born, gender in rows.values_list(
                "pk", "force_id", "date_of_birth", "gender").iterator(chunk_size=20000):
            yield (codes.get(force_id), pseudonym.person(pk), born.year if born else None,
                   gender or None)

    assessments = LegacyRecord.objects.filter(kind=LegacyRecord.Kind.RISK_ASSESSMENT,
                                              occurred_at__isnull=False)
    assessments = narrowed(assessments, force_ids, since, until, dated="occurred_at")

    def legacy_assessments():
        # the two grade keys only: the row's DASH answers are never read out of the database
        for pk, force_id, system, incident_id, person_id, completed, supervisor, officer in (
                assessments.values_list("pk", "force_id", "system", "incident_id",
                                        "subject__person_id", "occurred_at",
                                        "data__supervisor_grade", "data__officer_grade")
                .iterator(chunk_size=20000)):
            yield (codes.get(force_id), pk, system, incident_id, pseudonym.person(person_id),
                   timezone.localtime(completed).replace(tzinfo=None),
                   _grade(supervisor, officer))

    return {"persons": persons(), "legacy_assessments": legacy_assessments()}

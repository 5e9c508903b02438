"""What the people room gives the insight store (docs/insight.md, "The extract shape"):
one row per linked person, pseudonymised. No name, no full date of birth, no address: the
year of birth (for age bands at the time of an incident) and the recorded sex only."""

from __future__ import annotations

from haven.forces.models import Force
from haven.people.models import Person

TABLES = {
    "persons": [("force_code", "VARCHAR"), ("person_key", "VARCHAR"),
                ("birth_year", "INTEGER"), ("sex", "VARCHAR")],
}


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

    return {"persons": persons()}

"""The call-time history's `open_case`: an open domestic abuse crime (no outcome yet) with
the person as victim or suspect, from this room's crimes (legacy and Haven-recorded)."""

from __future__ import annotations

from django.db.models import Q

from haven.investigation.models import Crime
from haven.people.history import register_history_facts


def crime_facts(ids, at, windows, context) -> dict[int, dict]:
    wanted = set(ids)
    out: dict[int, dict] = {}
    rows = (Crime.objects.filter(domestic_abuse=True, outcome__isnull=True, recorded_at__lte=at)
            .filter(Q(victim_id__in=ids) | Q(suspect_id__in=ids))
            .values_list("victim_id", "suspect_id"))
    for victim_id, suspect_id in rows:
        for person_id in (victim_id, suspect_id):
            if person_id in wanted:
                out[person_id] = {"open_case": True}
    return out


def register() -> None:
    register_history_facts("investigation.crimes", crime_facts, defaults={"open_case": False})

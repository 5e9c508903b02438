"""How the perpetrators room's rows follow a person through merge, unmerge and relink.

Two uniqueness rules could stop a merge or a relink of one man's duplicate persons:
- a ranking run has one row per person. Run rows are derived (recomputed by every run),
  so a duplicate row of the same run is deleted, not kept: the next run ranks the merged
  person once, with all his incidents;
- a person has one open programme adoption. A duplicate open adoption is ended ("merged
  with another adoption of the same person"), never deleted: its plan stays readable.
Registered with `haven.people.movers.register_person_mover` in PerpetratorsConfig.ready().
"""

from __future__ import annotations

from django.utils import timezone

from haven.people.movers import register_person_mover
from haven.perpetrators.models import Adoption, Ranked

MERGED = "Ended when this person was found to be the same as another on the programme"


def drop_duplicate_rankings(source_ids: list[int], target_id: int) -> list[dict]:
    runs = set(Ranked.objects.filter(person_id=target_id).values_list("run_id", flat=True))
    Ranked.objects.filter(person_id__in=source_ids, run_id__in=runs).delete()
    return []  # derived rows: nothing to restore on unmerge (the next run ranks both)


def dedupe_rankings(rows, mapping):
    runs = dict(Ranked.objects.filter(pk__in=[pk for pk, _ in rows])
                .values_list("pk", "run_id"))
    seen = set(Ranked.objects.filter(person_id__in=set(mapping.values()))
               .values_list("run_id", "person_id"))
    keep, drop = [], []
    for pk, old in rows:
        key = (runs[pk], mapping[old])
        (drop if key in seen else keep).append((pk, old))
        seen.add(key)
    if drop:
        Ranked.objects.filter(pk__in=[pk for pk, _ in drop]).delete()
    return keep


def drop_duplicate_adoptions(source_ids: list[int], target_id: int) -> list[dict]:
    if Adoption.objects.filter(person_id=target_id, ended_on__isnull=True).exists():
        _end(Adoption.objects.filter(person_id__in=source_ids, ended_on__isnull=True)
             .values_list("pk", flat=True))
    return []  # ended, not removed: the rows move with the person


def dedupe_adoptions(rows, mapping):
    open_ids = set(Adoption.objects.filter(pk__in=[pk for pk, _ in rows],
                                           ended_on__isnull=True).values_list("pk", flat=True))
    targets_open = set(Adoption.objects.filter(person_id__in=set(mapping.values()),
                                               ended_on__isnull=True)
                       .exclude(pk__in=[pk for pk, _ in rows])
                       .values_list("person_id", flat=True))
    to_end = []
    for pk, old in rows:
        if pk in open_ids:
            if mapping[old] in targets_open:
                to_end.append(pk)
            targets_open.add(mapping[old])
    _end(to_end)
    return list(rows)


def _end(adoption_ids) -> None:
    Adoption.objects.filter(pk__in=list(adoption_ids)).update(ended_on=timezone.localdate(),
                                                               end_reason=MERGED)


def _nothing(rows) -> None:
    return None


def register() -> None:
    register_person_mover("perpetrators.Ranked", drop_duplicates=drop_duplicate_rankings,
                          restore=_nothing, dedupe=dedupe_rankings)
    register_person_mover("perpetrators.Adoption", drop_duplicates=drop_duplicate_adoptions,
                          restore=_nothing, dedupe=dedupe_adoptions)

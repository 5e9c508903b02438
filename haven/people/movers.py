"""Move everything that hangs off a person to another person, and say exactly what moved.

Every room's model with a ForeignKey to people.Person is found through Django's model
metadata, so a room added later (risk, protection ...) is carried along by merges and
relinks without changes here. Involvements that would duplicate one already on the
target (same incident and role) are removed and returned so an unmerge can restore them.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict

from haven.people.models import MergeEvent, Person

SKIP = {(MergeEvent, "keep"), (MergeEvent, "absorbed"), (Person, "merged_into")}


def person_relations() -> list[tuple[type, str]]:
    """(model, field name) for every many-to-one relation onto Person."""
    out = []
    for rel in Person._meta.related_objects:
        if rel.one_to_many and (rel.related_model, rel.field.name) not in SKIP:
            out.append((rel.related_model, rel.field.name))
    return sorted(out, key=lambda mf: (mf[0]._meta.label, mf[1]))


def label(model, field_name: str) -> str:
    return f"{model._meta.label}.{field_name}"


def _drop_duplicate_involvements(source_ids: list[int], target_id: int) -> list[dict]:
    from haven.intake.models import Involvement

    on_target = set(Involvement.objects.filter(person_id=target_id)
                    .values_list("incident_id", "role"))
    dropped = []
    for inv in Involvement.objects.filter(person_id__in=source_ids):
        key = (inv.incident_id, inv.role)
        if key in on_target:
            dropped.append({"id": inv.pk, **model_to_dict(inv)})
            inv.delete()
        else:
            on_target.add(key)
    return dropped


def move_person_data(source: Person, target: Person) -> dict:
    """Move every related row from `source` to `target`.

    Returns {"moved": {label: [ids]}, "dropped_involvements": [row dicts],
    "left": {label: [ids]}} where "left" are rows a unique constraint kept on `source`.
    """
    dropped = _drop_duplicate_involvements([source.pk], target.pk)
    moved, left = {}, {}
    for model, field_name in person_relations():
        ids = list(model._default_manager.filter(**{field_name: source.pk})
                   .values_list("pk", flat=True))
        if not ids:
            continue
        try:
            with transaction.atomic():
                model._default_manager.filter(pk__in=ids).update(**{field_name: target.pk})
            moved[label(model, field_name)] = ids
        except IntegrityError:
            ok = []
            for pk in ids:
                try:
                    with transaction.atomic():
                        model._default_manager.filter(pk=pk).update(**{field_name: target.pk})
                    ok.append(pk)
                except IntegrityError:
                    left.setdefault(label(model, field_name), []).append(pk)
            moved[label(model, field_name)] = ok
    return {"moved": moved, "dropped_involvements": dropped, "left": left}


def move_back(moved: dict, to_person_id: int) -> None:
    """Undo `move_person_data`: put the listed rows back on `to_person_id`."""
    by_label = {label(m, f): (m, f) for m, f in person_relations()}
    for key, ids in moved.items():
        if key in by_label and ids:
            model, field_name = by_label[key]
            model._default_manager.filter(pk__in=ids).update(**{field_name: to_person_id})


def restore_involvements(rows: list[dict]) -> None:
    from haven.intake.models import Involvement

    for row in rows:
        values = {k: v for k, v in row.items() if k not in {"id", "incident", "person"}}
        Involvement.objects.create(pk=row["id"], incident_id=row["incident"],
                                   person_id=row["person"], **values)


def fast_update(model, columns: list[str], rows: list[tuple]) -> None:
    """UPDATE model SET columns... WHERE pk = last item, for many rows (executemany).

    Django's bulk_update builds a CASE expression per row and dominated relink time; values
    must already be in database form (ids, strings, prepared dates)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    sets = ", ".join(f"{quote(meta.get_field(c).column)} = %s" for c in columns)
    # Names come from model metadata (quoted); values are query parameters.
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def bulk_reassign(mapping: dict[int, int], *, batch: int = 2000, exclude=()) -> dict[str, int]:
    """Relink: move every related row of each old person id to its new person id.

    Counts per relation. Involvements that would collide on (incident, person, role) are
    deleted (they duplicate one already on the target person).
    """
    counts: dict[str, int] = defaultdict(int)
    if not mapping:
        return counts
    olds = list(mapping)
    for model, field_name in person_relations():
        if model in exclude:
            continue
        manager = model._default_manager
        for start in range(0, len(olds), batch):
            chunk = olds[start:start + batch]
            rows = list(manager.filter(**{f"{field_name}__in": chunk}).values_list(
                "pk", f"{field_name}_id"))
            if not rows:
                continue
            if model._meta.label == "intake.Involvement":
                rows = _dedupe_involvements(rows, mapping)
            fast_update(model, [field_name], [(mapping[old], pk) for pk, old in rows])
            counts[label(model, field_name)] += len(rows)
    return counts


def _dedupe_involvements(rows, mapping):
    from haven.intake.models import Involvement

    details = {pk: (incident, role) for pk, incident, role in Involvement.objects.filter(
        pk__in=[pk for pk, _ in rows]).values_list("pk", "incident_id", "role")}
    targets = {mapping[old] for _, old in rows}
    seen = set(Involvement.objects.filter(person_id__in=targets)
               .values_list("incident_id", "person_id", "role"))
    keep, drop = [], []
    for pk, old in rows:
        incident, role = details[pk]
        key = (incident, mapping[old], role)
        (drop if key in seen else keep).append((pk, old))
        seen.add(key)
    if drop:
        Involvement.objects.filter(pk__in=[pk for pk, _ in drop]).delete()
    return keep

"""How intake's involvements follow a person through merge, unmerge and relink.

An involvement is unique on (incident, person, role): moving a person's involvements onto
another person who is already in the same incident in the same role would duplicate it, so
those are removed (and kept in the merge snapshot so that unmerge restores them exactly).
Registered with `haven.people.movers.register_person_mover` in IntakeConfig.ready().
"""

from __future__ import annotations

from django.forms.models import model_to_dict

from haven.intake.models import Involvement
from haven.people.linking import register_after_link, register_linkage_evidence
from haven.people.movers import register_person_mover

LABEL = "intake.Involvement"


def drop_duplicate_involvements(source_ids: list[int], target_id: int) -> list[dict]:
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


def restore_involvements(rows: list[dict]) -> None:
    for row in rows:
        values = {k: v for k, v in row.items() if k not in {"id", "incident", "person"}}
        Involvement.objects.create(pk=row["id"], incident_id=row["incident"],
                                   person_id=row["person"], **values)


def dedupe_involvements(rows, mapping):
    """Relink: of (pk, old person id) rows moving to mapping[old], delete would-be
    duplicates and return the rest."""
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


def incident_evidence(force):
    """(person id, system, fingerprints) for the linker: the same event recorded by two
    systems under different ids yields the same fingerprints (role, place, date). A system's
    own incident id is not used: within one system it ties a victim to their suspect, not a
    person to themself."""
    # Imported when linking runs: the linkage package loads Splink and DuckDB (seconds), which
    # start-up must not pay for.
    from haven.people.linkage.normalise import incident_fingerprints

    involvements = Involvement.objects.filter(incident__force=force).exclude(
        incident__source_system="").values_list(
        "person_id", "role", "incident__source_system", "incident__occurred_at",
        "incident__address_line", "incident__postcode")
    for person_id, role, system, occurred, line, postcode in involvements.iterator(
            chunk_size=5000):
        yield person_id, system, incident_fingerprints(occurred, line, postcode, role)


def register() -> None:
    register_person_mover(LABEL, drop_duplicates=drop_duplicate_involvements,
                          restore=restore_involvements, dedupe=dedupe_involvements)
    register_linkage_evidence(incident_evidence)
    register_after_link("reconcile incidents", reconcile_after_link)


def reconcile_after_link(force) -> str:
    """After `haven link`: the same event in several systems becomes one reconciled event."""
    from haven.intake.reconcile import reconcile_incidents  # loads linkage (as above)

    rec = reconcile_incidents(force)
    return (f"{rec['incidents']} incidents -> {rec['events']} reconciled events "
            f"({rec['seconds']}s)")

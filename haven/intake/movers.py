"""How intake's involvements follow a person through merge, unmerge and relink.

An involvement is unique on (incident, person, role): moving a person's involvements onto
another person who is already in the same incident in the same role would duplicate it, so
those are removed (and kept in the merge snapshot so that unmerge restores them exactly).
Registered with `haven.people.movers.register_person_mover` in IntakeConfig.ready().
"""

from __future__ import annotations

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.forms.models import model_to_dict

from haven.intake.models import Incident, Involvement
from haven.people.linking import (
    register_after_link,
    register_linkage_evidence,
    register_linkage_parties,
)
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


def delete_mapped_duplicates(map_table: str) -> int:
    """Relink, all at once: of the involvements about to move from `map_table`'s old_id to
    its new_id, delete those that would duplicate another on (incident, new person, role).
    Of each such group the one already on the new person stays, else the lowest id."""
    quote = connection.ops.quote_name
    field = Involvement._meta.get_field
    table = quote(Involvement._meta.db_table)
    pk, person, incident, role = (quote(field(name).column)
                                  for name in ("id", "person", "incident", "role"))
    with connection.cursor() as cursor:
        # Names come from model metadata (quoted) and the people room's constant table name.
        cursor.execute(
            f"DELETE FROM {table} WHERE {pk} IN ("  # noqa: S608
            f"SELECT i.{pk} FROM {table} i JOIN {map_table} m ON m.old_id = i.{person} "
            f"WHERE EXISTS (SELECT 1 FROM {table} j "
            f"LEFT JOIN {map_table} mj ON mj.old_id = j.{person} "
            f"WHERE j.{incident} = i.{incident} AND j.{role} = i.{role} "
            f"AND j.{pk} <> i.{pk} AND COALESCE(mj.new_id, j.{person}) = m.new_id "
            f"AND (mj.old_id IS NULL OR j.{pk} < i.{pk})))")
        return max(cursor.rowcount, 0)


def involvements_after_moves(rows, moves: dict[int, int]):
    """What `delete_mapped_duplicates` and the relink's move would leave of `rows` (a frame
    of involvements: id, incident, person, role) once every person in `moves` (old person
    id -> new) has moved: the same rows with the new person, without the would-be
    duplicates. For reconciliation to score incidents beside the relink's writes."""
    # pandas comes with the linkage package: loaded when a relink runs
    import pandas as pd

    old = pd.Series(moves, dtype="int64")
    moving = rows["person"].isin(old.index).to_numpy()
    person = rows["person"].to_numpy(dtype="int64", copy=True)
    person[moving] = old.reindex(person[moving]).to_numpy(dtype="int64")
    rows = rows.assign(person=person)
    group = ["incident", "role", "person"]
    staying, movers = rows[~moving], rows[moving]
    # Of each (incident, role, new person) the rows already there stay; else the lowest id.
    taken = pd.MultiIndex.from_frame(staying[group])
    movers = movers[~pd.MultiIndex.from_frame(movers[group]).isin(taken)]
    movers = movers.sort_values("id").drop_duplicates(group, keep="first")
    return pd.concat([staying, movers]).sort_values("id", ignore_index=True)


def incident_evidence(force):
    """(person id, system, fingerprints) for the linker: the same event recorded by two
    systems under different ids yields the same fingerprints (role, place, date). A system's
    own incident id is not used: within one system it ties a victim to their suspect, not a
    person to themself."""
    # Imported when linking runs: the linkage package loads Splink and DuckDB (seconds), which
    # start-up must not pay for.
    from haven.people.linkage.normalise import FINGERPRINT_ROLES, incident_fingerprints

    involvements = Involvement.objects.filter(
        incident__force=force, role__in=sorted(FINGERPRINT_ROLES)).exclude(
        incident__source_system="")
    if connection.vendor != "sqlite":
        rows = involvements.values_list(
            "person_id", "role", "incident__source_system", "incident__occurred_at",
            "incident__address_line", "incident__postcode").iterator(chunk_size=5000)
    else:
        # The stored text as it is: a first relink reads every involvement of the force,
        # and making each time a datetime (twice: sqlite3's converter, then Django's) cost
        # more than the fingerprints. `incident_fingerprints` takes the text.
        rows = _sqlite_rows(involvements.annotate(
            occurred_text=Cast("incident__occurred_at", TextField())).values_list(
            "person_id", "role", "incident__source_system", "occurred_text",
            "incident__address_line", "incident__postcode"))
    for person_id, role, system, occurred_at, line, postcode in rows:
        yield person_id, system, incident_fingerprints(occurred_at, line, postcode, role)


def incident_parties(force, persons=None, *, own_logs: bool = False):
    """(system, victim's person id, suspect's person id, the suspect's relationship to the
    victim) for each victim and suspect of one incident a source system recorded: within
    one system an incident ties a victim to their suspect, and a relink reads who met whom
    there, and as what (`LinkageSettings.counterparts`). One join in the database: at 1 M
    records, reading the involvements and pairing them here took 12.8 s. With `persons`
    (ids), only the incidents one of them was the victim or suspect of: what the
    incremental linker asks about an arriving record and its candidates. With `own_logs`,
    Haven's own logs instead (system ""), on which a handler picked the people: what the
    call screen adds to that question (`creation._who_met_whom`)."""
    quote = connection.ops.quote_name
    field = Involvement._meta.get_field
    table = quote(Involvement._meta.db_table)
    incidents = quote(Incident._meta.db_table)
    incident, person, role, relationship = (quote(field(name).column) for name in (
        "incident", "person", "role", "relationship"))
    pk = quote(Incident._meta.pk.column)
    system = quote(Incident._meta.get_field("source_system").column)
    force_column = quote(Incident._meta.get_field("force").column)
    select = (f"SELECT i.{system}, v.{person}, s.{person}, s.{relationship} "  # noqa: S608
              f"FROM {table} v JOIN {table} s ON s.{incident} = v.{incident} "
              f"JOIN {incidents} i ON i.{pk} = v.{incident} "
              f"WHERE i.{force_column} = %s AND i.{system} {'=' if own_logs else '<>'} '' "
              f"AND v.{role} = 'victim' "
              f"AND s.{role} = 'suspect' AND v.{person} <> s.{person}")
    with connection.cursor() as cursor:
        # Names come from model metadata (quoted); the force, persons and incidents are
        # parameters.
        if persons is None:
            queries = [(select, [force.pk])]
        else:
            ids = sorted({int(p) for p in persons})
            if not ids:
                return
            # Their incidents first, through the person index, then those incidents by key:
            # one query with "v IN (...) OR s IN (...)" read every incident of the force
            # (0.6-3.7 s a question at 200k people, asked once for each arriving record;
            # now 2 ms).
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f"SELECT DISTINCT {incident} FROM {table} "  # noqa: S608
                           f"WHERE {person} IN ({marks}) AND {role} IN ('victim', 'suspect')",
                           ids)
            theirs = sorted(row[0] for row in cursor.fetchall())
            mine = f" AND (v.{person} IN ({marks}) OR s.{person} IN ({marks}))"
            chunks = [theirs[at:at + 5000]  # within every database's parameter limit
                      for at in range(0, len(theirs), 5000)]
            queries = [(f"{select} AND i.{pk} IN ({', '.join(['%s'] * len(chunk))}){mine}",
                        [force.pk, *chunk, *ids, *ids]) for chunk in chunks]
        for sql, params in queries:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(5000):
                yield from rows


def _sqlite_rows(queryset):
    """The queryset's rows straight from SQLite's cursor, without Django's per-row work."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def register() -> None:
    register_person_mover(LABEL, drop_duplicates=drop_duplicate_involvements,
                          restore=restore_involvements, dedupe=dedupe_involvements,
                          dedupe_mapped=delete_mapped_duplicates)
    register_linkage_evidence(incident_evidence)
    register_linkage_parties(incident_parties)
    register_after_link("reconcile incidents", reconcile_after_link,
                        prefetch=prefetch_after_link, prepare=prepare_after_link)


def prefetch_after_link(force) -> dict:
    """Read beside `haven link`'s records: the incidents and involvements as reconciliation
    reads them."""
    from haven.intake.reconcile import prefetch_beside_relink  # loads linkage (as above)

    return prefetch_beside_relink(force)


def prepare_after_link(force, prefetched: dict, moves: dict[int, int]) -> dict:
    """Beside `haven link`'s writes: the reconciled events once its persons have moved."""
    from haven.intake.reconcile import prepare_beside_relink  # loads linkage (as above)

    return prepare_beside_relink(force, prefetched, moves)


def reconcile_after_link(force, prefetched: dict | None = None) -> str:
    """After `haven link`: the same event in several systems becomes one reconciled event."""
    from haven.intake.reconcile import reconcile_incidents  # loads linkage (as above)

    rec = reconcile_incidents(force, prefetched)
    beside = "; scored beside the relink" if rec["scored_beside_relink"] else ""
    return (f"{rec['incidents']} incidents -> {rec['events']} reconciled events "
            f"({rec['seconds']}s{beside})")

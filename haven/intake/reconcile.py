"""Incident reconciliation: one real event per set of source incidents across systems.

The control-room log, the crime system and the public-protection database each record the
same event under their own id, at slightly different times and with the address spelt
their own way. `reconcile_incidents(force)` matches incidents of *different* systems and
writes one `ReconciledIncident` row per incident naming its event (the source incidents are
never changed). Insight counts an incident once by counting distinct events; a victim's
"repeat" is a second *event*, not the same event recorded three times.

Method (Fellegi-Sunter with fixed, documented weights; log2 Bayes factors):

* candidates: incidents on the same or neighbouring calendar day that share a building
  (normalised address line), a full postcode, or a linked person;
* evidence: time apart (≤ 1 h +5, ≤ 4 h +3, ≤ 24 h 0, more -6); place (same flat or house
  +6, same building +5, same postcode +4, a blank side 0, different postcodes -4);
  category (same +1, different -1); people after linkage (each person in both with
  compatible roles +6, at most two counted; a person who is the victim in one and the
  suspect in the other -3; two non-empty sets of people with nobody in common -2);
* a pair links at a total of `LINK_WEIGHT` (8) or more: e.g. the same building within
  four hours, or the same postcode within an hour, or a shared victim on the same day;
* clustering joins the strongest pairs first and never puts two incidents of one system
  into one event (a system records an event once).

Weights are set by hand (no labelled events exist); the benchmark (`bench/bench_e2e.py`)
scores the result against the generator's event truth.

After `haven link` on a large force the scoring has already been done beside the relink's
writes (`prefetch_beside_relink`, `prepare_beside_relink`: the involvements moved as the
relink moves them); `reconcile_incidents` then only writes the events, after checking that
the incidents and involvements are as predicted.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from haven.core.bulk import sqlite_write_cache, without_cyclic_gc
from haven.intake.models import Incident, Involvement
from haven.intake.reconcile_models import ReconciledIncident
from haven.people.linkage.normalise import normalise_address, normalise_postcode

logger = logging.getLogger(__name__)

LINK_WEIGHT = 8.0
_COMPATIBLE = {("victim", "victim"), ("suspect", "suspect"), ("child", "child")}
_OPPOSED = {("victim", "suspect"), ("suspect", "victim")}


def _time_weight(seconds: float) -> float:
    hours = abs(seconds) / 3600
    if hours <= 1:
        return 5.0
    if hours <= 4:
        return 3.0
    if hours <= 24:
        return 0.0
    return -6.0


def _place_weight(a: dict, b: dict) -> float:
    if a["addr"] and a["addr"] == b["addr"]:
        return 6.0
    if a["bld"] and a["bld"] == b["bld"]:
        return 5.0
    if a["pc"] and b["pc"]:
        return 4.0 if a["pc"] == b["pc"] else -4.0
    return 0.0


def _people_weight(a: dict, b: dict) -> float:
    people_a, people_b = a["people"], b["people"]
    if not people_a or not people_b:
        return 0.0
    weight, shared = 0.0, 0
    for person, role_a in people_a.items():
        role_b = people_b.get(person)
        if role_b is None:
            continue
        if (role_a, role_b) in _OPPOSED:
            weight -= 3.0
        elif shared < 2 and ((role_a, role_b) in _COMPATIBLE or "caller" in (role_a, role_b)
                             or "witness" in (role_a, role_b)):
            weight += 6.0
            shared += 1
    return weight if weight else -2.0


def pair_weight(a: dict, b: dict) -> float:
    """Total evidence (log2 Bayes factor) that two incident profiles are one event."""
    if a["occurred_at"] is None or b["occurred_at"] is None:
        return float("-inf")
    weight = _time_weight((a["occurred_at"] - b["occurred_at"]).total_seconds())
    weight += _place_weight(a, b)
    weight += 1.0 if a["category"] == b["category"] else -1.0
    return weight + _people_weight(a, b)


def _profiles(force) -> dict[int, dict]:
    """The force's incidents as `pair_weight` profiles (the reference form of the evidence;
    `reconcile_incidents` computes the same weights set-wise, see `_scored_pairs`)."""
    profiles = {}
    addresses: dict[tuple, tuple] = {}  # the same places recur: normalise each spelling once
    postcodes: dict[str, str | None] = {}
    for pk, system, occurred, line, town, postcode, category in Incident.objects.filter(
            force=force).values_list("id", "source_system", "occurred_at", "address_line",
                                     "town", "postcode", "category").iterator(
                                         chunk_size=5000):
        line, postcode = line or "", postcode or ""
        if (line, town) not in addresses:
            addresses[line, town] = normalise_address(line or None, town or None)
        if postcode not in postcodes:
            postcodes[postcode] = normalise_postcode(postcode or None)[0]
        flat_key, building = addresses[line, town]
        pc = postcodes[postcode]
        profiles[pk] = {"id": pk, "system": system or "haven", "occurred_at": occurred,
                        "addr": flat_key, "bld": building, "pc": pc, "category": category,
                        "people": {}}
    for incident_id, person_id, role in Involvement.objects.filter(
            incident__force=force).order_by("id").values_list(
            "incident_id", "person_id", "role").iterator(chunk_size=5000):
        profile = profiles.get(incident_id)
        if profile is not None:
            profile["people"].setdefault(person_id, role)
    return profiles


def _candidates(profiles: dict[int, dict]):
    """Pairs of incidents of different systems within a day of each other that share a
    building, a full postcode or a person (the reference form; see `_scored_pairs`)."""
    index: dict[tuple, list[int]] = defaultdict(list)
    for pk, p in profiles.items():
        if p["occurred_at"] is None:
            continue
        day = p["occurred_at"].date()
        for key in (("a", p["bld"]), ("p", p["pc"])):
            if key[1]:
                index[(*key, day)].append(pk)
        for person in p["people"]:
            index[("person", person, day)].append(pk)
    seen = set()
    for (kind, value, day), members in list(index.items()):
        following = index.get((kind, value, day + timedelta(days=1)), [])
        pairs = [(a, b) for i, a in enumerate(members) for b in members[i + 1:]]
        pairs += [(a, b) for a in members for b in following]
        for a, b in pairs:
            if a == b or profiles[a]["system"] == profiles[b]["system"]:
                continue
            key = (a, b) if a < b else (b, a)
            if key not in seen:
                seen.add(key)
                yield key


def _col(meta, name: str) -> str:
    return connection.ops.quote_name(meta.get_field(name).column)


def incident_stamp(force) -> tuple:
    """(how many, highest id, sum of versions) of the force's incidents: it changes when an
    incident is added, removed or edited (every edit bumps `version`, a re-ingest's too)."""
    found = Incident.objects.filter(force=force).aggregate(
        n=Count("id"), top=Max("id"), versions=Sum("version"))
    return (found["n"], found["top"], found["versions"])


def prefetch_incidents(force) -> dict:
    """What reconciliation reads of the force's incidents, none of it about persons, for
    `haven link` to read beside its records (the after-link step's prefetch): the stamp
    first, so that any change after it shows as a different stamp."""
    stamp = incident_stamp(force)
    return {"stamp": stamp, "incidents": _incident_frame(force)}


def _of_force_sql(columns: str, tail: str) -> str:
    """SELECT `columns` of the involvements (v) of one force's incidents (i) `tail`; the
    force is the one query parameter."""
    inc, inv = Incident._meta, Involvement._meta
    quote = connection.ops.quote_name
    # Names come from model metadata (quoted); the force is a query parameter.
    return (f"SELECT {columns} FROM {quote(inv.db_table)} v "  # noqa: S608
            f"JOIN {quote(inc.db_table)} i ON i.{_col(inc, 'id')} = v.{_col(inv, 'incident')} "
            f"WHERE i.{_col(inc, 'force')} = %s {tail}")


def involvement_stamp(force) -> tuple:
    """Per role: (role, how many, sum of ids, of person ids, of incident ids) of the force's
    involvements. A row added, removed, moved to another person or incident or given
    another role changes it; what `prepare_beside_relink` predicts is checked against it."""
    inv = Involvement._meta
    with connection.cursor() as cursor:
        cursor.execute(_of_force_sql(
            f"v.{_col(inv, 'role')}, COUNT(*), SUM(v.{_col(inv, 'id')}), "
            f"SUM(v.{_col(inv, 'person')}), SUM(v.{_col(inv, 'incident')})",
            f"GROUP BY v.{_col(inv, 'role')}"), [force.pk])
        # PostgreSQL sums bigints as numeric (Decimal): compared as plain integers
        return tuple(sorted((role, *(int(v) for v in sums))
                            for role, *sums in cursor.fetchall()))


def _stamp_of(rows) -> tuple:
    """`involvement_stamp` of an involvement frame (id, incident, person, role)."""
    sums = rows.groupby("role", sort=True).agg(
        n=("id", "size"), ids=("id", "sum"), persons=("person", "sum"),
        incidents=("incident", "sum"))
    return tuple(sorted((role, *(int(v) for v in values))
                        for role, *values in sums.itertuples(name=None)))


def prefetch_beside_relink(force) -> dict:
    """What reconciliation reads before a relink moves anyone, for `haven link` to read
    beside its records: the incidents (`prefetch_incidents`) and every involvement of the
    force as it stands, which `prepare_beside_relink` moves with the relink's persons."""
    found = prefetch_incidents(force)
    found["involvements"] = _involvement_rows(force)
    return found


def prepare_beside_relink(force, prefetched: dict, moves: dict[int, int]) -> dict:
    """In the relink's evidence reader while the relink writes, from `prefetch_beside_relink`
    and the relink's moves alone (no database): the events the incidents make once the
    persons have moved. `reconcile_incidents` only writes them if the incidents and the
    involvements are then as predicted (the stamps); otherwise it works afresh."""
    # imported here: intake.movers imports this module when it is asked to reconcile
    from haven.intake.movers import involvements_after_moves

    rows = involvements_after_moves(prefetched["involvements"], moves)
    involvements = _first_roles(rows)
    incidents = prefetched["incidents"]
    incidents = incidents.assign(has_people=incidents["pk"].isin(involvements["pk"]))
    events, links = _events(*_score(incidents, involvements))
    return {"stamp": prefetched["stamp"], "involvement_stamp": _stamp_of(rows),
            "events": events, "links": links}


def _frames(force, prefetched: dict | None = None):
    """(incidents, involvements) of the force as two frames, from two plain queries; the
    incidents from `prefetched` (`prefetch_incidents`) while its stamp still holds.

    incidents: pk, sys (blank -> "haven"), t (microseconds since 1970, UTC; None when the
    time is unknown), day (days since 1970, UTC), addr, bld, pc (normalised, "" when
    blank), cat, has_people. involvements: pk (incident), person, role, the first role of
    a person in an incident (lowest involvement id), as `_profiles` keeps it."""
    still_true = (prefetched is not None and "incidents" in prefetched
                  and prefetched["stamp"] == incident_stamp(force))
    incidents = prefetched["incidents"] if still_true else _incident_frame(force)
    involvements = _first_roles(_involvement_rows(force))
    incidents = incidents.assign(has_people=incidents["pk"].isin(involvements["pk"]))
    return incidents, involvements


def _involvement_rows(force):
    """Every involvement of the force's incidents: id, incident, person, role, by id."""
    # pandas comes with the linkage package: loaded when reconciliation runs
    import pandas as pd

    inv = Involvement._meta
    with connection.cursor() as cursor:
        cursor.execute(_of_force_sql(
            f"v.{_col(inv, 'id')}, v.{_col(inv, 'incident')}, v.{_col(inv, 'person')}, "
            f"v.{_col(inv, 'role')}", f"ORDER BY v.{_col(inv, 'id')}"), [force.pk])
        rows = pd.DataFrame(cursor.fetchall(), columns=["id", "incident", "person", "role"],
                            dtype=object)
    return rows.astype({"id": "int64", "incident": "int64", "person": "int64", "role": str})


def _first_roles(rows):
    """Reconciliation's involvements: pk (incident), person, role, the first role of a
    person in an incident (lowest involvement id), as `_profiles` keeps it."""
    rows = rows.sort_values("id").drop_duplicates(["incident", "person"], keep="first")
    return rows.rename(columns={"incident": "pk"})[["pk", "person", "role"]].reset_index(
        drop=True)


def _incident_frame(force):
    # pandas comes with the linkage package: loaded when reconciliation runs
    import pandas as pd

    inc = Incident._meta
    with connection.cursor() as cursor:
        # Names come from model metadata (quoted); the force is a query parameter.
        cursor.execute(
            f"SELECT {_col(inc, 'id')}, {_col(inc, 'source_system')}, "  # noqa: S608
            f"{_col(inc, 'occurred_at')}, {_col(inc, 'address_line')}, {_col(inc, 'town')}, "
            f"{_col(inc, 'postcode')}, {_col(inc, 'category')} "
            f"FROM {connection.ops.quote_name(inc.db_table)} "
            f"WHERE {_col(inc, 'force')} = %s", [force.pk])
        incidents = pd.DataFrame(cursor.fetchall(), dtype=object,
                                 columns=["pk", "sys", "when", "line", "town", "postcode",
                                          "cat"])
    # SQLite gives the stored text, PostgreSQL an aware datetime: both read as UTC
    when = pd.to_datetime(incidents["when"], utc=True, format="ISO8601").dt.as_unit("us")
    micros = pd.Series(when.array.asi8, dtype="Int64").mask(when.isna())
    # the line with its town: a line that repeats the town is the same place as one without
    lines = pd.Series(list(zip(incidents["line"].fillna(""), incidents["town"].fillna(""),
                               strict=True)), dtype=object)
    places = {key: normalise_address(key[0] or None, key[1] or None)
              for key in dict.fromkeys(lines)}
    codes = incidents["postcode"].fillna("")
    pcs = {code: normalise_postcode(code or None)[0] for code in codes.unique()}
    return pd.DataFrame({
        "pk": incidents["pk"].astype("int64"),
        "sys": incidents["sys"].map(lambda s: s or "haven").astype(str),
        "t": micros,
        "day": micros // 86_400_000_000,
        "addr": lines.map(lambda v: places[v][0] or ""),
        "bld": lines.map(lambda v: places[v][1] or ""),
        "pc": codes.map(lambda v: pcs[v] or ""),
        "cat": incidents["cat"].fillna("").astype(str),
    })


#: One hour in microseconds (`_time_weight`'s bands, set-wise).
_HOUR = 3_600_000_000

# Only the constants above are interpolated; the data are registered frames.
_SCORED_SQL = f"""
WITH keyed AS (
    SELECT pk, sys, day, 'a' AS kind, bld AS value FROM inc WHERE t IS NOT NULL AND bld <> ''
    UNION ALL
    SELECT pk, sys, day, 'p', pc FROM inc WHERE t IS NOT NULL AND pc <> ''
    UNION ALL
    SELECT i.pk, i.sys, i.day, 'person', CAST(v.person AS VARCHAR)
    FROM inv v JOIN inc i ON i.pk = v.pk WHERE i.t IS NOT NULL
),
cand AS (
    SELECT DISTINCT k1.pk AS a, k2.pk AS b FROM keyed k1 JOIN keyed k2
      ON k1.kind = k2.kind AND k1.value = k2.value AND k1.pk < k2.pk
     AND k2.day BETWEEN k1.day - 1 AND k1.day + 1 AND k1.sys <> k2.sys
),
people AS (
    SELECT c.a, c.b,
      sum(CASE WHEN (va.role = 'victim' AND vb.role = 'suspect')
                 OR (va.role = 'suspect' AND vb.role = 'victim') THEN 1 ELSE 0 END) AS opposed,
      sum(CASE WHEN (va.role = vb.role AND va.role IN ('victim', 'suspect', 'child'))
                 OR va.role IN ('caller', 'witness') OR vb.role IN ('caller', 'witness')
               THEN 1 ELSE 0 END) AS shared
    FROM cand c JOIN inv va ON va.pk = c.a JOIN inv vb ON vb.pk = c.b AND vb.person = va.person
    GROUP BY c.a, c.b
),
scored AS (
    SELECT c.a, c.b,
      (CASE WHEN abs(x.t - y.t) <= {_HOUR} THEN 5 WHEN abs(x.t - y.t) <= {4 * _HOUR} THEN 3
            WHEN abs(x.t - y.t) <= {24 * _HOUR} THEN 0 ELSE -6 END)
      + (CASE WHEN x.addr <> '' AND x.addr = y.addr THEN 6
              WHEN x.bld <> '' AND x.bld = y.bld THEN 5
              WHEN x.pc <> '' AND y.pc <> '' THEN (CASE WHEN x.pc = y.pc THEN 4 ELSE -4 END)
              ELSE 0 END)
      + (CASE WHEN x.cat = y.cat THEN 1 ELSE -1 END)
      + (CASE WHEN NOT x.has_people OR NOT y.has_people THEN 0
              WHEN coalesce(-3 * p.opposed + 6 * least(p.shared, 2), 0) = 0 THEN -2
              ELSE -3 * p.opposed + 6 * least(p.shared, 2) END) AS weight
    FROM cand c JOIN inc x ON x.pk = c.a JOIN inc y ON y.pk = c.b
    LEFT JOIN people p ON p.a = c.a AND p.b = c.b
)
SELECT weight, a, b FROM scored WHERE weight >= {LINK_WEIGHT} ORDER BY weight DESC, a, b
"""  # noqa: S608


def _scored_pairs(force, prefetched: dict | None = None
                  ) -> tuple[list[int], list[tuple[float, int, int]], dict[int, str]]:
    """(incident ids, pairs at or above `LINK_WEIGHT` strongest first, system of each
    incident): `_candidates` and `pair_weight` over every incident of the force at once, as
    set operations in DuckDB (a row-at-a-time loop over a million incidents took most of
    a minute)."""
    return _score(*_frames(force, prefetched))


def _score(incidents, involvements
           ) -> tuple[list[int], list[tuple[float, int, int]], dict[int, str]]:
    """`_scored_pairs` of two frames (`_frames`)."""
    # DuckDB comes with the linkage package (Splink): loaded when reconciliation runs
    import duckdb

    con = duckdb.connect(":memory:", config={"memory_limit": "2GB"})
    try:
        con.register("inc", incidents)
        con.register("inv", involvements)
        scored = con.sql(_SCORED_SQL).fetchall()
    finally:
        con.close()
    ids = incidents["pk"].tolist()
    return ids, [(float(w), a, b) for w, a, b in scored], dict(
        zip(ids, incidents["sys"].tolist(), strict=True))


def reconcile_incidents(force, prefetched: dict | None = None) -> dict:
    """Rebuild the force's reconciled events; returns counts (incidents, events, links).
    `prefetched`: `prefetch_incidents` of this force, read earlier (used if still true)."""
    # a million incidents' pairs, parents and rows live to the end: 1.5 s of 14 collecting
    with without_cyclic_gc():
        return _reconcile(force, prefetched)


def _reconcile(force, prefetched: dict | None) -> dict:
    started = time.perf_counter()
    beside = (prefetched is not None and "events" in prefetched
              and prefetched["stamp"] == incident_stamp(force)
              and prefetched["involvement_stamp"] == involvement_stamp(force))
    if beside:
        events, links = prefetched["events"], prefetched["links"]
    else:
        events, links = _events(*_scored_pairs(force, prefetched))
    with sqlite_write_cache(), transaction.atomic():
        written = _write(force, events)
    counts = {"incidents": len(events), "events": len({e for e, _ in events.values()}),
              "links": links, "rows_written": written, "scored_beside_relink": beside,
              "seconds": round(time.perf_counter() - started, 2)}
    logger.info("reconciled incidents force=%s counts=%s", force.code, counts)
    return counts


def _events(ids: list[int], scored: list[tuple[float, int, int]], system_of: dict[int, str]
            ) -> tuple[dict[int, tuple[int, float]], int]:
    """(incident -> (its event, its strongest link's weight), links made): the strongest
    pairs joined first, never two incidents of one system in one event."""
    parent = {pk: pk for pk in ids}
    systems = {pk: {system_of[pk]} for pk in ids}
    best = dict.fromkeys(ids, 0.0)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links = 0
    for weight, a, b in scored:
        ra, rb = find(a), find(b)
        if ra == rb or systems[ra] & systems[rb]:
            continue
        if rb < ra:
            ra, rb = rb, ra
        parent[rb] = ra
        systems[ra] |= systems.pop(rb)
        best[a], best[b] = max(best[a], weight), max(best[b], weight)
        links += 1
    return {pk: (find(pk), best[pk]) for pk in ids}, links


def _write(force, events: dict[int, tuple[int, float]]) -> int:
    """Make the force's ReconciledIncident rows say `events` (incident -> (event, weight)),
    writing only rows that change: a relink of a settled force rewrites a handful, not every
    incident (Django's bulk_create of every row dominated `haven link`'s reconciliation)."""
    existing = {incident: (event, weight) for incident, event, weight in
                ReconciledIncident.objects.filter(force=force).values_list(
                    "incident_id", "event", "weight").iterator(chunk_size=5000)}
    meta = ReconciledIncident._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column = {name: quote(meta.get_field(name).column)
              for name in ("force", "incident", "event", "weight", "reconciled_at")}
    now = meta.get_field("reconciled_at").get_db_prep_save(timezone.now(), connection)
    gone = [(pk,) for pk in existing if pk not in events]
    new = [(force.pk, pk, event, weight, now) for pk, (event, weight) in events.items()
           if pk not in existing]
    changed = [(event, weight, now, pk) for pk, (event, weight) in events.items()
               if pk in existing and existing[pk] != (event, weight)]
    # Table and column names come from model metadata (quoted); values are parameters.
    with connection.cursor() as cursor:
        if gone:
            cursor.executemany(f"DELETE FROM {table} WHERE {column['incident']} = %s",  # noqa: S608
                               gone)
        if new:
            cursor.executemany(
                f"INSERT INTO {table} ({column['force']}, {column['incident']}, "  # noqa: S608
                f"{column['event']}, {column['weight']}, {column['reconciled_at']}) "
                "VALUES (%s, %s, %s, %s, %s)", new)
        if changed:
            cursor.executemany(
                f"UPDATE {table} SET {column['event']} = %s, {column['weight']} = %s, "  # noqa: S608
                f"{column['reconciled_at']} = %s WHERE {column['incident']} = %s", changed)
    return len(gone) + len(new) + len(changed)

"""Full relink with the Splink engine, and the incremental join of one fresh record.

`run_relink(force)` feeds every source record of the force to
`haven.people.linkage.link_records` with the clerical decisions as must/cannot links,
then applies the clusters: each cluster keeps the person that already holds most of its
records, other persons' records and everything hanging off them move to it (see
`movers`), emptied persons are deleted, pairs in the review band go to the review queue.
Source records themselves are never edited, only re-pointed.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from haven.access.log import Action, record_access
from haven.core.actions import action
from haven.core.bulk import sqlite_write_cache, without_cyclic_gc
from haven.core.timing import Laps
from haven.forces.policy import policy
from haven.people.models import LinkRun, MergeEvent, Person, ReviewItem, SourceRecord
from haven.people.movers import (
    REBUILD_INDEXES_FROM,
    bulk_reassign,
    check_deleted_persons_unnamed,
    check_persons_exist,
    check_references_of,
    delete_persons,
    fast_update,
    foreign_keys_enforced,
    plain_indexes_set_aside,
    repoint_records,
)
from haven.people.relink_evidence import Evidence, evidence_keys
from haven.people.services import RAW_FIELDS, queue_review

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)
BATCH = 2000


def absorb_singleton(record: SourceRecord, score) -> bool:
    """Join a just-ingested record (alone on its own person) to an existing person as the
    incremental linker would (`services.incremental_decision`); queue what it would queue."""
    # services and movers import this module: imported at call time to break the cycle.
    from haven.people.movers import delete_emptied, move_person_data
    from haven.people.services import incremental_decision, refresh_person

    join, reviews = incremental_decision(record.force,
                                         score(record, exclude_person=record.person_id))
    if join is not None:
        own = record.person
        target = Person.objects.get(pk=join.person_id)
        delete_emptied(own, move_person_data(own, target))
        refresh_person(target)
        return True
    for candidate in reviews:
        queue_review(record, candidate.record, candidate.probability, candidate.explanation,
                     conflict=candidate.conflict)
    return False


def absorb_on_counterparts(record: SourceRecord, score, *, also_met=()) -> Person | None:
    """After an ingest has stored the incidents too: join a just-ingested record that
    `absorb_singleton` left on a person of its own to the person it met one person with
    on the other side of an incident (`services.join_on_counterparts`; `also_met`: who met
    whom on an incident the rooms' providers do not read, Haven's own log). The review
    pairs the join settles (the record against the person it joined) leave the queue.
    Returns the person joined, or None."""
    # services and movers import this module: imported at call time to break the cycle.
    from haven.people.movers import delete_emptied, move_person_data
    from haven.people.services import join_on_counterparts, refresh_person

    own = record.person
    if own is None:
        return None
    join = join_on_counterparts(record.force, record, score(record, exclude_person=own.pk),
                                also_met=also_met)
    if join is None:
        return None
    target = Person.objects.get(pk=join.person_id)
    mine = list(own.source_records.values_list("pk", flat=True))
    delete_emptied(own, move_person_data(own, target))
    refresh_person(target)
    theirs = target.source_records.values_list("pk", flat=True)
    ReviewItem.objects.filter(decision="").filter(
        Q(record_a_id__in=mine, record_b_id__in=theirs)
        | Q(record_b_id__in=mine, record_a_id__in=theirs)).delete()
    return target


#: Columns of the one read of a force's source records (`_records`).
_READ = ("id", "person_id", "system", "source_id", *RAW_FIELDS, "updated_at")


def _records(force, *, with_evidence: bool = True) -> pd.DataFrame:
    """Every source record of the force as the engine's input, with incident evidence.

    One plain query (no model instances, no per-row conversions: a first relink after
    ingest reads every record of the force), one column per field; `updated_at` and the
    database's own date of birth are kept for the best-values refresh.

    `incident_keys` holds the fingerprints (role, place, date) of the events the record was
    involved in as victim or suspect, from the rooms registered with
    `haven.people.linking.register_linkage_evidence`: other systems record the same event
    under other ids, so only time, place and role tie them together. Without
    `with_evidence` it is left blank (`run_relink` reads the evidence beside the records:
    `relink_evidence`).
    """
    import pandas as pd  # loaded when a relink runs, not at start-up

    quote = connection.ops.quote_name
    meta = SourceRecord._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in _READ)
    with connection.cursor() as cursor:
        # Names come from model metadata (quoted); the force is a query parameter.
        cursor.execute(f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608
                       f"WHERE {quote(meta.get_field('force').column)} = %s "
                       f"ORDER BY {quote(meta.pk.column)}", [force.pk])
        # dtype=object: ids stay ints and blanks None (no float NaN for a record without a
        # person)
        frame = pd.DataFrame(cursor.fetchall(), columns=list(_READ), dtype=object)
    frame["uid"] = frame["system"] + ":" + frame["source_id"]
    frame["dob_raw"] = frame["date_of_birth"]
    # SQLite gives the stored ISO text, PostgreSQL a date
    frame["date_of_birth"] = [d if d is None or isinstance(d, str) else d.isoformat()
                              for d in frame["dob_raw"]]
    frame["incident_keys"] = _keys_column(frame, evidence_keys(force)) if with_evidence else None
    return frame


def _keys_column(frame: pd.DataFrame, keys: dict[tuple[int, str], str]) -> list[str | None]:
    """Each record's fingerprints (None: no incident), by its person and system."""
    return [keys.get(pair) for pair in zip(frame["person_id"], frame["system"], strict=True)]


def _counterparts(frame: pd.DataFrame, met: list[tuple[str, int, int, str]]) -> pd.DataFrame:
    """Who met whom as the engine takes it: a frame of record pairs (uid_l, uid_r,
    relationship), the records, in the system that recorded the incident, of a victim and
    of her suspect there."""
    import pandas as pd  # loaded when a relink runs, not at start-up

    # object, as the records' person ids are (a record may have none): one key type
    parties = pd.DataFrame(met, columns=["system", "victim", "suspect", "relationship"],
                           dtype=object)
    records = frame[["person_id", "system", "uid"]]
    pairs = parties.merge(records.rename(columns={"person_id": "victim", "uid": "uid_l"}),
                          on=["victim", "system"]).merge(
        records.rename(columns={"person_id": "suspect", "uid": "uid_r"}),
        on=["suspect", "system"])
    return pairs[["uid_l", "uid_r", "relationship"]]


def _clerical(force, by_pk: dict[int, str]):
    must, cannot = set(), set()
    for a, b, decision in ReviewItem.objects.filter(force=force).exclude(decision="") \
            .values_list("record_a_id", "record_b_id", "decision"):
        if a in by_pk and b in by_pk:
            (must if decision == "link" else cannot).add(frozenset((by_pk[a], by_pk[b])))
    # A user's merge stands until it is unmerged: its records stay together.
    for event in MergeEvent.objects.filter(force=force, unmerged_at__isnull=True):
        moved = event.snapshot.get("moved", {}).get("people.SourceRecord.person", [])
        kept = event.snapshot.get("keep_records", [])
        for a in moved:
            for b in kept[:1]:
                if a in by_pk and b in by_pk:
                    must.add(frozenset((by_pk[a], by_pk[b])))
    return must, cannot


def _assign(old, cluster_of: list[str]):
    """Each record's person after (0 = needs a new person), and its cluster as a code
    (numbered in order of first record). `old`: each record's person before (numpy; 0 =
    none). Each person survives once: a cluster keeps the person holding most of its
    records (lowest id on a tie), the largest clusters choosing first (on equal sizes, the
    one whose first record comes first).

    Counted with numpy, then one pass over (cluster, person) candidates in choosing order:
    a Counter per cluster took 2.8 s at 1 M records."""
    # numpy and pandas load when a relink runs, not at start-up
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(cluster_of, dtype=object))
    clusters = len(uniques)
    sizes = np.bincount(codes, minlength=clusters)
    rank = np.empty(clusters, dtype=np.int64)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(clusters)
    held = old > 0
    # each (cluster, person) once, with how many of the cluster's records the person holds
    base = int(old.max()) + 1 if len(old) else 1
    pairs, votes = np.unique(codes[held].astype(np.int64) * base + old[held],
                             return_counts=True)
    cluster, person = pairs // base, pairs % base
    order = np.lexsort((person, -votes, rank[cluster]))
    chosen = [0] * clusters
    used: set[int] = set()
    for c, pid in zip(cluster[order].tolist(), person[order].tolist(), strict=True):
        if chosen[c] or pid in used:
            continue
        chosen[c] = pid
        used.add(pid)
    return np.asarray(chosen, dtype=np.int64)[codes], codes


def apply_clusters(force, rows: pd.DataFrame, clusters: dict[str, str], *,
                   on_moves=None) -> dict:
    """Re-point records to their cluster's person, move what hung off emptied persons,
    delete them, refresh best values. `rows` is `_records`' frame (one row per record).
    `on_moves(moves)`, if given, hears which persons are emptied and where their rows go
    (old person id -> new) as soon as that is decided, before anything moves."""
    # Seconds per step, logged at INFO: at 1 M records applying is the slowest phase.
    lap = Laps()

    # numpy and pandas load when a relink runs, not at start-up
    import numpy as np
    import pandas as pd

    old = np.fromiter((o or 0 for o in rows["person_id"].tolist()), dtype=np.int64,
                      count=len(rows))
    target, codes = _assign(old, [clusters[uid] for uid in rows["uid"].tolist()])
    lap("assign")
    # Clusters with no surviving person get a new one, in order of their first record.
    new = target == 0
    created = pd.unique(codes[new])
    persons = [Person(force=force) for _ in created]
    Person.objects.bulk_create(persons, batch_size=BATCH)
    pk_of = np.zeros(len(codes) and int(codes.max()) + 1, dtype=np.int64)
    pk_of[created] = [person.pk for person in persons]
    target[new] = pk_of[codes[new]]
    ids = rows["id"].to_numpy(dtype=np.int64)
    moving = old != target
    changed = list(zip(target[moving].tolist(), ids[moving].tolist(), strict=True))
    emptied, kept = _emptied(old, target, moving)
    if on_moves is not None:
        on_moves(emptied)
    # Persons that gained a record, and persons that kept some of theirs but lost others.
    touched = set(target[moving].tolist()) | kept
    target = target.tolist()
    lap("new_persons")
    # SQLite with its foreign-key checks off (`run_relink`): the references this apply
    # could break are checked at its end instead, set-based.
    unchecked = not foreign_keys_enforced()
    # Their best values are worked out on a thread of its own while this one writes: the
    # writes below are mostly SQLite statements, which let go of the GIL, and the sorting
    # mostly numpy (at 1 M records 6-9 s of it, one after the other before).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="best-values") as pool:
        best = pool.submit(_best_by_person, rows, target, touched)
        with plain_indexes_set_aside(SourceRecord, "person",
                                     when=len(changed) >= REBUILD_INDEXES_FROM):
            repoint_records(changed)
        lap("records")
        moved = bulk_reassign(emptied, exclude=(SourceRecord,))
        lap("related")
        # Everything hanging off an emptied person has moved; persons a merge event or a
        # tombstone still names are kept (empty) so that unmerge keeps working.
        named = set(MergeEvent.objects.values_list("keep_id", flat=True)) | set(
            MergeEvent.objects.values_list("absorbed_id", flat=True)) | set(
            Person.objects.filter(merged_into__isnull=False).values_list("merged_into_id",
                                                                         flat=True))
        removable = [pk for pk in emptied if pk not in named]
        # Persons' indexes are set aside while most of them are deleted and the rest get
        # their best values; only unchecked: SQLite's own check of a deleted person asks
        # the index on `merged_into` (without it, it reads every person for each).
        with plain_indexes_set_aside(Person, when=unchecked
                                     and len(removable) >= REBUILD_INDEXES_FROM):
            delete_persons(removable)
            lap("emptied")
            best = best.result()
            lap("best_values_awaited")
            _write_best_values(best)
            lap("best_values")
        lap("person_indexes")
    if unchecked:
        check_deleted_persons_unnamed(removable)
        check_persons_exist(set(target))
        lap("references_checked")
    logger.info("relink applied force=%s seconds=%s", force.code, lap.seconds)
    return {"records_moved": len(changed), "persons_created": len(persons),
            "persons_removed": len(removable), "related_moved": dict(moved)}


def _emptied(old, target, moving) -> tuple[dict[int, int], set[int]]:
    """Persons left with no record, each with where most of its records went (on a tie,
    where the first of them went), in order of their first record; and the persons that
    lost records but kept some. `old` / `target`: each record's person before and after
    (numpy; 0 = none before), `moving`: where they differ."""
    # numpy and pandas load when a relink runs, not at start-up
    import numpy as np
    import pandas as pd

    left = moving & (old > 0)
    if not left.any():
        return {}, set()
    gone = pd.DataFrame({"old": old[left], "new": target[left],
                         "first": np.flatnonzero(left)})
    votes = gone.groupby(["old", "new"], sort=False).agg(
        votes=("first", "size"), first=("first", "min")).reset_index()
    votes["old_first"] = votes.groupby("old")["first"].transform("min")
    survivors = np.unique(target)
    lost = votes["old"].isin(survivors).to_numpy()
    kept = set(votes.loc[lost, "old"].tolist())
    votes = votes[~lost].sort_values(["old_first", "votes", "first"],
                                     ascending=[True, False, True], kind="stable")
    votes = votes.drop_duplicates("old")
    return dict(zip(votes["old"].tolist(), votes["new"].tolist(), strict=True)), kept


_BEST = ("forename", "middle_names", "surname", "date_of_birth", "gender")


def _best(records: list[tuple]) -> list:
    """`services.best_values` over plain rows (pk, updated_at, *_BEST): the most common
    non-blank value of each field, the most recent record's on a tie."""
    if len(records) > 1:
        records = sorted(records, key=lambda r: (r[1], r[0]), reverse=True)
    out = []
    for k, name in enumerate(_BEST, start=2):
        values = [r[k] for r in records if r[k] not in (None, "")]
        if not values:
            out.append(None if name == "date_of_birth" else "")
        elif len(values) == 1:
            out.append(values[0])
        else:
            counts = Counter(values)
            top = max(counts.values())
            out.append(next(v for v in values if counts[v] == top))
    return out


def _best_by_person(rows: pd.DataFrame, target: list[int], person_ids: set[int]) -> dict:
    """`_best` of every person in `person_ids` at once: per field, the value most of the
    person's records give (blanks aside), on a tie the one the most recent record gives
    (latest `updated_at`, then highest id), as `_best` decides it one person at a time.

    Each field's values become integer codes once (`pandas.factorize`) and the counting
    is sorting integers: grouping the strings themselves took 5.7 s at 1 M records."""
    # pandas and numpy load when a relink runs, not at start-up
    import numpy as np
    import pandas as pd

    pid = np.asarray(target, dtype=np.int64)
    keep = np.isin(pid, np.fromiter(person_ids, dtype=np.int64, count=len(person_ids)))
    pid = pid[keep]
    ids = rows["id"].to_numpy(dtype=np.int64)[keep]
    # codes ordered as the stamps are (ISO text on SQLite, datetimes on PostgreSQL)
    stamp, _ = pd.factorize(rows["updated_at"].to_numpy(dtype=object)[keep], sort=True)
    # rank 0 is each person's most recent record (latest stamp, then highest id)
    order = np.lexsort((-ids, -stamp, pid))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    chosen = {}
    for name in _BEST:
        values = rows["dob_raw" if name == "date_of_birth" else name].to_numpy(dtype=object)
        codes, uniques = pd.factorize(values[keep])  # None: -1
        blank_codes = np.flatnonzero(uniques == "")
        given = (codes >= 0) & ~np.isin(codes, blank_codes)
        p, c, r = pid[given], codes[given], rank[given]
        if not len(p):  # no record of these persons gives this field
            chosen[name] = {}
            continue
        # each (person, value) group with its size and its most recent record's rank
        by_group = np.lexsort((r, c, p))
        p, c, r = p[by_group], c[by_group], r[by_group]
        starts = np.flatnonzero(np.r_[True, (p[1:] != p[:-1]) | (c[1:] != c[:-1])])
        sizes = np.diff(np.r_[starts, len(p)])
        p, c, r = p[starts], c[starts], r[starts]
        # per person: the largest group, the most recent on a tie
        best = np.lexsort((r, -sizes, p))
        p, c = p[best], c[best]
        first = np.r_[True, p[1:] != p[:-1]]
        chosen[name] = dict(zip(p[first].tolist(), uniques[c[first]].tolist(), strict=True))
    blank = {name: None if name == "date_of_birth" else "" for name in _BEST}
    return {person: [chosen[name].get(person, blank[name]) for name in _BEST]
            for person in person_ids}


def _write_best_values(best: dict[int, list]) -> None:
    """Write the best values of these persons (`_best_by_person`, from their records already
    in memory: `_records` read every record of the force), only where they change. Values
    stay in the database's own form (SQLite: ISO text dates)."""
    if not best:
        return
    quote = connection.ops.quote_name
    meta = Person._meta
    names = ", ".join(quote(meta.get_field(name).column) for name in ("id", *_BEST))
    ids = sorted(best)
    current: dict[int, list] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            # Names come from model metadata (quoted); the ids are query parameters.
            cursor.execute(f"SELECT {names} FROM {quote(meta.db_table)} "  # noqa: S608
                           f"WHERE {quote(meta.pk.column)} IN "
                           f"({', '.join(['%s'] * len(chunk))})", chunk)
            current.update((pk, list(values)) for pk, *values in cursor.fetchall())
    now = Person._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)
    updates = []
    for pk in ids:
        if pk not in current:
            continue
        values = best[pk]
        if values != current[pk]:
            updates.append((*values, now, pk))
    fast_update(Person, [*_BEST, "updated_at"], updates)


def run_relink(force, *, actor=None, progress: bool = True, engine: str = "duckdb",
               spark=None) -> LinkRun:
    """Full relink of one force's source records. Respects clerical decisions and merges.

    Splink runs first, reading only (minutes on a big force, holding no write lock); its
    result is then applied by one action, `do_apply_relink`, in one transaction. `engine`
    "spark" runs the same Splink settings on Spark (`haven link --engine spark`, issue 19)."""
    # Splink and DuckDB load in seconds: only when a relink runs.
    from haven.people.linkage import link_records

    link = link_records
    if engine == "spark":
        # pyspark and the JVM bridge load only when a run asks for Spark.
        from haven.people.linkage.spark import link_records_spark

        link = partial(link_records_spark, spark=spark)

    started = time.perf_counter()
    # Other rooms' evidence is read beside the records when the force is large.
    evidence = Evidence.start(force, SourceRecord.objects.filter(force=force).count())
    stages = tqdm(total=3, desc=f"link {force.code}", unit="stage", file=sys.stderr,
                  disable=not progress)
    # Millions of small objects live from reading to applying: collected after, not
    # walked again and again while they are built.
    with without_cyclic_gc():
        try:
            rows, counts, result = _link(force, evidence, link, engine, stages)
            # The reader prefetched these while Splink linked; it reads nothing from here
            # on, before any write.
            evidence.after_link_inputs()
            # SQLite's foreign-key checks are off for the apply (set before its transaction
            # begins; Django turns them on again after): each deleted person asked every
            # relation onto Person, and each moved row its new person, row by row. The
            # apply checks what it could break once, at its end (`apply_clusters`,
            # `do_apply_relink`); a failed check rolls it all back, as SQLite's would.
            with sqlite_write_cache(), connection.constraint_checks_disabled():
                # The reader prepares what waits for the moves while the relink writes.
                run = do_apply_relink(force, rows, result, counts, started=started,
                                      actor=actor, on_moves=evidence.persons_moving)
            inputs = evidence.after_write_inputs()
        finally:
            evidence.close()
    # For `haven link`'s after-link steps (not stored): what the evidence reader prefetched
    # or prepared.
    run.after_link_inputs = inputs
    stages.update(stages.total - stages.n)
    stages.close()
    logger.info("relink force=%s run=%s counts=%s", force.code, run.pk, counts)
    return run


def _link(force, evidence: Evidence, link, engine: str, stages):
    """Read the records, prepare them, add the evidence, link: (rows, counts, result)."""
    # Splink and DuckDB load in seconds: only when a relink runs.
    from haven.people.linkage import LinkageSettings
    from haven.people.linkage.engine import model_parameters
    from haven.people.linkage.normalise import prepare_records

    began = time.perf_counter()
    rows = _records(force, with_evidence=False)
    by_pk = dict(zip(rows["id"].tolist(), rows["uid"].tolist(), strict=True))
    stages.update(1)
    logger.info("relink read force=%s records=%d seconds=%.1f", force.code, len(rows),
                time.perf_counter() - began)
    began = time.perf_counter()
    counts = {"records": len(rows)}
    if engine != "duckdb":
        counts["engine"] = engine
    result = None
    if len(rows) >= 2:
        must, cannot = _clerical(force, by_pk)
        lower, upper = policy(force, "linkage_review_band")
        settings = LinkageSettings(link_threshold=policy(force, "linkage_link_threshold"),
                                   review_band=(lower, upper), must_link=must,
                                   cannot_link=cannot,
                                   own_phone_link_threshold=policy(
                                       force, "linkage_own_phone_threshold"),
                                   dated_link_threshold=policy(
                                       force, "linkage_dated_threshold"),
                                   counterpart_link_threshold=policy(
                                       force, "linkage_counterpart_threshold"),
                                   counterpart_names_alone=policy(
                                       force, "linkage_counterpart_names_alone") == "on")
        prepared = prepare_records(rows[["uid", "system", "source_id", *RAW_FIELDS]])
        # How long the records took to prepare and how long the evidence read beside them
        # was then still awaited: the slower of the two sets the pace.
        ready = time.perf_counter()
        keys = evidence.keys()
        waited = time.perf_counter() - ready
        # `evidence_keys` joins each record's fingerprints sorted and distinct: splitting
        # is all that is left (`split_keys`, which sorts afresh, took 3 s at 1 M records).
        prepared["incident_keys"] = [v.split(";") if v else None
                                     for v in _keys_column(rows, keys)]
        del keys  # 800,000 entries at 1 M records, not to be held through training
        settings.counterparts = _counterparts(rows, evidence.counterparts())
        logger.info("relink prepared force=%s seconds=%.1f records=%.1f evidence_waited=%.1f",
                    force.code, time.perf_counter() - began, ready - began, waited)
        result = link(prepared, settings)
        counts["parameters"] = result.model.parameters if result.model else "trained"
        if result.model is not None and result.model.parameters == "trained":
            # kept so the light scorer can use this force's trained weights
            counts["model"] = model_parameters(result.model.linker)
        stages.update(1)
    return rows, counts, result


@action("ingest.run", record_type="link_run", system=True)
def do_apply_relink(force, rows, result, counts: dict, *, started: float, actor=None,
                    on_moves=None) -> LinkRun:
    """Apply a relink's clusters and review pairs, and record the run, all or nothing.
    `on_moves`: as `apply_clusters`'."""
    run = LinkRun.objects.create(force=force, kind=LinkRun.Kind.FULL,
                                 started_by=actor if getattr(actor, "pk", None) else None)
    if result is not None:
        counts.update(apply_clusters(force, rows, result.clusters, on_moves=on_moves))
        counts["review_items"] = _queue_uncertain(
            force, result.uncertain_pairs, run,
            dict(zip(rows["uid"].tolist(), rows["id"].tolist(), strict=True)))
    if not foreign_keys_enforced():
        # the review pairs name records read before the transaction began
        check_references_of(ReviewItem)
    counts["persons"] = Person.objects.filter(force=force).count()
    counts["seconds"] = round(time.perf_counter() - started, 2)
    run.counts, run.finished_at = counts, timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    record_access(actor, Action.COMBINATION, record_type="link_run", record_id=run.pk,
                  detail={k: v for k, v in counts.items() if k not in ("related_moved", "model")})
    return run


def _queue_uncertain(force, pairs, run, by_uid: dict[str, int]) -> int:
    """Band pairs to the review queue (evidence is computed when a reviewer opens one); a
    pair already queued (decided or not) is left as it is."""
    wanted: dict[tuple[int, int], float] = {}
    for uid_a, uid_b, prob in pairs:
        a, b = by_uid.get(uid_a), by_uid.get(uid_b)
        if a is None or b is None:
            continue
        wanted.setdefault(tuple(sorted((a, b))), prob)
    if not wanted:
        return 0
    firsts = sorted({a for a, _ in wanted})
    existing = set()
    for start in range(0, len(firsts), BATCH):
        existing |= set(ReviewItem.objects.filter(record_a_id__in=firsts[start:start + BATCH])
                        .values_list("record_a_id", "record_b_id"))
    new = [ReviewItem(force=force, record_a_id=a, record_b_id=b, probability=prob, run=run)
           for (a, b), prob in wanted.items() if (a, b) not in existing]
    ReviewItem.objects.bulk_create(new, batch_size=BATCH)
    return len(new)

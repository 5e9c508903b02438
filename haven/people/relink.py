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
from collections import Counter, defaultdict
from types import SimpleNamespace

from django.db import connection
from django.utils import timezone
from tqdm import tqdm

from haven.access.log import Action, record_access
from haven.core.actions import action
from haven.forces.policy import policy
from haven.people.linking import linkage_evidence
from haven.people.models import LinkRun, MergeEvent, Person, ReviewItem, SourceRecord
from haven.people.movers import bulk_reassign, fast_update
from haven.people.services import RAW_FIELDS, best_values, queue_review

logger = logging.getLogger(__name__)
BATCH = 2000


def absorb_singleton(record: SourceRecord, score) -> bool:
    """Join a just-ingested record (alone on its own person) to an existing person if
    exactly one scores at/above `linkage_link_threshold`; queue review for the band."""
    # services and movers import this module: imported at call time to break the cycle.
    from haven.people.movers import move_person_data
    from haven.people.scoring import corroborated
    from haven.people.services import refresh_person

    threshold = policy(record.force, "linkage_link_threshold")
    lower, _ = policy(record.force, "linkage_review_band")
    scored = score(record, exclude_person=record.person_id)
    strong = [r for r in scored if r[1] >= threshold]
    if len(strong) == 1 and corroborated(strong[0][2]):
        own = record.person
        target = Person.objects.get(pk=strong[0][0])
        move_person_data(own, target)
        own.delete()
        refresh_person(target)
        return True
    for _pid, prob, explanation, other, conflict in scored[:3]:
        if lower <= prob < threshold:
            queue_review(record, other, prob, explanation, conflict=conflict)
    return False


def _records(force) -> list[dict]:
    """Every source record of the force as the engine's input, with incident evidence.

    `incident_keys` holds the fingerprints (role, place, date) of the events the record was
    involved in as victim or suspect, from the rooms registered with
    `haven.people.linking.register_linkage_evidence`: other systems record the same event
    under other ids, so only time, place and role tie them together.
    """
    rows = list(SourceRecord.objects.filter(force=force).values("id", "person_id", "system",
                                                                "source_id", *RAW_FIELDS))
    keys: dict[tuple[int, str], list[str]] = defaultdict(list)
    for provider in linkage_evidence():
        for person_id, system, fingerprints in provider(force):
            keys[(person_id, system)].extend(fingerprints)
    for row in rows:
        row["uid"] = f"{row['system']}:{row['source_id']}"
        row["date_of_birth"] = row["date_of_birth"].isoformat() if row["date_of_birth"] else None
        row["incident_keys"] = ";".join(keys.get((row["person_id"], row["system"]), []))
    return rows


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


def _assign(rows: list[dict], clusters: dict[str, str]) -> dict[int, int | None]:
    """record pk -> person id (None = needs a new person); each person survives once."""
    members: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        members[clusters[row["uid"]]].append(row)
    used: set[int] = set()
    target: dict[int, int | None] = {}
    for cluster_id in sorted(members, key=lambda c: -len(members[c])):
        rows_in = members[cluster_id]
        votes = Counter(r["person_id"] for r in rows_in if r["person_id"])
        survivor = next((pid for pid, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
                         if pid not in used), None)
        if survivor is not None:
            used.add(survivor)
        for row in rows_in:
            target[row["id"]] = survivor
    return target


def apply_clusters(force, rows: list[dict], clusters: dict[str, str]) -> dict:
    target = _assign(rows, clusters)
    by_id = {row["id"]: row for row in rows}
    # Clusters with no surviving person get a new one.
    new_for: dict[str, Person] = {}
    for row in rows:
        if target[row["id"]] is None:
            cid = clusters[row["uid"]]
            if cid not in new_for:
                new_for[cid] = Person(force=force)
    Person.objects.bulk_create(list(new_for.values()), batch_size=BATCH)
    for row in rows:
        if target[row["id"]] is None:
            target[row["id"]] = new_for[clusters[row["uid"]]].pk
    changed = [(pid, pk) for pk, pid in target.items() if by_id[pk]["person_id"] != pid]
    fast_update(SourceRecord, ["person"], changed)
    # Persons left with no record hand everything else to where most of their records went.
    votes: dict[int, Counter] = defaultdict(Counter)
    for pk, pid in target.items():
        old = by_id[pk]["person_id"]
        if old and old != pid:
            votes[old][pid] += 1
    survivors = set(target.values())
    emptied = {old: counter.most_common(1)[0][0] for old, counter in votes.items()
               if old not in survivors}
    moved = bulk_reassign(emptied, exclude=(SourceRecord,))
    # Everything hanging off an emptied person has moved; persons a merge event or a
    # tombstone still names are kept (empty) so that unmerge keeps working.
    named = set(MergeEvent.objects.values_list("keep_id", flat=True)) | set(
        MergeEvent.objects.values_list("absorbed_id", flat=True)) | set(
        Person.objects.filter(merged_into__isnull=False).values_list("merged_into_id",
                                                                     flat=True))
    removable = [pk for pk in emptied if pk not in named]
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Person._meta.db_table)
        cursor.executemany(f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
                           [(pk,) for pk in removable])
    _refresh_best_values({target[pk] for pk in target if by_id[pk]["person_id"] != target[pk]})
    return {"records_moved": len(changed), "persons_created": len(new_for),
            "persons_removed": len(removable), "related_moved": dict(moved)}


_BEST = ("forename", "middle_names", "surname", "date_of_birth", "gender")


def _refresh_best_values(person_ids: set[int]) -> None:
    """Recompute the best values of these persons from their records, writing only the
    persons whose values change (plain rows, not model instances: a first relink after
    ingest touches most persons of the force)."""
    ids = list(person_ids)
    now = Person._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)
    dob = Person._meta.get_field("date_of_birth")
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        by_person: dict[int, list] = defaultdict(list)
        for row in SourceRecord.objects.filter(person_id__in=chunk).values(
                "pk", "person_id", "updated_at", *_BEST):
            by_person[row["person_id"]].append(SimpleNamespace(**row))
        current = {pk: values for pk, *values in Person.objects.filter(pk__in=chunk)
                   .values_list("pk", *_BEST)}
        rows = []
        for pk in chunk:
            values = best_values(by_person.get(pk, []))
            if [values[name] for name in _BEST] == current.get(pk):
                continue
            rows.append((values["forename"], values["middle_names"], values["surname"],
                         dob.get_db_prep_save(values["date_of_birth"], connection),
                         values["gender"], now, pk))
        fast_update(Person, [*_BEST, "updated_at"], rows)


def run_relink(force, *, actor=None, progress: bool = True) -> LinkRun:
    """Full relink of one force's source records. Respects clerical decisions and merges.

    Splink runs first, reading only (minutes on a big force, holding no write lock); its
    result is then applied by one action, `do_apply_relink`, in one transaction."""
    # Splink and DuckDB load in seconds: only when a relink runs.
    from haven.people.linkage import LinkageSettings, link_records
    from haven.people.linkage.engine import model_parameters

    started = time.perf_counter()
    stages = tqdm(total=3, desc=f"link {force.code}", unit="stage", file=sys.stderr,
                  disable=not progress)
    rows = _records(force)
    by_pk = {row["id"]: row["uid"] for row in rows}
    stages.update(1)
    counts = {"records": len(rows)}
    result = None
    if len(rows) >= 2:
        must, cannot = _clerical(force, by_pk)
        lower, upper = policy(force, "linkage_review_band")
        settings = LinkageSettings(link_threshold=policy(force, "linkage_link_threshold"),
                                   review_band=(lower, upper), must_link=must,
                                   cannot_link=cannot)
        result = link_records(rows, settings)
        counts["parameters"] = result.model.parameters if result.model else "trained"
        if result.model is not None and result.model.parameters == "trained":
            # kept so the light scorer can use this force's trained weights
            counts["model"] = model_parameters(result.model.linker)
        stages.update(1)
    run = do_apply_relink(force, rows, result, counts, started=started, actor=actor)
    stages.update(stages.total - stages.n)
    stages.close()
    logger.info("relink force=%s run=%s counts=%s", force.code, run.pk, counts)
    return run


@action("ingest.run", record_type="link_run", system=True)
def do_apply_relink(force, rows, result, counts: dict, *, started: float, actor=None) -> LinkRun:
    """Apply a relink's clusters and review pairs, and record the run, all or nothing."""
    run = LinkRun.objects.create(force=force, kind=LinkRun.Kind.FULL,
                                 started_by=actor if getattr(actor, "pk", None) else None)
    if result is not None:
        by_pk = {row["id"]: row["uid"] for row in rows}
        counts.update(apply_clusters(force, rows, result.clusters))
        counts["review_items"] = _queue_uncertain(
            force, result.uncertain_pairs, run, {uid: pk for pk, uid in by_pk.items()})
    counts["persons"] = Person.objects.filter(force=force).count()
    counts["seconds"] = round(time.perf_counter() - started, 2)
    run.counts, run.finished_at = counts, timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    record_access(actor, Action.COMBINATION, record_type="link_run", record_id=run.pk,
                  detail={k: v for k, v in counts.items() if k not in ("related_moved", "model")})
    return run


def _queue_uncertain(force, pairs, run, by_uid: dict[str, int]) -> int:
    """Band pairs to the review queue (evidence is computed when a reviewer opens one)."""
    queued = 0
    for uid_a, uid_b, prob in pairs:
        a, b = by_uid.get(uid_a), by_uid.get(uid_b)
        if a is None or b is None:
            continue
        first, second = sorted((a, b))
        _, created = ReviewItem.objects.get_or_create(
            record_a_id=first, record_b_id=second,
            defaults={"force": force, "probability": prob, "run": run})
        queued += int(created)
    return queued

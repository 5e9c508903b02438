"""National (or regional) linkage across forces, and each force's relink on Spark (issue 19).

* `run_relink_spark(force)`: `haven link --engine spark`. The same steps as
  `relink.run_relink` (read the force's records, clerical decisions as must/cannot links,
  policy thresholds, one action applies the result), with the Splink run on Spark.
* `run_national_link(forces)`: one Splink run over several forces' records (each record
  keeps its force; uids are prefixed with the force code). Links *within* a force are left
  to that force's own relink; a candidate link *between* two forces becomes a
  `CrossForceProposal` queued for both forces' review. Never a merge: each force's persons
  stay its own.
* What a reviewer sees (`proposal_for_reviewer`): their own force's record in full; the
  other force's record only when the two forces share (`forces_share`: the same alliance,
  the one cross-force sharing Haven has). Otherwise only which force holds a possible
  match, the probability and the field-by-field levels, never the other force's values,
  so names do not cross forces through the queue.

Nothing here logs names or addresses: ids and counts only.
"""

from __future__ import annotations

import logging
import time

import pandas as pd
from django.db.models import Q, QuerySet
from django.http import Http404

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.core.actions import action, unchanged
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit
from haven.forces.models import Force
from haven.forces.policy import policy
from haven.people import relink
from haven.people.linkage import LinkageSettings, hard_conflict, link_records
from haven.people.models import SourceRecord
from haven.people.models_national import CrossForceProposal
from haven.people.review import evidence_for
from haven.people.services import RAW_FIELDS, InvalidRecord

logger = logging.getLogger(__name__)

#: the fields a reviewer reads of a record (never the confidential-address flag's address)
SHOWN_FIELDS = ("forename", "middle_names", "surname", "date_of_birth", "gender", "pnc_id")


def _link(frame, settings, *, engine: str, spark=None):
    if engine == "duckdb":
        return link_records(frame, settings)
    # Spark (pyspark, the JVM bridge) loads only when a run asks for it.
    from haven.people.linkage.spark import link_records_spark

    return link_records_spark(frame, settings, spark=spark)


def run_relink_spark(force, *, actor=None, spark=None):
    """`relink.run_relink` with the Splink run on Spark (`haven link --engine spark`)."""
    return relink.run_relink(force, actor=actor, progress=False, engine="spark", spark=spark)


# ------------------------------------------------------------------ national run


def national_records(forces) -> pd.DataFrame:
    """Every source record of these forces as one engine input; `force_id` kept per record,
    uids prefixed with the force code so two forces' systems never collide."""


    frames = []
    for force in forces:
        frame = relink._records(force)
        frame["force_id"] = force.pk
        frame["uid"] = force.code + "/" + frame["uid"]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def cross_force_pairs(rows: pd.DataFrame, result, lower_of) -> list[tuple[int, int, float]]:
    """Scored pairs whose records are of two forces, at or above both forces' review band
    (`lower_of[force_id]`), without a hard conflict; the best pair per two persons.
    Returns (record pk, record pk, probability), the smaller pk first."""

    force_of = dict(zip(rows["uid"], rows["force_id"], strict=True))
    pk_of = dict(zip(rows["uid"], rows["id"], strict=True))
    person_of = dict(zip(rows["uid"], rows["person_id"], strict=True))
    best: dict[tuple, tuple[int, int, float]] = {}
    pairs = result.pairs.sort_values("match_probability", ascending=False)
    for uid_l, uid_r, prob in zip(pairs["uid_l"], pairs["uid_r"], pairs["match_probability"],
                                  strict=True):
        fl, fr = force_of[uid_l], force_of[uid_r]
        if fl == fr or prob < max(lower_of[fl], lower_of[fr]):
            continue
        if hard_conflict(result.model.record(uid_l), result.model.record(uid_r)):
            continue
        key = tuple(sorted([(fl, person_of[uid_l] or pk_of[uid_l]),
                            (fr, person_of[uid_r] or pk_of[uid_r])]))
        if key not in best:
            a, b = sorted((int(pk_of[uid_l]), int(pk_of[uid_r])))
            best[key] = (a, b, float(prob))
    return list(best.values())


@action("ingest.run", record_type="cross_force_proposal", system=True)
def do_queue_cross_force(pairs, *, engine: str, actor=None) -> int:
    """Queue cross-force pairs for both forces' review; a pair already queued (decided or
    not) is left as it is. Returns how many were new."""
    records = {r.pk: r for r in SourceRecord.objects.filter(
        pk__in={pk for a, b, _ in pairs for pk in (a, b)})}
    existing = set(CrossForceProposal.objects.filter(
        record_a_id__in=[a for a, _, _ in pairs]).values_list("record_a_id", "record_b_id"))
    new = []
    for a, b, prob in pairs:
        if (a, b) in existing:
            continue
        new.append(CrossForceProposal(
            record_a_id=a, record_b_id=b, force_a_id=records[a].force_id,
            force_b_id=records[b].force_id, probability=prob, engine=engine))
    CrossForceProposal.objects.bulk_create(new)
    if not new:
        unchanged()
        return 0
    record_access(actor, Action.COMBINATION, record_type="cross_force_proposal",
                  detail={"queued": len(new), "engine": engine})
    return len(new)


def run_national_link(forces, *, engine: str = "spark", spark=None, actor=None) -> dict:
    """One linkage run over these forces' records; cross-force links queued as proposals
    for both forces (`CrossForceProposal`). Persons are never merged across forces."""

    forces = list(forces)
    started = time.perf_counter()
    rows = national_records(forces)
    counts = {"forces": [f.code for f in forces], "records": len(rows), "engine": engine}
    if len(rows) < 2:
        counts["proposals"] = 0
        return counts
    bands = {f.pk: policy(f, "linkage_review_band") for f in forces}
    lower_of = {pk: band[0] for pk, band in bands.items()}
    settings = LinkageSettings(
        # the strictest force's link threshold and the widest band: proposals, not links
        link_threshold=max(policy(f, "linkage_link_threshold") for f in forces),
        review_band=(min(lower_of.values()), max(b[1] for b in bands.values())))
    result = _link(rows[["uid", "system", "source_id", *RAW_FIELDS, "incident_keys"]],
                   settings, engine=engine, spark=spark)
    pairs = cross_force_pairs(rows, result, lower_of)
    counts.update(parameters=result.model.parameters, cross_force_pairs=len(pairs),
                  proposals=do_queue_cross_force(pairs, engine=engine, actor=actor),
                  seconds=round(time.perf_counter() - started, 1))
    logger.info("national link counts=%s", counts)
    return counts


# ------------------------------------------------------------------ review by both forces


def forces_share(force_a_id, force_b_id) -> bool:
    """Whether two forces see each other's persons: the same force, or one alliance."""
    if force_a_id == force_b_id:
        return True

    alliances = dict(Force.objects.filter(pk__in=[force_a_id, force_b_id])
                     .values_list("pk", "alliance_id"))
    a, b = alliances.get(force_a_id), alliances.get(force_b_id)
    return a is not None and a == b


def cross_force_proposals_for(user) -> QuerySet[CrossForceProposal]:
    """Proposals naming one of the user's force's records (empty without linkage.review)."""
    if not can(user, "linkage.review") or not user.force_id:
        return CrossForceProposal.objects.none()
    return CrossForceProposal.objects.filter(
        Q(force_a_id=user.force_id) | Q(force_b_id=user.force_id))


def _side(proposal: CrossForceProposal, force_id) -> str:
    return "a" if proposal.force_a_id == force_id else "b"


def _shown(record: SourceRecord) -> dict:
    values = {name: getattr(record, name) for name in SHOWN_FIELDS}
    if values["date_of_birth"] is not None and not isinstance(values["date_of_birth"], str):
        values["date_of_birth"] = values["date_of_birth"].isoformat()
    return {"record_id": record.pk, "system": record.system, "force": record.force.code,
            **values}


def proposal_for_reviewer(user, proposal_id) -> dict:
    """What a reviewer of either force reads of a proposal (the read is logged).

    {"id", "probability", "own": {record fields}, "other": {...}, "other_shared": bool,
     "evidence": [{field, level, weight}], "decision_own", "decision_other", "confirmed"}.
    Without a share, "other" holds only the other force's code and record id."""

    pk = db_int(proposal_id)
    proposal = (cross_force_proposals_for(user).select_related(
        "record_a__force", "record_b__force").filter(pk=pk).first() if pk is not None else None)
    if proposal is None:
        if getattr(user, "is_authenticated", False):
            record_access(user, Action.CONSULTATION, record_type="cross_force_proposal",
                          record_id=proposal_id, outcome=Outcome.REFUSED)
        raise Http404("Not found")
    side = _side(proposal, user.force_id)
    own, other = ((proposal.record_a, proposal.record_b) if side == "a"
                  else (proposal.record_b, proposal.record_a))
    shared = forces_share(own.force_id, other.force_id)
    # The light scorer's levels ("exact", "different" ...), never the other's values.
    evidence = [{k: row[k] for k in ("field", "level", "weight", "label")}
                for row in evidence_for(_as_review_item(proposal))]
    record_access(user, Action.CONSULTATION, record_type="cross_force_proposal",
                  record_id=proposal.pk, person_id=own.person_id,
                  detail={"other_force": other.force_id, "other_shared": shared,
                          "other_person": other.person_id if shared else None})
    decisions = {"a": proposal.decision_a, "b": proposal.decision_b}
    return {
        "id": proposal.pk, "probability": proposal.probability, "version": proposal.version,
        "own": _shown(own),
        "other": _shown(other) if shared else {"force": other.force.code,
                                                "record_id": other.pk},
        "other_shared": shared, "evidence": evidence,
        "decision_own": decisions[side], "decision_other": decisions["b" if side == "a" else "a"],
        "confirmed": proposal.confirmed,
    }


class _as_review_item:  # noqa: N801 - quacks like a ReviewItem for review.evidence_for
    def __init__(self, proposal):
        self.evidence = []
        self.record_a, self.record_b = proposal.record_a, proposal.record_b


@action("linkage.review", record_type="cross_force_proposal")
def do_decide_cross_force(proposal: CrossForceProposal, *, decision: str, version: int,
                          actor) -> CrossForceProposal:
    """The actor's force's answer to a proposal: link (same person) or not_link. Nothing is
    merged; when both forces said link the proposal is confirmed (`.confirmed`)."""
    if decision not in (CrossForceProposal.Decision.LINK, CrossForceProposal.Decision.NOT_LINK):
        raise InvalidRecord("decision", "Choose whether the records are the same person")
    if not cross_force_proposals_for(actor).filter(pk=proposal.pk).exists():
        raise Http404("Not found")
    side = _side(proposal, actor.force_id)
    updated = CrossForceProposal.objects.filter(
        pk=proposal.pk, version=version, **{f"decision_{side}": ""}).update(
        **{f"decision_{side}": decision, f"decided_by_{side}": actor, "version": version + 1})
    if not updated:
        raise StaleEdit("Someone else decided this pair already. Reload the queue.")
    proposal.refresh_from_db()
    own = proposal.record_a if side == "a" else proposal.record_b
    record_access(actor, Action.COMBINATION, record_type="cross_force_proposal",
                  record_id=proposal.pk, person_id=own.person_id,
                  detail={"decision": decision, "side": side, "confirmed": proposal.confirmed})
    return proposal

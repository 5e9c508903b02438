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

import datetime as dt
import logging
import time
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from haven.access.capabilities import MATRIX as CAPABILITIES
from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access, record_list_access
from haven.chronology.services import record_entry
from haven.core.actions import action, unchanged
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit
from haven.forces.models import Force
from haven.forces.policy import policy
from haven.people import relink
from haven.people.models import SourceRecord
from haven.people.models_national import CrossForceProposal, CrossForceWithdrawal
from haven.people.review import evidence_for
from haven.people.services import RAW_FIELDS, InvalidRecord
from haven.tasks.services import do_close_tasks, do_create_task, tasks_from

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

#: the fields a reviewer reads of a record (never the confidential-address flag's address)
SHOWN_FIELDS = ("forename", "middle_names", "surname", "date_of_birth", "gender", "pnc_id")


def _link(frame, settings, *, engine: str, spark=None):
    # Splink (and pandas) load only when a run asks for them: the review screens and the
    # person page import this module too.
    from haven.people.linkage import link_records

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
    import pandas as pd  # only a link run needs pandas; the person page imports this module

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
    from haven.people.linkage import hard_conflict  # Splink's start-up, only for a link run

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
    from haven.people.linkage import LinkageSettings  # Splink's start-up, only for a link run

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
        own_phone_link_threshold=max(policy(f, "linkage_own_phone_threshold") for f in forces),
        dated_link_threshold=max(policy(f, "linkage_dated_threshold") for f in forces),
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


def _own_and_other(proposal: CrossForceProposal, force_id):
    """(own force's record, the other force's record) of a proposal."""
    if _side(proposal, force_id) == "a":
        return proposal.record_a, proposal.record_b
    return proposal.record_b, proposal.record_a


def _answers(proposal: CrossForceProposal, force_id) -> tuple[str, str]:
    """(own force's decision, the other force's decision); "" while not given."""
    if _side(proposal, force_id) == "a":
        return proposal.decision_a, proposal.decision_b
    return proposal.decision_b, proposal.decision_a


def _waiting_for(force_id) -> Q:
    """Proposals this force has not answered yet."""
    return Q(force_a_id=force_id, decision_a="") | Q(force_b_id=force_id, decision_b="")


def cross_force_waiting_count(user) -> int:
    """How many proposals wait for the user's force's answer (0 without linkage.review).
    A count names nobody, so it is not logged."""
    if not user.force_id:
        return 0
    return cross_force_proposals_for(user).filter(_waiting_for(user.force_id)).count()


def answer_label(decision: str) -> str:
    return CrossForceProposal.Decision(decision).label if decision else "Not answered yet"


#: rows per page of each of the list's two tables (a screen's length, not a policy number)
PER_PAGE = 50


def page_number(value) -> int:
    """A `page` query parameter as a page number: anything but a whole number from 1 (text,
    0, negative, absurdly long) is page 1, so a hand-edited address never fails."""
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 6 and int(value) >= 1 else 1


def _paged(queryset, page: int, per_page: int) -> tuple[list, dict]:
    """(the rows of `page`, {"number", "pages", "total"}); past the last page is page 1."""
    paginator = Paginator(queryset, per_page)
    number = page if page <= paginator.num_pages else 1
    return list(paginator.page(number).object_list), {
        "number": number, "pages": paginator.num_pages, "total": paginator.count}


def cross_force_queue(user, *, page: int = 1, answered_page: int = 1,
                      per_page: int | None = None) -> dict:
    """The user's force's proposals for the list page: those waiting for this force's answer
    (most likely first) and those it has answered (newest first), a page of each
    (`page`, `answered_page`; a page past the last is page 1).

    Each row names only the user's own force's record and the other force's code, never the
    other force's values. The read is logged: one entry per own person named."""
    per_page = per_page or PER_PAGE  # read at call time: tests page through a few rows
    proposals = cross_force_proposals_for(user).select_related(
        "record_a", "record_b", "force_a", "force_b")
    if not user.force_id:
        empty = {"number": 1, "pages": 1, "total": 0}
        return {"waiting": [], "answered": [], "waiting_total": 0, "answered_total": 0,
                "waiting_page": empty, "answered_page": empty}
    waiting_q = _waiting_for(user.force_id)
    waiting = proposals.filter(waiting_q).order_by("-probability", "pk")
    answered = proposals.exclude(waiting_q).order_by("-pk")

    def row(proposal):
        own, _other = _own_and_other(proposal, user.force_id)
        own_answer, other_answer = _answers(proposal, user.force_id)
        other_force = proposal.force_b if own is proposal.record_a else proposal.force_a
        return {"id": proposal.pk, "probability": proposal.probability,
                "own": {"record_id": own.pk, "system": own.system, "source_id": own.source_id,
                        "person_id": own.person_id,
                        "name": " ".join(filter(None, (own.forename, own.middle_names,
                                                       own.surname)))},
                "other_force": other_force.code, "other_force_name": other_force.name,
                "own_answer": answer_label(own_answer),
                "other_answer": answer_label(other_answer),
                "own_answered": bool(own_answer), "other_answered": bool(other_answer),
                "confirmed": proposal.confirmed}

    with transaction.atomic():
        waiting_rows, waiting_page = _paged(waiting, page, per_page)
        answered_rows, answered_paging = _paged(answered, answered_page, per_page)
        result = {"waiting": [row(p) for p in waiting_rows],
                  "answered": [row(p) for p in answered_rows],
                  "waiting_total": waiting_page["total"],
                  "answered_total": answered_paging["total"],
                  "waiting_page": waiting_page, "answered_page": answered_paging}
        shown: dict[int, list] = {}
        for r in result["waiting"] + result["answered"]:
            if r["own"]["person_id"] is not None:
                shown.setdefault(r["own"]["person_id"], []).append(
                    f"cross_force_proposal:{r['id']}")
        record_list_access(user, record_type="cross_force_queue", shown=shown)
    return result


def _shown(record: SourceRecord) -> dict:
    values = {name: getattr(record, name) for name in SHOWN_FIELDS}
    if values["date_of_birth"] is not None and not isinstance(values["date_of_birth"], str):
        values["date_of_birth"] = values["date_of_birth"].isoformat()
    return {"record_id": record.pk, "system": record.system, "force": record.force.code,
            **values}


def access_cross_force_proposal(user, proposal_id) -> CrossForceProposal:
    """The proposal, if it names one of the user's force's records and the user reviews
    linkage; else 404, the refused attempt logged (refused and missing look the same)."""
    pk = db_int(proposal_id)
    proposal = (cross_force_proposals_for(user).select_related(
        "record_a__force", "record_b__force").filter(pk=pk).first() if pk is not None else None)
    if proposal is None:
        if getattr(user, "is_authenticated", False):
            record_access(user, Action.CONSULTATION, record_type="cross_force_proposal",
                          record_id=proposal_id, outcome=Outcome.REFUSED)
        raise Http404("Not found")
    return proposal


def proposal_for_reviewer(user, proposal_id) -> dict:
    """What a reviewer of either force reads of a proposal (the read is logged).

    {"id", "probability", "own": {record fields}, "other": {...}, "other_shared": bool,
     "evidence": [{field, level, weight}], "decision_own", "decision_other", "confirmed",
     "own_person_id"}. Without a share, "other" holds only the other force's code and
    record id."""

    proposal = access_cross_force_proposal(user, proposal_id)
    own, other = _own_and_other(proposal, user.force_id)
    shared = forces_share(own.force_id, other.force_id)
    # The light scorer's levels ("exact", "different" ...), never the other's values.
    evidence = [{k: row[k] for k in ("field", "level", "weight", "label")}
                for row in evidence_for(_as_review_item(proposal))]
    with transaction.atomic():
        record_access(user, Action.CONSULTATION, record_type="cross_force_proposal",
                      record_id=proposal.pk, person_id=own.person_id,
                      detail={"other_force": other.force_id, "other_shared": shared,
                              "other_person": other.person_id if shared else None})
        decision_own, decision_other = _answers(proposal, user.force_id)
        return {
            "id": proposal.pk, "probability": proposal.probability,
            "version": proposal.version,
            "own": _shown(own), "own_person_id": own.person_id,
            "other": _shown(other) if shared else {"force": other.force.code,
                                                    "record_id": other.pk},
            "other_shared": shared, "evidence": evidence,
            "decision_own": decision_own, "decision_other": decision_other,
            "confirmed": proposal.confirmed,
            "withdrawals": _withdrawals(proposal, user.force_id),
        }


def _withdrawals(proposal, force_id) -> list[dict]:
    """Answers taken back, oldest first. The reason is the withdrawing force's own words (it
    may name their person), so another force reads only that and when it happened."""
    return [{"own": w.force_id == force_id, "force": w.force.code,
             "answer": answer_label(w.decision), "was_confirmed": w.was_confirmed,
             "at": w.withdrawn_at, "reason": w.reason if w.force_id == force_id else ""}
            for w in proposal.withdrawals.select_related("force")]


class _as_review_item:  # noqa: N801 - quacks like a ReviewItem for review.evidence_for
    def __init__(self, proposal):
        self.evidence = []
        self.record_a, self.record_b = proposal.record_a, proposal.record_b


@action("linkage.review", record_type="cross_force_proposal")
def do_decide_cross_force(proposal: CrossForceProposal, *, decision: str, version: int,
                          actor) -> CrossForceProposal:
    """The actor's force's answer to a proposal: link (same person) or not_link. Nothing is
    merged; when both forces said link the proposal is confirmed (`.confirmed`) and both
    persons' chronologies say so."""
    if decision not in (CrossForceProposal.Decision.LINK, CrossForceProposal.Decision.NOT_LINK):
        raise InvalidRecord("decision", "Choose whether the records are the same person")
    if not cross_force_proposals_for(actor).filter(pk=proposal.pk).exists():
        raise Http404("Not found")
    side = _side(proposal, actor.force_id)
    updated = CrossForceProposal.objects.filter(
        pk=proposal.pk, version=version, **{f"decision_{side}": ""}).update(
        **{f"decision_{side}": decision, f"decided_by_{side}": actor, "version": version + 1})
    if not updated:
        current = CrossForceProposal.objects.filter(pk=proposal.pk).first()
        if current is not None and getattr(current, f"decision_{side}"):
            raise StaleEdit("Someone else in your force has already decided this match ("
                            f"{answer_label(getattr(current, f'decision_{side}'))}). "
                            "Your answer was not saved.")
        # Only the other force's answer changed the version: nothing of ours was lost, but
        # the reviewer answers again having seen the page as it is now.
        raise StaleEdit("The other force answered while you were reading this page. Your "
                        "answer was not saved: read the page again and answer.")
    proposal.refresh_from_db()
    own, other = _own_and_other(proposal, actor.force_id)
    record_access(actor, Action.COMBINATION, record_type="cross_force_proposal",
                  record_id=proposal.pk, person_id=own.person_id,
                  detail={"decision": decision, "side": side, "confirmed": proposal.confirmed})
    _sync_answer_tasks(proposal, actor=actor, note="Your force answered this match")
    if proposal.confirmed:
        # The shared fact goes on both forces' persons; each entry names only the other
        # force's code, never its values.
        for record, elsewhere in ((own, other), (other, own)):
            if record.person_id is not None:
                record_entry(record.person, occurred_at=timezone.now(), kind="cross_force_link",
                             source_room="people", source_type="cross_force_proposal",
                             source_id=proposal.pk,
                             summary=f"Also recorded by {elsewhere.force.code}: both forces "
                                     "confirmed the same person (no records merged)",
                             actor=actor)
    return proposal


@action("linkage.review", record_type="cross_force_proposal")
def do_withdraw_cross_force(proposal: CrossForceProposal, *, reason: str, version: int,
                            actor) -> CrossForceWithdrawal:
    """Take back the actor's force's answer (the reason is required and kept). The proposal
    waits for this force's answer again. A confirmed match is confirmed no longer: the
    "Also recorded by" line leaves both person pages (it reads the answers) and both
    chronologies say so, naming only the other force's code. Nothing was merged, so nothing
    is separated."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidRecord("reason", "Enter why your force is withdrawing its answer")
    limit = CrossForceWithdrawal._meta.get_field("reason").max_length
    if len(reason) > limit:
        raise InvalidRecord("reason", f"The reason can be {limit:,} characters at most "
                                      f"(this one has {len(reason):,})")
    if not cross_force_proposals_for(actor).filter(pk=proposal.pk).exists():
        raise Http404("Not found")
    side = _side(proposal, actor.force_id)
    # The row as the reviewer read it (their version), locked until the withdrawal commits.
    current = CrossForceProposal.objects.select_for_update().filter(pk=proposal.pk).first()
    if current is None:
        raise Http404("Not found")
    own_now, other_now = _answers(current, actor.force_id)
    if current.version != version:
        raise StaleEdit(_changed_since(own_now, other_now))
    if not own_now:
        raise StaleEdit("Your force has not answered this match, so there is no answer to "
                        "withdraw.")
    was_confirmed = current.confirmed
    CrossForceProposal.objects.filter(pk=current.pk, version=version).update(
        **{f"decision_{side}": "", f"decided_by_{side}": None, "version": version + 1})
    now = timezone.now()
    withdrawal = CrossForceWithdrawal.objects.create(
        proposal=current, force_id=actor.force_id, decision=own_now,
        was_confirmed=was_confirmed, reason=reason, withdrawn_by=actor,
        withdrawn_at=now)
    proposal.refresh_from_db()
    own, other = _own_and_other(proposal, actor.force_id)
    record_access(actor, Action.ALTERATION, record_type="cross_force_proposal",
                  record_id=proposal.pk, person_id=own.person_id, reason=reason[:500],
                  detail={"withdrawn": own_now, "side": side, "was_confirmed": was_confirmed,
                          "withdrawal": withdrawal.pk})
    if was_confirmed:
        for record, elsewhere in ((own, other), (other, own)):
            if record.person_id is not None:
                record_entry(record.person, occurred_at=now, kind="cross_force_unlink",
                             source_room="people", source_type="cross_force_proposal",
                             source_id=proposal.pk,
                             summary=f"No longer confirmed as also recorded by "
                                     f"{elsewhere.force.code}: {own.force.code} withdrew its "
                                     "\"same person\" answer (no records were merged or "
                                     "separated)",
                             actor=actor)
    _sync_answer_tasks(proposal, actor=actor,
                       note=f"{own.force.code} withdrew its answer to this match")
    return withdrawal


def _changed_since(own: str, other: str) -> str:
    """What a stale withdrawal tells the reviewer: the answers as they are now."""
    return ("This match changed while you were reading it: your force's answer is now "
            f"\"{answer_label(own)}\" and the other force's \"{answer_label(other)}\". Nothing "
            "was withdrawn: read the page again.")


# ------------------------------------------------------------------ the other force's task

#: the task a force's reviewers get when the other force has answered and they have not
TASK_KIND = "cross_force_answer"
TASK_TITLE = ("Another force has answered a cross-force match; your force's answer is needed")
_TASK_SOURCE = {"source_room": "people", "source_type": "cross_force_proposal"}


def _task_roles() -> list[str]:
    # The roles that answer for a force and have a task list: a system administrator may
    # review but has no work list (no tasks.view), so a task for that role would go unseen.
    return sorted(CAPABILITIES["linkage.review"] & CAPABILITIES["tasks.view"])


def _side_to_answer(proposal: CrossForceProposal) -> str | None:
    """The side whose answer is needed because the other side has answered, else None."""
    if bool(proposal.decision_a) == bool(proposal.decision_b):
        return None
    return "b" if proposal.decision_a else "a"


def _sync_answer_tasks(proposal: CrossForceProposal, *, actor, note: str) -> None:
    """Keep the other force's task in step with the answers: a force has an open task for a
    proposal exactly when the other force has answered and it has not. So at most one
    force's tasks are open; any other open task (that force answered, or the answer it was
    waiting on was withdrawn) is closed. Through the tasks room's own actions.

    The task names the force's own person (its own record) and the answering force's code,
    never the other force's values: the same as the list shows without a share."""
    side = _side_to_answer(proposal)
    force_id = getattr(proposal, f"force_{side}_id") if side else None
    open_forces = set(tasks_from(**_TASK_SOURCE, source_ids=[proposal.pk], kinds=[TASK_KIND],
                                 open_only=True).values_list("force_id", flat=True))
    # Tasks are the system's notice following the reviewer's logged answer; a reviewer who
    # may not make tasks (a system administrator) still triggers them.
    by = actor if can(actor, "tasks.create") else None
    if open_forces - {force_id}:
        do_close_tasks(**_TASK_SOURCE, source_ids=[proposal.pk], kinds=[TASK_KIND], note=note,
                       actor=by)
        open_forces = set()
    if force_id is None or force_id in open_forces:
        return
    needed = proposal.record_a if side == "a" else proposal.record_b
    answered_by = proposal.force_b if side == "a" else proposal.force_a
    force = proposal.force_a if side == "a" else proposal.force_b
    # Due after the period set by the force whose answer is needed (its own policy).
    due = timezone.now() + dt.timedelta(hours=policy(force, "cross_force_answer_due_hours"))
    for role in _task_roles():
        do_create_task(force, kind=TASK_KIND,
                       title=f"{TASK_TITLE} (match {proposal.pk} with {answered_by.code})",
                       owner_role=role, due_at=due, person=needed.person, source_id=proposal.pk,
                       actor=by, **_TASK_SOURCE)


def task_link(user, task) -> dict | None:
    """Where a cross-force task leads: its proposal's page (for the tasks room's task page).
    The page itself decides who may read it (404 to anyone not party)."""
    if task.source_room != "people" or task.source_type != "cross_force_proposal":
        return None
    pk = db_int(task.source_id)
    if pk is None:
        return None
    return {"url": reverse("people:cross_force_proposal", args=[pk]),
            "text": f"Open match {pk}"}


# ------------------------------------------------------------------ the person page


def confirmed_cross_force_links(user, person_id) -> list[dict]:
    """Other forces' records that both forces confirmed are this person, for the person page.

    [{"proposal_id", "force", "force_name", "record_id", "shared", and where the two forces
    share: "forename", "middle_names", "surname", "date_of_birth"}]. Only users of the
    person's own force who may view persons see them (a partner agency sees none). What is
    shown is logged: one entry naming the proposals and the other records."""
    pk = db_int(person_id)
    if pk is None or not getattr(user, "force_id", None) or not can(user, "person.view"):
        return []
    force_id = user.force_id
    confirmed = CrossForceProposal.objects.filter(
        Q(force_a_id=force_id, record_a__person_id=pk)
        | Q(force_b_id=force_id, record_b__person_id=pk),  # this force's side is the person
        decision_a=CrossForceProposal.Decision.LINK,
        decision_b=CrossForceProposal.Decision.LINK,
    ).select_related("record_a__force", "record_b__force").order_by("pk")
    with transaction.atomic():  # the read and its log entry together
        return _confirmed_links(user, pk, confirmed)


def _confirmed_links(user, pk, confirmed) -> list[dict]:
    force_id = user.force_id
    links, shares = [], {}
    for proposal in confirmed:
        _own, other = _own_and_other(proposal, force_id)
        if other.force_id not in shares:  # one alliance lookup per other force, not per row
            shares[other.force_id] = forces_share(force_id, other.force_id)
        link = {"proposal_id": proposal.pk, "force": other.force.code,
                "force_name": other.force.name, "record_id": other.pk,
                "shared": shares[other.force_id]}
        if link["shared"]:
            link.update(forename=other.forename, middle_names=other.middle_names,
                        surname=other.surname, date_of_birth=other.date_of_birth,
                        other_person=other.person_id)
        links.append(link)
    if links:
        record_access(user, Action.CONSULTATION, record_type="cross_force_link",
                      record_id=pk, person_id=pk,
                      detail={"proposals": [x["proposal_id"] for x in links],
                              "other_records": [x["record_id"] for x in links],
                              "other_persons": [x.get("other_person") for x in links]})
    return links

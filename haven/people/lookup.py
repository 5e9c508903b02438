"""Call-time lookup: who might this caller be? Ranked candidates, explained, with history.

Blocking uses the indexed keys on SourceRecord (normalised surname and its phonetic
code, canonical forename, date of birth, E.164 phone, postcode), a handful of small
indexed queries capped at `BLOCK_LIMIT` rows each; candidates are scored in Python with
the light scorer (`haven.people.scoring`) whose levels mirror the Splink model, with the
weights of the force's last trained model (or the documented defaults where the force has
none: each candidate's `scored_with` says which). The bands a handler reads come from
policy `lookup_match_bands`, calibrated against the benchmark's truth
(`bench/bench_lookup_truth.py`). One access-log entry per lookup names the candidates,
never the search terms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.forces.policy import policy
from haven.people.access import scoped_persons
from haven.people.addresses import PlaceSet, force_places, is_confidential, place
from haven.people.history import history_summaries
from haven.people.keys import blocking_keys, forename_key, iso_date, profile
from haven.people.models import SourceRecord
from haven.people.scoring import ScorerWeights, compare, weights_for

BLOCK_LIMIT = 200
CRITERIA = ("forename", "surname", "date_of_birth", "phone", "postcode")
RECORD_FIELDS = ("id", "person_id", "force_id", "system", "source_id", "forename", "middle_names",
                 "surname", "aliases", "date_of_birth", "gender", "phone", "email", "postcode",
                 "pnc_id", "address_line")


class LookupCriteriaError(ValueError):
    """Bad lookup input; `field` names the parameter at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class Candidate:
    person: object
    score: float
    explanation: list[dict] = field(default_factory=list)
    history: dict = field(default_factory=dict)
    matched_record: dict = field(default_factory=dict)  # {system, source_id} of the best match
    band: str = ""  # "very likely", "possible" or "unlikely" (policy `lookup_match_bands`)
    scored_with: str = ""  # the force's trained linkage model, or the default weights

    @property
    def percent(self) -> int:
        return round(self.score * 100)


BANDS = ("very likely", "possible", "unlikely")


# What a relative living at the same address does not share: a date of birth, PNC id,
# e-mail or phone that agrees.
_DISTINGUISHING = {("date_of_birth", "exact"), ("date_of_birth", "day and month swapped"),
                   ("pnc_id", "same PNC id"), ("email", "exact"), ("phone", "exact")}
_NAMES_DISAGREE = {("forename", "different"), ("forename", "forename is the other's middle name"),
                   ("surname", "different")}
_DOB_DISAGREES = {("date_of_birth", "different"), ("date_of_birth", "year only")}


def distinguishes(explanation: list[dict]) -> bool:
    """Whether the evidence singles the person out from a relative at the same address:
    the names agree, the date of birth does not disagree, and a date of birth, PNC id,
    e-mail or phone agrees. Name and postcode alone also fit a father and son of one name
    (the benchmark's "not known" callers who were shown "Very likely" were mostly such
    relatives), a household phone with another first name fits a relative."""
    levels = {(e["field"], e["level"]) for e in explanation}
    return bool(levels & _DISTINGUISHING) and not levels & (_NAMES_DISAGREE | _DOB_DISAGREES)


def match_band(score: float, thresholds: dict, explanation: list[dict] | None = None) -> str:
    """The band a handler reads instead of a bare percentage, from policy
    `lookup_match_bands` ({"very_likely": x, "possible": y}): at or above x "very likely"
    (only where the evidence `distinguishes` the person, when it is given), at or above y
    "possible", else "unlikely"."""
    if score >= thresholds["very_likely"] and (explanation is None or
                                               distinguishes(explanation)):
        return BANDS[0]
    if score >= thresholds["possible"]:
        return BANDS[1]
    return BANDS[2]


def clean_criteria(forename="", surname="", date_of_birth=None, phone="", postcode="") -> dict:
    """Validated criteria; raises LookupCriteriaError naming the field."""
    dob = None
    if date_of_birth not in (None, ""):
        dob = iso_date(date_of_birth)
        if dob is None:
            raise LookupCriteriaError("date_of_birth",
                                      "Date of birth must be a real date as YYYY-MM-DD, "
                                      "for example 1984-03-27")
    criteria = {
        "forename": (forename or "").strip(),
        "surname": (surname or "").strip(),
        "date_of_birth": dob,
        "phone": (phone or "").strip(),
        "postcode": (postcode or "").strip(),
    }
    if not any(criteria.values()):
        raise LookupCriteriaError(
            "non_field_errors",
            "Give at least one of first name, last name, date of birth, phone number or "
            "postcode")
    return criteria


def _blocks(criteria: dict) -> list[dict]:
    keys = blocking_keys(criteria)
    sn, fn = keys["sn_phonetic"], keys["fn_key"]
    dob = criteria["date_of_birth"]
    blocks = []
    if keys["phone_norm"]:
        blocks.append({"phone_norm": keys["phone_norm"]})
    if keys["postcode_norm"]:
        blocks.append({"postcode_norm": keys["postcode_norm"]})
    if sn and fn:
        blocks.append({"sn_phonetic": sn, "fn_key": fn})
        # Same sounding surname and forename initial: catches typos the nickname key misses.
        # A range, not LIKE, so the (force, sn_phonetic, fn_key) index serves it everywhere.
        initial = forename_key(criteria["forename"])[:1]
        if initial:
            blocks.append({"sn_phonetic": sn, "fn_key__gte": initial,
                           "fn_key__lt": chr(ord(initial) + 1)})
    if sn and dob:
        blocks.append({"sn_phonetic": sn, "date_of_birth": dob})
    if fn and dob:
        blocks.append({"date_of_birth": dob, "fn_key": fn})
    if keys["sn_key"]:
        blocks.append({"sn_key": keys["sn_key"]})
    if sn and not (fn or dob):
        blocks.append({"sn_phonetic": sn})
    if fn and not (sn or dob):
        blocks.append({"fn_key": fn})
    if dob:
        # A date of birth alone (capped like every block) still finds a person whose names
        # were misspelt, or changed, on both sides: the scorer then weighs the names.
        blocks.append({"date_of_birth": dob})
    return blocks


def _candidate_records(user, criteria: dict) -> list[dict]:
    base = SourceRecord.objects.filter(person__isnull=False)
    if user.is_partner:
        base = base.filter(person__in=scoped_persons(user))
    else:
        base = base.filter(force_id=user.force_id)
    seen: dict[int, dict] = {}
    by_postcode_only: set[int] = set()
    for block in _blocks(criteria):
        postcode_block = set(block) == {"postcode_norm"}
        for row in base.filter(**block).values(*RECORD_FIELDS)[:BLOCK_LIMIT]:
            if row["id"] not in seen and postcode_block:
                by_postcode_only.add(row["id"])
            elif not postcode_block:
                by_postcode_only.discard(row["id"])
            seen.setdefault(row["id"], row)
    if can(user, "person.view_confidential_address"):
        return list(seen.values())
    return _without_confidential_places(user, list(seen.values()), by_postcode_only)


def _without_confidential_places(user, rows: list[dict], by_postcode_only: set[int]
                                 ) -> list[dict]:
    """For a role without need: a record at a confidential place is never found by its
    postcode, and its address takes no part in the score, so a lookup cannot say who lives
    at a refuge. The person can still be found by name, date of birth or phone."""
    force_ids = {user.force_id} if not user.is_partner else set(
        SourceRecord.objects.filter(id__in=[r["id"] for r in rows]).values_list(
            "force_id", flat=True))
    places = PlaceSet(p for force_id in force_ids for p in force_places(force_id))
    if not places:
        return rows
    kept = []
    for row in rows:
        if is_confidential(place(row.get("address_line"), row.get("postcode")), places):
            if row["id"] in by_postcode_only:
                continue
            row = {**row, "postcode": "", "address_line": ""}
        kept.append(row)
    return kept


def rank(criteria: dict, records: list[dict], weights: dict | None = None
         ) -> dict[int, tuple[float, list, dict]]:
    """person id -> (best score, its explanation, matched record) over that person's records.

    `weights`: force id -> `ScorerWeights` (`weights_for`), looked up where missing."""
    query = profile(criteria)
    weights = {} if weights is None else weights
    best: dict[int, tuple[float, list, dict]] = {}
    for row in records:
        force_weights = _weights(weights, row["force_id"])
        score, explanation = compare(query, profile(row), weights=force_weights.weights,
                                     prior_weight=force_weights.prior)
        current = best.get(row["person_id"])
        if current is None or score > current[0]:
            best[row["person_id"]] = (score, explanation,
                                      {"system": row["system"], "source_id": row["source_id"]})
    return best


def _weights(cache: dict, force_id: int) -> ScorerWeights:
    if force_id not in cache:
        cache[force_id] = weights_for(force_id)
    return cache[force_id]


def find_candidates(user, *, forename="", surname="", date_of_birth=None, phone="",
                    postcode="", limit=10, reason="", at: dt.datetime | None = None
                    ) -> list[Candidate]:
    """Ranked candidate persons for a caller's (partial, possibly misspelt) details.

    Requires `person.lookup` (else 404, logged as refused). Raises LookupCriteriaError
    (with `.field`) for a malformed date of birth or no criteria at all. Writes one
    access-log entry (record_type "lookup") with the candidate ids only.
    """
    if not can(user, "person.lookup"):
        if getattr(user, "is_authenticated", False):
            record_access(user, Action.CONSULTATION, record_type="lookup",
                          outcome=Outcome.REFUSED)
        raise Http404("Not found")
    criteria = clean_criteria(forename, surname, date_of_birth, phone, postcode)
    weights: dict[int, ScorerWeights] = {}
    best = rank(criteria, _candidate_records(user, criteria), weights)
    ordered = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    person_ids = [pk for pk, _ in ordered[: limit * 2]]
    persons = {p.pk: p for p in scoped_persons(user).filter(pk__in=person_ids,
                                                             merged_into__isnull=True)
               .select_related("force")}
    candidates = [
        Candidate(person=persons[pk], score=round(score, 4), explanation=explanation,
                  matched_record=matched)
        for pk, (score, explanation, matched) in ordered if pk in persons
    ][:limit]
    histories = history_summaries([c.person for c in candidates], at=at)
    thresholds: dict[int, dict] = {}
    for candidate in candidates:
        candidate.history = histories[candidate.person.pk]
        force = candidate.person.force
        if force.pk not in thresholds:
            thresholds[force.pk] = policy(force, "lookup_match_bands", at=at)
        candidate.band = match_band(candidate.score, thresholds[force.pk],
                                    candidate.explanation)
        candidate.scored_with = _weights(weights, force.pk).note
    # One entry, one INSERT: atomic without a transaction of its own.
    record_access(
        user, Action.CONSULTATION, record_type="lookup", reason=reason,
        detail={"candidates": [c.person.pk for c in candidates],
                "criteria_given": sorted(k for k, v in criteria.items() if v)},
    )
    return candidates

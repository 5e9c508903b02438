"""Call-time lookup: who might this caller be? Ranked candidates, explained, with history.

Blocking uses the indexed keys on SourceRecord (normalised surname and its phonetic
code, canonical forename, date of birth, E.164 phone, postcode), a handful of small
indexed queries capped at `BLOCK_LIMIT` rows each; every record of each person reached is
then read, and each person is scored on all of them (`rank`) in Python with the light
scorer (`haven.people.scoring`) whose levels mirror the Splink model, with the
weights of the force's last trained model (or the documented defaults where the force has
none: each candidate's `scored_with` says which). The bands a handler reads come from
policy `lookup_match_bands`, calibrated against the benchmark's truth
(`bench/bench_lookup_truth.py`). One access-log entry per lookup names the candidates,
never the search terms.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import jellyfish
from django.http import Http404

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.forces.policy import policy
from haven.people.access import scoped_persons
from haven.people.addresses import PlaceSet, force_places, is_confidential, place
from haven.people.history import history_summaries
from haven.people.keys import blocking_keys, forename_key, iso_date, profile
from haven.people.linkage.normalise import metaphone, surname_set, surname_tokens
from haven.people.models import SourceRecord
from haven.people.scoring import COMPARISONS, ScorerWeights, compare, probability, weights_for

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
# A surname a letter or two apart is as often another family (Brown and Browne, Thomson and
# Thompson) as a typing slip, which the handler can settle by asking the caller to spell it.
_SURNAME_NEAR = {("surname", "jaro-winkler >= 0.92"), ("surname", "jaro-winkler >= 0.88"),
                 ("surname", "sounds alike")}
_DOB_DISAGREES = {("date_of_birth", "different"), ("date_of_birth", "year only")}
# A person whose records give only the initial of the caller's first name is as often a
# twin or brother of that initial (one surname, one date of birth, one home) as the caller.
_FORENAME_INITIAL = {("forename", "initial only")}


def distinguishes(explanation: list[dict]) -> bool:
    """Whether the evidence singles the person out from a relative at the same address, or
    from another family: the names agree (the surname as given, not one spelt nearly
    alike; the first name more than by its initial), the date of birth does not disagree,
    and a date of birth, PNC id, e-mail or phone agrees. Name and postcode alone also fit a
    father and son of one name (the benchmark's "not known" callers who were shown "Very
    likely" were mostly such relatives), a household phone with another first name fits a
    relative, and an initial, surname and date of birth fit a twin."""
    levels = {(e["field"], e["level"]) for e in explanation}
    return bool(levels & _DISTINGUISHING) and not levels & (
        _NAMES_DISAGREE | _SURNAME_NEAR | _DOB_DISAGREES | _FORENAME_INITIAL)


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
                                      "Date of birth must be a real date, day, month and "
                                      "4-digit year, for example 27/03/1984")
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
    if not dob and not any(blocking_keys(criteria).values()):
        # "Unknown", "NFA", "07000 000000": what records hold when a value was not known.
        # They find no one, and "no one found" would send the handler to add a new person.
        given = ", ".join(f"'{value}'" for value in criteria.values() if value)
        raise LookupCriteriaError(
            "non_field_errors",
            f"{given} finds no one: it reads as not known, as 'Unknown', 'NFA' or "
            "'07000 000000' do in records. Give a name, date of birth, phone number or "
            "postcode as the caller gave it")
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
                           "fn_key__lt": chr(ord(initial) + 1), ALIKE: fn})
    if sn and dob:
        blocks.append({"sn_phonetic": sn, "date_of_birth": dob})
    if fn and dob:
        blocks.append({"date_of_birth": dob, "fn_key": fn})
    if keys["sn_key"]:
        blocks.append({"sn_key": keys["sn_key"]})
    # Each part of a double-barrelled surname: a system may hold "Ahmed-Shaw" as "Shaw".
    parts = set(surname_set(surname_tokens(criteria["surname"]), []) or ()) - {keys["sn_key"]}
    for part in sorted(parts):
        code = metaphone(part)
        if code and fn:
            blocks.append({"sn_phonetic": code, "fn_key": fn})
        if code and dob:
            blocks.append({"sn_phonetic": code, "date_of_birth": dob})
    if sn and not (fn or dob):
        blocks.append({"sn_phonetic": sn})
    if fn and not (sn or dob):
        blocks.append({"fn_key": fn})
    if dob:
        # A date of birth alone (capped like every block) still finds a person whose names
        # were misspelt, or changed, on both sides: the scorer then weighs the names.
        blocks.append({"date_of_birth": dob})
    return blocks


# A block's marker: of its rows, keep the BLOCK_LIMIT whose forename is most alike this one.
ALIKE = "alike"
# Rows of such a block read (id and forename key only) to choose from: at 200,000 people a
# common surname with one initial held 450-700 records, and the first 200 in index order
# were as good as a random draw, so a misspelt forename was found or not by luck.
ALIKE_SCAN = 3000


def _alike(fn: str, other: str) -> float:
    """How alike two forename keys are, 0..1: an initial fits any name it begins."""
    if not other:
        return 0.0
    if len(other) == 1 or len(fn) == 1:
        return 0.9 if other[0] == fn[0] else 0.0
    return jellyfish.jaro_winkler_similarity(fn, other)


def _block_rows(base, block: dict) -> list[dict]:
    fn = block.get(ALIKE)
    if fn is None:
        return list(base.filter(**block).values(*RECORD_FIELDS)[:BLOCK_LIMIT])
    where = {k: v for k, v in block.items() if k != ALIKE}
    keys = base.filter(**where).values_list("id", "fn_key")[:ALIKE_SCAN]
    ranked = sorted(keys, key=lambda row: (-_alike(fn, row[1]), row[0]))[:BLOCK_LIMIT]
    return list(base.filter(id__in=[pk for pk, _ in ranked]).values(*RECORD_FIELDS))


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
        for row in _block_rows(base, block):
            if row["id"] not in seen and postcode_block:
                by_postcode_only.add(row["id"])
            elif not postcode_block:
                by_postcode_only.discard(row["id"])
            seen.setdefault(row["id"], row)
    rows = list(seen.values())
    places = None if can(user, "person.view_confidential_address") else _places(user, rows)
    if places:
        # First, so a person reached only through a refuge's postcode is not then fetched
        # whole below.
        rows = _without_confidential_places(rows, by_postcode_only, places)
    # Every record of each person found, not only those a block reached: the date of birth
    # on one record and the phone on another are both that person's, and a date of birth
    # that disagrees still disagrees when the record holding it was not reached.
    # By person alone, so the person index serves it (with the force in the query SQLite
    # reads the whole force); the persons came from in-scope records, and their records
    # are kept only in those records' forces (whose places `places` already holds).
    found = {row["id"] for row in rows}
    forces = {row["force_id"] for row in rows}
    others = [row for row in SourceRecord.objects.filter(
        person_id__in={r["person_id"] for r in rows}).values(*RECORD_FIELDS)
        if row["id"] not in found and row["force_id"] in forces]
    if others and places:
        others = _without_confidential_places(others, set(), places)
    return rows + others


def _places(user, rows: list[dict]) -> PlaceSet:
    """The confidential places of the forces whose records a lookup reached."""
    force_ids = {row["force_id"] for row in rows} if user.is_partner else {user.force_id}
    return PlaceSet(p for force_id in force_ids for p in force_places(force_id))


def _without_confidential_places(rows: list[dict], by_postcode_only: set[int],
                                 places: PlaceSet) -> list[dict]:
    """For a role without need: a record at a confidential place is never found by its
    postcode, and its address takes no part in the score, so a lookup cannot say who lives
    at a refuge. The person can still be found by name, date of birth or phone."""
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
    """person id -> (score, explanation, best-matching record) over that person's records.

    A person's evidence is read field by field across their records, as a handler reading
    the person would: for each field the level that speaks most for the caller among the
    records holding it (a date of birth on the crime record, the phone on the control-room
    one); a field no record holds is missing, not a disagreement. `weights`: force id ->
    `ScorerWeights` (`weights_for`), looked up where missing."""
    query = profile(criteria)
    weights = {} if weights is None else weights
    fields: dict[int, dict[str, dict]] = {}
    best_record: dict[int, tuple[float, dict]] = {}
    priors: dict[int, float] = {}
    at_address: dict[int, bool] = {}  # person -> any record of the surname, at the postcode
    for row in records:
        force_weights = _weights(weights, row["force_id"])
        record = profile(row)
        score, explanation = compare(query, record, weights=force_weights.weights,
                                     prior_weight=force_weights.prior)
        pk = row["person_id"]
        if query["pc"] and record["pc"] == query["pc"]:
            at_address[pk] = at_address.get(pk, False) or bool(
                query["sn_all"] & record["sn_all"])
        priors[pk] = force_weights.prior
        held = fields.setdefault(pk, {})
        for level in explanation:
            key = SWAPPED if level["level"] in SWAPPED_LEVELS else level["field"]
            current = held.get(key)
            if current is None or level["weight"] > current["weight"]:
                held[key] = level
        if pk not in best_record or score > best_record[pk][0]:
            best_record[pk] = (score, {"system": row["system"], "source_id": row["source_id"]})
    household_cap = _household_surname_cap(at_address)
    out = {}
    for pk, held in fields.items():
        swapped = held.pop(SWAPPED, None)
        if swapped is not None:
            # A record with the names swapped scores both names at once: it stands instead
            # of the forename and surname of the person's other records, not beside them.
            apart = sum(held[name]["weight"] for name in ("forename", "surname") if name in held)
            if swapped["weight"] >= apart:
                held.pop("surname", None)
                held["forename"] = swapped
        surname = held.get("surname")
        if (pk in at_address and held.get("postcode", {}).get("level") == "full postcode"
                and surname is not None and 0 < household_cap < surname["weight"]):
            held["surname"] = {**surname, "weight": household_cap}
        explanation = [held[name] for name, _ in COMPARISONS if name in held]
        total = priors[pk] + sum(level["weight"] for level in explanation)
        out[pk] = (probability(total), explanation, best_record[pk][1])
    return out


SWAPPED = "swapped with surname"  # the forename level that scores both names
SWAPPED_LEVELS = frozenset({SWAPPED, "swapped, with a slip"})  # both score both names


def _household_surname_cap(at_address: dict[int, bool]) -> float:
    """The most a surname may weigh where the caller's postcode agrees too (0: no cap).

    The model weighs surname and postcode apart, as if independent; but people at one
    address share a surname far more often than people at large (a partner, a son, a
    mother), so the two agreeing together say much less than their sum. Here the surname
    counts for no more than log2 of 1/f, f the share of the persons recorded at the
    caller's postcode who carry the caller's surname (counting one unrecorded resident:
    n + 1 in the denominator): a man whose sister lives at the postcode he gives is not
    her because they share a surname."""
    sharing = sum(at_address.values())
    if not sharing:
        return 0.0
    return round(math.log2((len(at_address) + 1) / sharing), 2)


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

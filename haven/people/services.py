"""Changes to persons and source records: add a record (incremental linkage), best values.

Every change runs in `transaction.atomic()` with its access-log entry and chronology
entry. Merge and unmerge are in `haven.people.merge`; clerical review in
`haven.people.review`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from haven.access.log import Action, record_access
from haven.chronology.services import record_entry
from haven.core.actions import action, unchanged
from haven.forces.policy import policy
from haven.people.addresses import protect_addresses
from haven.people.keys import blocking_keys, iso_date, profile
from haven.people.linkage import hard_conflict
from haven.people.linkage.conflicts import contradicted, forename_conflicts_held
from haven.people.linkage.normalise import LANDLINE_PREFIXES, normalise_address
from haven.people.models import Address, Person, PersonShare, ReviewItem, SourceRecord
from haven.people.relink_evidence import counterpart_persons
from haven.people.scoring import (
    as_model_sees,
    compare,
    corroborated,
    names_only,
    shared_phone,
    weights_for,
)

logger = logging.getLogger(__name__)

RAW_FIELDS = ("forename", "middle_names", "surname", "date_of_birth", "gender", "phone",
              "email", "address_line", "town", "postcode", "aliases", "pnc_id",
              "confidential_address")
BEST_FIELDS = ("forename", "middle_names", "surname", "date_of_birth", "gender")
# What a user reads for each field in an error message (never the field's code).
FIELD_WORDS = {"forename": "First name", "middle_names": "Middle names", "surname": "Last name",
               "phone": "Phone number", "email": "Email", "address_line": "Address",
               "town": "Town", "postcode": "Postcode", "aliases": "Other names",
               "pnc_id": "PNC id"}
MAX_REVIEWS_PER_RECORD = 3
CANDIDATE_BLOCK_LIMIT = 200


class InvalidRecord(ValueError):
    """A source record field is malformed; `field` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def clean_fields(fields: dict) -> tuple[dict, dict]:
    """(model fields, extra attributes) from a raw dict; raises InvalidRecord naming the field."""
    clean, extra = {}, {}
    for name, value in fields.items():
        if name in RAW_FIELDS:
            clean[name] = value
        elif name not in ("system", "source_id", "force", "person"):
            extra[name] = value
    for name in RAW_FIELDS:
        value = clean.get(name)
        if name == "date_of_birth":
            if value in (None, ""):
                clean[name] = None
                continue
            parsed = iso_date(value)
            if parsed is None:
                raise InvalidRecord(name, "Date of birth must be a real date, day, month "
                                          "and 4-digit year, for example 27/03/1984")
            clean[name] = dt.date.fromisoformat(parsed)
            if clean[name] > timezone.localdate():
                raise InvalidRecord(name, "Date of birth cannot be in the future")
        elif name == "confidential_address":
            clean[name] = str(value).strip().lower() in {"1", "true", "yes"} if value else False
        elif name == "gender":
            gender = str(value or "").strip().upper()[:1]
            if gender and gender not in {"F", "M", "X"}:
                raise InvalidRecord(name, "Gender must be F, M, X or blank")
            clean[name] = gender
        else:
            text = "" if value is None else str(value).strip()
            max_length = SourceRecord._meta.get_field(name).max_length
            if len(text) > max_length:
                raise InvalidRecord(name, f"{FIELD_WORDS.get(name, name)} is longer than "
                                          f"{max_length} characters")
            clean[name] = text
    return clean, extra


def source_record_values(force, *, system: str, source_id: str, fields) -> dict:
    """What one system's record says (the named fields), for a room that corrects the record
    it gave (e.g. intake keeps a detail the officer left blank). Empty if there is none."""
    return SourceRecord.objects.filter(force=force, system=system, source_id=str(source_id)
                                       ).values(*fields).first() or {}


def best_values(records) -> dict:
    """Derived best values: the most common non-blank value, most recent record on a tie."""
    records = sorted(records, key=lambda r: (r.updated_at or timezone.now(), r.pk or 0),
                     reverse=True)
    out = {}
    for name in BEST_FIELDS:
        values = [getattr(r, name) for r in records if getattr(r, name) not in (None, "")]
        if not values:
            out[name] = None if name == "date_of_birth" else ""
            continue
        counts = Counter(values)
        top = max(counts.values())
        out[name] = next(v for v in values if counts[v] == top)
    return out


def refresh_person(person: Person) -> Person:
    """Recompute a person's best values from their source records (never edits the records)."""
    records = list(person.source_records.all())
    if records:
        values = best_values(records)
        changed = [k for k, v in values.items() if getattr(person, k) != v]
        for name in changed:
            setattr(person, name, values[name])
        if changed:
            person.save(update_fields=[*changed, "updated_at"])
    return person


def _address_from(record: SourceRecord, person: Person) -> None:
    if not (record.address_line or record.postcode):
        return
    exists = person.addresses.filter(line=record.address_line, postcode=record.postcode,
                                     town=record.town).first()
    if exists is None:
        Address.objects.create(person=person, source_record=record, line=record.address_line,
                               town=record.town, postcode=record.postcode,
                               confidential=record.confidential_address)
    # A confidential flag from any system sticks: it is never lowered by another system,
    # and it covers the person's every copy of that place however spelt.
    protect_addresses([person.pk])


def new_person_for(record: SourceRecord) -> Person:
    values = best_values([record])
    return Person.objects.create(force_id=record.force_id, **values)


class Candidate(NamedTuple):
    """A person an arriving record may belong to, as `score_record` found them."""

    person_id: int
    probability: float
    explanation: list
    record: SourceRecord  # the person's best-matching record
    conflict: str | None
    corroborated: bool  # `scoring.corroborated`: may be linked without a reviewer
    names_only: bool  # `scoring.names_only`: shares nothing but names with the record
    contradicted: bool  # `conflicts.contradicted`: a record of theirs gives another phone/e-mail


def _as_linker_reads(fields: dict) -> dict:
    """`keys.profile` and what the incremental linker reads besides it (the lookup does
    not): the building of the address line, and a landline marked as a household's phone
    (`phone_hh`, as the model's prepared column)."""
    out = profile(fields)
    out["addr_bld"] = normalise_address(fields.get("address_line"), fields.get("town"))[1]
    phone = out["phone"]
    out["phone_hh"] = phone if phone and phone.startswith(LANDLINE_PREFIXES) else None
    return out


def score_record(record: SourceRecord, *, exclude_person: int | None = None
                 ) -> list[Candidate]:
    """Score a record against the persons of its force, best first. A person any of whose
    records has a hard conflict with this one scores 0 (precision first). Scored with the
    weights of the force's last trained model, or the documented defaults
    (`scoring.weights_for`)."""
    fields = {name: getattr(record, name) for name in RAW_FIELDS}
    query = _as_linker_reads(fields)
    weights = weights_for(record.force_id)
    query_model = as_model_sees(query)
    keys = blocking_keys(fields)
    base = SourceRecord.objects.filter(force_id=record.force_id, person__isnull=False).exclude(
        pk=record.pk)
    if exclude_person:
        base = base.exclude(person_id=exclude_person)
    blocks = []
    if keys["phone_norm"]:
        blocks.append({"phone_norm": keys["phone_norm"]})
    if keys["sn_phonetic"] and keys["fn_key"]:
        blocks.append({"sn_phonetic": keys["sn_phonetic"], "fn_key": keys["fn_key"]})
    if record.date_of_birth and keys["fn_key"]:
        blocks.append({"date_of_birth": record.date_of_birth, "fn_key": keys["fn_key"]})
    if record.date_of_birth and keys["sn_phonetic"]:
        blocks.append({"date_of_birth": record.date_of_birth,
                       "sn_phonetic": keys["sn_phonetic"]})
    if keys["postcode_norm"] and keys["fn_key"]:
        blocks.append({"postcode_norm": keys["postcode_norm"], "fn_key": keys["fn_key"]})
    if record.pnc_id:
        blocks.append({"pnc_id": record.pnc_id})
    seen: dict[int, SourceRecord] = {}
    for block in blocks:
        for other in base.filter(**block)[:CANDIDATE_BLOCK_LIMIT]:
            seen.setdefault(other.pk, other)
    profiles = {pk: _as_linker_reads({name: getattr(other, name) for name in RAW_FIELDS})
                for pk, other in seen.items()}
    # Every record giving this phone came through the phone block: whether it is a
    # household's is read from them, as the full relink reads it from the whole force.
    household = shared_phone(query, list(profiles.values()))
    per_person: dict[int, list] = {}
    for pk, other in seen.items():
        other_profile = profiles[pk]
        score, explanation = compare(query, other_profile, weights=weights.weights,
                                     prior_weight=weights.prior)
        other_model = as_model_sees(other_profile)
        conflict = hard_conflict(query_model, other_model)
        per_person.setdefault(other.person_id, []).append(
            (score, explanation, other, conflict, other_profile, other_model))
    results = []
    for person_id, rows in per_person.items():
        conflict = _conflict_with_person(query_model, [(row[5], row[3]) for row in rows])
        rows.sort(key=lambda row: -row[0])
        score, explanation, other, _, _, _ = rows[0]
        others = [row[4] for row in rows]
        results.append(Candidate(
            person_id, 0.0 if conflict else score, explanation, other, conflict,
            corroborated(explanation, query, others, shared_phone=household),
            names_only(explanation, query, others[0]),
            any(contradicted(query, o) for o in others)))
    return sorted(results, key=lambda r: (-r.probability, r.person_id))


def _conflict_with_person(query_model: dict, records: list[tuple[dict, str | None]]
                          ) -> str | None:
    """The record's first hard conflict with a person's records ((profile as the model
    sees it, conflict) each), or None. Forenames alone do not count where the person holds
    this record's given names beside the conflicting ones already, as the full relink asks
    (`clustering._edge_refusal`)."""
    found = [(model, conflict) for model, conflict in records if conflict]
    if not found:
        return None
    if all(conflict == "forename" for _, conflict in found) and forename_conflicts_held(
            [(query_model, model) for model, _ in found], [query_model],
            [model for model, _ in records]):
        return None
    return found[0][1]


def queue_review(record_a: SourceRecord, record_b: SourceRecord, probability: float,
                 evidence: list, *, conflict: str | None = None, run=None) -> ReviewItem | None:
    """Put a pair on the clerical review queue unless it is queued or decided already."""
    a, b = sorted((record_a, record_b), key=lambda r: r.pk)
    item, created = ReviewItem.objects.get_or_create(
        record_a=a, record_b=b,
        defaults={"force_id": a.force_id, "probability": probability, "evidence": evidence,
                  "conflict": conflict or "", "run": run},
    )
    if not created and not item.decision:
        item.probability, item.evidence, item.run = probability, evidence, run or item.run
        item.save(update_fields=["probability", "evidence", "run"])
    return item


def incremental_decision(force, scored: list[Candidate]
                         ) -> tuple[Candidate | None, list[Candidate]]:
    """What the incremental linker does with an arriving record of `force` scored by
    `score_record`: (the person to join, or None; the pairs to put to a reviewer, at most
    `MAX_REVIEWS_PER_RECORD`).

    It joins the one person scoring at/above policy `linkage_link_threshold` when
    `scoring.corroborated` agrees. Otherwise a reviewer is asked about that person, or
    about each of several persons scoring that high (linking to either could be wrong),
    then about the pairs in the review band (policy `linkage_review_band`, up to the
    threshold) and pairs whose names and dates of birth
    agree beside a hard conflict (father and son?). As the full relink, no pair whose two
    records share nothing but names is queued: a reviewer would have nothing more to go
    on than the model.
    """
    threshold = policy(force, "linkage_link_threshold")
    lower, _upper = policy(force, "linkage_review_band")
    strong = [c for c in scored if c.probability >= threshold]
    if len(strong) == 1 and strong[0].corroborated:
        return strong[0], []
    reviews: list[Candidate] = []
    for candidate in scored:
        if len(reviews) >= MAX_REVIEWS_PER_RECORD:
            break
        if candidate.names_only:
            continue
        if lower <= candidate.probability or (
                candidate.conflict and _names_agree(candidate.explanation)):
            reviews.append(candidate)
    return None, reviews


def join_on_counterparts(force, record: SourceRecord, scored: list[Candidate], *,
                         also_met=()) -> Candidate | None:
    """The person an arriving record joins, short of the link threshold, because both met
    one person on the other side of an incident: the full relink's counterpart rule
    (`clustering._join_on_counterparts`, policy `linkage_counterpart_threshold`) for a
    record ingested with its incidents. With policy `linkage_counterpart_names_alone` on,
    a person of the record's surname and forename (or nickname) is asked however low it
    scored, as the relink asks such records (`clustering._named_alike_across`).

    A man the control room records by name alone against a woman whose records are one
    person already is one with the man her other records name as her suspect, if their
    names score that high and nothing sets them apart: a hard conflict, a different phone
    or e-mail (`Candidate.contradicted`), or, with nothing tying the two records (see
    `scoring.corroborated`), one recorded as her partner and the other as her family. Where
    two persons fit, or where a namesake the record cannot be (another date of birth) met
    that person too (father or son?), it joins neither. Who met whom is read from the rooms
    that registered a provider (`register_linkage_parties`), for these persons only, and
    from `also_met`, rows of the same shape (system, victim's person, suspect's person,
    relationship): the log a handler is saving, which no provider reads.
    """
    # pandas is loaded by a relink or an ingest, not at start-up
    import pandas as pd

    # the clustering loads pandas and numpy too: only when an ingest asks
    from haven.people.linkage.clustering import counterparts_in_common

    lowest = policy(force, "linkage_counterpart_threshold")
    names_alone = policy(force, "linkage_counterpart_names_alone") == "on"
    near = [c for c in scored if (c.probability >= lowest
                                  or (names_alone and _names_agree(c.explanation)))
            and not c.conflict and not c.contradicted and c.person_id != record.person_id]
    if not near or record.person_id is None:
        return None
    # Namesakes the record cannot be (another date of birth): the son of one name.
    rivals = [c for c in scored if c.conflict and _names_agree(c.explanation)]
    asked = [c.person_id for c in near + rivals]
    met = [*counterpart_persons(force, persons={record.person_id, *asked}), *also_met]
    if not met:
        return None
    pairs = pd.DataFrame([(str(victim), str(suspect), relationship)
                          for _, victim, suspect, relationship in met],
                         columns=["uid_l", "uid_r", "relationship"])
    found = counterparts_in_common(str(record.person_id), [str(a) for a in asked], pairs)
    if any(found[str(c.person_id)][0] for c in rivals):
        # A namesake who is not this record's man met her too: records of that name without
        # a date of birth may be either (the relink's "father or son?"), so neither is joined.
        return None
    fits = []
    for c in near:
        shares, partner_or_family = found[str(c.person_id)]
        if shares and not (partner_or_family and not c.corroborated):
            fits.append(c)
    return fits[0] if len(fits) == 1 else None


def link_record(record: SourceRecord) -> tuple[str, list[ReviewItem]]:
    """Incremental linkage of one record: ('linked'|'new', review items queued)."""
    join, reviews = incremental_decision(record.force, score_record(record))
    outcome = "new"
    if join is not None:
        record.person_id = join.person_id
        outcome = "linked"
    else:
        record.person = new_person_for(record)
    record.save()
    items = [queue_review(record, c.record, c.probability, c.explanation, conflict=c.conflict)
             for c in reviews]
    return outcome, [i for i in items if i is not None]


def _names_agree(explanation: list) -> bool:
    """Surname alike and forename alike or a nickname of it: a conflicting pair worth a
    human look (father and son?), and a namesake the counterparts may join."""
    levels = {e["field"]: e["level"] for e in explanation}
    return levels.get("surname") == "exact" and levels.get("forename") in {
        "exact", "nickname or alias"}


@action("person.record", record_type="source_record", system=True)
def do_add_source_record(force, fields: dict, *, system: str, source_id: str, actor
                         ) -> SourceRecord:
    """Store what `system` says about a person and link it at once (incremental linkage).

    Links to the one person scoring at/above policy `linkage_link_threshold` (and with no
    hard conflict); pairs in `linkage_review_band` go to the clerical review queue; else
    a new Person. Re-adding the same (system, source_id) updates the record as given.
    Raises InvalidRecord (with `.field`) for a malformed field.
    """
    if not system or not str(source_id or "").strip():
        raise InvalidRecord("source_id" if system else "system",
                            "system and source_id are required")
    clean, extra = clean_fields(fields)
    with transaction.atomic():
        record = SourceRecord.objects.select_for_update().filter(
            force=force, system=system, source_id=str(source_id)).first()
        created = record is None
        if created:
            record = SourceRecord(force=force, system=system, source_id=str(source_id))
        for name, value in clean.items():
            setattr(record, name, value)
        record.attributes = {**(record.attributes or {}), **extra}
        if created or record.person_id is None:
            outcome, reviews = link_record(record)
        else:
            record.save()
            outcome, reviews = "updated", []
        person = record.person
        _address_from(record, person)
        refresh_person(person)
        record_access(actor, Action.COLLECTION, record_type="source_record", record_id=record.pk,
                      person_id=person.pk, detail={"system": system, "outcome": outcome})
        if outcome == "linked":
            record_access(actor, Action.COMBINATION, record_type="person", record_id=person.pk,
                          person_id=person.pk,
                          detail={"source_record": record.pk, "incremental": True})
        if reviews:
            record_access(actor, Action.COMBINATION, record_type="review_item",
                          person_id=person.pk, detail={"queued": [r.pk for r in reviews]})
        record_entry(
            person, occurred_at=timezone.now(), kind="record_linked" if outcome == "linked"
            else "record_created", source_room="people", source_type="source_record",
            source_id=record.pk, summary=f"Known to {system.replace('_', ' ')} "
            f"({'linked to this person' if outcome == 'linked' else 'record received'})",
            actor=actor)
    logger.info("people source record id=%s outcome=%s reviews=%d", record.pk, outcome,
                len(reviews))
    return record


@action("person.record", record_type="person", system=True)
def do_join_on_an_incident(force, *, system: str, source_id: str, met, actor) -> Person | None:
    """A person recorded from what was said on one of Haven's own logs, whom the incremental
    linker left on a person of their own, joins the person who met the other side of that
    log elsewhere: the rule an ingest asks of a record arriving with its incidents
    (`relink.absorb_on_counterparts`), with who met whom on Haven's own logs added (`met`:
    (victim's person id, suspect's person id, the suspect's relationship to the victim) of
    this log and of Haven's other logs of its people), which no export carries. The handler
    who typed "Mark Whitfield" without a date of birth against a woman whose earlier
    records name a Mark Whitfield as her suspect gets that man, his history and markers, on
    the log. Returns the person joined, or None (nothing changed)."""
    # relink imports this module: imported at call time to break the cycle
    from haven.people.relink import absorb_on_counterparts

    record = SourceRecord.objects.select_related("force", "person").filter(
        force=force, system=system, source_id=str(source_id)).first()
    if (record is None or record.person_id is None or SourceRecord.objects.filter(
            person_id=record.person_id).exclude(pk=record.pk).exists()):
        unchanged()  # not recorded, or linked to a known person already
        return None
    rows = [(system, victim, suspect, relationship or "") for victim, suspect, relationship
            in met if victim != suspect]
    mine = any(record.person_id in (victim, suspect) for _, victim, suspect, _ in rows)
    target = absorb_on_counterparts(record, score_record, also_met=rows) if mine else None
    if target is None:
        unchanged()
        return None
    record_access(actor, Action.COMBINATION, record_type="person", record_id=target.pk,
                  person_id=target.pk, detail={"source_record": record.pk,
                                               "incremental": True, "counterparts": True})
    record_entry(target, occurred_at=timezone.now(), kind="record_linked",
                 source_room="people", source_type="source_record", source_id=record.pk,
                 summary=f"Known to {system.replace('_', ' ')} (linked to this person: "
                 "named against the same person on another log)", actor=actor)
    logger.info("people source record id=%s joined on counterparts", record.pk)
    return target


@action("person.share", record_type="person")
def do_share_person(person_id: int, agency, *, reason: str, actor) -> bool:
    """Share a person's case with a partner agency (IDVA service, children's services …),
    unless it is already shared. The disclosure is logged either way. Returns whether a new
    share was made."""
    if not reason.strip():
        raise ValueError("Say why the person is shared with the agency")
    created = False
    if not PersonShare.objects.filter(person_id=person_id, agency=agency,
                                      ended_at__isnull=True).exists():
        PersonShare.objects.create(person_id=person_id, agency=agency, reason=reason[:300],
                                   granted_by=actor)
        created = True
    record_access(actor, Action.DISCLOSURE, record_type="person", record_id=person_id,
                  person_id=person_id, reason=reason, detail={"agency": agency.pk})
    return created


@action("person.share", record_type="person")
def do_end_person_share(person_id: int, agency, *, reason: str, actor) -> int:
    """Withdraw a person's sharing with a partner agency (a referral withdrawn): the agency's
    staff no longer see the person. Logged with the reason. Returns how many shares ended."""
    if not reason.strip():
        raise ValueError("Say why the sharing is withdrawn")
    ended = PersonShare.objects.filter(person_id=person_id, agency=agency,
                                       ended_at__isnull=True).update(ended_at=timezone.now())
    record_access(actor, Action.ALTERATION, record_type="person", record_id=person_id,
                  person_id=person_id, reason=reason,
                  detail={"agency": agency.pk, "share_ended": ended})
    return ended

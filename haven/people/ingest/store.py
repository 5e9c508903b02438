"""Write one validated batch of an export file: bulk_create new rows, bulk_update changed ones.

Each `store_*` takes the batch [(line, raw row, clean values)] and a `Context`, returns
nothing, and counts into `ctx.report`; rows whose references do not resolve go to
`ctx.reject(...)`. The caller wraps each call in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from haven.chronology.models import Entry
from haven.intake.models import Incident, Involvement
from haven.people.addresses import protect_addresses
from haven.people.ingest.fast import fast_bulk_create, fast_insert_rows
from haven.people.keys import KEY_FIELDS, blocking_key_values, blocking_keys
from haven.people.models import Address, LegacyRecord, Person, SourceRecord, WarningMarker
from haven.people.services import BEST_FIELDS

PERSON_FIELDS = ("forename", "middle_names", "surname", "date_of_birth", "gender", "phone",
                 "email", "address_line", "town", "postcode", "aliases", "pnc_id",
                 "confidential_address", "attributes", "data_quality")
INCIDENT_FIELDS = ("occurred_at", "reported_via", "category", "address_line", "town",
                   "postcode", "summary", "children_present")
DA_CATEGORIES = {Incident.Category.DOMESTIC, Incident.Category.HONOUR_BASED}
LEGACY_LABELS = {"crime": "Crime recorded", "risk_assessment": "DASH risk assessment",
                 "marac": "MARAC referral", "order": "Order", "intel": "Intelligence item"}
SENSITIVE_KINDS = {"intel": Entry.Sensitivity.CONFIDENTIAL}
# New rows are written as plain tuples in these column orders (no model instances).
RECORD_COLUMNS = ("force_id", "system", "source_id", "person_id", *PERSON_FIELDS, *KEY_FIELDS)
PERSON_COLUMNS = ("force_id", *BEST_FIELDS)
ADDRESS_COLUMNS = ("person_id", "source_record_id", "line", "town", "postcode", "confidential")
ENTRY_COLUMNS = ("person_id", "force_id", "occurred_at", "kind", "source_room", "source_type",
                 "source_id", "summary", "sensitivity")
INCIDENT_COLUMNS = ("force_id", "reference", "state", "source_system", "source_id",
                    "opened_at", *INCIDENT_FIELDS, "domestic_abuse")
RAW_COLUMNS = ("force_id", "system", "kind", "source_id", "occurred_at", "incident_id", "data")
INVOLVEMENT_COLUMNS = ("incident_id", "person_id", "role", "relationship")
ROLE_LABELS = dict(Involvement.Role.choices)


@dataclass
class Counts:
    read: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    noted: int = 0  # rows stored with a value set aside (see SourceRecord.data_quality)


@dataclass
class Context:
    force: object
    system: str
    counts: Counts
    rejects: list = field(default_factory=list)
    new_records: list = field(default_factory=list)  # SourceRecord ids created this run

    def reject(self, line: int, row: dict, reason: str) -> None:
        self.rejects.append((line, row, reason))
        self.counts.rejected += 1


def _among(queryset, column: str, values):
    """`queryset.filter(<column>__in=values)`. On PostgreSQL the values go as one array
    parameter (`= ANY(%s)`): a 2,000-value IN list cost more to build and for psycopg to
    parse than the indexed query itself. Same rows either way."""
    values = list(values)
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{column}__in": values})
    quote = connection.ops.quote_name
    where = f"{quote(queryset.model._meta.db_table)}.{quote(column)} = ANY(%s)"
    # Table and column names come from model metadata (quoted); the values are a parameter.
    return queryset.extra(where=[where], params=[values])  # noqa: S610


def incident_reference(system: str, source_id: str) -> str:
    """The intake reference of a legacy incident: "system:source_id", hashed when too long."""
    reference = f"{system}:{source_id}"
    if len(reference) <= Incident._meta.get_field("reference").max_length:
        return reference
    digest = hashlib.sha256(reference.encode()).hexdigest()[:16]
    return f"{system[:10]}:{digest}"


def _entries(rows: list[dict]) -> None:
    """Chronology entries in bulk (the bulk form of `record_entry`)."""
    fast_insert_rows(Entry, ENTRY_COLUMNS, [tuple(
        row.get(c, Entry.Sensitivity.NORMAL) if c == "sensitivity" else row[c]
        for c in ENTRY_COLUMNS) for row in rows])


def _best_of_one(values: dict) -> tuple:
    """`services.best_values([record])` of one new record, as a Person row."""
    return tuple(v if v not in (None, "") else (None if name == "date_of_birth" else "")
                 for name in BEST_FIELDS for v in (values[name],))


def store_people(ctx: Context, batch: list) -> None:
    now = timezone.now()
    ids = [values["source_id"] for _, _, values in batch]
    existing = {r.source_id: r for r in _among(SourceRecord.objects.filter(
        force=ctx.force, system=ctx.system), "source_id", ids)}
    new, changed = [], []
    for _line, _row, values in batch:
        record = existing.get(values["source_id"])
        if record is None:
            new.append(values)
            continue
        diff = [k for k in PERSON_FIELDS if getattr(record, k) != values[k]]
        if not diff:
            ctx.counts.unchanged += 1
            continue
        for name in diff:
            setattr(record, name, values[name])
        record.__dict__.update(blocking_keys(values))
        record.updated_at = now
        changed.append(record)
    if new:
        _store_new_people(ctx, new, now)
    if changed:
        SourceRecord.objects.bulk_update(
            changed, [*PERSON_FIELDS, "updated_at", "sn_key", "sn_phonetic", "fn_key",
                      "phone_norm", "postcode_norm"], batch_size=2000)
        addresses = [Address(person_id=r.person_id, source_record=r, line=r.address_line,
                             town=r.town, postcode=r.postcode,
                             confidential=r.confidential_address)
                     for r in changed if r.person_id and (r.address_line or r.postcode)]
        known = set(Address.objects.filter(person_id__in=[a.person_id for a in addresses])
                    .values_list("person_id", "line", "postcode"))
        Address.objects.bulk_create([a for a in addresses
                                     if (a.person_id, a.line, a.postcode) not in known])
        # A flag that changed 0 -> 1 marks the person's every copy of that place.
        protect_addresses({r.person_id for r in changed if r.person_id})
    ctx.counts.stored += len(new)
    ctx.counts.updated += len(changed)


def _store_new_people(ctx: Context, new: list[dict], now) -> None:
    """A person, the source record, an address and a chronology entry per new row."""
    force_id = ctx.force.pk
    person_ids = fast_insert_rows(Person, PERSON_COLUMNS,
                                  [(force_id, *_best_of_one(v)) for v in new])
    record_ids = fast_insert_rows(SourceRecord, RECORD_COLUMNS, [
        (force_id, ctx.system, v["source_id"], person_id, *(v[k] for k in PERSON_FIELDS),
         *blocking_key_values(v["surname"], v["forename"], v["phone"], v["postcode"]))
        for v, person_id in zip(new, person_ids, strict=True)])
    ctx.new_records.extend(record_ids)
    made = list(zip(new, person_ids, record_ids, strict=True))
    fast_insert_rows(Address, ADDRESS_COLUMNS, [
        (person_id, record_id, v["address_line"], v["town"], v["postcode"],
         v["confidential_address"])
        for v, person_id, record_id in made if v["address_line"] or v["postcode"]])
    _markers([(person_id, record_id, v["attributes"]) for v, person_id, record_id in made
              if (v["attributes"] or {}).get("warning_markers")], now)
    summary = f"Known to {ctx.system.replace('_', ' ')}"
    normal = Entry.Sensitivity.NORMAL
    fast_insert_rows(Entry, ENTRY_COLUMNS, [
        (person_id, force_id, now, "record_created", "people", "source_record", str(record_id),
         summary, normal) for _v, person_id, record_id in made])


def _markers(records, now) -> None:
    """A `warning_markers` column (';'-separated kinds) becomes WarningMarker rows.
    `records`: (person_id, source_record_id, attributes) of new records."""
    kinds = set(WarningMarker.Kind.values)
    rows = []
    for person_id, record_id, attributes in records:
        raw = (attributes or {}).get("warning_markers", "")
        for kind in {k.strip().lower() for k in str(raw).split(";") if k.strip()}:
            rows.append(WarningMarker(person_id=person_id, source_record_id=record_id,
                                      kind=kind if kind in kinds else WarningMarker.Kind.OTHER,
                                      note="" if kind in kinds else kind[:300],
                                      recorded_at=now))
    WarningMarker.objects.bulk_create(rows)


def store_incidents(ctx: Context, batch: list) -> None:
    now = timezone.now()
    refs = {incident_reference(ctx.system, v["source_id"]): (line, row, v)
            for line, row, v in batch}
    existing = {i.reference: i for i in _among(Incident.objects.filter(force=ctx.force),
                                               "reference", refs)}
    raw_rows = {r.source_id: r for r in _among(LegacyRecord.objects.filter(
        force=ctx.force, system=ctx.system, kind=LegacyRecord.Kind.INCIDENT),
        "source_id", [v["source_id"] for *_, v in batch])}
    new, changed, new_raw, changed_raw = [], [], [], []
    for reference, (_line, row, values) in refs.items():
        incident = existing.get(reference)
        fields = tuple(values[k] for k in INCIDENT_FIELDS)
        domestic = values["category"] in DA_CATEGORIES
        if incident is None:
            new.append((ctx.force.pk, reference, "closed", ctx.system, values["source_id"],
                        values["occurred_at"] or now, *fields, domestic))
        else:
            diff = [(k, v) for k, v in zip((*INCIDENT_FIELDS, "domestic_abuse"),
                                           (*fields, domestic), strict=True)
                    if getattr(incident, k) != v]
            for name, value in diff:
                setattr(incident, name, value)
            if diff:
                changed.append(incident)
            else:
                ctx.counts.unchanged += 1
        raw = raw_rows.get(values["source_id"])
        if raw is None:
            new_raw.append((reference, values, row))
        elif raw.data != row:
            raw.data = row
            changed_raw.append(raw)
    ids = dict(zip((r[1] for r in new), fast_insert_rows(Incident, INCIDENT_COLUMNS, new),
                   strict=True))
    for reference, incident in existing.items():
        ids.setdefault(reference, incident.pk)
    if changed:
        Incident.objects.bulk_update(changed, [*INCIDENT_FIELDS, "domestic_abuse"],
                                     batch_size=2000)
    # The raw export row behind each incident (its occurred_at is the incident's, as stored).
    fast_insert_rows(LegacyRecord, RAW_COLUMNS, [
        (ctx.force.pk, ctx.system, LegacyRecord.Kind.INCIDENT, values["source_id"],
         values["occurred_at"], ids[reference], row) for reference, values, row in new_raw])
    if changed_raw:
        LegacyRecord.objects.bulk_update(changed_raw, ["data"], batch_size=2000)
    ctx.counts.stored += len(new)
    ctx.counts.updated += len(changed)


def _persons_of(ctx: Context, source_ids) -> dict[str, SourceRecord]:
    wanted = [s for s in set(source_ids) if s]
    return {r.source_id: r for r in SourceRecord.objects.filter(
        force=ctx.force, system=ctx.system, source_id__in=wanted).only(
        "id", "source_id", "person_id")}


def _incidents_of(ctx: Context, source_ids) -> dict[str, Incident]:
    refs = {incident_reference(ctx.system, s): s for s in set(source_ids) if s}
    return {refs[i.reference]: i for i in Incident.objects.filter(
        force=ctx.force, reference__in=list(refs)).only(
        "id", "reference", "occurred_at", "opened_at")}


def _person_ids_of(ctx: Context, source_ids) -> dict[str, int | None]:
    """source_id -> person_id of this system's records (plain values, no instances)."""
    wanted = [s for s in set(source_ids) if s]
    return dict(_among(SourceRecord.objects.filter(force=ctx.force, system=ctx.system),
                       "source_id", wanted).values_list("source_id", "person_id"))


def _incident_rows_of(ctx: Context, source_ids) -> dict[str, tuple]:
    """source_id -> (id, reference, occurred_at, opened_at) of this system's incidents."""
    refs = {incident_reference(ctx.system, s): s for s in set(source_ids) if s}
    return {refs[row[1]]: row for row in _among(Incident.objects.filter(force=ctx.force),
                                                "reference", refs).values_list(
        "id", "reference", "occurred_at", "opened_at")}


def store_involvements(ctx: Context, batch: list) -> None:
    incidents = _incident_rows_of(ctx, [v["incident_source_id"] for *_, v in batch])
    persons = _person_ids_of(ctx, [v["person_source_id"] for *_, v in batch])
    resolved = []
    for line, row, values in batch:
        incident = incidents.get(values["incident_source_id"])
        person_id = persons.get(values["person_source_id"])
        if incident is None:
            ctx.reject(line, row, "incident_source_id refers to no incident in incidents.csv")
        elif person_id is None:
            ctx.reject(line, row, "person_source_id refers to no person in people.csv")
        else:
            resolved.append((incident, person_id, values))
    existing = {(i.incident_id, i.person_id, i.role): i for i in _among(
        Involvement.objects.all(), "incident_id", [i[0] for i, _, _ in resolved])}
    new: dict[tuple, list] = {}  # key -> [incident_id, person_id, role, relationship]
    incident_of: dict[int, tuple] = {}
    changed = []
    for incident, person_id, values in resolved:
        key = (incident[0], person_id, values["role"])
        found = existing.get(key)
        pending = new.get(key)
        if found is None and pending is None:
            new[key] = [incident[0], person_id, values["role"], values["relationship"]]
            incident_of[incident[0]] = incident
        elif pending is not None:
            # Two rows of this batch for one involvement (records of one person): the last
            # relationship wins, counted as an update, as for a stored involvement.
            if pending[3] != values["relationship"]:
                pending[3] = values["relationship"]
                ctx.counts.updated += 1
            else:
                ctx.counts.unchanged += 1
        elif found.relationship != values["relationship"]:
            found.relationship = values["relationship"]
            changed.append(found)
        else:
            ctx.counts.unchanged += 1
    fast_insert_rows(Involvement, INVOLVEMENT_COLUMNS, [tuple(r) for r in new.values()])
    if changed:
        Involvement.objects.bulk_update(changed, ["relationship"], batch_size=2000)
    force_id, normal = ctx.force.pk, Entry.Sensitivity.NORMAL
    entries = []
    for incident_id, person_id, role, _relationship in new.values():
        _id, reference, occurred_at, opened_at = incident_of[incident_id]
        entries.append((person_id, force_id, occurred_at or opened_at, "incident_involvement",
                        "intake", "incident", str(incident_id),
                        f"{ROLE_LABELS.get(role, role)} in incident {reference}", normal))
    fast_insert_rows(Entry, ENTRY_COLUMNS, entries)
    ctx.counts.stored += len(new)
    ctx.counts.updated += len(changed)


def store_legacy(kind: str):
    def store(ctx: Context, batch: list) -> None:
        records = _persons_of(ctx, [v[k] for *_, v in batch for k in ("subject", "other_party")])
        incidents = _incidents_of(ctx, [v["incident"] for *_, v in batch])
        existing = {r.source_id: r for r in LegacyRecord.objects.filter(
            force=ctx.force, system=ctx.system, kind=kind,
            source_id__in=[v["source_id"] for *_, v in batch])}
        new, changed = [], []
        for line, row, values in batch:
            refs = {"subject": records.get(values["subject"]),
                    "other_party": records.get(values["other_party"]),
                    "incident": incidents.get(values["incident"])}
            missing = [k for k, v in refs.items() if values[k] and v is None]
            if missing:
                column = {"subject": "person", "other_party": "person",
                          "incident": "incident_source_id"}[missing[0]]
                ctx.reject(line, row, f"{column} reference {values[missing[0]]!r} is unknown")
                continue
            fields = {"occurred_at": values["occurred_at"], "ends_at": values["ends_at"],
                      "subject": refs["subject"], "other_party": refs["other_party"],
                      "incident": refs["incident"], "data": values["data"]}
            record = existing.get(values["source_id"])
            if record is None:
                new.append(LegacyRecord(force=ctx.force, system=ctx.system, kind=kind,
                                        source_id=values["source_id"], **fields))
                continue
            if record.data == values["data"]:
                ctx.counts.unchanged += 1
                continue
            for name, value in fields.items():
                setattr(record, name, value)
            record.updated_at = timezone.now()
            changed.append(record)
        fast_bulk_create(new)
        if changed:
            LegacyRecord.objects.bulk_update(
                changed, ["occurred_at", "ends_at", "subject", "other_party", "incident", "data",
                          "updated_at"], batch_size=2000)
        label = LEGACY_LABELS[kind]
        now = timezone.now()
        _entries([dict(person_id=party.person_id, force_id=ctx.force.pk,
                        occurred_at=r.occurred_at or now, kind=f"legacy_{kind}",
                        source_room="people", source_type="legacy_record", source_id=str(r.pk),
                        summary=f"{label} ({ctx.system.replace('_', ' ')})",
                        sensitivity=SENSITIVE_KINDS.get(kind, Entry.Sensitivity.NORMAL))
                  for r in new for party in (r.subject, r.other_party)
                  if party is not None and party.person_id])
        ctx.counts.stored += len(new)
        ctx.counts.updated += len(changed)

    return store

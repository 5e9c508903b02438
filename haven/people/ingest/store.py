"""Write one validated batch of an export file: bulk_create new rows, bulk_update changed ones.

Each `store_*` takes the batch [(line, raw row, clean values)] and a `Context`, returns
nothing, and counts into `ctx.report`; rows whose references do not resolve go to
`ctx.reject(...)`. The caller wraps each call in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.utils import timezone

from haven.chronology.models import Entry
from haven.intake.models import Incident, Involvement
from haven.people.ingest.fast import fast_bulk_create, fast_insert
from haven.people.keys import blocking_keys
from haven.people.models import Address, LegacyRecord, Person, SourceRecord, WarningMarker
from haven.people.services import best_values

PERSON_FIELDS = ("forename", "middle_names", "surname", "date_of_birth", "gender", "phone",
                 "email", "address_line", "town", "postcode", "aliases", "pnc_id",
                 "confidential_address", "attributes")
INCIDENT_FIELDS = ("occurred_at", "reported_via", "category", "address_line", "town",
                   "postcode", "summary", "children_present")
DA_CATEGORIES = {Incident.Category.DOMESTIC, Incident.Category.HONOUR_BASED}
LEGACY_LABELS = {"crime": "Crime recorded", "risk_assessment": "DASH risk assessment",
                 "marac": "MARAC referral", "order": "Order", "intel": "Intelligence item"}
SENSITIVE_KINDS = {"intel": Entry.Sensitivity.CONFIDENTIAL}


@dataclass
class Counts:
    read: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


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


def incident_reference(system: str, source_id: str) -> str:
    """The intake reference of a legacy incident: "system:source_id", hashed when too long."""
    reference = f"{system}:{source_id}"
    if len(reference) <= Incident._meta.get_field("reference").max_length:
        return reference
    digest = hashlib.sha256(reference.encode()).hexdigest()[:16]
    return f"{system[:10]}:{digest}"


def _entries(rows: list[dict]) -> None:
    """Chronology entries in bulk (the bulk form of `record_entry`)."""
    fast_insert(Entry, rows)


def store_people(ctx: Context, batch: list) -> None:
    now = timezone.now()
    ids = [values["source_id"] for _, _, values in batch]
    existing = {r.source_id: r for r in SourceRecord.objects.filter(
        force=ctx.force, system=ctx.system, source_id__in=ids)}
    new, changed = [], []
    for _line, _row, values in batch:
        record = existing.get(values["source_id"])
        if record is None:
            record = SourceRecord(force=ctx.force, system=ctx.system,
                                  **{k: values[k] for k in ("source_id", *PERSON_FIELDS)})
            record.__dict__.update(blocking_keys(values))
            new.append(record)
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
        person_ids = fast_insert(Person, [{"force_id": ctx.force.pk, **best_values([r])}
                                          for r in new])
        for record, person_id in zip(new, person_ids, strict=True):
            record.person_id = person_id
        fast_bulk_create(new)
        ctx.new_records.extend(r.pk for r in new)
        fast_insert(Address, [
            {"person_id": r.person_id, "source_record_id": r.pk, "line": r.address_line,
             "town": r.town, "postcode": r.postcode, "confidential": r.confidential_address}
            for r in new if r.address_line or r.postcode])
        _markers(new, now)
        _entries([dict(person_id=r.person_id, force_id=ctx.force.pk, occurred_at=now,
                        kind="record_created", source_room="people",
                        source_type="source_record", source_id=str(r.pk),
                        summary=f"Known to {ctx.system.replace('_', ' ')}") for r in new])
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
    ctx.counts.stored += len(new)
    ctx.counts.updated += len(changed)


def _markers(records, now) -> None:
    """A `warning_markers` column (';'-separated kinds) becomes WarningMarker rows."""
    kinds = set(WarningMarker.Kind.values)
    rows = []
    for record in records:
        raw = (record.attributes or {}).get("warning_markers", "")
        for kind in {k.strip().lower() for k in str(raw).split(";") if k.strip()}:
            rows.append(WarningMarker(person_id=record.person_id, source_record_id=record.pk,
                                      kind=kind if kind in kinds else WarningMarker.Kind.OTHER,
                                      note="" if kind in kinds else kind[:300],
                                      recorded_at=now))
    WarningMarker.objects.bulk_create(rows)


def store_incidents(ctx: Context, batch: list) -> None:
    now = timezone.now()
    refs = {incident_reference(ctx.system, v["source_id"]): (line, row, v)
            for line, row, v in batch}
    existing = {i.reference: i for i in Incident.objects.filter(force=ctx.force,
                                                                reference__in=list(refs))}
    raw_rows = {r.source_id: r for r in LegacyRecord.objects.filter(
        force=ctx.force, system=ctx.system, kind=LegacyRecord.Kind.INCIDENT,
        source_id__in=[v["source_id"] for *_, v in batch])}
    new, changed, new_raw, changed_raw = [], [], [], []
    for reference, (_line, row, values) in refs.items():
        incident = existing.get(reference)
        fields = {k: values[k] for k in INCIDENT_FIELDS}
        fields["domestic_abuse"] = values["category"] in DA_CATEGORIES
        if incident is None:
            incident = Incident(force=ctx.force, reference=reference, state="closed",
                                source_system=ctx.system, source_id=values["source_id"],
                                opened_at=values["occurred_at"] or now, **fields)
            new.append(incident)
        else:
            diff = [k for k, v in fields.items() if getattr(incident, k) != v]
            for name in diff:
                setattr(incident, name, fields[name])
            if diff:
                changed.append(incident)
            else:
                ctx.counts.unchanged += 1
        raw = raw_rows.get(values["source_id"])
        if raw is None:
            new_raw.append((incident, row))
        elif raw.data != row:
            raw.data = row
            changed_raw.append(raw)
    fast_bulk_create(new)
    if changed:
        Incident.objects.bulk_update(changed, [*INCIDENT_FIELDS, "domestic_abuse"],
                                     batch_size=2000)
    fast_bulk_create([
        LegacyRecord(force=ctx.force, system=ctx.system, kind=LegacyRecord.Kind.INCIDENT,
                     source_id=incident.source_id, occurred_at=incident.occurred_at,
                     incident=incident, data=row) for incident, row in new_raw])
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


def store_involvements(ctx: Context, batch: list) -> None:
    incidents = _incidents_of(ctx, [v["incident_source_id"] for *_, v in batch])
    records = _persons_of(ctx, [v["person_source_id"] for *_, v in batch])
    resolved = []
    for line, row, values in batch:
        incident = incidents.get(values["incident_source_id"])
        record = records.get(values["person_source_id"])
        if incident is None:
            ctx.reject(line, row, "incident_source_id refers to no incident in incidents.csv")
        elif record is None or record.person_id is None:
            ctx.reject(line, row, "person_source_id refers to no person in people.csv")
        else:
            resolved.append((incident, record, values))
    existing = {(i.incident_id, i.person_id, i.role): i for i in Involvement.objects.filter(
        incident_id__in=[i.pk for i, _, _ in resolved])}
    new, changed = [], []
    for incident, record, values in resolved:
        key = (incident.pk, record.person_id, values["role"])
        found = existing.get(key)
        if found is None:
            found = Involvement(incident=incident, person_id=record.person_id,
                                role=values["role"], relationship=values["relationship"])
            existing[key] = found
            new.append(found)
        elif found.relationship != values["relationship"]:
            found.relationship = values["relationship"]
            changed.append(found)
        else:
            ctx.counts.unchanged += 1
    fast_bulk_create(new)
    if changed:
        Involvement.objects.bulk_update(changed, ["relationship"], batch_size=2000)
    _entries([dict(person_id=i.person_id, force_id=ctx.force.pk,
                    occurred_at=i.incident.occurred_at or i.incident.opened_at,
                    kind="incident_involvement", source_room="intake", source_type="incident",
                    source_id=str(i.incident_id),
                    summary=f"{i.get_role_display()} in incident {i.incident.reference}")
              for i in new])
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

"""People's part of an ingest: people.csv, and the files it keeps whole as legacy records.

Each `store_*` takes the batch [(line, raw row, clean values)] and a `Context`, returns
nothing, and counts into `ctx.counts`; rows whose references do not resolve go to
`ctx.reject(...)`. The caller wraps each call in one transaction. New rows are written as
plain tuples through `haven.core.bulk`, changed ones with bulk_update; chronology entries
through chronology's bulk writer (`record_entries`).

`files.register()` (PeopleConfig.ready) puts people.csv and the legacy kinds (crimes, DASH,
MARAC, orders, intelligence: kept in `people.LegacyRecord` until their rooms exist) in the
registry; intake registers incidents.csv and involvements.csv itself (haven/intake/ingest.py).
"""

from __future__ import annotations

from django.utils import timezone

from haven.chronology.services import Sensitivity, record_entries
from haven.core.bulk import fast_bulk_create, fast_insert_rows
from haven.people.addresses import protect_addresses
from haven.people.ingest.registry import Context, Counts, among
from haven.people.keys import KEY_FIELDS, blocking_key_values, blocking_keys
from haven.people.models import Address, LegacyRecord, Person, SourceRecord, WarningMarker
from haven.people.services import BEST_FIELDS

__all__ = ["Context", "Counts", "store_legacy", "store_people"]

PERSON_FIELDS = ("forename", "middle_names", "surname", "date_of_birth", "gender", "phone",
                 "email", "address_line", "town", "postcode", "aliases", "pnc_id",
                 "confidential_address", "attributes", "data_quality")
LEGACY_LABELS = {"crime": "Crime recorded", "risk_assessment": "DASH risk assessment",
                 "marac": "MARAC referral", "order": "Order", "intel": "Intelligence item"}
SENSITIVE_KINDS = {"intel": Sensitivity.CONFIDENTIAL}
# New rows are written as plain tuples in these column orders (no model instances).
RECORD_COLUMNS = ("force_id", "system", "source_id", "person_id", *PERSON_FIELDS, *KEY_FIELDS)
PERSON_COLUMNS = ("force_id", *BEST_FIELDS)
ADDRESS_COLUMNS = ("person_id", "source_record_id", "line", "town", "postcode", "confidential")


def _best_of_one(values: dict) -> tuple:
    """`services.best_values([record])` of one new record, as a Person row."""
    return tuple(v if v not in (None, "") else (None if name == "date_of_birth" else "")
                 for name in BEST_FIELDS for v in (values[name],))


def store_people(ctx: Context, batch: list) -> None:
    now = timezone.now()
    ids = [values["source_id"] for _, _, values in batch]
    existing = {r.source_id: r for r in among(SourceRecord.objects.filter(
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
    normal = Sensitivity.NORMAL
    record_entries([
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


def _persons_of(ctx: Context, source_ids) -> dict[str, SourceRecord]:
    wanted = [s for s in set(source_ids) if s]
    return {r.source_id: r for r in SourceRecord.objects.filter(
        force=ctx.force, system=ctx.system, source_id__in=wanted).only(
        "id", "source_id", "person_id")}


def store_legacy(kind: str):
    def store(ctx: Context, batch: list) -> None:
        records = _persons_of(ctx, [v[k] for *_, v in batch for k in ("subject", "other_party")])
        incidents = ctx.resolve("incident", [v["incident"] for *_, v in batch])
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
                      "incident_id": refs["incident"], "data": values["data"]}
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
        sensitivity = SENSITIVE_KINDS.get(kind, Sensitivity.NORMAL)
        summary = f"{label} ({ctx.system.replace('_', ' ')})"
        record_entries([(party.person_id, ctx.force.pk, r.occurred_at or now,
                         f"legacy_{kind}", "people", "legacy_record", str(r.pk), summary,
                         sensitivity)
                        for r in new for party in (r.subject, r.other_party)
                        if party is not None and party.person_id])
        ctx.counts.stored += len(new)
        ctx.counts.updated += len(changed)

    return store


# The stores of the legacy kinds, by name (registered as dotted paths in `files`).
store_crimes = store_legacy("crime")
store_risk_assessments = store_legacy("risk_assessment")
store_marac = store_legacy("marac")
store_orders = store_legacy("order")
store_intel = store_legacy("intel")

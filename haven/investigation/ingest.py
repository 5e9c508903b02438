"""crimes.csv of legacy exports, claimed from the people room: each row becomes a `Crime`
in this room with every offence it names (`offence` may list several, separated by ";";
the first is the principal counted), its arrest and its Home Office outcome.

Registered in InvestigationConfig.ready() (after people's, so this registration replaces
people's `LegacyRecord` store for the file). Persons and incidents are resolved through the
ingest context (people and intake answer), never by reading their tables.
"""

from __future__ import annotations

from django.utils import timezone

from haven.chronology.services import Sensitivity, record_entries
from haven.core.bulk import fast_insert_rows
from haven.investigation.models import Crime, CrimeOffence, Offence, Reallocation, Team
from haven.investigation.rules import OUTCOME_TYPES
from haven.people.ingest.registry import Context, among, register_legacy_file
from haven.people.ingest.validate import RowError, flag, parse_datetime, required

COLUMNS = ("source_id", "incident_source_id", "recorded_at", "domestic_abuse", "offence",
           "victim_source_id", "suspect_source_id", "arrested", "outcome", "outcome_at")
OFFENCES = frozenset(Offence.values)
CRIME_FIELDS = ("recorded_at", "domestic_abuse", "victim_id", "suspect_id", "incident_id",
                "arrested", "outcome", "outcome_at", "legacy_row")
CRIME_COLUMNS = ("force_id", "reference", "source_system", "source_id", "victim_enhanced",
                 "team", "allocation_reason", *CRIME_FIELDS)
LEGACY_REASON = "Recorded in a legacy system; not yet allocated in Haven"


def crime_row(row: dict) -> dict:
    """A crimes.csv row as clean values (no database), or RowError naming the column."""
    offences = [o.strip().lower() for o in (row.get("offence") or "").replace("|", ";")
                .split(";") if o.strip()]
    unknown = [o for o in offences if o not in OFFENCES]
    if unknown:
        raise RowError(f"offence {unknown[0]!r} is not one of {', '.join(sorted(OFFENCES))}")
    outcome_text = (row.get("outcome") or "").strip()
    outcome = None
    if outcome_text:
        if not outcome_text.isdigit() or int(outcome_text) not in OUTCOME_TYPES:
            raise RowError("outcome must be a Home Office outcome type 1 to 22, or blank")
        outcome = int(outcome_text)
    return {
        "source_id": required(row, "source_id"),
        "incident": (row.get("incident_source_id") or "").strip(),
        "victim": (row.get("victim_source_id") or "").strip(),
        "suspect": (row.get("suspect_source_id") or "").strip(),
        "recorded_at": parse_datetime(row, "recorded_at"),
        "domestic_abuse": bool(flag(row, "domestic_abuse")),
        "offences": offences or [Offence.OTHER.value],
        "arrested": flag(row, "arrested"),
        "outcome": outcome,
        "outcome_at": parse_datetime(row, "outcome_at"),
        "row": {k: v for k, v in row.items() if k},
    }


def legacy_reference(system: str, source_id: str) -> str:
    return f"{system}:{source_id}"[:64]


def store_crimes(ctx: Context, batch: list) -> None:
    people = ctx.person_ids_of([v[k] for *_, v in batch for k in ("victim", "suspect")])
    incidents = ctx.resolve("incident", [v["incident"] for *_, v in batch])
    existing = {c.source_id: c for c in among(
        Crime.objects.filter(force=ctx.force, source_system=ctx.system), "source_id",
        [v["source_id"] for *_, v in batch])}
    now = timezone.now()
    new, changed = [], []
    for line, row, values in batch:
        refs = {"victim_source_id": (values["victim"], people.get(values["victim"])),
                "suspect_source_id": (values["suspect"], people.get(values["suspect"])),
                "incident_source_id": (values["incident"], incidents.get(values["incident"]))}
        missing = [column for column, (given, found) in refs.items() if given and not found]
        if missing:
            ctx.reject(line, row, f"{missing[0]} reference {refs[missing[0]][0]!r} is unknown")
            continue
        fields = {"recorded_at": values["recorded_at"] or now,
                  "domestic_abuse": values["domestic_abuse"],
                  "victim_id": refs["victim_source_id"][1],
                  "suspect_id": refs["suspect_source_id"][1],
                  "incident_id": refs["incident_source_id"][1],
                  "arrested": values["arrested"], "outcome": values["outcome"],
                  "outcome_at": values["outcome_at"], "legacy_row": values["row"]}
        crime = existing.get(values["source_id"])
        if crime is None:
            new.append((values, fields))
        elif crime.legacy_row == values["row"]:
            ctx.counts.unchanged += 1
        else:
            for name, value in fields.items():
                setattr(crime, name, value)
            changed.append((crime, values["offences"]))
    ids = fast_insert_rows(Crime, CRIME_COLUMNS, [
        (ctx.force.pk, legacy_reference(ctx.system, v["source_id"]), ctx.system,
         v["source_id"], f["domestic_abuse"], Team.LOCAL, LEGACY_REASON,
         *(f[k] for k in CRIME_FIELDS)) for v, f in new])
    if changed:
        Crime.objects.bulk_update([c for c, _ in changed], list(CRIME_FIELDS), batch_size=2000)
        CrimeOffence.objects.filter(crime_id__in=[c.pk for c, _ in changed]).delete()
    offences = [(crime_id, o, n == 0, n) for crime_id, (v, _f) in zip(ids, new, strict=True)
                for n, o in enumerate(v["offences"])]
    offences += [(c.pk, o, n == 0, n) for c, listed in changed for n, o in enumerate(listed)]
    fast_insert_rows(CrimeOffence, ("crime_id", "offence", "principal", "position"), offences)
    fast_insert_rows(Reallocation, ("crime_id", "team", "reason", "at"),
                     [(crime_id, Team.LOCAL, LEGACY_REASON, now) for crime_id in ids])
    summary = f"Crime recorded ({ctx.system.replace('_', ' ')})"
    record_entries([
        (person_id, ctx.force.pk, f["recorded_at"], "crime_recorded", "investigation",
         "crime", str(crime_id), summary, Sensitivity.RESTRICTED)
        for crime_id, (_v, f) in zip(ids, new, strict=True)
        for person_id in {f["victim_id"], f["suspect_id"]} if person_id])
    ctx.counts.stored += len(new)
    ctx.counts.updated += len(changed)


def register() -> None:
    register_legacy_file("crimes.csv", kind="crime", room="investigation", validator=crime_row,
                         store=store_crimes, order=30, columns=COLUMNS,
                         required=("source_id",))

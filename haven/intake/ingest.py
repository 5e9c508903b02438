"""Intake's legacy export files: incidents.csv and involvements.csv become intake's own
incident logs (closed, referenced "system:source_id") and involvements, written in bulk.

Registered with `haven.people.ingest.registry` in IntakeConfig.ready(); `haven ingest`
hands each validated batch here. The raw incident row is archived by the people room
(`archive_rows`); chronology entries go through chronology's bulk writer. Other files'
references to an incident ("incident_source_id") are resolved by `incident_ids`.
"""

from __future__ import annotations

import hashlib

from django.db.models import F
from django.utils import timezone

from haven.chronology.services import Sensitivity, record_entries
from haven.core.bulk import fast_insert_rows
from haven.intake.models import Incident, Involvement
from haven.intake.rules import CONNECTED_RELATIONSHIPS
from haven.people.ingest.archive import Kind as ArchiveKind
from haven.people.ingest.archive import archive_rows
from haven.people.ingest.registry import (
    Context,
    among,
    register_legacy_file,
    register_reference,
)
from haven.people.ingest.validate import choice, flag, parse_datetime, required

REPORTED_VIA = frozenset(Incident.ReportedVia.values)
CATEGORIES = frozenset(Incident.Category.values)
ROLES = frozenset(Involvement.Role.values)
RELATIONSHIPS = frozenset(Involvement.Relationship.values)

INCIDENT_COLUMNS_IN_FILE = ("source_id", "occurred_at", "reported_via", "address_line", "town",
                            "postcode", "latitude", "longitude", "category", "summary",
                            "children_present", "response_grade")
INVOLVEMENT_COLUMNS_IN_FILE = ("incident_source_id", "person_source_id", "role",
                               "relationship")

INCIDENT_FIELDS = ("occurred_at", "reported_via", "category", "address_line", "town",
                   "postcode", "summary", "children_present")
DA_CATEGORIES = {Incident.Category.DOMESTIC, Incident.Category.HONOUR_BASED}
# New rows are written as plain tuples in these column orders (no model instances).
INCIDENT_COLUMNS = ("force_id", "reference", "state", "source_system", "source_id",
                    "opened_at", *INCIDENT_FIELDS, "domestic_abuse")
INVOLVEMENT_COLUMNS = ("incident_id", "person_id", "role", "relationship")
ROLE_LABELS = dict(Involvement.Role.choices)


# --- validation (no database) ----------------------------------------------------------------

def incident_row(row: dict) -> dict:
    source_id = required(row, "source_id")
    occurred = parse_datetime(row, "occurred_at")
    return {
        "source_id": source_id,
        "occurred_at": occurred,
        "reported_via": choice(row, "reported_via", REPORTED_VIA,
                               default=Incident.ReportedVia.CALL),
        "category": choice(row, "category", CATEGORIES, default=Incident.Category.OTHER),
        "address_line": (row.get("address_line") or "").strip()[:200],
        "town": (row.get("town") or "").strip()[:100],
        "postcode": (row.get("postcode") or "").strip()[:16],
        "summary": (row.get("summary") or "").strip(),
        "children_present": flag(row, "children_present"),
    }


def involvement_row(row: dict) -> dict:
    return {
        "incident_source_id": required(row, "incident_source_id"),
        "person_source_id": required(row, "person_source_id"),
        "role": choice(row, "role", ROLES) or required(row, "role"),
        "relationship": choice(row, "relationship", RELATIONSHIPS),
    }


# --- storing ---------------------------------------------------------------------------------

def incident_reference(system: str, source_id: str) -> str:
    """The intake reference of a legacy incident: "system:source_id", hashed when too long."""
    reference = f"{system}:{source_id}"
    if len(reference) <= Incident._meta.get_field("reference").max_length:
        return reference
    digest = hashlib.sha256(reference.encode()).hexdigest()[:16]
    return f"{system[:10]}:{digest}"


def store_incidents(ctx: Context, batch: list) -> None:
    now = timezone.now()
    refs = {incident_reference(ctx.system, v["source_id"]): (line, row, v)
            for line, row, v in batch}
    existing = {i.reference: i for i in among(Incident.objects.filter(force=ctx.force),
                                              "reference", refs)}
    # A stored incident between connected people stays domestic abuse whatever its category.
    connected = _connected({i.pk for i in existing.values()})
    new, changed, raw = [], [], []
    for reference, (_line, row, values) in refs.items():
        incident = existing.get(reference)
        fields = tuple(values[k] for k in INCIDENT_FIELDS)
        domestic = values["category"] in DA_CATEGORIES or (
            incident is not None and incident.pk in connected)
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
        raw.append((reference, values, row))
    ids = dict(zip((r[1] for r in new), fast_insert_rows(Incident, INCIDENT_COLUMNS, new),
                   strict=True))
    for reference, incident in existing.items():
        ids.setdefault(reference, incident.pk)
    if changed:
        # A re-ingest's change is an edit like any other: an open form on the incident then
        # meets a stale version, and reconciliation's prefetch (its stamp) sees it.
        for incident in changed:
            incident.version = F("version") + 1
        Incident.objects.bulk_update(changed, [*INCIDENT_FIELDS, "domestic_abuse", "version"],
                                     batch_size=2000)
    # The raw export row behind each incident (its occurred_at is the incident's, as stored).
    archive_rows(ctx, ArchiveKind.INCIDENT, [
        (values["source_id"], values["occurred_at"], ids[reference], row)
        for reference, values, row in raw])
    ctx.counts.stored += len(new)
    ctx.counts.updated += len(changed)


def _connected(incident_ids) -> set[int]:
    """Those of the incidents in which someone is recorded as the victim's partner,
    ex-partner or family: domestic abuse whatever the category (stalking, harassment,
    other), as the perpetrators room reads it (`public.da_involvement_rows`). Filed by
    category alone, a stalking ex-partner's incidents did not count towards the victim's
    "Repeat victim" flag."""
    if not incident_ids:
        return set()
    connected = Involvement.objects.filter(relationship__in=CONNECTED_RELATIONSHIPS)
    return set(among(connected, "incident_id", incident_ids).values_list("incident_id",
                                                                         flat=True))


def _incident_rows_of(ctx: Context, source_ids) -> dict[str, tuple]:
    """source_id -> (id, reference, occurred_at, opened_at) of this system's incidents."""
    refs = {incident_reference(ctx.system, s): s for s in set(source_ids) if s}
    return {refs[row[1]]: row for row in among(Incident.objects.filter(force=ctx.force),
                                               "reference", refs).values_list(
        "id", "reference", "occurred_at", "opened_at")}


def incident_ids(ctx: Context, source_ids) -> dict[str, int]:
    """Reference resolver "incident": source_id -> id of the incident it became."""
    refs = {incident_reference(ctx.system, s): s for s in set(source_ids) if s}
    return {refs[reference]: pk for pk, reference in Incident.objects.filter(
        force=ctx.force, reference__in=list(refs)).values_list("id", "reference")}


def store_involvements(ctx: Context, batch: list) -> None:
    incidents = _incident_rows_of(ctx, [v["incident_source_id"] for *_, v in batch])
    persons = ctx.person_ids_of([v["person_source_id"] for *_, v in batch])
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
    existing = {(i.incident_id, i.person_id, i.role): i for i in among(
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
    # Involvements arrive after their incidents: an incident between connected people is
    # domestic abuse whatever its category (`_connected`). Never turned off here (a flag
    # set by hand stays); a re-ingest of incidents.csv judges category and people again.
    connected = _connected({incident[0] for incident, _, _ in resolved})
    if connected:
        Incident.objects.filter(pk__in=list(connected), domestic_abuse=False).update(
            domestic_abuse=True)
    force_id, normal = ctx.force.pk, Sensitivity.NORMAL
    entries = []
    for incident_id, person_id, role, _relationship in new.values():
        _id, reference, occurred_at, opened_at = incident_of[incident_id]
        entries.append((person_id, force_id, occurred_at or opened_at, "incident_involvement",
                        "intake", "incident", str(incident_id),
                        f"{ROLE_LABELS.get(role, role)} in incident {reference}", normal))
    record_entries(entries)
    ctx.counts.stored += len(new)
    ctx.counts.updated += len(changed)


def register() -> None:
    register_legacy_file("incidents.csv", kind="incidents", room="intake",
                         validator=incident_row, store=store_incidents, order=10,
                         columns=INCIDENT_COLUMNS_IN_FILE, required=("source_id",))
    register_legacy_file("involvements.csv", kind="involvements", room="intake",
                         validator=involvement_row, store=store_involvements, order=20,
                         columns=INVOLVEMENT_COLUMNS_IN_FILE,
                         required=("incident_source_id", "person_source_id", "role"))
    register_reference("incident", incident_ids)

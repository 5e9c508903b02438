"""marac.csv of legacy exports, claimed from the people room: each row becomes a `Referral`
in this room (the only place MARAC referrals are read from, including the call-time
history).

Registered in MaracConfig.ready() (after people's, so this registration replaces people's
`LegacyRecord` store for the file). Persons are resolved through the ingest context (people
answers), never by reading people's tables. A row's area is found, or made, by its
`marac_area` name; a legacy row without a known criterion is kept as professional
judgement, saying so.
"""

from __future__ import annotations

from django.utils import timezone

from haven.chronology.services import Sensitivity, record_entries
from haven.marac.models import Area, Referral
from haven.people.ingest.registry import Context, among, register_legacy_file
from haven.people.ingest.validate import FILE_COLUMNS, REQUIRED_COLUMNS, marac_row

CRITERIA = {"visible_high_risk": "visible_high_risk", "vhr": "visible_high_risk",
            "professional_judgement": "professional_judgement",
            "potential_escalation": "potential_escalation", "escalation": "potential_escalation",
            "repeat": "repeat"}
LEGACY_BASIS = "Legacy record: consent not recorded in the source system"


def _area(ctx: Context, areas: dict, name: str) -> Area:
    name = (name or "").strip() or "Unknown area"
    key = name.lower()
    if key not in areas:
        area = Area.objects.filter(force=ctx.force, name__iexact=name).first()
        if area is None:
            area = Area.objects.create(force=ctx.force, name=name.title())
        areas[key] = area
    return areas[key]


def store_marac(ctx: Context, batch: list) -> None:
    people = ctx.person_ids_of([v["subject"] for *_, v in batch])
    existing = {r.source_id: r for r in among(
        Referral.objects.filter(force=ctx.force, source_system=ctx.system), "source_id",
        [v["source_id"] for *_, v in batch])}
    areas: dict = {}
    now = timezone.now()
    new, changed = [], []
    for line, row, values in batch:
        victim = people.get(values["subject"])
        if victim is None:
            ctx.reject(line, row, f"victim_source_id reference {values['subject']!r} is unknown")
            continue
        data = values["data"]
        raw = (data.get("criteria") or "").strip().lower()
        criterion = CRITERIA.get(raw, "professional_judgement")
        heard = (data.get("heard_at") or "").strip()
        fields = {
            "area": _area(ctx, areas, data.get("marac_area", "")), "victim_id": victim,
            "criterion": criterion, "referred_at": values["occurred_at"] or now,
            "rationale": "" if raw in CRITERIA else f"Legacy record: criteria {raw or 'blank'}",
            "consent": Referral.Consent.NOT_SOUGHT, "consent_basis": LEGACY_BASIS,
            "status": Referral.Status.HEARD if heard else Referral.Status.AWAITING,
            "legacy_row": data}
        referral = existing.get(values["source_id"])
        if referral is None:
            new.append(Referral(force=ctx.force, source_system=ctx.system,
                                source_id=values["source_id"], **fields))
        elif referral.legacy_row == data:
            ctx.counts.unchanged += 1
        else:
            for name, value in fields.items():
                setattr(referral, name, value)
            changed.append(referral)
    created = Referral.objects.bulk_create(new, batch_size=2000)
    if changed:
        Referral.objects.bulk_update(changed, ["area", "victim_id", "criterion", "referred_at",
                                               "rationale", "status", "legacy_row"],
                                     batch_size=2000)
    ids = {r.source_id: r.pk for r in among(
        Referral.objects.filter(force=ctx.force, source_system=ctx.system), "source_id",
        [r.source_id for r in created])}
    record_entries([
        (r.victim_id, ctx.force.pk, r.referred_at, "marac_referral", "marac", "referral",
         str(ids[r.source_id]), f"Referred to the {r.area.name} MARAC "
                                f"({ctx.system.replace('_', ' ')})", Sensitivity.NORMAL)
        for r in created])
    ctx.counts.stored += len(created)
    ctx.counts.updated += len(changed)


def register() -> None:
    register_legacy_file("marac.csv", kind="marac", room="marac", validator=marac_row,
                         store=store_marac, order=50, columns=FILE_COLUMNS["marac.csv"],
                         required=REQUIRED_COLUMNS["marac.csv"])

"""orders.csv of legacy exports, claimed from the people room: each row becomes an `Order`
in this room (the only place orders are read from: the call-time history, the person's
orders, breaches).

Registered in ProtectionConfig.ready() (after people's, so this registration replaces
people's `LegacyRecord` store for the file). Persons are resolved through the ingest
context (people answers), never by reading people's tables. The row is validated by the
contract's validator (`haven.people.ingest.validate.order_row`: kind one of the contract's,
an end before the start refused).
"""

from __future__ import annotations

from django.utils import timezone

from haven.chronology.services import Sensitivity, record_entries
from haven.core.bulk import fast_insert_rows
from haven.people.ingest.registry import Context, among, register_legacy_file
from haven.people.ingest.validate import FILE_COLUMNS, REQUIRED_COLUMNS, order_row
from haven.protection.models import Order

FIELDS = ("kind", "subject_id", "protected_id", "starts_at", "ends_at", "conditions",
          "status", "legacy_row")
COLUMNS = ("force_id", "source_system", "source_id", "regime", *FIELDS)
NOTICES = {Order.Kind.DVPN, Order.Kind.DAPN}
REGIMES = {"dvpn": "csa2010", "dvpo": "csa2010", "dapn": "da2021", "dapo": "da2021"}


def store_orders(ctx: Context, batch: list) -> None:
    people = ctx.person_ids_of([v[k] for *_, v in batch for k in ("subject", "other_party")])
    existing = {o.source_id: o for o in among(
        Order.objects.filter(force=ctx.force, source_system=ctx.system), "source_id",
        [v["source_id"] for *_, v in batch])}
    now = timezone.now()
    new, changed = [], []
    for line, row, values in batch:
        subject = people.get(values["subject"])
        protected = people.get(values["other_party"]) if values["other_party"] else None
        if subject is None:
            ctx.reject(line, row, f"subject_source_id reference {values['subject']!r} is "
                                  "unknown")
            continue
        if values["other_party"] and protected is None:
            ctx.reject(line, row, f"protected_source_id reference {values['other_party']!r} "
                                  "is unknown")
            continue
        kind = values["data"].get("kind", "").strip().lower()
        ends = values["ends_at"]
        # A legacy notice without an end has long since been decided by the court.
        ended = kind in NOTICES and ends is None
        fields = {"kind": kind, "subject_id": subject, "protected_id": protected,
                  "starts_at": values["occurred_at"] or now, "ends_at": ends,
                  "conditions": (values["data"].get("conditions") or "").strip(),
                  "status": Order.Status.ENDED if ended else Order.Status.LIVE,
                  "legacy_row": values["data"]}
        order = existing.get(values["source_id"])
        if order is None:
            new.append((values, fields))
        elif order.legacy_row == values["data"]:
            ctx.counts.unchanged += 1
        else:
            for name, value in fields.items():
                setattr(order, name, value)
            changed.append(order)
    ids = fast_insert_rows(Order, COLUMNS, [
        (ctx.force.pk, ctx.system, v["source_id"], REGIMES.get(f["kind"], ""),
         *(f[k] for k in FIELDS)) for v, f in new])
    if changed:
        Order.objects.bulk_update(changed, list(FIELDS), batch_size=2000)
    labels = dict(Order.Kind.choices)
    summary = f"{{}} recorded ({ctx.system.replace('_', ' ')})"
    record_entries([
        (person_id, ctx.force.pk, f["starts_at"], "order_recorded", "protection", "order",
         str(order_id), summary.format(labels.get(f["kind"], "Order")), Sensitivity.NORMAL)
        for order_id, (_v, f) in zip(ids, new, strict=True)
        for person_id in {f["subject_id"], f["protected_id"]} if person_id])
    ctx.counts.stored += len(new)
    ctx.counts.updated += len(changed)


def register() -> None:
    register_legacy_file("orders.csv", kind="order", room="protection", validator=order_row,
                         store=store_orders, order=60, columns=FILE_COLUMNS["orders.csv"],
                         required=REQUIRED_COLUMNS["orders.csv"])

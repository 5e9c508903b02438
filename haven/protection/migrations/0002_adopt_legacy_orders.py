"""Adopt the orders.csv rows the people room kept as legacy records before this room existed.

Each `people.LegacyRecord(kind="order")` with a subject becomes a `protection.Order`, as
`haven.protection.ingest.store_orders` would have stored it (same source system and id, so a
later ingest of the same export finds it and changes nothing): kind, regime, subject,
protected person, start, end, conditions, the row as sent; a notice without an end is stored
as ended. Its chronology entries are repointed at the order (source protection/order, kind
"order_recorded"), and the legacy row keeps only the raw export row (no subject, no other
party), as the archive: the order is then read from this room only, and nothing needs
re-ingesting. A row whose kind is not an order kind, or whose persons are not linked, is left
as it was.

KEEP THIS MIGRATION when the room's migrations are regenerated as one (it is data, not
schema): re-create it after the new 0001 with `makemigrations protection --empty`.
"""

from django.db import migrations

KINDS = {"dvpn": "csa2010", "dvpo": "csa2010", "dapn": "da2021", "dapo": "da2021",
         "restraining_order": "", "non_molestation_order": "", "bail_conditions": ""}
LABELS = {"dvpn": "Domestic violence protection notice (DVPN)",
          "dvpo": "Domestic violence protection order (DVPO)",
          "dapn": "Domestic abuse protection notice (DAPN)",
          "dapo": "Domestic abuse protection order (DAPO)",
          "restraining_order": "Restraining order", "non_molestation_order": "Non-molestation order",
          "bail_conditions": "Bail conditions"}
NOTICES = {"dvpn", "dapn"}


def adopt(apps, schema_editor):
    LegacyRecord = apps.get_model("people", "LegacyRecord")
    Entry = apps.get_model("chronology", "Entry")
    Order = apps.get_model("protection", "Order")
    rows = (LegacyRecord.objects.filter(kind="order", subject__isnull=False)
            .select_related("subject", "other_party").order_by("pk"))
    for raw in rows.iterator():
        data = raw.data or {}
        kind = (data.get("kind") or "").strip().lower()
        subject = raw.subject.person_id
        protected = raw.other_party.person_id if raw.other_party_id else None
        if kind not in KINDS or subject is None or (raw.other_party_id and protected is None):
            continue
        ended = kind in NOTICES and raw.ends_at is None
        order, _created = Order.objects.get_or_create(
            force_id=raw.force_id, source_system=raw.system, source_id=raw.source_id,
            defaults={"kind": kind, "regime": KINDS[kind], "subject_id": subject,
                      "protected_id": protected,
                      "starts_at": raw.occurred_at or raw.ingested_at, "ends_at": raw.ends_at,
                      "conditions": (data.get("conditions") or "").strip(),
                      "status": "ended" if ended else "live", "legacy_row": data})
        Entry.objects.filter(source_room="people", source_type="legacy_record",
                             source_id=str(raw.pk)).update(
            kind="order_recorded", source_room="protection", source_type="order",
            source_id=str(order.pk),
            summary=f"{LABELS[kind]} recorded ({raw.system.replace('_', ' ')})")
        raw.subject = None
        raw.other_party = None
        raw.save(update_fields=["subject", "other_party"])


class Migration(migrations.Migration):

    dependencies = [
        ("protection", "0001_initial"),
        ("people", "0003_confidentiality_lift_and_data_quality"),
        ("chronology", "0001_initial"),
    ]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]

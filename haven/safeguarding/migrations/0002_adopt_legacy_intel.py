"""Adopt the intel.csv rows the people room kept as legacy records before this room existed.

Each `people.LegacyRecord(kind="intel")` with a subject becomes a `safeguarding.Intelligence`
row; its chronology entry is repointed at it (source safeguarding/intelligence, kind
"intelligence", confidential) and the legacy row keeps only the raw export row (no subject),
as the archive a new ingest writes: the fact is then read from this room only.

KEEP THIS MIGRATION when the room's migrations are regenerated as one (it is data, not
schema): re-create it after the new 0001 with `makemigrations safeguarding --empty`.
"""

from django.db import migrations


def adopt(apps, schema_editor):
    LegacyRecord = apps.get_model("people", "LegacyRecord")
    Entry = apps.get_model("chronology", "Entry")
    Intelligence = apps.get_model("safeguarding", "Intelligence")
    rows = (LegacyRecord.objects.filter(kind="intel", subject__isnull=False)
            .select_related("subject"))
    for raw in rows.iterator():
        person_id = raw.subject.person_id
        if person_id is None:
            continue
        data = raw.data or {}
        item, _created = Intelligence.objects.get_or_create(
            force_id=raw.force_id, source_system=raw.system, source_id=raw.source_id,
            defaults={"person_id": person_id,
                      "recorded_at": raw.occurred_at or raw.ingested_at,
                      "grading": (data.get("grading") or "").strip()[:16],
                      "text": (data.get("text") or "").strip(), "sensitivity": 3})
        graded = f", graded {item.grading}" if item.grading else ""
        Entry.objects.filter(source_room="people", source_type="legacy_record",
                             source_id=str(raw.pk)).update(
            kind="intelligence", source_room="safeguarding", source_type="intelligence",
            source_id=str(item.pk), sensitivity=3,
            summary=f"Intelligence item ({raw.system.replace('_', ' ')}{graded})")
        raw.subject = None
        raw.save(update_fields=["subject"])


class Migration(migrations.Migration):

    dependencies = [
        ("safeguarding", "0001_initial"),
        ("people", "0003_confidentiality_lift_and_data_quality"),
        ("chronology", "0001_initial"),
    ]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]

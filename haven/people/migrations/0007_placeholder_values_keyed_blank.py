"""Blocking keys again for records holding a placeholder ("Unknown", "NFA", "ZZ99 3VZ",
"07000 000000"), which the matcher now reads as blank.

Before, two records whose postcode was "NFA" shared a postcode key and every "Unknown"
surname one surname key, so the call-time lookup offered each other's people as
candidates on nothing at all. Each record's keys are computed afresh and only those that
change are written; the next `haven link` reads the values afresh in any case.
"""

from django.db import migrations


def rekey(apps, schema_editor):
    # The keys are a pure function of the raw fields: the module that computes them for
    # every new record computes them here, and the next relink does the same.
    from haven.people.keys import KEY_FIELDS, blocking_key_values

    SourceRecord = apps.get_model("people", "SourceRecord")
    rows = SourceRecord.objects.values_list("pk", "surname", "forename", "phone", "postcode",
                                            *KEY_FIELDS)
    changed = []
    for pk, surname, forename, phone, postcode, *stored in rows.iterator(chunk_size=5000):
        keys = blocking_key_values(surname, forename, phone, postcode)
        if tuple(stored) != keys:
            changed.append(SourceRecord(pk=pk, **dict(zip(KEY_FIELDS, keys, strict=True))))
    SourceRecord.objects.bulk_update(changed, KEY_FIELDS, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_title_word_names_keyed")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]

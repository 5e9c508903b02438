"""Phone keys again for records whose phone cell holds several numbers.

"07700 900123 / 01926 415000" used to read as no number at all, so the record was keyed
with a blank phone and the call-time lookup could not reach it by phone. The first real
number now reads. Only records with a phone typed but no phone key can change; the next
`haven link` reads the phones afresh in any case.
"""

from django.db import migrations


def rekey(apps, schema_editor):
    # The keys are a pure function of the raw fields: the module that computes them for
    # every new record computes them here, and the next relink does the same.
    from haven.people.keys import KEY_FIELDS, blocking_key_values

    SourceRecord = apps.get_model("people", "SourceRecord")
    unread = SourceRecord.objects.exclude(phone="").filter(phone_norm="")
    changed = []
    for pk, surname, forename, phone, postcode, *stored in unread.values_list(
            "pk", "surname", "forename", "phone", "postcode", *KEY_FIELDS).iterator(
            chunk_size=5000):
        keys = blocking_key_values(surname, forename, phone, postcode)
        if tuple(stored) != keys:
            changed.append(SourceRecord(pk=pk, **dict(zip(KEY_FIELDS, keys, strict=True))))
    SourceRecord.objects.bulk_update(changed, KEY_FIELDS, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("people", "0007_placeholder_values_keyed_blank")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]

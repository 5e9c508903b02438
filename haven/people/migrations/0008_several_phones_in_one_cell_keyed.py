"""Phone keys again for records whose phone cell holds several numbers.

"07700 900123 / 01926 415000" used to read as no number at all, so the record was keyed
with a blank phone and the call-time lookup could not reach it by phone. The first real
number now reads. Only records with a phone typed but no phone key can change; the next
`haven link` reads the phones afresh in any case.
"""

from django.db import migrations


def rekey(apps, schema_editor):
    from haven.people.migrations._rekey import rekey as rekey_records

    # only a record with a phone typed but no phone key can change
    rekey_records(apps, lambda SourceRecord: SourceRecord.objects.exclude(phone="").filter(
        phone_norm=""))


class Migration(migrations.Migration):
    dependencies = [("people", "0007_placeholder_values_keyed_blank")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]

"""Blocking keys again for records holding a placeholder ("Unknown", "NFA", "ZZ99 3VZ",
"07000 000000"), which the matcher now reads as blank.

Before, two records whose postcode was "NFA" shared a postcode key and every "Unknown"
surname one surname key, so the call-time lookup offered each other's people as
candidates on nothing at all. Each record's keys are computed afresh and only those that
change are written; the next `haven link` reads the values afresh in any case.
"""

from django.db import migrations


def rekey(apps, schema_editor):
    from haven.people.migrations._rekey import rekey as rekey_records

    rekey_records(apps)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_title_word_names_keyed")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]

"""Name keys again: letters with no accent to take off are now written in Latin letters
("Paweł" -> "pawel", "Strauß" -> "strauss", Cyrillic -> Latin) instead of dropped, and the
forename table knows the names as England's other communities write them ("Kasia" is
Katherine, "Piotr" Peter). A phone cell holding two numbers with only spaces between them
now gives the first, as one with a slash between them already did; a surname field
holding "Smith (nee Jones)" is keyed Smith, and "Smith, Ann" with no forename Ann Smith.

Before, "Paweł" was keyed "pawe", so a handler typing "Pawel" could not find him, and a
name in Cyrillic had no key at all. Each record's keys are computed afresh and only those
that change are written; the next `haven link` reads the names afresh in any case.
"""

from django.db import migrations


def rekey(apps, schema_editor):
    from haven.people.migrations._rekey import rekey as rekey_records

    # Every record: which forenames the table now reads differently is the table's
    # business, and a pass that writes only what changed is cheap beside a relink.
    rekey_records(apps)


class Migration(migrations.Migration):
    dependencies = [("people", "0008_several_phones_in_one_cell_keyed")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]

"""Name keys again: a full stop now parts the words of a name, so "J.P." is the initials
J and P (it was one name "jp", as "JP" still was: two letters with no vowel in a forename
are now read as initials unless the forename table knows them, "Wm" is
William); "Saint John", "St. John" and "St-John" are keyed as "St John" is; "Wm", "Jas"
and "Thos" are William, James and Thomas.

Before, a record of "J.P. Smith" was keyed with the forename "jp", so a handler typing
"John Smith" could not reach it on the forename's initial, and "Saint John" and "St John"
were two surnames. Each record's keys are computed afresh and only those that change are
written; the next `haven link` reads the names afresh in any case.
"""

from django.db import migrations


def rekey(apps, schema_editor):
    from haven.people.migrations._rekey import rekey as rekey_records

    rekey_records(apps)


class Migration(migrations.Migration):
    dependencies = [("people", "0009_names_in_latin_letters_keyed")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]

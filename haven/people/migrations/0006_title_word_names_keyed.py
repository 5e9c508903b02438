"""Blocking keys again for records whose surname or forename is a title-word name.

`name_tokens` used to drop "Lord", "Lady", "Sir" and "Dame" wherever they stood, so a
record of surname Lord was stored with blank surname keys and the call-time lookup could
not reach it by name. Only those records are re-keyed; the next `haven link` reads the
names afresh in any case.
"""

from django.db import migrations
from django.db.models import Q

# As they stood when this migration was written (haven.people.linkage.normalise).
WORDS = ("lord", "lady", "sir", "dame")


def rekey(apps, schema_editor):
    # The keys are a pure function of the raw fields: the module that computes them for
    # every new record computes them here, and the next relink does the same.
    from haven.people.keys import blocking_keys

    SourceRecord = apps.get_model("people", "SourceRecord")
    title_word = Q()
    for word in WORDS:
        title_word |= Q(surname__iexact=word) | Q(forename__iexact=word)
    for record in SourceRecord.objects.filter(title_word).iterator():
        keys = blocking_keys({"surname": record.surname, "forename": record.forename,
                              "phone": record.phone, "postcode": record.postcode})
        SourceRecord.objects.filter(pk=record.pk).update(**keys)


class Migration(migrations.Migration):
    dependencies = [("people", "0005_cross_force_withdrawal")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]

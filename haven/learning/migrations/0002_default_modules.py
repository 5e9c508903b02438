"""The eight training modules, codes shared with the assurance room (issue 17 item 4).

The list is copied here (not imported) so the migration stays as it was when written."""

from decimal import Decimal

from django.db import migrations

MODULES = [
    ("dash", "DASH risk assessment", Decimal("7")),
    ("coercive_control", "Coercive and controlling behaviour", Decimal("3.5")),
    ("stalking", "Stalking and harassment", Decimal("3.5")),
    ("honour_based_abuse", "Honour-based abuse and forced marriage", Decimal("3.5")),
    ("call_handling_da", "Call handling for domestic abuse", Decimal("3.5")),
    ("evidence_gathering", "Evidence gathering at domestic abuse incidents", Decimal("7")),
    ("children", "Children in abusive households", Decimal("3")),
    ("victim_care", "Victim care and the Victims' Code", Decimal("3")),
]


def install(apps, schema_editor):
    Module = apps.get_model("learning", "Module")
    for code, title, hours in MODULES:
        Module.objects.get_or_create(code=code, defaults={"title": title,
                                                          "duration_hours": hours})


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

"""Install Haven's own short-label versions of the DASH, stalking and HBA questionnaires."""

from django.db import migrations


def install(apps, schema_editor):
    from haven.risk.questionnaires import install_defaults

    install_defaults(apps.get_model("risk", "QuestionnaireVersion"),
                     apps.get_model("risk", "Question"))


class Migration(migrations.Migration):

    dependencies = [("risk", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

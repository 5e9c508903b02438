"""`haven questionnaire load FILE [--force CODE]`: load licensed wording as a new version.

The file's codes must match the current version exactly; only labels change. Assessments
already made keep the version they were asked with.
"""

from django.core.management.base import BaseCommand, CommandError

from haven.forces.models import Force
from haven.risk.questionnaires import QuestionnaireError, do_load_wording


class Command(BaseCommand):
    help = "Questionnaire tools. `load FILE` loads a force's licensed wording as a new version."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("file")
        parser.add_argument("--force", dest="force_code", default="",
                            help="Force code (e.g. WARKS); omit for every force")

    def handle(self, *args, **options):
        force = None
        if options["force_code"]:
            force = Force.objects.filter(code=options["force_code"]).first()
            if force is None:
                raise CommandError(f"No force with code {options['force_code']!r}")
        try:
            version = do_load_wording(options["file"], force=force)
        except QuestionnaireError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Loaded {version} ({version.questions.count()} questions)"
                          + (f" for {force.code}" if force else ""))

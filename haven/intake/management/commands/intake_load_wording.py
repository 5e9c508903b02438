"""`haven intake_load_wording FORCE FILE.json`: load a force's licensed checklist wording.

The file maps question sets to {code: wording}, e.g. {"domestic": {"weapons": "..."}}.
Haven ships only its own short labels; unknown sets or codes are refused by name.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from haven.forces.models import Force
from haven.intake import rules
from haven.intake.models import QuestionWording


class Command(BaseCommand):
    help = "Load a force's own wording for the call checklist questions."

    def add_arguments(self, parser):
        parser.add_argument("force", help="Force code, e.g. WARKS")
        parser.add_argument("path", help="JSON file: {question_set: {code: wording}}")

    def handle(self, *args, **options):
        force = Force.objects.filter(code=options["force"]).first()
        if force is None:
            raise CommandError(f"force: no force with code {options['force']!r}")
        try:
            with open(options["path"], encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"path: cannot read the wording file ({exc})") from exc
        loaded = 0
        with transaction.atomic():
            for question_set, wording in data.items():
                try:
                    codes = {q["code"] for q in rules.questions(question_set)}
                except KeyError as exc:
                    raise CommandError(f"{question_set}: no such question set") from exc
                for code, text in wording.items():
                    if code not in codes or not str(text).strip():
                        raise CommandError(f"{question_set}.{code}: unknown question or empty")
                    QuestionWording.objects.update_or_create(
                        force=force, question_set=question_set, code=code,
                        defaults={"wording": str(text).strip()})
                    loaded += 1
        self.stdout.write(f"Loaded wording for {loaded} question(s) for {force.code}.")

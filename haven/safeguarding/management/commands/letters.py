"""`haven letters load FILE [--force CODE]`: load letter wording as a new version.

The file holds `[[letter]]` tables (kind = "victim" or "perpetrator", title, body); see the
defaults in haven/safeguarding/templates/safeguarding/partners/letters/default.toml. Without
--force the file replaces Haven's defaults. Letters already sent keep the version they were
made from. `haven letters defaults` installs the shipped defaults if none are loaded.
"""

from django.core.management.base import BaseCommand, CommandError

from haven.forces.models import Force
from haven.safeguarding.letters import (
    TemplateError,
    do_load_letter_templates,
    ensure_default_templates,
)


class Command(BaseCommand):
    help = "Letter templates: `load FILE [--force CODE]`, or `defaults`."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "defaults"])
        parser.add_argument("file", nargs="?", default="")
        parser.add_argument("--force", dest="force_code", default="",
                            help="Force code (e.g. WARKS); omit to replace Haven's defaults")

    def handle(self, *args, **options):
        if options["action"] == "defaults":
            ensure_default_templates()
            self.stdout.write("Default letter templates are installed")
            return
        if not options["file"]:
            raise CommandError("Give the file to load")
        force = None
        if options["force_code"]:
            force = Force.objects.filter(code=options["force_code"]).first()
            if force is None:
                raise CommandError(f"No force with code {options['force_code']!r}")
        try:
            made = do_load_letter_templates(options["file"], force=force, actor=None)
        except TemplateError as exc:
            raise CommandError(str(exc)) from exc
        for template in made:
            self.stdout.write(f"Loaded {template.get_kind_display().lower()} version "
                              f"{template.number}" + (f" for {force.code}" if force else ""))

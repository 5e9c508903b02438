"""`haven ingest --force CODE --source NAME [--user USERNAME] DIR`: ingest one legacy
system's export folder."""

from django.core.management.base import BaseCommand, CommandError

from haven.forces.models import Force
from haven.people.ingest import ingest_export
from haven.people.management.commands.linkage import command_actor


class Command(BaseCommand):
    help = ("Ingest a legacy system export (shared/contracts/legacy-export.md). Bad rows go to "
            "DIR/rejects/<file> with line and reason; re-running creates no duplicates. "
            "The access-log entry names --user, or else the operating-system user.")

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--force", required=True, dest="force_code",
                            help="force code, e.g. WARKS")
        parser.add_argument("--source", required=True, help="source system name, [a-z0-9_]+")
        parser.add_argument("--user", dest="username",
                            help="the Haven user running the ingest (needs ingest.run); the "
                            "access log names them. Without it, the OS user is recorded.")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        force = Force.objects.filter(code=options["force_code"]).first()
        if force is None:
            raise CommandError(f"--force: no force with code {options['force_code']!r}")
        actor = command_actor(options["username"], "ingest.run", record_type="ingest",
                              record_id=f"{force.code}:{options['source']}", force=force)
        try:
            report = ingest_export(force, options["source"], options["directory"],
                                   actor=actor, batch_size=options["batch_size"],
                                   progress=not options["no_progress"])
        except (ValueError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.text())
        if report.problems:
            raise CommandError(f"{len(report.problems)} file(s) could not be read in full: "
                               + " | ".join(report.problems))

"""`haven demo`: migrate, seed synthetic data, print a login per role, serve on 127.0.0.1:8000."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from haven.access.roles import Role
from haven.core.jobs import start_scheduler_thread
from haven.web.demo import FORCES, seed, username_for


class Command(BaseCommand):
    help = "Set up the demo database with synthetic data and serve it on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2014)
        parser.add_argument("--people", type=int, default=60, help="persons per force")
        parser.add_argument("--password", default=None, help="password for new demo users")
        parser.add_argument("--no-serve", action="store_true", help="seed only")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        _, password = seed(options["seed"], options["people"], options["password"])
        code = FORCES[0][0]
        self.stdout.write("\nHaven demo: synthetic data only.\n")
        self.stdout.write(f"URL: http://{options['addrport']}/\n")
        if password:
            self.stdout.write(f"Password for every demo user: {password}\n")
        else:
            self.stdout.write("Users already existed: use the password printed when first seeded,"
                              " or rerun with a fresh var/ folder.\n")
        self.stdout.write("Logins (Warwickshire; replace .warks with .wmerc for West Mercia):\n")
        for role in Role:
            self.stdout.write(f"  {role.label:<32} {username_for(role.value, code)}\n")
        if not options["no_serve"]:
            # Periodic jobs (e.g. the overdue-DASH sweep) run in a thread of the demo server;
            # a real installation runs `haven worker`.
            start_scheduler_thread(tick_seconds=60)
            call_command("runserver", options["addrport"], use_reloader=False)

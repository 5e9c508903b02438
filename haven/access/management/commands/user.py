"""`haven user add|enrol|token`: people who use Haven, outside the demo.

    haven user add jsmith --role call_handler --force WARKS --first-name Jo --last-name Smith
    haven user add aidva --role idva --agency "Warwickshire IDVA service" [--force WARKS]
    haven user enrol jsmith      # a fresh one-time enrolment link (lost phone)
    haven user token jsmith      # an API token, only for a user who has enrolled
    haven user token jsmith --revoke
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from haven.access.log import Action, record_access
from haven.access.models import User
from haven.access.roles import Role
from haven.access.services import do_add_user, do_issue_enrolment, has_confirmed_device
from haven.forces.services import agency_by_name, force_by_code


class Command(BaseCommand):
    help = "Add a user (prints an enrolment link), re-issue a link, or issue an API token."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a user, or bring one into line")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--force", dest="force_code", default=None,
                         help="the police user's force (for a partner: the agency's area)")
        add.add_argument("--agency", default=None, help="a partner user's agency, by name")
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")
        enrol = sub.add_parser("enrol", help="issue a new one-time enrolment link")
        enrol.add_argument("username")
        token = sub.add_parser("token", help="issue (or show) the API token of an enrolled user")
        token.add_argument("username")
        token.add_argument("--revoke", action="store_true", help="delete the user's token")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action']}")(options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def _add(self, options):
        force = force_by_code(options["force_code"]) if options["force_code"] else None
        agency = agency_by_name(options["agency"], force) if options["agency"] else None
        result = do_add_user(options["username"], options["role"], force=force, agency=agency,
                             first_name=options["first_name"], last_name=options["last_name"])
        user = result.user
        if result.created:
            self.stdout.write(f"User {user.username} ({user.get_role_display()}, "
                              f"{user.organisation}): created\n")
            self.stdout.write(f"Enrolment link (works once, for "
                              f"{settings.HAVEN_ENROLMENT_LINK_HOURS} hours): "
                              f"{do_issue_enrolment(user)}\n")
        elif result.changed:
            self.stdout.write(f"User {user.username}: updated {', '.join(result.changed)}\n")
        else:
            self.stdout.write(f"User {user.username}: already there\n")

    def _user(self, username):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}")
        return user

    def _enrol(self, options):
        user = self._user(options["username"])
        self.stdout.write(f"Enrolment link for {user.username} (works once, for "
                          f"{settings.HAVEN_ENROLMENT_LINK_HOURS} hours): "
                          f"{do_issue_enrolment(user)}\n")

    def _token(self, options):
        user = self._user(options["username"])
        if options["revoke"]:
            removed = Token.objects.filter(user=user).delete()[0]
            if removed:
                record_access(None, Action.ALTERATION, record_type="user", record_id=user.pk,
                              detail={"change": "API token revoked"})
            self.stdout.write(f"API token for {user.username}: "
                              f"{'revoked' if removed else 'there was none'}\n")
            return
        if settings.HAVEN_REQUIRE_OTP and not has_confirmed_device(user):
            raise CommandError(f"{user.username} has not enrolled an authenticator: an API "
                               "token is issued only to a verified user.")
        token, created = Token.objects.get_or_create(user=user)
        if created:
            record_access(None, Action.ALTERATION, record_type="user", record_id=user.pk,
                          detail={"change": "API token issued"})
        self.stdout.write(f"API token for {user.username}: {token.key}\n")

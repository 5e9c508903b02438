"""API authentication with the second factor on every door (issue 8 item 2).

Decision (docs/access.md): a browser session reaches the API only after its second factor.
An API token is issued by an administrator (`haven user token`) to a user who has enrolled
an authenticator; a request bearing a token is not a browser session and carries no cookie.
A token of a user without a confirmed authenticator, or an inactive user, is refused (401).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from haven.access.services import has_confirmed_device


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """A session counts only once it has passed the second factor (when one is required)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if settings.HAVEN_REQUIRE_OTP and not getattr(user, "is_verified", lambda: False)():
            raise exceptions.PermissionDenied("Enter the code from your authenticator app first.")
        return result


class EnrolledTokenAuthentication(authentication.TokenAuthentication):
    """A token works only for an active user with a confirmed authenticator."""

    def authenticate_credentials(self, key):
        # DRF's own check, with the user's force and agency in the same query: every logged
        # request names the organisation in its access-log entry (one round trip fewer).
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "user__force", "user__agency").get(
                key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user = token.user
        if settings.HAVEN_REQUIRE_OTP and not has_confirmed_device(user):
            raise exceptions.AuthenticationFailed("This token's user has not enrolled.")
        return user, token

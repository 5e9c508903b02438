"""Session idle timeout and the second-factor gate."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

EXEMPT_PREFIXES = ("/account/", "/static/", "/api/")


class IdleTimeoutMiddleware:
    """Log a user out after a spell of inactivity (HAVEN_IDLE_TIMEOUT_SECONDS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last_seen = request.session.get("last_seen")
            if last_seen is not None and now - last_seen > settings.HAVEN_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
                return redirect(settings.LOGIN_URL)
            request.session["last_seen"] = now
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """Outside the demo, a signed-in user must have passed TOTP before seeing anything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.HAVEN_REQUIRE_OTP
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            return redirect("two_factor")
        return self.get_response(request)

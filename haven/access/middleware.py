"""Session idle timeout and the second-factor gate."""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

# Before the second factor a session may reach only these: sign in, sign out, the code page
# and an administrator's enrolment link. Everything else, /api/ and /account/ included, waits.
STATIC_PREFIX = "/static/"
PRE_SECOND_FACTOR_URL_NAMES = ("login", "logout", "two_factor", "healthz", "readyz")
PRE_SECOND_FACTOR_PREFIXES = ("/account/enrol/",)


def _open_before_second_factor(path: str) -> bool:
    if path.startswith((STATIC_PREFIX, *PRE_SECOND_FACTOR_PREFIXES)):
        return True
    return path in {reverse(name) for name in PRE_SECOND_FACTOR_URL_NAMES}


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


class IdleTimeoutMiddleware:
    """Log a user out after a spell of inactivity (HAVEN_IDLE_TIMEOUT_SECONDS).

    Signing in again returns the user to the page they were on (`next=`), where a saved
    draft of a long form is restored (haven.web.drafts).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last_seen = request.session.get("last_seen")
            if last_seen is not None and now - last_seen > settings.HAVEN_IDLE_TIMEOUT_SECONDS:
                logout(request)
                if _is_api(request.path) or request.headers.get("X-Haven-Background"):
                    return JsonResponse({"detail": "Signed out after a period of inactivity."},
                                        status=401)
                messages.info(request, "You were signed out after a period of inactivity.")
                url = reverse(settings.LOGIN_URL)
                if request.headers.get("HX-Request"):
                    # htmx would swap the sign-in page into a fragment: send the whole page.
                    url += "?" + urlencode({"next": _same_site_path(
                        request, request.headers.get("HX-Current-URL", ""))})
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                if request.method == "GET":
                    url += "?" + urlencode({"next": request.get_full_path()})
                elif request.headers.get("Referer"):
                    url += "?" + urlencode({"next": _same_site_path(
                        request, request.headers.get("Referer", ""))})
                return redirect(url)
            request.session["last_seen"] = now
        return self.get_response(request)


def _same_site_path(request, url: str) -> str:
    """The path of the page a request came from, if it was ours; else home."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("home")


class RequireSecondFactorMiddleware:
    """Outside the demo, a signed-in session must have passed TOTP before anything else.

    Pages redirect to the code page; the API answers 403. A request with an API token and no
    session is not gated here: `haven.access.api_auth` accepts only tokens of enrolled users.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.HAVEN_REQUIRE_OTP
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not _open_before_second_factor(request.path)
        ):
            if _is_api(request.path):
                return JsonResponse(
                    {"detail": "Enter the code from your authenticator app first."}, status=403)
            url = reverse("two_factor")
            if request.method == "GET" and request.path != reverse("home"):
                url += "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return self.get_response(request)

"""The second factor on every door (issue 8 item 2), and enrolment only through an
administrator's one-time link."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from haven.access.models import AccessLogEntry, EnrolmentToken
from haven.access.services import do_add_user, do_issue_enrolment

# Reached before the second factor, on purpose: sign in, sign out, the code page, enrolment.
# Health checks say nothing personal and are for the load balancer (no session at all).
OPEN_BEFORE_SECOND_FACTOR = {"login", "logout", "two_factor", "enrol", "healthz", "readyz"}
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _fill(regex: str) -> str:
    """A concrete path from a pattern's regex: every id is 1, a format suffix is json."""
    path = GROUP.sub(lambda m: "json" if m["name"] == "format" else "1", regex)
    path = path.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    return path.replace("/?", "/").replace("(?:", "").replace(")?", "")


def every_url(resolver=None, prefix="") -> list[tuple[str, str]]:
    """(url name, concrete path) for every pattern in the project's URL map."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        regex = entry.pattern.regex.pattern
        if isinstance(entry, URLResolver):
            found += every_url(entry, prefix + _fill(regex))
        elif isinstance(entry, URLPattern):
            found.append((entry.name or "", "/" + prefix + _fill(regex)))
    return found


def _password_only(client, persona, role):
    client.force_login(persona(role))  # password checked, no TOTP yet
    return client


@override_settings(HAVEN_REQUIRE_OTP=True)
@pytest.mark.parametrize("role", ["hau", "auditor", "call_handler"])
def test_a_password_only_session_reaches_nothing_but_sign_in_and_two_factor(
        client, persona, role):
    client = _password_only(client, persona, role)
    urls = [(name, path) for name, path in every_url()
            if name not in OPEN_BEFORE_SECOND_FACTOR and not path.startswith("/static/")]
    # The walk really covers the URL map: every room's pages and the API.
    assert len(urls) >= 40, urls
    for prefix in ("/people/", "/intake/", "/risk/", "/tasks/", "/account/audit/",
                   "/account/drafts/", "/api/v1/tasks/", "/api/schema/"):
        assert any(path.startswith(prefix) for _, path in urls), prefix
    api = [path for _, path in urls if path.startswith("/api/")]
    assert "/api/v1/incidents/" in api and "/api/v1/people/1/" in api
    assert any(path.startswith("/account/audit") for _, path in urls)
    leaks = []
    for name, path in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if path.startswith("/api/"):
                ok = response.status_code in (401, 403)
            else:
                ok = (response.status_code == 302
                      and response["Location"].startswith(reverse("two_factor")))
            if not ok:
                leaks.append((method.upper(), path, name, response.status_code))
    assert leaks == []


@override_settings(HAVEN_REQUIRE_OTP=True)
def test_a_password_only_session_cannot_create_an_incident_through_the_api(client, persona):
    client = _password_only(client, persona, "call_handler")
    response = client.post("/api/v1/incidents/", {"category": "domestic"},
                           content_type="application/json")
    assert response.status_code == 403
    assert client.get("/api/v1/tasks/").status_code == 403


@override_settings(HAVEN_REQUIRE_OTP=True)
def test_sign_in_and_two_factor_pages_stay_reachable(client, persona):
    client = _password_only(client, persona, "sergeant")
    assert client.get(reverse("two_factor")).status_code in (200, 403)  # 403: not enrolled
    client.logout()
    assert client.get(reverse("login")).status_code == 200


@override_settings(HAVEN_REQUIRE_OTP=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_the_code_page_returns_to_the_page_asked_for(client, persona):
    user = persona("hau")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    response = client.get("/tasks/?overdue=1")
    assert response["Location"] == reverse("two_factor") + "?next=%2Ftasks%2F%3Foverdue%3D1"
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post(reverse("two_factor"), {"token": code, "next": "/tasks/?overdue=1"})
    assert response["Location"] == "/tasks/?overdue=1"


@override_settings(HAVEN_REQUIRE_OTP=True)
def test_a_password_alone_never_enrols_an_authenticator(client, persona):
    client = _password_only(client, persona, "sergeant")
    response = client.get(reverse("two_factor"))
    assert b"You need an enrolment link first" in response.content
    assert b"QR code" not in response.content
    assert not TOTPDevice.objects.exists()


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


@override_settings(HAVEN_REQUIRE_OTP=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_an_administrators_enrolment_link_sets_up_the_authenticator_once(client, forces):
    user = do_add_user("new.officer", "response_officer", force=forces["WARKS"]).user
    link = do_issue_enrolment(user)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    assert b"Create a password" in page.content and b"QR code" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    refused = client.post("/" + path, {"new_password": "short", "token": _code(device)})
    assert b"too short" in refused.content
    response = client.post("/" + path, {"new_password": "a long enough passphrase 42",
                                        "token": _code(device)})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200  # signed in and verified
    user.refresh_from_db()
    assert user.check_password("a long enough passphrase 42")
    assert TOTPDevice.objects.get(user=user).confirmed
    client.logout()
    assert client.get("/" + path).status_code == 404  # used: works once


@override_settings(HAVEN_REQUIRE_OTP=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_re_enrolling_needs_the_link_and_the_current_password(client, persona):
    user = persona("sergeant")
    old = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    path = "/" + do_issue_enrolment(user).split("://", 1)[1].split("/", 1)[1]
    assert b"Your current password" in client.get(path).content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(path, {"current_password": "guess", "token": _code(device)})
    assert b"Enter your current password" in wrong.content
    client.post(path, {"current_password": "correct horse battery", "token": _code(device)})
    assert list(TOTPDevice.objects.filter(user=user)) == [device]  # the lost phone is retired
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


@override_settings(HAVEN_REQUIRE_OTP=True)
def test_an_expired_or_other_users_link_is_not_found(client, persona, forces):
    from django.utils import timezone

    user = persona("sergeant")
    path = "/" + do_issue_enrolment(user).split("://", 1)[1].split("/", 1)[1]
    # Another force's user, signed in, cannot use the sergeant's link.
    client.force_login(persona("sergeant", "WMERC"))
    assert client.get(path).status_code == 404
    client.logout()
    EnrolmentToken.objects.update(expires_at=timezone.now())
    assert client.get(path).status_code == 404
    assert client.get("/account/enrol/made-up-token/").status_code == 404
    # The other user's try, the expired link and the made-up one are each logged as refused.
    assert AccessLogEntry.objects.filter(record_type="enrolment", outcome="refused").count() == 3


@override_settings(HAVEN_REQUIRE_OTP=True)
def test_an_api_token_works_only_for_an_enrolled_user(client, persona):
    user = persona("hau")
    token = Token.objects.create(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/v1/tasks/", **headers).status_code in (401, 403)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    assert client.get("/api/v1/tasks/", **headers).status_code == 200


@override_settings(HAVEN_REQUIRE_OTP=True)
def test_a_token_header_does_not_unlock_a_password_only_session(client, persona):
    enrolled = persona("hau")
    TOTPDevice.objects.create(user=enrolled, name="authenticator", confirmed=True)
    token = Token.objects.create(user=enrolled)
    client = _password_only(client, persona, "call_handler")
    response = client.get("/api/v1/tasks/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403


def test_user_token_command_refuses_a_user_who_has_not_enrolled(persona, capsys):
    from django.core.management.base import CommandError

    user = persona("hau")
    with override_settings(HAVEN_REQUIRE_OTP=True), pytest.raises(CommandError):
        call_command("user", "token", user.username)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    with override_settings(HAVEN_REQUIRE_OTP=True):
        call_command("user", "token", user.username)
    assert Token.objects.get(user=user).key in capsys.readouterr().out
    call_command("user", "token", user.username, "--revoke")
    assert not Token.objects.filter(user=user).exists()


def test_a_leaked_re_enrolment_link_alone_never_shows_the_code_to_scan(client, persona):
    """The QR code is the authenticator's secret: for an account with a password it appears
    only after the password is given on the link (found by the attacker probe)."""
    user = persona("sergeant")
    path = "/" + do_issue_enrolment(user).split("://", 1)[1].split("/", 1)[1]
    first = client.get(path).content
    assert b"data:image/svg+xml" not in first and b"Your current password" in first
    wrong = client.post(path, {"current_password": "guess"})
    assert b"data:image/svg+xml" not in wrong.content
    assert client.post(path, {"current_password": "correct horse battery"}).status_code == 302
    shown = client.get(path).content
    assert b"data:image/svg+xml" in shown and b"Your current password" not in shown
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(path, {"token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed

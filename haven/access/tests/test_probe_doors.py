"""Helper R's probes of the doors: enrolment links, next= after sign-in and the second factor,
API tokens without enrolment."""

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from haven.access.models import AccessLogEntry
from haven.access.services import do_issue_enrolment


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _path(link):
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


@override_settings(HAVEN_REQUIRE_OTP=True, AXES_FAILURE_LIMIT=5)
def test_an_enrolment_link_is_burnt_after_the_sign_in_limit_of_wrong_passwords(client,
                                                                              persona):
    """Whoever holds a leaked link for an account with a password must not be able to guess
    the password without limit (the sign-in page's lockout does not see these attempts)."""
    user = persona("sergeant")
    path = _path(do_issue_enrolment(user))
    client.get(path)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    for guess in range(5):
        response = client.post(path, {"current_password": f"guess {guess}",
                                      "token": _code(device)})
        assert response.status_code == 200
    right = client.post(path, {"current_password": "correct horse battery",
                               "token": _code(device)})
    assert right.status_code == 404
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert AccessLogEntry.objects.filter(record_type="enrolment", outcome="refused",
                                         user_id_at=user.pk).count() >= 5


@override_settings(HAVEN_REQUIRE_OTP=True)
def test_another_users_use_of_an_enrolment_link_is_logged_as_refused(client, persona):
    path = _path(do_issue_enrolment(persona("sergeant")))
    intruder = persona("call_handler")
    client.force_login(intruder)
    assert client.get(path).status_code == 404
    assert AccessLogEntry.objects.filter(record_type="enrolment", outcome="refused",
                                         user_id_at=intruder.pk).exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "/\\evil.example/", "http:///evil.example",
                                    "\\\\evil.example", " //evil.example"])
@override_settings(HAVEN_REQUIRE_OTP=True)
def test_the_code_page_never_sends_anyone_off_site(client, persona, target):
    user = persona("sergeant")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    response = client.post(f"/account/two-factor/?next={target}", {"token": _code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/", response["Location"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "/\\evil.example/", "\\\\evil.example"])
def test_sign_in_never_sends_anyone_off_site(client, persona, target):
    persona("sergeant")
    response = client.post(f"/account/login/?next={target}",
                           {"username": "sergeant.warks", "password": "correct horse battery"})
    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_an_idle_sign_out_after_a_post_from_another_site_returns_home(client_as, settings):
    client = client_as("call_handler")
    client.get("/")
    settings.HAVEN_IDLE_TIMEOUT_SECONDS = -1
    response = client.post("/intake/new/", {}, HTTP_REFERER="https://evil.example/x")
    assert "evil" not in response["Location"]


@override_settings(HAVEN_REQUIRE_OTP=True)
def test_a_token_of_a_user_whose_authenticator_was_removed_stops_working(client, persona):
    user = persona("sergeant")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    token = Token.objects.create(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/v1/tasks/", **auth).status_code == 200
    device.delete()
    assert client.get("/api/v1/tasks/", **auth).status_code in (401, 403)
    user.is_active = False
    user.save()
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    assert client.get("/api/v1/tasks/", **auth).status_code in (401, 403)


@override_settings(HAVEN_REQUIRE_OTP=True)
def test_drafts_need_the_second_factor(client, persona):
    client.force_login(persona("sergeant"))
    response = client.post("/account/drafts/", {"key": "k", "path": "/x", "fields": {"a": "b"}},
                           content_type="application/json")
    assert response.status_code in (302, 403)
    from haven.web.models import Draft
    assert not Draft.objects.exists()


@pytest.mark.parametrize("params", [{"person_id": "99999999999999999999999"},
                                    {"person_id": "-99999999999999999999999"},
                                    {"username": "\x00"}, {"date_from": "9999-99-99"}])
def test_the_audit_search_answers_malformed_input_without_a_crash(client_as, params):
    response = client_as("auditor").get("/account/audit/", params)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("body", [{"key": "dash", "path": "/x\x00", "fields": {"a": "b"}},
                                  {"key": "dash", "path": "/x", "fields": {"a\x00": "b"}},
                                  {"key": "dash", "path": "/x", "fields": {"a": "b\x00c"}}])
def test_a_draft_with_a_nul_byte_is_refused_before_the_database(client_as, body):
    """PostgreSQL cannot store NUL in text or jsonb: it would answer 500 there."""
    import json

    from haven.web.models import Draft
    response = client_as("response_officer").post("/account/drafts/", json.dumps(body),
                                                  content_type="application/json")
    assert response.status_code == 400
    assert not Draft.objects.exists()

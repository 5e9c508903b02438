import pytest
from django.test import override_settings
from django.urls import reverse


def test_anonymous_user_is_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_sign_in_with_password_reaches_home(client, persona):
    persona("sergeant")
    response = client.post(reverse("login"), {"username": "sergeant.warks",
                                              "password": "correct horse battery"}, follow=True)
    assert response.status_code == 200
    assert b"Your work" in response.content


def test_account_locks_after_repeated_failures(client, persona):
    persona("sergeant")
    for _ in range(5):
        client.post(reverse("login"), {"username": "sergeant.warks", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "sergeant.warks",
                                              "password": "correct horse battery"})
    assert response.status_code == 429


@override_settings(HAVEN_REQUIRE_OTP=True)
def test_second_factor_is_required_before_any_page(client_as):
    client = client_as("sergeant")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor")


@override_settings(HAVEN_REQUIRE_OTP=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_a_right_totp_code_lets_the_user_in(client_as, persona):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = client_as("sergeant")
    # The authenticator was enrolled through an administrator's link (test_second_factor.py).
    TOTPDevice.objects.create(user=persona("sergeant"), name="authenticator", confirmed=True)
    device = TOTPDevice.objects.get()
    response = client.post(reverse("two_factor"), {"token": "000000"})
    assert b"not right" in response.content
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post(reverse("two_factor"), {"token": code})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


@override_settings(HAVEN_IDLE_TIMEOUT_SECONDS=60)
def test_idle_session_is_signed_out(client_as):
    client = client_as("sergeant")
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["last_seen"] = session["last_seen"] - 61
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["call_handler", "response_officer", "idva", "auditor"])
def test_every_role_has_a_home_page_naming_role_and_organisation(client_as, role):
    response = client_as(role).get(reverse("home"))
    assert response.status_code == 200
    assert b"Your work" in response.content

"""Sign-in a control room can live with (issue 8 item 5): lockout per (address, username),
a styled lockout page, and an idle sign-out that returns the user to their page."""

from django.test import override_settings
from django.urls import reverse

GOOD = "correct horse battery"


def _sign_in(client, username, password, ip="10.0.0.7"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=ip)


def test_one_officers_typos_do_not_lock_out_the_room(client, persona):
    persona("call_handler")
    persona("occ_supervisor")
    for _ in range(5):
        _sign_in(client, "call_handler.warks", "wrong")
    assert _sign_in(client, "call_handler.warks", GOOD).status_code == 429
    # A colleague at the same address still signs in.
    response = _sign_in(client, "occ_supervisor.warks", GOOD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_the_locked_username_is_locked_only_from_that_address(client, persona):
    persona("call_handler")
    for _ in range(5):
        _sign_in(client, "call_handler.warks", "wrong", ip="10.0.0.7")
    assert _sign_in(client, "call_handler.warks", GOOD, ip="10.0.0.7").status_code == 429
    assert _sign_in(client, "call_handler.warks", GOOD, ip="10.0.0.8").status_code == 302


def test_the_lockout_page_is_a_styled_page_that_says_what_to_do(client, persona):
    persona("call_handler")
    for _ in range(6):
        response = _sign_in(client, "call_handler.warks", "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert "govuk-frontend.min.css" in html and 'class="govuk-heading-l"' in html
    assert "Sign-in paused for this username" in html
    assert "try again in 30 minutes" in html


@override_settings(HAVEN_IDLE_TIMEOUT_SECONDS=60)
def test_after_an_idle_sign_out_signing_in_returns_to_the_page(client_as):
    client = client_as("hau")
    assert client.get("/tasks/?overdue=1").status_code == 200
    session = client.session
    session["last_seen"] -= 61
    session.save()
    response = client.get("/tasks/?overdue=1")
    assert response["Location"] == reverse("login") + "?next=%2Ftasks%2F%3Foverdue%3D1"
    response = client.post(response["Location"], {"username": "hau.warks", "password": GOOD,
                                                  "next": "/tasks/?overdue=1"})
    assert response["Location"] == "/tasks/?overdue=1"


@override_settings(HAVEN_IDLE_TIMEOUT_SECONDS=60)
def test_a_background_request_after_idle_gets_401_not_a_page(client_as):
    client = client_as("hau")
    client.get("/")
    session = client.session
    session["last_seen"] -= 61
    session.save()
    response = client.post(reverse("ping"), HTTP_X_HAVEN_BACKGROUND="1")
    assert response.status_code == 401


@override_settings(HAVEN_IDLE_TIMEOUT_SECONDS=600, HAVEN_IDLE_WARNING_SECONDS=120)
def test_pages_carry_the_idle_warning_and_stay_signed_in_resets_the_clock(client_as):
    client = client_as("hau")
    html = client.get("/").content.decode()
    assert 'data-idle-timeout="600"' in html and 'data-idle-warning="120"' in html
    assert 'data-testid="idle-warning" hidden' in html and "Stay signed in" in html
    session = client.session
    session["last_seen"] -= 500
    session.save()
    assert client.post(reverse("ping")).status_code == 200
    assert client.session["last_seen"] > session["last_seen"] + 400
    assert client.get("/").status_code == 200


def test_ping_needs_a_signed_in_user(client, db):
    assert client.post(reverse("ping")).status_code == 302


@override_settings(HAVEN_IDLE_TIMEOUT_SECONDS=60)
def test_an_htmx_request_after_idle_sends_the_whole_page_to_sign_in(client_as):
    client = client_as("hau")
    client.get("/")
    session = client.session
    session["last_seen"] -= 61
    session.save()
    response = client.get("/tasks/", HTTP_HX_REQUEST="true",
                          HTTP_HX_CURRENT_URL="http://testserver/tasks/7/")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("login") + "?next=%2Ftasks%2F7%2F"


@override_settings(HAVEN_IDLE_TIMEOUT_SECONDS=60)
def test_a_form_posted_after_idle_returns_to_its_page_not_elsewhere(client_as):
    client = client_as("hau")
    client.get("/")
    session = client.session
    session["last_seen"] -= 61
    session.save()
    response = client.post("/tasks/7/", {"note": "x"},
                           HTTP_REFERER="http://evil.example/phish")
    assert response["Location"] == reverse("login") + "?next=%2F"

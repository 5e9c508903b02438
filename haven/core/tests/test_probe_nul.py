"""Helper R's probe: a NUL character is refused with 400 before it reaches the database
(PostgreSQL cannot store it and answered 500; SQLite stored it silently)."""

import json

from django.urls import reverse

from haven.intake.models import Incident


def test_a_call_summary_with_a_nul_is_refused_and_nothing_saved(client_as):
    response = client_as("call_handler").post(reverse("intake:new"),
                                              {"summary": "He\x00 shouted",
                                               "reported_via": "call"})
    assert response.status_code == 400
    assert b"NUL character" in response.content
    assert not Incident.objects.exists()


def test_a_lookup_with_a_nul_is_refused(client_as):
    response = client_as("call_handler").get(reverse("intake:lookup"), {"surname": "A\x00"})
    assert response.status_code == 400


def test_an_api_body_with_an_escaped_nul_is_refused(client_as):
    response = client_as("call_handler").post(
        "/api/v1/incidents/", json.dumps({"reported_via": "call", "summary": "a\u0000b"}),
        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request held a NUL")
    assert not Incident.objects.exists()


def test_ordinary_requests_pass(client_as):
    assert client_as("call_handler").get(reverse("intake:lookup"),
                                         {"surname": "O'Neil"}).status_code == 200

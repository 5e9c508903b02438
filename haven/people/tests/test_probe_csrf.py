"""Helper R's probe: no state change without the CSRF token, page or API (session)."""

import json

import pytest
from django.test import Client

from haven.people.models import Address


@pytest.fixture
def csrf_client(persona):
    def make(role):
        client = Client(enforce_csrf_checks=True)
        client.force_login(persona(role))
        return client
    return make


def test_lifting_a_refuge_marker_needs_the_csrf_token(csrf_client, make_person):
    jo = make_person(confidential_address=True)
    address = jo.addresses.get()
    response = csrf_client("hau").post(f"/people/{jo.pk}/addresses/{address.pk}/lift/",
                                       {"reason": "moved on"})
    assert response.status_code == 403
    assert Address.objects.get(pk=address.pk).confidential


def test_a_draft_cannot_be_planted_from_another_site(csrf_client):
    from haven.web.models import Draft
    response = csrf_client("response_officer").post(
        "/account/drafts/", json.dumps({"key": "dash", "path": "/risk/new/",
                                        "fields": {"victim_view": ["planted"]}}),
        content_type="application/json")
    assert response.status_code == 403
    assert not Draft.objects.exists()


def test_the_api_refuses_a_session_post_without_the_csrf_token(csrf_client):
    from haven.intake.models import Incident
    response = csrf_client("call_handler").post(
        "/api/v1/incidents/", json.dumps({"reported_via": "call", "category": "domestic",
                                          "checklist": {}}),
        content_type="application/json")
    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_a_merge_needs_the_csrf_token(csrf_client, make_person):
    keep, absorb = make_person(), make_person()
    response = csrf_client("hau").post(f"/people/{keep.pk}/merge/",
                                       {"other_person": absorb.pk, "reason": "same",
                                        "version": keep.version})
    assert response.status_code == 403
    absorb.refresh_from_db()
    assert absorb.merged_into_id is None

"""The command-and-control feed: create with the checklist, read, grade and step by API."""

import pytest

from haven.access.models import AccessLogEntry
from haven.intake.models import Incident
from haven.intake.tests.helpers import THRIVE, full_checklist

URL = "/api/v1/incidents/"


def body(**overrides):
    data = {"reported_via": "call", "category": "domestic", "checklist": full_checklist(),
            "postcode": "CV34 4AA", "address_line": "1 Test Street"}
    data.update(overrides)
    return data


def test_creating_with_a_missing_mandatory_answer_is_400_naming_the_field(client_as):
    checklist = full_checklist()
    del checklist["children_present"]
    response = client_as("call_handler").post(URL, body(checklist=checklist),
                                              content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["checklist.children_present"]
    assert not Incident.objects.exists()


def test_creating_a_complete_log_returns_it_with_its_people(client_as, make_person):
    victim = make_person()
    response = client_as("call_handler").post(
        URL, body(involvements=[{"person": victim.pk, "role": "victim"}]),
        content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "opened" and data["checklist_complete"]
    assert data["involvements"] == [{"person": victim.pk, "role": "victim", "relationship": ""}]


def test_a_person_from_another_force_is_400_naming_the_field(client_as, make_person):
    stranger = make_person("WMERC")
    response = client_as("call_handler").post(
        URL, body(involvements=[{"person": stranger.pk, "role": "victim"}]),
        content_type="application/json")
    assert response.status_code == 400
    assert "involvements.0.person" in response.json()


def test_grade_and_dispatch_through_the_api(client_as, make_person):
    client = client_as("call_handler")
    created = client.post(URL, body(), content_type="application/json").json()
    graded = client.post(f"{URL}{created['id']}/grade/", {"grade": "immediate", "thrive": THRIVE},
                         content_type="application/json")
    assert graded.json()["grade"] == "immediate"
    stepped = client.post(f"{URL}{created['id']}/step/", {"step": "dispatch"},
                          content_type="application/json")
    assert stepped.json()["state"] == "dispatched"
    assert stepped.json()["timings"]["call_to_dispatch"] is not None


def test_closing_before_endorsement_is_400_with_a_clear_message(client_as, make_incident):
    incident = make_incident(state="risk_assessed")
    response = client_as("sergeant").post(f"{URL}{incident.pk}/step/", {"step": "close"},
                                          content_type="application/json")
    assert response.status_code == 400
    assert "sergeant" in response.json()["step"][0]


def test_reading_a_log_logs_each_person(client_as, make_incident):
    incident = make_incident()
    assert client_as("response_officer").get(f"{URL}{incident.pk}/").status_code == 200
    assert AccessLogEntry.objects.filter(record_type="incident", outcome="allowed").count() == 2


@pytest.mark.parametrize("role, force", [("response_officer", "WMERC"), ("trainer", "WARKS"),
                                         ("idva", "WARKS")])
def test_other_force_and_roles_without_need_get_404(client_as, make_incident, role, force):
    incident = make_incident()
    client = client_as(role, force)
    assert client.get(f"{URL}{incident.pk}/").status_code == 404
    assert client.post(f"{URL}{incident.pk}/grade/", {"grade": "immediate"},
                       content_type="application/json").status_code == 404


def test_a_trainer_cannot_open_a_log_by_api(client_as):
    assert client_as("trainer").post(URL, body(), content_type="application/json"
                                     ).status_code == 404

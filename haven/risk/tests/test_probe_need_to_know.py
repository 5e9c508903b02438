"""Helper R's probe: DASH answers reach no role without need through any page or API."""

import pytest

from haven.risk.tests.conftest import dash_answers

pytestmark = pytest.mark.django_db

SECRETS = ["Bruising to the left arm", "Separating next week", "Scared he will come back",
           "Elm Infants", "Robin"]


@pytest.fixture
def assessed(complete_dash, persona):
    answers = dash_answers(3)
    answers["PD01"] = ("yes", "victim", "Bruising to the left arm")
    return complete_dash(yes=3, grade="medium", rationale="Separating next week",
                         answers=answers, victim_view="Scared he will come back tonight",
                         children=[{"name": "Robin", "age": "6", "school": "Elm Infants"}],
                         actor=persona("response_officer"))


def _urls(a):
    victim = a.victim_id
    incident = a.incident_id
    tasks = [t.pk for t in __import__("haven.tasks.models", fromlist=["Task"]).Task.objects.all()]
    return [
        "/", f"/risk/{a.pk}/", "/risk/", "/risk/hau/", f"/intake/{incident}/",
        f"/intake/{incident}/briefing/", f"/intake/{incident}/people/", "/intake/",
        f"/people/{victim}/", f"/api/v1/people/{victim}/", f"/api/v1/incidents/{incident}/",
        f"/api/v1/risk/assessments/{a.pk}/", "/tasks/", "/api/v1/tasks/",
        f"/risk/new/?incident={incident}",
        *[f"/tasks/{t}/" for t in tasks], *[f"/api/v1/tasks/{t}/" for t in tasks],
    ]


@pytest.mark.parametrize("role", ["call_handler", "snt_officer", "occ_supervisor", "auditor"])
def test_no_page_or_api_answer_shows_dash_answers_to_a_role_without_need(client_as, assessed,
                                                                        role):
    client = client_as(role)
    leaks = []
    for url in _urls(assessed):
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.content.decode()
        leaks += [(url, s) for s in SECRETS if s in body]
    assert leaks == []


def test_another_response_officer_sees_no_answers_anywhere(client_as, assessed, persona):
    from django.test import Client
    client = Client()
    other = persona("response_officer")
    from haven.access.models import User
    other2 = User.objects.create(username="ro2", role="response_officer", force=other.force)
    client.force_login(other2)
    leaks = []
    for url in _urls(assessed):
        body = client.get(url).content.decode()
        leaks += [(url, s) for s in SECRETS if s in body]
    assert leaks == []

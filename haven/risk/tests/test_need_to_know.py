"""Need to know (issue 8 item 13): everyone with `risk.view` reads the fact of risk; only the
officer who assessed, supervisors and public protection read the answers."""

import pytest
from django.utils import timezone

from haven.people.models import WarningMarker
from haven.risk.tests.conftest import dash_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(complete_dash, persona):
    """A medium DASH by the response officer with a telling comment, a child and a view."""
    answers = dash_answers(3)
    answers["PD01"] = ("yes", "victim", "Bruising to the left arm")
    return complete_dash(yes=3, grade="medium", rationale="Separating next week",
                         answers=answers, victim_view="Scared he will come back tonight",
                         children=[{"name": "Robin", "age": "6", "school": "Elm Infants"}],
                         actor=persona("response_officer"))


@pytest.mark.parametrize("role", ["call_handler", "snt_officer"])
def test_roles_without_need_get_the_grade_but_no_answers_through_the_api(client_as, assessed,
                                                                         role):
    data = client_as(role).get(f"/api/v1/risk/assessments/{assessed.pk}/").json()
    assert (data["grade"], data["answers_shown"]) == ("medium", False)
    assert data["completed_at"] and data["contact"]["unit"] == "hau"
    for hidden in ("answers", "victim_view", "children", "stalking_triggered",
                   "hba_triggered", "safeguarding_guidance"):
        assert hidden not in data
    assert all("rationale" not in event for event in data["history"])


@pytest.mark.parametrize("role", ["call_handler", "snt_officer"])
def test_roles_without_need_get_the_grade_but_no_answers_on_the_page(client_as, assessed, role):
    WarningMarker.objects.create(person=assessed.victim, kind="weapons",
                                 recorded_at=timezone.now())
    page = client_as(role).get(f"/risk/{assessed.pk}/").content.decode()
    assert "Medium" in page and "weapons" in page  # grade and safety marker
    assert 'data-testid="answers-withheld"' in page
    for secret in ("Bruising to the left arm", "Scared he will come back tonight", "Robin",
                   "Separating next week", 'data-testid="answers"'):
        assert secret not in page


@pytest.mark.parametrize("role", ["response_officer", "sergeant", "hau"])
def test_the_assessing_officer_sergeant_and_hau_read_the_answers(client_as, assessed, role):
    client = client_as(role)  # the response_officer persona is the one who assessed
    data = client.get(f"/api/v1/risk/assessments/{assessed.pk}/").json()
    assert data["answers_shown"] is True
    assert {"code": "PD01", "value": "yes", "source": "victim"} in data["answers"]
    assert data["victim_view"] == "Scared he will come back tonight"
    page = client.get(f"/risk/{assessed.pk}/").content.decode()
    assert "Bruising to the left arm" in page and "Robin" in page
    assert 'data-testid="answers-withheld"' not in page


def test_another_response_officer_sees_only_the_fact_of_risk(client_as, complete_dash, persona):
    a = complete_dash(actor=persona("detective"))
    data = client_as("response_officer").get(f"/api/v1/risk/assessments/{a.pk}/").json()
    assert data["answers_shown"] is False and "answers" not in data


def test_the_creator_gets_the_answers_back_from_the_api(client_as, make_da_incident):
    from haven.risk.tests.test_pages_and_api import api_body

    created = client_as("snt_officer").post("/api/v1/risk/assessments/",
                                            api_body(make_da_incident(), yes=1),
                                            content_type="application/json")
    assert created.status_code == 201 and created.json()["answers_shown"] is True


@pytest.mark.parametrize("role,force", [("idva", "WARKS"), ("trainer", "WARKS"),
                                        ("call_handler", "WMERC"), ("hau", "WMERC")])
def test_wrong_role_or_other_force_get_404_for_summary_and_answers(client_as, assessed, role,
                                                                   force):
    client = client_as(role, force)
    assert client.get(f"/api/v1/risk/assessments/{assessed.pk}/").status_code == 404
    assert client.get(f"/risk/{assessed.pk}/").status_code == 404

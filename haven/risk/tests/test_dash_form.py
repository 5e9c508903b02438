"""The DASH page (issue 8 item 6): every error at once, follow-on screens in the page saying
why, no question asked twice, the running score at the top, a draft key for the form."""

import re

import pytest

from haven.intake.models import Involvement
from haven.people.models import Person
from haven.risk.models import Answer, Assessment
from haven.risk.tests.test_pages_and_api import form_post

pytestmark = pytest.mark.django_db


def summary_links(html: str) -> list[str]:
    summary = html[html.index('data-testid="error-summary"'):]
    summary = summary[:summary.index("</ul>")]
    return re.findall(r'href="#([^"]+)"', summary)


def test_every_error_is_in_the_summary_at_once(client_as, make_da_incident):
    data = form_post(make_da_incident())
    for code in ("PD03", "PD19"):
        del data[f"answer_{code}"]
    del data["grade"]
    data.update({"child_1_name": "Sam", "child_1_age": "eight"})
    response = client_as("response_officer").post("/risk/new/", data)
    assert response.status_code == 400
    assert summary_links(response.content.decode()) == [
        "answer_PD03", "answer_PD19", "child_1_age", "grade"]
    assert not Assessment.objects.exists()


def test_a_triggered_screen_left_blank_is_one_error_that_says_why(client_as, make_da_incident):
    data = form_post(make_da_incident())
    data["answer_PD08"] = "yes"  # persistent contact / stalking
    response = client_as("response_officer").post("/risk/new/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert summary_links(html) == ["screen_stalking"]
    assert ("Answer the stalking and harassment screen (10 questions left): it is needed "
            "because PD08 was answered yes") in html
    assert 'id="screen_stalking"' in html


def test_the_stalking_screen_does_not_ask_very_frightened_again(client_as, make_da_incident):
    incident = make_da_incident()
    client = client_as("response_officer")
    page = client.get(f"/risk/new/?incident={incident.pk}").content.decode()
    assert 'name="answer_PD02"' in page and 'name="answer_SD01"' not in page
    assert "Not asked again: PD02" in page
    data = form_post(incident)
    data.update({"answer_PD08": "yes", "answer_PD02": "yes",
                 **{f"answer_SD{n:02d}": "no" for n in range(2, 12)}})
    data["grade"] = "medium"
    data["rationale"] = "Frightened and followed"
    assert client.post("/risk/new/", data).status_code == 302
    sd01 = Answer.objects.get(question__code="SD01")
    assert (sd01.value, sd01.comment) == ("yes", "As answered to PD02")


def test_a_screen_the_record_calls_for_is_shown_from_the_start_with_the_reason(
        client_as, make_da_incident, make_person):
    victim = make_person()
    make_da_incident(victim=victim)
    incident = make_da_incident(victim=victim)
    page = client_as("response_officer").get(f"/risk/new/?incident={incident.pk}")
    html = page.content.decode()
    assert 'data-record-reason="the victim has 2 domestic abuse incidents on record"' in html
    assert "Shown because the victim has 2 domestic abuse incidents on record." in html


def test_the_score_is_at_the_top_and_the_form_is_a_dash_draft(client_as, make_da_incident):
    html = client_as("response_officer").get(
        f"/risk/new/?incident={make_da_incident().pk}").content.decode()
    assert html.index('data-testid="live-score"') < html.index('name="answer_PD01"')
    assert 'data-haven-draft="dash"' in html
    assert re.search(r'<form[^>]*data-testid="dash-form"[^>]*data-haven-draft="dash"', html)


def test_a_victim_added_during_the_call_can_be_assessed(client_as, make_da_incident, forces):
    """A person the call handler named from what the caller said: a name only, no address."""
    incident = make_da_incident()
    incident.involvements.filter(role="victim").delete()
    new = Person.objects.create(force=forces["WARKS"], forename="Jo")
    Involvement.objects.create(incident=incident, person=new, role="victim")
    client = client_as("response_officer")
    page = client.get(f"/risk/new/?incident={incident.pk}")
    assert page.status_code == 200 and b"Risk assessment (DASH) for Jo" in page.content
    assert client.post("/risk/new/", form_post(incident, yes=2)).status_code == 302
    assert Assessment.objects.get().victim == new
    assert b"No address recorded" in client_as("hau").get("/risk/hau/").content


def test_choosing_between_two_victims_names_them_and_logs_it(client_as, make_da_incident,
                                                             make_person):
    from haven.access.models import AccessLogEntry

    incident = make_da_incident()
    second = make_person(forename="Kim", surname="Second")
    Involvement.objects.create(incident=incident, person=second, role="victim")
    page = client_as("response_officer").get(f"/risk/new/?incident={incident.pk}")
    assert b"Kim Second" in page.content and b"CV34" in page.content
    logged = AccessLogEntry.objects.filter(record_type="risk_assessment_list")
    assert sorted(logged.values_list("person_id", flat=True)) == sorted(
        [second.pk, incident.involvements.get(role="victim", person__forename="Vic").person_id])


@pytest.mark.parametrize("role,force", [("call_handler", "WARKS"), ("idva", "WARKS"),
                                        ("response_officer", "WMERC")])
def test_the_dash_page_refuses_the_wrong_role_and_other_force(client_as, make_da_incident,
                                                              role, force):
    incident = make_da_incident()
    client = client_as(role, force)
    assert client.get(f"/risk/new/?incident={incident.pk}").status_code == 404
    assert client.post("/risk/new/", form_post(incident)).status_code == 404


def test_the_hba_screen_says_which_answer_called_for_it(client_as, make_da_incident):
    data = form_post(make_da_incident())
    data["answer_PD04"] = "yes"  # cut off from family or friends (isolation)
    response = client_as("response_officer").post("/risk/new/", data)
    html = response.content.decode()
    assert summary_links(html) == ["screen_hba"]
    assert "Answer the honour-based abuse screen (10 questions left): it is needed because " \
           "PD04 was answered yes" in html

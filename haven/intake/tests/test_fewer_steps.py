"""Fewer interactions for a live call: nothing asked twice, THRIVE drafted from the answers,
grade and dispatch in one submit."""

from django.urls import reverse

from haven.intake.models import Incident
from haven.intake.tests.helpers import THRIVE, full_checklist
from haven.intake.tests.test_views import call_post


def test_no_children_present_answers_children_safe_too(client_as):
    checklist = full_checklist(children_present="no")
    del checklist["children_safe"]
    response = client_as("call_handler").post(reverse("intake:new"), call_post(checklist))
    assert response.status_code == 302
    progress = Incident.objects.get().progress
    assert progress.checklist["children_safe"]["answer"] == "no_children"
    assert progress.checklist_complete


def test_children_safe_is_still_asked_when_children_are_present(client_as):
    checklist = full_checklist(children_present="yes")
    del checklist["children_safe"]
    response = client_as("call_handler").post(reverse("intake:new"), call_post(checklist))
    assert response.status_code == 400 and b'href="#q_children_safe"' in response.content


def test_the_first_grading_starts_from_a_thrive_draft_of_the_answers(client_as):
    client = client_as("call_handler")
    checklist = full_checklist(weapons="yes", injury="minor")
    page = client.get(client.post(reverse("intake:new"), call_post(checklist))["Location"]
                      ).content.decode()
    assert 'data-testid="thrive-drafted"' in page
    assert 'id="thrive_threat" name="thrive_threat" type="text" autocomplete="off" ' \
           'value="Weapons yes; threats to kill no; strangulation no"' in page
    assert 'value="Injury minor; medical help no"' in page


def test_grade_and_dispatch_in_one_submit(client_as, persona):
    officer = persona("response_officer")
    client = client_as("call_handler")
    client.post(reverse("intake:new"), call_post(full_checklist()))
    incident = Incident.objects.get()
    data = {f"thrive_{part}": text for part, text in THRIVE.items()}
    data.update(grade="immediate", officer=officer.pk, then="dispatch",
                version=incident.version)
    response = client.post(reverse("intake:grade", args=[incident.pk]), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == "dispatched"
    assert incident.progress.assigned_officer == officer and incident.progress.grade


def test_grade_and_dispatch_with_nobody_chosen_keeps_the_grade_and_says_so(client_as):
    client = client_as("call_handler")
    client.post(reverse("intake:new"), call_post(full_checklist()))
    incident = Incident.objects.get()
    data = {f"thrive_{part}": text for part, text in THRIVE.items()}
    data.update(grade="immediate", then="dispatch", version=incident.version)
    response = client.post(reverse("intake:grade", args=[incident.pk]), data)
    assert response.status_code == 400
    assert b"Grade recorded, but not dispatched" in response.content
    incident.refresh_from_db()
    assert incident.state == "opened" and incident.progress.grade == "immediate"

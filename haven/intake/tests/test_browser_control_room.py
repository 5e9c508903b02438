"""A DA call end to end in Chromium, a log that cannot close unendorsed, a missing DASH."""

import datetime as dt

import pytest
from django.utils import timezone

from haven.intake import rules
from haven.intake.models import Incident
from haven.intake.services import do_record_risk_assessed
from haven.intake.tests.helpers import full_checklist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_checklist(page, checklist):
    for question in rules.questions("domestic"):
        code, value = question["code"], checklist[question["code"]]["answer"]
        if question["kind"] == "text":
            page.fill(f"#q_{code}", value)
        else:
            first = question["options"][0] == value
            page.check(f"#q_{code}" if first else f"#q_{code}_{value}")


def test_a_da_call_from_first_contact_to_closure(page_as, findable_person, make_incident,
                                                  persona):
    victim = findable_person(forename="Priya", surname="Kaur")
    make_incident(victim=victim)  # an earlier call: her history must show while typing
    persona("response_officer")  # on duty: the handler can send them by name
    handler = page_as("call_handler")
    handler.goto("/intake/new/")
    handler.fill("#surname", "Kaur")
    card = handler.locator(f"[data-testid=candidate][data-person-id='{victim.pk}']")
    card.wait_for()
    assert card.locator("[data-testid=da-incidents]").inner_text().startswith("1")
    handler.select_option(f"#role_{victim.pk}", "victim")
    fill_checklist(handler, full_checklist())
    handler.click("text=Save the log")
    handler.wait_for_selector("[data-testid=grade-form]")
    for part in rules.THRIVE:
        handler.fill(f"#thrive_{part}", "Noted on the call")
    handler.check("#grade")
    handler.click("text=Record grade only")
    handler.select_option("#officer", str(persona("response_officer").pk))
    handler.click("text=Dispatch officers")
    assert handler.locator("[data-testid=state]").inner_text() == "Dispatched"
    incident = Incident.objects.get(involvements__person=victim, state="dispatched")

    officer = page_as("response_officer", phone=True)
    officer.goto(f"/intake/{incident.pk}/briefing/")
    assert "Repeat victim" in officer.locator("[data-testid=warnings]").inner_text()
    assert "Speak to the victim alone" in officer.locator("[data-testid=on-arrival]").inner_text()
    officer.click("text=I have arrived")
    officer.wait_for_selector("[data-testid=awaiting-dash]")
    # The DASH itself belongs to the risk room; record its completion directly here.
    do_record_risk_assessed(incident, assessment_id=1, actor=persona("response_officer"))

    sergeant = page_as("sergeant")
    sergeant.goto(f"/intake/{incident.pk}/")
    sergeant.fill("#supervision", "Positive action taken; DASH reviewed, medium risk agreed.")
    sergeant.click("text=Endorse the log")
    sergeant.click("text=Close the log")
    assert sergeant.locator("[data-testid=state]").inner_text() == "Closed"
    assert all(p.console_errors == [] for p in (handler, officer, sergeant))


def test_a_da_log_cannot_close_unendorsed(page_as, make_incident):
    incident = make_incident(state="risk_assessed")
    sergeant = page_as("sergeant")
    sergeant.goto(f"/intake/{incident.pk}/")
    assert sergeant.locator("text=Close the log").count() == 0
    sergeant.click("text=Endorse the log")
    assert "Record your supervision" in sergeant.locator(
        "[data-testid=error-summary]").inner_text()
    assert sergeant.locator("[data-testid=state]").inner_text() == "Risk assessed"


def test_a_log_attended_without_dash_is_tagged_to_the_hau(page_as, make_incident, settings):
    from haven.core.jobs import enqueue_due

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    incident = make_incident(state="attended", progress={
        "attended_at": timezone.now() - dt.timedelta(days=2)})
    hau = page_as("hau")
    hau.goto("/intake/")
    assert hau.locator("[data-testid=dash-overdue]").count() == 1
    # The sweep is a scheduled job (issue 18: no writes on a GET); the worker runs it.
    enqueue_due(timezone.now() + dt.timedelta(days=1))
    hau.goto("/")
    assert f"No DASH on {incident.reference}" in hau.locator("main").inner_text()

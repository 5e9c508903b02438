"""In a real browser: a half-filled form survives an idle sign-out (issue 8 item 5)."""

import pytest
from django.utils import timezone

from haven.access.models import AccessLogEntry
from haven.tasks.services import do_create_task
from haven.web.models import Draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The draft holds everything on the page: saved, and no change since waiting to be saved.
SAVED = "form[data-haven-draft-saved]:not([data-haven-draft-pending])"


def test_idle_warning_then_sign_out_then_sign_in_restores_the_answers(
        page_as, settings, forces, make_person, live_server):
    settings.HAVEN_IDLE_TIMEOUT_SECONDS = 6
    settings.HAVEN_IDLE_WARNING_SECONDS = 4
    task = do_create_task(forces["WARKS"], kind="hau_review", title="Review assessment 9",
                       owner_role="hau", due_at=timezone.now(), source_room="risk",
                       source_type="assessment", source_id=9, person=make_person())
    page = page_as("hau", phone=True)
    path = f"/tasks/{task.pk}/"
    page.goto(path)

    # Given a half-finished form, autosaved to the server (never to the browser's storage)
    page.fill("#note", "Spoke to the victim; half way through")
    page.wait_for_selector(SAVED)
    stored = page.evaluate("JSON.stringify([Object.entries(localStorage),"
                           " Object.entries(sessionStorage)])")
    assert "half way" not in stored
    assert Draft.objects.get().fields == {"note": ["Spoke to the victim; half way through"]}

    # When the officer is idle, a GOV.UK warning offers to stay signed in, and that works
    page.wait_for_selector("[data-testid=idle-warning]:not([hidden])", timeout=6000)
    assert "You will be signed out soon" in page.inner_text("[data-testid=idle-warning]")
    page.click("[data-testid=stay-signed-in]")
    page.wait_for_selector("[data-testid=idle-warning]", state="hidden")

    # Then, still idle, Haven signs them out and asks them to sign in again
    page.wait_for_url("**/account/login/?next=*", timeout=15000)
    assert "signed out after a period of inactivity" in page.content()
    page.fill("#id_username", "hau.warks")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")

    # And they are back on the form with every answer restored
    page.wait_for_url(f"{live_server.url}{path}")
    page.wait_for_selector("[data-testid=draft-restored]")
    assert "We restored your unsaved answers" in page.inner_text("[data-testid=draft-restored]")
    assert page.input_value("#note") == "Spoke to the victim; half way through"

    # Sending the form deletes the draft
    settings.HAVEN_IDLE_TIMEOUT_SECONDS = 600
    page.click("text=Mark as done")
    page.wait_for_url(f"{live_server.url}/tasks/")
    assert not Draft.objects.exists()
    assert page.console_errors == []
    logged = AccessLogEntry.objects.filter(record_type="form_draft")
    assert {e.action for e in logged} >= {"collection", "consultation", "erasure"}

"""The first half of the flow, for real, through the pages only (issue 8, "Done when").

A call from someone Haven has never met is logged with a new victim and suspect and
dispatched to a named officer; the officer, on a 390×844 phone, records arrival, adds a
child, starts the DASH, sees the stalking screen appear in the page, is signed out by the
idle timer mid-form and, on signing in again, finds every answer; the sergeant and the HAU
review it from their home pages; the log closes. Every step starts from the user's home page
and follows links: nobody types an id.
"""

import pytest
from playwright.sync_api import expect

from haven.intake.models import Incident
from haven.risk.models import Assessment
from haven.risk.tests.conftest import CODES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The draft holds everything on the page: saved, and no change since waiting to be saved.
SAVED = "form[data-haven-draft-saved]:not([data-haven-draft-pending])"

CHECKLIST = {  # the call checklist, answered as the caller would
    "injury": "minor", "medical_help": "no", "children_present": "yes", "children_safe": "yes",
    "weapons": "no", "threats_to_kill": "yes", "strangulation": "no", "order_breached": "no",
}


def answer_checklist(page):
    page.fill("#q_caller_location", "At home")
    page.fill("#q_caller_identity", "The victim")
    page.fill("#q_suspect_location", "Left on foot")
    for code, value in CHECKLIST.items():
        radio = page.locator(f"input[type=radio][name=q_{code}][value={value}]")
        if radio.count():
            radio.check()


def sign_in(page, username):
    page.fill("#id_username", username)
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")


def test_a_first_time_callers_log_goes_from_call_to_closed_through_the_pages(
        page_as, persona, settings, live_server):
    officer_user = persona("response_officer")
    officer_label = f"{officer_user.get_full_name() or officer_user.get_username()}"

    # The call handler names a victim and a suspect nobody has met before.
    handler = page_as("call_handler")
    handler.click("text=New incident")
    handler.fill("#forename", "Maya")
    handler.fill("#surname", "Brennan")
    handler.fill("#date_of_birth", "1991-05-14")
    handler.fill("#postcode", "CV34 4AA")
    handler.locator("[data-testid=no-candidates]").wait_for()
    handler.select_option("#new_role", "victim")
    handler.check("#new_at_address")
    handler.click("[data-testid=add-new-person]")
    handler.locator("[data-testid=on-log-new]").wait_for()
    handler.fill("#forename", "Tom")
    handler.fill("#surname", "Garside")
    handler.select_option("#new_role", "suspect")
    handler.click("[data-testid=add-new-person]")
    expect(handler.locator("[data-testid=on-log-new]")).to_have_count(2)
    handler.fill("#summary", "Caller says her partner hit her and is following her.")
    answer_checklist(handler)
    handler.click("text=Save the log")
    handler.wait_for_selector("[data-testid=grade-form]")
    handler.check("#grade")
    handler.select_option("#grade_officer", label=f"{officer_label} (Response officer)")
    handler.click("[data-testid=grade-and-dispatch]")
    expect(handler.locator("[data-testid=state]")).to_have_text("Dispatched")
    incident = Incident.objects.get()
    assert dict(incident.involvements.values_list("role", "person__forename")) == {
        "victim": "Maya", "suspect": "Tom"}

    # The named officer, on a phone, finds the log on their home page.
    officer = page_as("response_officer", phone=True)
    officer.click(f"text={incident.reference}")
    expect(officer.locator("[data-testid=caller-said]")).to_contain_text("following her")
    officer.click("text=I have arrived")
    officer.wait_for_selector("[data-testid=start-dash]")
    officer.click("[data-testid=people-link]")
    officer.select_option("#new_role", "child")
    officer.fill("#forename", "Lily")
    officer.fill("#date_of_birth", "2019-02-03")
    officer.click("text=Add to the log")
    expect(officer.locator("main")).to_contain_text("Child: Lily")
    officer.click("text=Back to the briefing")
    # A short idle time-out from here on, so that the officer is signed out mid-form below
    # (answering keeps the session alive: every autosave touches the server).
    settings.HAVEN_IDLE_TIMEOUT_SECONDS = 10
    settings.HAVEN_IDLE_WARNING_SECONDS = 5
    officer.click("[data-testid=start-dash]")
    officer.wait_for_selector("[data-testid=dash-form]")
    expect(officer.locator("main")).to_contain_text("Maya")

    # The DASH: a stalking answer brings the stalking screen into the page, saying why.
    assert not officer.is_visible("[data-screen=stalking]")
    half = CODES[:14]
    for code in half:
        officer.check(f"#answer_{code}" if code == "PD08" else f"#answer_{code}-no")
    assert officer.is_visible("[data-screen=stalking]")
    assert "PD08 was answered yes" in officer.inner_text("[data-testid=screen-reason-stalking]")
    officer.check("#answer_SD02")
    dash_path = officer.evaluate("location.pathname + location.search")
    officer.wait_for_selector(SAVED)

    # Signed out by the idle timer mid-form, after a warning; signing in again returns every
    # answer.
    officer.wait_for_selector("[data-testid=idle-warning]:not([hidden])", timeout=15000)
    officer.wait_for_url("**/account/login/?next=*", timeout=20000)
    settings.HAVEN_IDLE_TIMEOUT_SECONDS = 900
    settings.HAVEN_IDLE_WARNING_SECONDS = 120
    sign_in(officer, officer_user.username)
    officer.wait_for_url(f"{live_server.url}{dash_path}")
    officer.wait_for_selector("[data-testid=draft-restored]")
    for code in half:
        assert officer.is_checked(f"#answer_{code}" if code == "PD08" else f"#answer_{code}-no")
    assert officer.is_checked("#answer_SD02")
    assert officer.is_visible("[data-screen=stalking]")

    for code in CODES[14:]:
        officer.check(f"#answer_{code}-no")
    for n in range(3, 12):
        officer.check(f"#answer_SD{n:02d}-no")
    officer.check("#grade-medium")
    officer.click("text=Complete assessment")
    officer.wait_for_selector("[data-testid=grade]")
    assessment = Assessment.objects.get()
    assert assessment.victim.forename == "Maya" and assessment.stalking_triggered

    # The sergeant reviews the assessment from their home page (guidance is required for a
    # medium grade) and endorses the log.
    sergeant = page_as("sergeant")
    sergeant.click("a:has-text('Maya Brennan'):has-text('Medium risk')")
    sergeant.check("#grade-medium")
    sergeant.fill("#guidance", "Safety plan with the victim; consider a DVPN if he returns")
    sergeant.click("text=Record supervisor review")
    sergeant.wait_for_selector("text=Supervisor review recorded")
    sergeant.goto("/")
    sergeant.click(f"text={incident.reference}")
    sergeant.fill("#supervision", "Arrest attempted; DASH reviewed; safety plan agreed")
    sergeant.click("text=Endorse the log")
    expect(sergeant.locator("[data-testid=state]")).to_have_text("Endorsed")

    # The HAU reviews it from its queue, seeing the victim's history beside it.
    hau = page_as("hau")
    hau.click("nav >> text=HAU queue")
    hau.click("a:has-text('Maya Brennan')")
    hau.check("#response_matched")
    hau.click("text=Record HAU review and create next steps")
    hau.wait_for_selector("text=HAU review recorded")
    assert hau.inner_text("[data-testid=status]") == "HAU reviewed"

    # The log closes.
    sergeant.goto("/intake/")
    sergeant.click(f"text={incident.reference}")
    sergeant.click("text=Close the log")
    expect(sergeant.locator("[data-testid=state]")).to_have_text("Closed")
    incident.refresh_from_db()
    assert incident.state == "closed"
    for page in (handler, officer, hau):
        assert page.console_errors == []
    assert [e for e in sergeant.console_errors if "status of 400" not in e] == []

"""Clare's Law in a real browser (issue 14, "Done when"): the domestic abuse risk manager starts
a right-to-ask application from their home page and records the identity check and the
research; its 28-day clock shows on the MARAC coordinator's home page, from which the
coordinator records the panel's decision with its legal tests; the DARM records the
disclosure. An immediate-risk flag puts an urgent task on the home page. Nobody types an
id."""

import pytest
from playwright.sync_api import expect

from haven.protection.models import DisclosureApplication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def start_application(page, at_risk, subject):
    page.goto("/")
    page.get_by_role("link", name="Start a Clare's Law application").click()
    page.check("#route-ask")
    page.fill("#id_at_risk_forename", at_risk[0])
    page.fill("#id_at_risk_surname", at_risk[1])
    page.fill("#id_at_risk_dob", "1990-05-01")
    page.fill("#id_subject_forename", subject[0])
    page.fill("#id_subject_surname", subject[1])
    page.fill("#id_concern", "New partner; he checks her phone and has a temper.")
    page.get_by_role("button", name="Open the application").click()
    expect(page.get_by_test_id("stage")).to_have_text(
        "Received: identity and face-to-face meeting")


def test_a_right_to_ask_application_end_to_end(page_as):
    page = page_as("darm", phone=True)
    start_application(page, ("Priya", "Lawson"), ("Gareth", "Mills"))
    expect(page.get_by_test_id("dvds-clock")).to_contain_text("28 days left of 28")
    page.fill("#id_documents", "passport, council tax bill")
    page.fill("#id_met_at", "2026-11-30T10:00")
    page.get_by_role("button", name="Record identity checked").click()
    expect(page.get_by_test_id("research")).to_contain_text("Orders in force: none")
    page.fill("#id_findings", "Two convictions for assaulting former partners.")
    page.get_by_role("button", name="Send to the multi-agency decision").click()
    expect(page.get_by_test_id("stage")).to_have_text("Waiting for the multi-agency decision")

    # The clock is on the MARAC coordinator's home page, naming the person; they decide.
    panel = page_as("marac_coordinator")
    row = panel.get_by_text("Right to ask: Priya Lawson asking about Gareth Mills")
    expect(row).to_be_visible()
    expect(panel.get_by_text("28 days left of 28")).to_be_visible()
    row.click()
    # `.all()` does not wait: the decision page must be there before its boxes are listed
    boxes = panel.locator("#tests input[type=checkbox]")
    expect(boxes.first).to_be_visible()
    for box in boxes.all():
        box.check()
    panel.check("#decision-disclose")
    panel.fill("#id_panel", "DVDS decision panel")
    panel.fill("#id_rationale", "Pressing need: she is at risk of serious harm.")
    panel.get_by_role("button", name="Record the decision").click()
    expect(panel.get_by_test_id("decision")).to_contain_text("Disclose (DVDS decision panel")

    page.reload()
    page.fill("#id_disclosed_to", "Priya Lawson, in person with her IDVA")
    page.fill("#id_what", "Two convictions for assaulting former partners.")
    page.fill("#id_disclosed_at", "2026-12-01T15:00")
    page.get_by_role("button", name="Record the disclosure").click()
    expect(page.get_by_test_id("stage")).to_have_text("Closed")
    expect(page.get_by_test_id("disclosure")).to_contain_text("Priya Lawson, in person")
    expect(page.get_by_test_id("tests")).to_contain_text(
        "Met: Rehabilitation of Offenders Act considered")
    app = DisclosureApplication.objects.get()
    assert app.decision == "disclose" and app.closed_at is not None
    assert page.console_errors == [] and panel.console_errors == []


def test_immediate_risk_creates_an_urgent_task_on_the_home_page(page_as):
    page = page_as("darm")
    start_application(page, ("Jo", "Reed"), ("Liam", "Shaw"))
    page.get_by_text("Immediate risk", exact=True).click()
    page.fill("#id_note", "He has said he will kill her tonight.")
    page.get_by_role("button", name="Flag immediate risk").click()
    expect(page.get_by_test_id("dvds-clock")).to_contain_text("IMMEDIATE RISK")
    page.goto("/")
    expect(page.get_by_role("link", name="URGENT: immediate risk on Clare's Law application")
           ).to_be_visible()
    expect(page.get_by_text("IMMEDIATE RISK: act now")).to_be_visible()
    assert page.console_errors == []

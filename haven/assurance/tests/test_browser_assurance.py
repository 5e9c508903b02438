"""Call audits in a real browser, phone-sized (issue 17, "Done when"): the auditor starts
from the home page, draws last month's sample, audits one call (typing no id); the trend chart
and its table show it; the call handler finds the feedback on their home page and acknowledges
it. Nobody types an id."""

import pytest
from playwright.sync_api import expect

from haven.assurance import forms
from haven.assurance.models import Audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_audit_a_call_feedback_acknowledged_and_trend(page_as, calls, handlers):
    auditor = page_as("auditor", phone=True)
    auditor.get_by_role("link", name="Call and DASH audits", exact=True).first.click()
    auditor.get_by_role("link", name="Trends").click()
    expect(auditor.get_by_test_id("trend-table")).to_contain_text("No completed audits yet")
    auditor.get_by_role("link", name="Audits", exact=True).click()
    auditor.get_by_role("button", name="Draw the sample").click()
    expect(auditor.get_by_test_id("sample-config")).to_contain_text("Seed")

    audit = Audit.objects.filter(staff=handlers[0], second_of__isnull=True,
                                 second_markings__isnull=True).order_by("pk").first()
    auditor.goto("/")
    auditor.get_by_role("link", name=f"Audit call {audit.subject_reference}").click()
    expect(auditor.get_by_test_id("subject")).to_contain_text("call_handler.warks")
    for q in forms.current("call").questions:
        auditor.check(f"#q-{q.code}-{'no' if q.code == 'stalking' else 'yes'}")
    auditor.fill("#recording_reference", "OCC-REC-0001")
    auditor.fill("#feedback", "Calm and clear. Ask the stalking questions next time.")
    auditor.get_by_role("button", name="Complete the audit").click()
    expect(auditor.get_by_test_id("result")).to_contain_text("Passed")
    expect(auditor.get_by_test_id("answers")).to_contain_text("Stalking and harassment")

    auditor.get_by_role("link", name="Call and DASH audits").first.click()
    auditor.get_by_role("link", name="Trends").click()
    expect(auditor.get_by_test_id("trend-table")).to_contain_text("call_handler.warks")
    expect(auditor.get_by_test_id("trend-table")).to_contain_text("92.3")
    expect(auditor.locator(".haven-chart--drawn")).to_have_count(1)
    auditor.select_option("#by", "question")
    auditor.get_by_role("button", name="Show").click()
    expect(auditor.get_by_test_id("trend-table")).to_contain_text(
        "Stalking and harassment questions asked")

    handler = page_as("call_handler", phone=True)
    handler.get_by_role("link", name=f"Audit of {audit.subject_reference}: passed").click()
    expect(handler.get_by_test_id("feedback-text")).to_contain_text("Ask the stalking")
    handler.get_by_role("button", name="I have read this feedback").click()
    expect(handler.get_by_text(f"Feedback on {audit.subject_reference} acknowledged")
           ).to_be_visible()
    expect(handler.get_by_role("link", name=f"Audit of {audit.subject_reference}: passed")
           ).to_have_count(0)
    audit.refresh_from_db()
    assert audit.acknowledged_at is not None
    assert auditor.console_errors == [] and handler.console_errors == []

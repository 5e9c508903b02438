"""The partners' pages in a real browser with axe-core: the daily board (chair allocates a
task and marks it done), the vulnerable people meeting, the case's referrals and letters page
and the IDVA's referral page have no accessibility violations and no console errors."""

import datetime as dt

import pytest
from django.utils import timezone

from haven.safeguarding.tests.test_referrals_helpers import (  # noqa: F401 (fixtures)
    _case_for_fixture,
    _make_incident_fixture,
    _victim_case_fixture,
)
from haven.web.tests.test_browser_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.goto("/account/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def _nav(page, label):
    toggle = page.locator(".govuk-service-navigation__toggle")
    if toggle.is_visible():
        toggle.click()
    page.click(f"#navigation >> text={label}")


def test_the_partner_pages_are_accessible_and_the_chair_runs_the_board(
        browser, live_server, persona, victim_case, case_for, make_person):
    from haven.forces.models import Agency
    from haven.safeguarding.referrals import do_refer_case

    case_for(make_person(forename="Mona", surname="Medium"), grade="medium",
             opened_at=timezone.now() - dt.timedelta(days=1))
    referral = do_refer_case(victim_case["case"], Agency.objects.get(
        force=victim_case["case"].force, kind="idva"), reason="Support", consent="given",
        actor=persona("hau"))
    darm = persona("darm")
    found = {}

    context, page = signed_in(browser, live_server, persona("inspector"))
    _nav(page, "Daily meeting")
    assert "Dana Victim" in page.inner_text("[data-testid=board-cases]")
    assert "Perry Harmer" in page.inner_text("[data-testid=board-incidents]")
    found["board"] = violations(page)
    page.select_option("#subject", index=0)
    page.fill("#title", "Check the panic alarm is fitted")
    page.select_option("#owner", str(darm.pk))
    page.click("button:has-text('Allocate')")
    page.wait_for_selector("text=Task allocated")
    assert "Check the panic alarm is fitted" in page.inner_text("[data-testid=board-tasks]")
    found["board with a task"] = violations(page)
    page.fill("input[name=note]", "Fitted yesterday")
    page.click("button:has-text('Mark done')")
    page.wait_for_selector("text=Task marked done")
    assert "Done" in page.inner_text("[data-testid=task-status]")
    assert page.errors == []
    context.close()

    context, page = signed_in(browser, live_server, persona("snt_officer"))
    _nav(page, "Vulnerable people meeting")
    page.select_option("#area", "CV34")
    page.click("button:has-text('Show')")
    assert "Mona Medium" in page.inner_text("main")
    found["meeting"] = violations(page)
    page.fill("textarea[name=outcome]", "Housing to review the tenancy")
    page.click("button:has-text('Record the outcome')")
    page.wait_for_selector("text=Outcome recorded")
    assert "Housing to review the tenancy" in page.inner_text("[data-testid=meeting-outcome]")
    assert page.errors == []
    context.close()

    context, page = signed_in(browser, live_server, persona("hau"))
    page.goto(f"/safeguarding/cases/{victim_case['case'].pk}/partners/")
    found["case partners"] = violations(page)
    context.close()

    context, page = signed_in(browser, live_server, persona("idva"))
    page.goto(f"/safeguarding/referrals/{referral.pk}/")
    found["referral"] = violations(page)
    _nav(page, "Referrals")
    found["referral list"] = violations(page)
    context.close()

    assert {where: v for where, v in found.items() if v} == {}

"""The victim's case in the browser, each role starting from its home page, no ids typed:
the HAU reviews a high-risk DASH from its queue, the case opens, the HAU builds the plan and
allocates a DARM; a neighbourhood officer (on a phone) sees only the sanitised case, breaks
the glass with a reason; the auditor finds it in the review queue and marks it reviewed."""

import datetime as dt

import pytest
from django.utils import timezone

from haven.safeguarding.models import BreakGlass, Case
from haven.safeguarding.tests.conftest import SECRET_WORDS, dash_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _nav(page, label):
    """Follow a navigation link; on a phone the menu is opened first."""
    toggle = page.locator(".govuk-service-navigation__toggle")
    if toggle.is_visible():
        toggle.click()
    page.click(f"#navigation >> text={label}")


def test_hau_opens_the_case_plans_and_allocates_and_the_snt_officer_breaks_glass(
        page_as, persona, make_person, make_da_incident, complete_dash):
    victim = make_person(forename="Nadia", surname="Brook", confidential_address=True)
    answers = dash_answers(15)
    answers["PD01"] = ("yes", "victim", SECRET_WORDS)
    complete_dash(yes=15, grade="high", incident=make_da_incident(victim=victim),
                  answers=answers, victim_view=SECRET_WORDS)
    darm = persona("darm")
    darm.first_name, darm.last_name = "Dana", "Marsh"
    darm.save()

    # The HAU: from the queue on its home page, review; the case opens.
    hau = page_as("hau")
    hau.click("a:has-text('Nadia Brook')")  # the HAU queue on its home page
    hau.check("#response_matched")
    hau.click("text=Record HAU review and create next steps")
    hau.wait_for_selector("text=HAU review recorded")
    case = Case.objects.get(person_id=victim.pk)
    assert case.grade == "high"

    hau.click("header >> text=Haven")  # home
    hau.click("text=Nadia Brook: High risk, held by Domestic abuse risk managers")
    assert hau.inner_text("[data-testid=case-heading]") == "Nadia Brook"
    assert "moj-timeline" in hau.content()
    assert "Withheld: confidential address" in hau.inner_text("[data-testid=area]")

    hau.click("text=Add an action to the plan")
    hau.select_option("#kind", "panic_alarm")
    hau.select_option("#owner", f"user:{darm.pk}")
    due = timezone.localdate() + dt.timedelta(days=3)
    hau.fill("#due-day", str(due.day))
    hau.fill("#due-month", str(due.month))
    hau.fill("#due-year", str(due.year))
    hau.click("button:has-text('Add to the plan')")
    hau.wait_for_selector("text=Action added to the plan")
    assert "Panic alarm" in hau.inner_text("[data-testid=plan]")
    assert "A plan is in place" in hau.inner_text("[data-testid=plan-exists]")

    hau.click("text=Allocate the case")
    assert hau.input_value("#holder") == f"darm:{darm.pk}"  # the least-loaded DARM
    hau.click("button:has-text('Allocate')")
    hau.wait_for_selector("text=Case allocated")
    assert hau.inner_text("[data-testid=holder]") == "Dana Marsh"
    assert hau.console_errors == []

    # The neighbourhood officer, on a phone: the sanitised case only.
    snt = page_as("snt_officer", phone=True)
    _nav(snt, "Victims' cases")
    snt.click("a:has-text('Nadia Brook')")
    text = snt.inner_text("main")
    assert "You see the sanitised case" in text and "A plan is in place" in text
    assert SECRET_WORDS not in snt.content() and "CV34" not in snt.content()
    assert "Test Street" not in snt.content() and "moj-timeline" not in snt.content()
    snt.click("text=I need the full case now (break-glass)")
    snt.click("button:has-text('Open the full case')")
    snt.wait_for_selector("[data-testid=error-summary]")
    snt.fill("#reason", "Attending a 999 call at her address now")
    snt.click("button:has-text('Open the full case')")
    snt.wait_for_selector("[data-testid=break-glass-live]")
    assert "Panic alarm" in snt.inner_text("[data-testid=plan]")
    assert "Test Street" not in snt.content()
    assert [e for e in snt.console_errors if "status of 400" not in e] == []

    # The auditor: the break-glass is waiting on the home page; review it.
    auditor = page_as("auditor")
    auditor.click("text=opened the case of Nadia Brook")
    queue = auditor.inner_text("[data-testid=break-glass-queue]")
    assert "Attending a 999 call at her address now" in queue
    auditor.fill("input[name=note]", "Justified: live call")
    auditor.click("button:has-text('Mark reviewed')")
    auditor.wait_for_selector("text=Marked as reviewed")
    assert "Nothing waiting for review" in auditor.inner_text(
        "[data-testid=break-glass-queue]")
    assert BreakGlass.objects.get().review_note == "Justified: live call"
    assert auditor.console_errors == []


def test_the_case_pages_have_no_axe_violations(browser, live_server, make_case, persona,
                                               make_person):
    from haven.safeguarding import break_glass
    from haven.web.tests.test_browser_accessibility import AXE, violations

    assert AXE.exists()
    case = make_case(person=make_person(forename="Ada", surname="Axe"))
    break_glass.do_break_glass(case, reason="Attending a call at the address now",
                               actor=persona("snt_officer"))
    pages = {"darm": ["/safeguarding/", f"/safeguarding/{case.pk}/",
                      f"/safeguarding/{case.pk}/plan/", f"/safeguarding/{case.pk}/allocate/",
                      f"/safeguarding/{case.pk}/risk/", f"/safeguarding/{case.pk}/contact/",
                      f"/safeguarding/{case.pk}/markers/", f"/safeguarding/{case.pk}/share/",
                      f"/safeguarding/{case.pk}/close/", "/safeguarding/workload/"],
             "snt_officer": [f"/safeguarding/{case.pk}/", f"/safeguarding/{case.pk}/break-glass/"],
             "auditor": ["/safeguarding/break-glass/"]}
    found = {}
    for role, paths in pages.items():
        user = persona(role)
        context = browser.new_context(base_url=live_server.url, bypass_csp=True,
                                      viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto("/account/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "correct horse battery")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        for path in paths:
            assert page.goto(path).status == 200, path
            found[f"{role} {path}"] = violations(page)
        context.close()
    assert {k: v for k, v in found.items() if v} == {}

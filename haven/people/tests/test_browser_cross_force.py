"""On a phone, Warwickshire's reviewer goes from their home page to the matches with other
forces, opens the one waiting and answers "same person"; West Mercia's reviewer finds the task
this made on their home page, follows it to the match and answers too; the page says the match
is confirmed and that nothing was merged. Then Warwickshire withdraws its answer with a reason
and the match is confirmed no longer. No accessibility violations on the way."""

import pytest

from haven.people.models_national import CrossForceProposal
from haven.people.national import do_queue_cross_force
from haven.web.tests.test_browser_accessibility import AXE, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
PERPETRATOR = {"forename": "Darren", "surname": "Whitcombe", "date_of_birth": "1984-03-17",
               "gender": "M", "pnc_id": "84/123456A"}


def answer_same_person(page, axe_found: dict, who: str) -> str:
    """From the home page to the proposal, answered: returns the confirmation banner."""
    menu_item = page.locator("nav >> text=Linkage review")
    page.get_by_role("button", name="Menu").click()  # the menu folds away on a phone
    menu_item.click()
    page.wait_for_url("**/people/review/")
    page.get_by_role("link", name="Matches with other forces (1 waiting)").click()
    page.wait_for_url("**/people/review/other-forces/")
    axe_found[f"{who} list"] = violations(page)
    page.locator("[data-testid=open-proposal]").first.click()
    return _say_same_person(page, axe_found, who)


def _say_same_person(page, axe_found: dict, who: str) -> str:
    """On the proposal's page (phone width, axe): answer "Same person"; the banner's text."""
    page.wait_for_selector("[data-testid=evidence]")
    axe_found[f"{who} proposal"] = violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.get_by_label("Same person", exact=True).check()
    page.get_by_role("button", name="Send your force's answer").click()
    page.wait_for_url("**/people/review/other-forces/")
    return page.inner_text(".govuk-notification-banner")


def answer_from_the_task(page, axe_found: dict, who: str) -> str:
    """From the home page's task to the proposal, answered: returns the confirmation banner."""
    page.get_by_role("link", name="Another force has answered a cross-force match").click()
    page.wait_for_url("**/tasks/*/")
    axe_found[f"{who} task"] = violations(page)
    page.locator("[data-testid=task-source]").click()
    return _say_same_person(page, axe_found, who)


def test_both_forces_answer_same_person_on_a_phone_and_it_is_confirmed(page_as, add_record):
    warks = add_record("crime", "W1", **PERPETRATOR, postcode="CV34 4AB")
    wmerc = add_record("command_and_control", "M1", "WMERC",
                       **{**PERPETRATOR, "forename": "Daren"}, postcode="WR5 3AA")
    do_queue_cross_force([(warks.pk, wmerc.pk, 0.97)], engine="duckdb")
    assert AXE.exists(), "axe-core is installed by scripts/setup from package-lock.json"
    axe_found = {}

    warwickshire = page_as("hau", phone=True, for_axe=True)
    banner = answer_same_person(warwickshire, axe_found, "WARKS hau")
    assert "Your force's answer is recorded (Same person)" in banner
    assert "waits for the other force" in banner

    # West Mercia's reviewer is told by a task on their home page, not by an address
    west_mercia = page_as("darm", "WMERC", phone=True, for_axe=True)
    axe_found["WMERC home"] = violations(west_mercia)
    banner = answer_from_the_task(west_mercia, axe_found, "WMERC darm")
    assert "the match is confirmed" in banner and "No records were merged" in banner
    west_mercia.goto("/")
    assert "cross-force match" not in west_mercia.inner_text("main")  # the task is closed

    # the proposal itself now says so, for either force
    warwickshire.reload()
    warwickshire.get_by_role("link", name="Match").first.click()
    confirmed = warwickshire.locator("[data-testid=confirmed]")
    confirmed.wait_for()
    assert "No records were merged" in confirmed.inner_text()
    assert warwickshire.inner_text("[data-testid=answer-other]") == "Same person"
    axe_found["WARKS confirmed proposal"] = violations(warwickshire)
    assert CrossForceProposal.objects.get().confirmed

    # Warwickshire takes its answer back: a reason is needed, then it is no longer confirmed
    withdraw = warwickshire.get_by_role("button", name="Withdraw your force's answer")
    withdraw.click()
    warwickshire.wait_for_selector("[data-testid=withdraw-error]")
    assert "Enter why your force is withdrawing its answer" in warwickshire.inner_text(
        "[data-testid=withdraw-error]")
    axe_found["WARKS withdraw error"] = violations(warwickshire)
    warwickshire.get_by_label("Withdraw your force's answer").fill("Wrong custody record")
    warwickshire.get_by_role("button", name="Withdraw your force's answer").click()
    warwickshire.wait_for_selector("[name=decision]")
    assert "no longer confirmed" in warwickshire.inner_text(".govuk-notification-banner")
    assert warwickshire.locator("[data-testid=confirmed]").count() == 0
    assert warwickshire.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    axe_found["WARKS withdrawn"] = violations(warwickshire)
    assert not CrossForceProposal.objects.get().confirmed

    assert {where: found for where, found in axe_found.items() if found} == {}
    assert warwickshire.console_errors == [] and west_mercia.console_errors == []

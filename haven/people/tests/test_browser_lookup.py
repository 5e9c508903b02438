"""A call handler types a caller's misspelt name and sees the person appear as they type."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_candidates_appear_as_the_call_handler_types_on_a_phone(page_as, add_record,
                                                               victim_history):
    from django.utils import timezone

    person = add_record("pvp", "P1", forename="Danielle", surname="Whitfield",
                        date_of_birth="1988-04-12").person
    victim_history(person, timezone.now())
    page = page_as("call_handler", phone=True)
    page.goto("/people/search/")
    page.fill("#id_surname", "Whitfel")
    page.locator("#id_surname").press("d")  # a keyup, as a person typing
    candidate = page.locator("[data-testid=candidate]").first
    candidate.wait_for(timeout=5000)
    assert "Whitfield" in candidate.inner_text()
    assert page.locator("[data-testid=da-incidents]").first.inner_text().startswith("1")
    assert page.url.endswith("/people/search/")  # updated in place, no page load
    assert page.console_errors == []


def test_from_home_a_handler_finds_a_caller_by_a_birth_date_typed_day_first(page_as, add_record):
    add_record("pvp", "P1", forename="Danielle", surname="Whitfield",
               date_of_birth="1988-04-12")
    page = page_as("call_handler", phone=True)
    page.goto("/")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Find a person").first.click()
    page.get_by_label("Last name").fill("Whitfield")
    page.get_by_label("Date of birth").fill("12/04/1988")
    page.get_by_role("button", name="Search").click()
    candidate = page.locator("[data-testid=candidate]").first
    candidate.wait_for(timeout=5000)
    assert "Whitfield" in candidate.inner_text()
    assert page.locator(".govuk-error-summary, [data-testid=lookup-error]").count() == 0
    # a placeholder alone says why it finds no one, not "No one found"
    page.get_by_label("Last name").fill("Unknown")
    page.get_by_label("Date of birth").fill("")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("reads as not known").first.wait_for(timeout=5000)
    assert page.get_by_text("No one found").count() == 0
    assert page.console_errors == []

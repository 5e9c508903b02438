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

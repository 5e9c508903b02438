"""Three roles sign in with a real browser; each home page renders with no console errors."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "role, force_code, expected",
    [
        ("call_handler", "WARKS", "Call handler, Warwickshire Police"),
        ("hau", "WMERC", "Harm assessment unit, West Mercia Police"),
        ("idva", "WARKS", "IDVA, Warwickshire IDVA service"),
    ],
)
def test_home_page_renders_for_role(page_as, role, force_code, expected):
    page = page_as(role, force_code)
    assert page.locator("[data-testid=home-role]").inner_text() == expected
    assert page.locator("h1").inner_text() == "Your work"
    # GOV.UK Frontend's JavaScript ran (it marks the body) and nothing failed.
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert page.console_errors == []

"""axe-core finds no violation on the perpetrators room's pages (with a ranked run, an
adoption, and a form's errors showing)."""

import pytest

from haven.web.tests.test_browser_accessibility import AXE, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_axe_violations_on_the_perpetrator_pages(page_as, ranked, persona):
    assert AXE.exists()
    persona("detective")
    dean, mark = ranked["dean"].pk, ranked["mark"].pk
    found = {}
    for role in ("darm", "analyst"):
        page = page_as(role, phone=True, for_axe=True)
        for path in ["/", "/perpetrators/", "/perpetrators/?filter=serial",
                     f"/perpetrators/{dean}/", "/perpetrators/concentration/"]:
            page.goto(path)
            found[f"{role} {path}"] = violations(page)
    page = page_as("darm", phone=True, for_axe=True)
    page.goto(f"/perpetrators/{mark}/")
    page.get_by_role("button", name="Adopt onto the programme").click()  # no lead: error
    found["adopt with errors"] = violations(page)
    page.goto(f"/perpetrators/{dean}/")
    page.select_option("#lead", label="detective.warks (Detective)")
    page.get_by_role("button", name="Adopt onto the programme").click()
    found["adopted"] = violations(page)
    page.goto("/perpetrators/programme/")
    found["programme"] = violations(page)
    assert {where: v for where, v in found.items() if v} == {}

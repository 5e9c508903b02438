"""axe-core finds no violation on the protection room's pages, forms included (with their
error messages showing)."""

import pytest

from haven.protection import services
from haven.web.tests.test_browser_accessibility import AXE, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_axe_violations_on_the_protection_pages(page_as, notice, pair, persona):
    assert AXE.exists()
    app = services.do_open_application(pair[0].force, route="ask", person_at_risk=pair[1],
                                       subject=pair[0], actor=persona("darm"))
    found = {}
    page = page_as("darm", phone=True, for_axe=True)
    for path in ["/", "/protection/", "/protection/notice/new/", "/protection/orders/new/",
                 f"/protection/{notice.pk}/", f"/protection/person/{pair[0].pk}/",
                 "/protection/clares-law/new/", f"/protection/clares-law/{app.pk}/",
                 "/protection/clares-law/measures/"]:
        page.goto(path)
        found[path] = violations(page)
    page.goto("/protection/clares-law/new/")
    page.get_by_role("button", name="Open the application").click()  # every error showing
    found["clares-law/new with errors"] = violations(page)
    # The person picker: one person chosen, a search with nobody found, then every error.
    page.goto(f"/protection/orders/new/?subject={pair[0].pk}")
    page.fill("#id_protected_surname", "Nobody")
    page.get_by_role("button", name="Find person it protects (optional)").click()
    found["orders/new searching"] = violations(page)
    page.get_by_role("button", name="Record", exact=True).click()
    found["orders/new with errors"] = violations(page)
    assert {where: v for where, v in found.items() if v} == {}

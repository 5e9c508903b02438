"""Accessibility: axe-core finds no violation on the pages each role reaches from home.

The walk follows the links on each role's home page (as a user would), so a page added by a
new room is checked without editing this file. axe-core comes from npm (package-lock.json)
and is injected into the page by the test only (the context bypasses the CSP for that).
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from haven.web.demo import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "demo-password-1"
ROLES = ["call_handler", "response_officer", "sergeant", "hau", "darm", "snt_officer",
         "idva", "auditor", "analyst"]
PAGES_PER_ROLE = 12
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => `${v.id} (${v.impact}): ` +
    v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


def violations(page) -> list[str]:
    # After a click that submits a form the next page may still be loading (no <head> yet
    # to add the script to): wait for it, so the page checked is the one the user sees.
    page.wait_for_load_state("load")
    try:
        page.add_script_tag(path=str(AXE))
    except PlaywrightError:
        page.wait_for_load_state("load")  # the navigation began after the first wait
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


def links_from_home(page, base: str) -> list[str]:
    # The navigation first (the room's main pages), then the work listed on the home page.
    hrefs = page.eval_on_selector_all("nav a[href], main a[href]", "els => els.map(e => e.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if not href.startswith(base) or parts.path in ("/", "/account/logout/"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in paths:
            paths.append(path)
    return paths[:PAGES_PER_ROLE]


def test_no_axe_violations_on_the_pages_each_role_reaches(browser, live_server):
    assert AXE.exists(), "axe-core is installed by scripts/setup from package-lock.json"
    seed(people_per_force=8, password=PASSWORD)
    found = {}
    checked = 0
    for role in ROLES:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True,
                                      viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto("/account/login/")
        if role == ROLES[0]:
            found["/account/login/"] = violations(page)
        page.fill("#id_username", f"{role}.warks")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        found[f"{role} /"] = violations(page)
        if role == ROLES[0]:  # the harness itself: a planted image without alt text is found
            page.evaluate("document.querySelector('main').append(document.createElement('img'))")
            assert any(v.startswith("image-alt") for v in violations(page))
            page.reload()
        for path in links_from_home(page, live_server.url):
            page.goto(path)
            found[f"{role} {path}"] = violations(page)
        checked += len(found)
        context.close()
    print(f"\naxe checked {len(found)} pages: " + ", ".join(found))
    problems = {where: v for where, v in found.items() if v}
    assert len(found) > len(ROLES) * 2  # the walk reached real pages, not just home pages
    assert problems == {}

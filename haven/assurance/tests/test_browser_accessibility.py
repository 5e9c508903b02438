"""axe-core finds no violation on the assurance pages (index, sample, an open audit's form,
the form with its errors, a completed audit, feedback, trends, agreement)."""

import pytest

from haven.assurance import services
from haven.assurance.tests.conftest import yes_to_all
from haven.web.tests.test_browser_accessibility import AXE, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_axe_violations_on_the_assurance_pages(page_as, sample, handlers, persona):
    assert AXE.exists()
    audits = list(sample.audits.filter(second_of__isnull=True, staff=handlers[0],
                                       second_markings__isnull=True).order_by("pk"))
    done, open_ = audits[0], audits[1]
    services.do_complete_audit(done, version=done.version, answers=yes_to_all(stalking=1),
                               feedback="Ask about stalking", actor=persona("auditor"))
    found = {}
    page = page_as("auditor", phone=True, for_axe=True)
    for path in ["/", "/assurance/", f"/assurance/samples/{sample.pk}/?check=1",
                 f"/assurance/audits/{open_.pk}/", f"/assurance/audits/{done.pk}/",
                 "/assurance/trends/", "/assurance/trends/?by=question",
                 "/assurance/agreement/"]:
        page.goto(path)
        found[path] = violations(page)
    page.goto(f"/assurance/audits/{open_.pk}/")
    page.get_by_role("button", name="Complete the audit").click()  # nothing answered
    found["form with errors"] = violations(page)
    handler = page_as("call_handler", phone=True, for_axe=True)
    handler.goto(f"/assurance/feedback/{done.pk}/")
    found["feedback"] = violations(handler)
    assert {where: v for where, v in found.items() if v} == {}

"""axe-core finds no violation on the MARAC pages the coordinator, the chair and a partner
use (the shared walk seeds too few people for the MARAC demo to appear)."""

import datetime as dt

import pytest
from django.urls import reverse

from haven.marac import services
from haven.web.tests.test_browser_accessibility import AXE, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_axe_violations_on_the_marac_pages(page_as, listed, persona):
    meeting, case = listed
    services.do_add_action(case, agency=None, owner="PC Lane", description="Alarm",
                           due_on=dt.date(2026, 1, 1), actor=persona("marac_coordinator"))
    pages = {
        "marac_coordinator": ["/", reverse("marac:index"), reverse("marac:governance"),
                              reverse("marac:area_new"), reverse("marac:referral_new"),
                              reverse("marac:meeting_new"),
                              reverse("marac:meeting", args=[meeting.pk]),
                              reverse("marac:case", args=[case.pk]),
                              reverse("marac:referral", args=[case.referral_id])],
        "idva": ["/", reverse("marac:case", args=[case.pk]),
                 reverse("marac:meeting", args=[meeting.pk]),
                 reverse("marac:referral", args=[case.referral_id])],
    }
    found = {}
    for role, paths in pages.items():
        page = page_as(role, phone=True, for_axe=True)
        for path in paths:
            page.goto(path)
            found[(role, path)] = violations(page)
    assert AXE.exists()
    assert {k: v for k, v in found.items() if v} == {}

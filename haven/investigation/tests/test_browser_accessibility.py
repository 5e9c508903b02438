"""axe-core finds no violation on the investigation room's pages, on a phone."""

import pytest

from haven.investigation import services
from haven.investigation.evidence import do_upload_evidence
from haven.investigation.tests.conftest import photo_bytes, upload
from haven.web.tests.test_browser_accessibility import AXE, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_rooms_pages_have_no_axe_violations(page_as, persona, make_crime):
    assert AXE.exists()
    detective = persona("detective")
    crime = make_crime(["assault_with_injury", "criminal_damage"], actor=detective)
    services.do_record_case_event(crime, kind="bail", conditions={"protected_person": True},
                                  actor=detective)
    item = do_upload_evidence(upload("a.jpg", photo_bytes()), crime=crime, actor=detective)
    pages = {"detective": ["/", "/investigation/", f"/investigation/{crime.pk}/",
                         f"/investigation/new/?incident={crime.incident_id}",
                         f"/investigation/incident/{crime.incident_id}/evidence/",
                         f"/investigation/evidence/{item.public_id}/"],
             "superintendent": ["/investigation/measures/"],
             "sergeant": [f"/investigation/{crime.pk}/"]}
    found = {}
    for role, paths in pages.items():
        page = page_as(role, phone=True, for_axe=True)
        for path in paths:
            page.goto(path)
            found[f"{role} {path}"] = violations(page)
    assert {where: v for where, v in found.items() if v} == {}

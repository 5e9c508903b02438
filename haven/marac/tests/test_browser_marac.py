"""In a real browser, every step from the role's own home page and no id typed: the
coordinator plans a meeting and lists a case, the IDVA and children's services record their
research, the chair records the discussion and agrees an action, the agenda and minutes PDFs
are read back, and the action left undone shows as overdue at the next meeting."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_text(page, selector) -> str:
    response = page.request.get(page.get_attribute(selector, "href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    return " ".join(text.split())  # lines wrap inside table cells


def test_one_meeting_from_list_to_overdue_action(page_as, refer, area, make_person):
    where = area()
    referral = refer(where=where, perpetrator=make_person(forename="Paul", surname="Hart"),
                     children=2)
    victim = referral.victim.display_name
    day = timezone.localdate() + dt.timedelta(days=7)

    coordinator = page_as("marac_coordinator")
    coordinator.click("text=Plan a MARAC meeting")
    coordinator.select_option("#id_area", label="Warwick (monthly)")
    coordinator.fill("#id_held_at", f"{day.isoformat()}T10:00")
    coordinator.click("button:has-text('Plan the meeting')")
    coordinator.wait_for_selector("text=Warwick MARAC planned")
    coordinator.click("button:has-text('List the case')")
    coordinator.wait_for_selector(f"text={victim} listed")
    coordinator.click("button:has-text('Send the case list to the agencies')")
    coordinator.wait_for_selector("text=Case list sent to the agencies")
    assert "10:00 (12 min)" in coordinator.inner_text("[data-testid=cases]")

    for role, words in (("idva", "IDVA engaged; safety plan in place"),
                        ("childrens_services", "Two children on a child in need plan")):
        partner = page_as(role)
        partner.click(f"text={victim} (Warwick MARAC)")
        partner.fill("#id_text", words)
        partner.click("button:has-text('Record research')")
        partner.wait_for_selector("text=Research recorded")
        research = partner.inner_text("main")
        assert words in research
        assert "IDVA engaged" not in research or role == "idva"  # only its own form
        assert partner.console_errors == []

    chair = page_as("inspector")
    chair.click("text=Warwick MARAC on")
    assert "2 of 2 agencies" in chair.inner_text("[data-testid=cases]")
    chair.click(f"[data-testid=cases] >> text={victim}")
    assert "Two children on a child in need plan" in chair.inner_text("main")
    chair.fill("#id_information_shared", "Police: three call-outs since May")
    chair.fill("#id_risk_summary", "High risk: escalating threats")
    chair.click("button:has-text('Record the discussion')")
    chair.wait_for_selector("text=Discussion recorded")
    chair.select_option("#id_agency", label="Warwickshire IDVA service")
    chair.fill("#id_owner", "A. Patel")
    chair.fill("#id_description", "Safety plan and sanctuary scheme referral")
    chair.fill("#id_due_on", (day + dt.timedelta(days=7)).isoformat())
    chair.click("button:has-text('Agree the action')")
    chair.wait_for_selector("text=Action agreed")
    assert "A. Patel" in chair.inner_text("[data-testid=actions]")
    chair.click(f"text=Warwick MARAC on {day.day}")
    agenda = pdf_text(chair, "[data-testid=agenda-link]")
    assert victim in agenda and "Paul Hart" in agenda and "10:00" in agenda
    assert "call-outs" not in agenda
    minutes = pdf_text(chair, "[data-testid=minutes-link]")
    for words in ("High risk: escalating threats", "Safety plan and sanctuary scheme",
                  "A. Patel", "Police: three call-outs since May"):
        assert words in minutes
    assert "Test Street" not in minutes
    assert chair.console_errors == []

    # the next meeting, five weeks on: the IDVA's action was never marked done
    coordinator.goto("/")
    coordinator.click("text=Plan a MARAC meeting")
    coordinator.select_option("#id_area", label="Warwick (monthly)")
    later = day + dt.timedelta(days=35)
    coordinator.fill("#id_held_at", f"{later.isoformat()}T10:00")
    coordinator.click("button:has-text('Plan the meeting')")
    coordinator.wait_for_selector("text=Warwick MARAC planned")
    overdue = coordinator.inner_text("[data-testid=overdue]")
    assert "Safety plan and sanctuary scheme" in overdue and victim in overdue
    assert "Safety plan and sanctuary scheme" in pdf_text(coordinator,
                                                          "[data-testid=agenda-link]")
    assert coordinator.console_errors == []

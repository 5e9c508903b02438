"""In a real browser at phone size: an analyst working from home opens the performance
measures from the home page, asks for one postcode district and a period with the form, and
sees the casework measures for that district with how each was placed (no console errors,
nothing wider than the screen)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from haven.insight.tests.test_export_to_measures import export  # noqa: F401 (fixture)
from haven.marac.models import Area, Case, Meeting, Referral
from haven.people.models import SourceRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def aware(text):
    return timezone.make_aware(dt.datetime.fromisoformat(text))


@pytest.fixture
def built(forces, export):  # noqa: F811 (the fixture above)
    call_command("ingest", str(export), "--force", "WARKS", "--source", "crime",
                 "--no-progress")
    # P1 (the victim of I1 and I2, both CV34, in January) is heard at MARAC in February
    victim = SourceRecord.objects.get(system="crime", source_id="P1").person
    area = Area.objects.create(force=forces["WARKS"], name="Warwick")
    referral = Referral.objects.create(
        force=forces["WARKS"], area=area, victim=victim, criterion="repeat",
        referred_at=aware("2026-01-25T09:00"), consent="given")
    meeting = Meeting.objects.create(force=forces["WARKS"], area=area,
                                     held_at=aware("2026-02-03T10:00"))
    Case.objects.create(meeting=meeting, referral=referral, heard_at=aware("2026-02-03T10:30"))
    call_command("insight", "refresh", "--no-progress")


def test_an_analyst_at_home_opens_the_casework_measures_for_one_area_on_a_phone(
        page_as, built):
    page = page_as("analyst", phone=True)
    page.click("text=Performance measures")
    page.fill("#id_from", "2026-01-01")
    page.fill("#id_to", "2026-03-31")
    page.fill("#id_area", "cv34")
    page.click("button:has-text('Show')")
    page.wait_for_selector("[data-testid=casework-measures]")
    assert "CV34" in page.inner_text(".govuk-caption-l")
    table = page.inner_text("[data-testid=casework-measures]")
    assert "MARAC cases heard" in table and "MARAC repeat rate" in table
    assert "100.0%" in table  # the one case heard in CV34 is a repeat
    assert "Warwick" in page.inner_text("[data-testid=marac-areas]")
    basis = page.inner_text("[data-testid=marac-basis]")
    assert "most recent DA incident" in basis and "not given for a postcode district" in basis
    assert "most recent DA incident" in page.inner_text("[data-testid=what-works-caveats]")
    assert "Wilson" in page.inner_text("[data-testid=what-works-caveats]")
    assert page.console_errors == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 391

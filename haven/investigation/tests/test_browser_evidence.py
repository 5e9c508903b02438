"""In a real browser on a phone: the officer goes from their home page to the briefing and
adds a photo from the scene; the fingerprint is shown and the file downloads intact."""

import hashlib

import pytest

from haven.investigation.models import EvidenceItem
from haven.investigation.tests.conftest import PROGRAM, photo_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_uploads_a_photo_from_the_briefing_on_a_phone(page_as, persona,
                                                                 make_da_incident, tmp_path):
    officer = persona("response_officer")
    incident = make_da_incident(officer=officer, state="dispatched")
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(photo_bytes())
    program = tmp_path / "holiday.jpg"
    program.write_bytes(PROGRAM)

    page = page_as("response_officer", phone=True)
    page.click(f"text={incident.reference}: domestic abuse")  # from "Incidents assigned to you"
    page.wait_for_selector("[data-testid=briefing-title]")
    assert page.get_attribute("#evidence-file", "capture") == "environment"
    assert "image/*" in page.get_attribute("#evidence-file", "accept")

    # A program renamed to look like a photo is refused, saying why.
    page.set_input_files("#evidence-file", str(program))
    page.click("[data-testid=upload-evidence]")
    page.wait_for_selector("[data-testid=upload-error]")
    assert "This file is a program, not a photo" in page.inner_text("[data-testid=upload-error]")
    # The refusal is answered 400 (the browser notes it); nothing else went wrong.
    assert all("400 (Bad Request)" in e for e in page.console_errors)
    page.console_errors.clear()

    page.set_input_files("#evidence-file", str(photo))
    page.fill("#evidence-description", "Bruising to the left arm")
    page.click("[data-testid=upload-evidence]")
    page.wait_for_selector("[data-testid=sha256]")
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert page.inner_text("[data-testid=sha256]") == digest
    assert "28 Aug 2026 21:15" in page.inner_text("[data-testid=captured]")
    # The copy shown (fetched through the authorised view) has loaded.
    page.wait_for_function("() => { const i = document.querySelector('main img');"
                           " return i && i.complete && i.naturalWidth > 0; }")
    assert page.evaluate("document.querySelector('main img').naturalWidth") == 40
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_download() as download_info:
        page.click("[data-testid=download]")
    saved = tmp_path / "downloaded"
    download_info.value.save_as(saved)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == digest
    assert page.console_errors == []
    item = EvidenceItem.objects.get()
    assert item.incident_id == incident.pk and item.uploaded_by == officer

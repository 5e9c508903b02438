"""The HAU lifts a refuge marker on a phone; until then no officer sees the address."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_hau_lifts_a_refuge_marker_with_a_reason_on_a_phone(page_as, add_record):
    person = add_record("pvp", "V1", forename="Joanne", surname="Castellan",
                        date_of_birth="1991-05-17", address_line="12a Refuge Road",
                        postcode="CV1 1AA", confidential_address="1").person
    add_record("crime", "C1", forename="Jo", surname="Castellan", date_of_birth="1991-05-17",
               address_line="12A REFUGE RD.", postcode="cv11aa")
    officer = page_as("snt_officer", phone=True)
    officer.goto(f"/people/{person.pk}/")
    assert "refuge" not in officer.content().lower()

    hau = page_as("hau", phone=True)
    hau.goto(f"/people/{person.pk}/")
    hau.locator("[data-testid=lift-confidential] summary").first.click()
    hau.locator("[data-testid=lift-confidential] textarea").first.fill("Own tenancy now")
    hau.get_by_role("button", name="Lift the marker").first.click()
    hau.get_by_text("Confidential marker lifted").wait_for(timeout=5000)
    assert hau.console_errors == [] and officer.console_errors == []

    officer.goto(f"/people/{person.pk}/")
    assert "12a Refuge Road" in officer.content()

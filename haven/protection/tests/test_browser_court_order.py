"""A court order recorded from a person's page, in a real phone-sized browser (issue 14): a
sergeant (who records court orders) finds the suspect from their home page, opens his
protection orders, records a restraining order protecting the victim, whom they find by
name on the form; the order then shows on the victim's case for the DARM. Nobody types an
id."""

import pytest
from playwright.sync_api import expect

from haven.protection.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(forces, persona):
    from haven.people.services import do_add_source_record
    from haven.safeguarding.cases import do_open_or_update_case

    def known(forename, surname, dob, **fields):
        return do_add_source_record(
            forces["WARKS"], {"forename": forename, "surname": surname, "date_of_birth": dob,
                              **fields},
            system="pnc", source_id=f"{forename}-{surname}", actor=persona("hau")).person

    suspect = known("Gareth", "Penrose", "1983-02-14", postcode="CV34 6AB")
    victim = known("Ruth", "Penrose", "1987-07-09", address_line="2 Safe House Row",
                   postcode="CV31 1ZZ", confidential_address=True)
    do_open_or_update_case(victim.force, victim.pk, grade="high", actor=persona("hau"))
    return suspect, victim


def test_a_sergeant_records_a_restraining_order_from_the_suspects_page(people, page_as):
    page = page_as("sergeant", phone=True)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Find a person").click()
    page.fill("#id_forename", "Gareth")
    page.fill("#id_surname", "Penrose")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Gareth Penrose").click()
    page.get_by_test_id("person-links").get_by_role("link", name="Protection orders").click()
    page.get_by_role("link", name="Record a court order or bail conditions against "
                                   "Gareth Penrose").click()
    expect(page.get_by_test_id("chosen-subject")).to_contain_text("Gareth Penrose")
    page.select_option("#id_kind", "restraining_order")
    page.fill("#id_protected_forename", "Ruth")
    page.fill("#id_protected_surname", "Penrose")
    page.get_by_role("button", name="Find person it protects (optional)").click()
    page.get_by_label("Ruth Penrose, born 9 Jul 1987").check()
    expect(page.locator("body")).not_to_contain_text("Safe House Row")
    page.fill("#id_starts_at", "2026-11-30T10:00")
    page.fill("#id_conditions", "Not to contact Ruth Penrose directly or indirectly")
    page.fill("#id_court", "Warwickshire Justice Centre")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("In force")
    order = Order.objects.get()
    assert (order.subject.display_name, order.protected.display_name) == (
        "Gareth Penrose", "Ruth Penrose")
    assert page.console_errors == []

    # The order shows on the victim's case for the domestic abuse risk manager.
    darm = page_as("darm", phone=True)
    darm.get_by_role("button", name="Menu").click()
    darm.get_by_role("link", name="Victims' cases").click()
    darm.get_by_role("link", name="Ruth Penrose").click()
    orders = darm.get_by_test_id("case-orders")
    expect(orders).to_contain_text(f"Restraining order {order.reference} against Gareth Penrose")
    expect(orders).to_contain_text("Not to contact Ruth Penrose")
    assert darm.console_errors == []

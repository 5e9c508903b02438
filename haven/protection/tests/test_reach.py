"""Court orders reached without typing a person's number (issue 14): from the person page,
from the victim's safeguarding case, from the crime page; the court-order form's person
search; breaches recorded once, in this room."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.access.models import AccessLogEntry
from haven.people.person_links import person_links
from haven.protection import services
from haven.protection.models import Order
from haven.safeguarding.panels import case_panels


def _known(force, persona, forename, surname, dob, **fields):
    """A person as the people room knows them (a source record), so a search finds them."""
    from haven.people.services import do_add_source_record

    record = do_add_source_record(force, {"forename": forename, "surname": surname,
                                          "date_of_birth": dob, **fields},
                                  system="pnc", source_id=f"{forename}-{surname}",
                                  actor=persona("hau"))
    return record.person


@pytest.fixture
def order(pair, persona):
    return services.do_record_court_order(
        pair[0].force, kind="restraining_order", subject=pair[0], protected=pair[1],
        starts_at=timezone.now() - dt.timedelta(days=3), ends_at=None,
        conditions="No contact with Dana Holloway; not to enter Priory Road",
        actor=persona("hau"))


def test_the_person_page_links_to_the_persons_protection_orders(pair, client_as):
    assert "protection.orders" in person_links()
    page = client_as("response_officer").get(f"/people/{pair[1].pk}/").content.decode()
    assert f'href="/protection/person/{pair[1].pk}/">Protection orders</a>' in page
    # and from there, the form with the person already chosen
    orders = client_as("hau").get(f"/protection/person/{pair[1].pk}/").content.decode()
    assert f"/protection/orders/new/?subject={pair[1].pk}" in orders


def test_the_court_order_form_finds_people_by_name_and_records_without_a_number(
        forces, persona, client_as):
    force = forces["WARKS"]
    victim = _known(force, persona, "Dana", "Holloway", "1988-04-12",
                    address_line="4 Refuge Lane", postcode="CV34 5ZZ", confidential_address=True)
    suspect = _known(force, persona, "Mark", "Holloway", "1985-09-30",
                     address_line="9 Elm Close", postcode="CV34 6AB")
    client = client_as("hau")
    page = client.get(f"/protection/orders/new/?protected={victim.pk}").content.decode()
    assert "Dana Holloway" in page and "born 12 Apr 1988" in page  # chosen, shown by name
    before = AccessLogEntry.objects.filter(person_id=suspect.pk).count()
    found = client.post("/protection/orders/new/", {
        "protected": victim.pk, "find": "subject", "subject_surname": "Holloway",
        "subject_forename": "Mark", "kind": "restraining_order",
        "conditions": "No contact"}).content.decode()
    assert f'name="subject" type="radio" value="{suspect.pk}"' in found
    assert "Mark Holloway" in found and "No contact" in found  # what was typed is kept
    assert "Refuge Lane" not in found and "Elm Close" not in found  # never an address
    assert AccessLogEntry.objects.filter(person_id=suspect.pk).count() > before  # logged
    assert not Order.objects.exists()
    response = client.post("/protection/orders/new/", {
        "protected": victim.pk, "subject": suspect.pk, "kind": "restraining_order",
        "starts_at": "2026-11-20T10:00", "conditions": "No contact"})
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/protection/{order.pk}/"
    assert (order.subject, order.protected, order.kind) == (suspect, victim, "restraining_order")


def test_the_court_order_form_without_a_person_chosen_says_to_search(client_as):
    response = client_as("hau").post("/protection/orders/new/", {
        "kind": "restraining_order", "starts_at": "2026-11-20T10:00", "conditions": "x"})
    assert "Choose the person the order is against: search by name." in response.content.decode()
    assert not Order.objects.exists()


def test_the_victims_case_shows_the_orders_protecting_them(pair, order, persona, client_as):
    from haven.safeguarding.cases import do_open_or_update_case

    assert "protection.orders" in case_panels()
    case = do_open_or_update_case(pair[1].force, pair[1].pk, grade="high",
                                  actor=persona("hau"))
    url = reverse("safeguarding:detail", args=[case.pk])
    full = client_as("darm").get(url).content.decode()
    assert "Orders protecting the victim" in full
    assert f"Restraining order PO-{order.pk}</a> against Mark Holloway" in full
    assert "not to enter Priory Road" in full  # conditions in the full view
    assert f"/protection/orders/new/?protected={pair[1].pk}" in full
    assert AccessLogEntry.objects.filter(person_id=pair[0].pk,
                                         reason="orders on the victim's case").exists()
    sanitised = client_as("snt_officer").get(url).content.decode()
    assert f"Restraining order PO-{order.pk}</a> against Mark Holloway" in sanitised
    assert "Priory Road" not in sanitised  # conditions may name places: full view only
    assert client_as("darm", "WMERC").get(url).status_code == 404


def test_an_ended_order_is_not_shown_on_the_case(pair, persona, client_as):
    from haven.safeguarding.cases import do_open_or_update_case

    services.do_record_court_order(
        pair[0].force, kind="non_molestation_order", subject=pair[0], protected=pair[1],
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=1), conditions="No molestation",
        actor=persona("hau"))
    case = do_open_or_update_case(pair[1].force, pair[1].pk, grade="high",
                                  actor=persona("hau"))
    page = client_as("darm").get(reverse("safeguarding:detail", args=[case.pk])).content.decode()
    assert "No notice or order in force protecting the victim." in page


def test_the_crime_page_lists_the_orders_and_a_breach_is_recorded_on_the_order(
        pair, order, persona, client_as):
    from haven.investigation.services import do_record_crime

    crime = do_record_crime(offences=["assault_with_injury"], victim=pair[1], suspect=pair[0],
                            actor=persona("detective"))
    client = client_as("detective")
    page = client.get(f"/investigation/{crime.pk}/").content.decode()
    assert "Orders protecting the victim" in page
    assert f"/protection/{order.pk}/?breach=1" in page
    assert f"/protection/orders/new/?subject={pair[0].pk}&amp;protected={pair[1].pk}" in page
    assert 'value="order_breach"' not in page  # no longer a custody event
    refused = client.post(f"/investigation/{crime.pk}/events/", {"kind": "order_breach"})
    assert refused.status_code == 400
    assert "Record a breach of a restraining order on the order itself" in (
        refused.content.decode())
    form = client.get(f"/protection/{order.pk}/?breach=1").content.decode()
    assert 'id="breach" open' in form

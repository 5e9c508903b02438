"""The room's pages: what the officer sees, and 404 for the wrong role and the other force."""

import datetime as dt

import pytest
from django.utils import timezone

from haven.protection import services
from haven.protection.models import Order


@pytest.fixture
def app(pair, persona):
    return services.do_open_application(pair[0].force, route="ask", person_at_risk=pair[1],
                                        subject=pair[0], actor=persona("darm"))


def urls(notice, app, pair):
    return {
        "/protection/": "response_officer",
        "/protection/notice/new/": "response_officer",
        "/protection/orders/new/": "hau",
        f"/protection/{notice.pk}/": "response_officer",
        f"/protection/person/{pair[0].pk}/": "response_officer",
        "/protection/clares-law/new/": "darm",
        f"/protection/clares-law/{app.pk}/": "marac_coordinator",
        "/protection/clares-law/measures/": "analyst",
    }


WRONG_ROLE = {
    "/protection/": "idva", "/protection/notice/new/": "call_handler",
    "/protection/orders/new/": "response_officer", "/protection/person/": "idva",
    "/protection/clares-law/new/": "marac_coordinator",
    "/protection/clares-law/measures/": "call_handler",
}


def _wrong_role(url):
    if url.startswith("/protection/clares-law/") and url.rstrip("/").split("/")[-1].isdigit():
        return "response_officer"
    if url.startswith("/protection/person/"):
        return "idva"
    if url.rstrip("/").split("/")[-1].isdigit():
        return "idva"
    return WRONG_ROLE[url]


def test_every_page_opens_for_its_role_and_is_404_for_the_wrong_role_and_other_force(
        notice, app, pair, client_as):
    for url, role in urls(notice, app, pair).items():
        assert client_as(role).get(url).status_code == 200, url
        assert client_as(_wrong_role(url)).get(url).status_code == 404, url
    for url, role in urls(notice, app, pair).items():
        if any(ch.isdigit() for ch in url):
            assert client_as(role, "WMERC").get(url).status_code == 404, url


def test_an_inspector_named_for_a_dvpn_is_refused_on_the_page_naming_the_rank(
        pair, persona, client_as):
    inspector = persona("inspector")
    page = client_as("response_officer").post("/protection/notice/new/", {
        "subject": pair[0].pk, "protected": pair[1].pk, "authoriser": inspector.pk,
        "grounds": "Threats", "conditions": "Not to molest"})
    assert page.status_code == 200
    assert "A DVPN must be authorised by a superintendent or above" in page.content.decode()
    assert not Order.objects.exists()


def test_a_notice_served_shows_its_countdown_and_a_breach_shows_the_crime_prompt(
        notice, client_as):
    client = client_as("response_officer")
    response = client.post(f"/protection/{notice.pk}/", {
        "step": "service", "version": notice.version,
        "served_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "served_where": "Custody suite", "address_for_notice": "His brother's"})
    assert response.status_code == 302
    page = client.get(f"/protection/{notice.pk}/").content.decode()
    assert "left: hearing by" in page
    page = client.post(f"/protection/{notice.pk}/", {
        "step": "breach", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "Came to the house"}).content.decode()
    assert "What to do about the breach" in page and "arrest without warrant" in page


def test_the_coordinators_home_shows_the_clock(app, client_as):
    page = client_as("marac_coordinator").get("/").content.decode()
    assert "Clare&#x27;s Law applications" in page or "Clare's Law applications" in page
    assert f"{app.reference} Right to ask" in page and "28 days left of 28" in page


def test_from_the_persons_orders_page_a_notice_form_opens_naming_them(pair, client_as):
    client = client_as("response_officer")
    page = client.get(f"/protection/person/{pair[0].pk}/").content.decode()
    assert "Give a protection notice against Mark Holloway" in page
    form = client.get(f"/protection/notice/new/?subject={pair[0].pk}").content.decode()
    assert "<strong>Mark Holloway</strong>, born 30 Sep 1985" in form
    assert 'id="id_protected_surname"' in form  # the person to protect: a search by name
    # Another force's person is not named: the form asks for a search instead.
    other = client_as("response_officer", "WMERC").get(
        f"/protection/notice/new/?subject={pair[0].pk}").content.decode()
    assert "Mark Holloway" not in other and 'id="id_subject_surname"' in other


def test_a_court_order_recorded_on_the_page_is_listed_for_both_parties(pair, client_as):
    client = client_as("hau")
    response = client.post("/protection/orders/new/", {
        "kind": "non_molestation_order", "subject": pair[0].pk, "protected": pair[1].pk,
        "starts_at": "2026-11-01T10:00", "ends_at": "2099-11-01T10:00",
        "conditions": "Not to contact her", "court": "Warwick Family Court"})
    assert response.status_code == 302
    order = Order.objects.get()
    for person in pair:
        page = client.get(f"/protection/person/{person.pk}/").content.decode()
        assert f"Non-molestation order {order.reference}" in page
    assert "Non-molestation order" in client.get("/protection/").content.decode()


def test_other_rooms_read_orders_in_force_through_public(pair, persona):
    from haven.protection.public import orders_in_force

    services.do_record_court_order(
        pair[0].force, kind="bail_conditions", subject=pair[0], protected=pair[1],
        starts_at=timezone.now(), ends_at=None, conditions="Not to enter Warwick",
        actor=persona("hau"))
    found = orders_in_force([pair[1].pk])
    assert [(o["label"], o["role"]) for o in found[pair[1].pk]] == [
        ("Bail conditions", "protected")]


def test_the_hau_records_the_dvpo_made_on_the_notice_page(served, client_as):
    client = client_as("hau")
    page = client.get(f"/protection/{served.pk}/").content.decode()
    assert "The court made the DVPO" in page and "Between 14 and 28 days" in page
    page = client.post(f"/protection/{served.pk}/", {
        "step": "made", "made_on": "2026-03-02", "days": "29", "conditions": "No contact"})
    assert "A DVPO lasts between 14 and 28 days" in page.content.decode()
    response = client.post(f"/protection/{served.pk}/", {
        "step": "made", "made_on": "2026-03-02", "days": "14", "conditions": "No contact"})
    made = Order.objects.get(kind="dvpo")
    assert response.url == f"/protection/{made.pk}/"
    assert "Sun 15 Mar 2026 (14 days, beginning with the day made)" in client.get(
        response.url).content.decode()

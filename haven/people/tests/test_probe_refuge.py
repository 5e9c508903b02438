"""Helper R's probe: a refuge address reaches no role without need through any screen."""

import pytest
from django.utils import timezone

REFUGE_LINE, REFUGE_PC = "12a Refuge Road", "CV1 1AA"
NO_NEED = ["snt_officer", "call_handler", "response_officer", "occ_supervisor", "sergeant"]


@pytest.fixture
def refuge_log(add_record, persona):
    """Jo at a refuge (flagged by one system only) is the victim on an open, dispatched log."""
    from haven.intake.models import Incident, IncidentProgress, Involvement

    jo = add_record("pvp", "V1", forename="Joanne", surname="Castellan",
                    date_of_birth="1991-05-17", phone="07700 900555",
                    address_line=REFUGE_LINE, town="Coventry", postcode=REFUGE_PC,
                    confidential_address="1").person
    add_record("niche", "N1", forename="Joanne", surname="Castellan",
               date_of_birth="1991-05-17", address_line="12A REFUGE RD", postcode="cv11aa")
    suspect = add_record("niche", "N2", forename="Dean", surname="Castellan",
                         address_line="4 Other Street", postcode="CV34 4AA").person
    incident = Incident.objects.create(
        force=jo.force, reference="RP00001", reported_via="call", category="domestic",
        opened_at=timezone.now(), state="dispatched", address_line="4 Other Street",
        postcode="CV34 4AA")
    IncidentProgress.objects.create(incident=incident, assigned_officer=persona("response_officer"))
    Involvement.objects.create(incident=incident, person=jo, role="victim")
    Involvement.objects.create(incident=incident, person=suspect, role="suspect")
    return jo, suspect, incident


def _leaks(body: str) -> list[str]:
    lowered = body.lower()
    return [s for s in ("refuge road", "refuge rd", "cv1 1aa", "cv11aa") if s in lowered]


@pytest.mark.parametrize("role", NO_NEED)
def test_no_screen_shows_the_refuge_address_to_a_role_without_need(client_as, refuge_log,
                                                                   role):
    jo, suspect, incident = refuge_log
    client = client_as(role)
    urls = [
        "/", f"/people/{jo.pk}/", f"/api/v1/people/{jo.pk}/", f"/intake/{incident.pk}/",
        f"/intake/{incident.pk}/briefing/", f"/intake/{incident.pk}/people/", "/intake/",
        f"/api/v1/incidents/{incident.pk}/", "/tasks/", "/api/v1/tasks/", "/risk/",
        "/intake/new/lookup/?surname=Castellan", f"/intake/new/lookup/?role_{jo.pk}=victim",
        f"/intake/new/?role_{jo.pk}=victim", "/people/search/?surname=Castellan",
        "/api/v1/people/lookup?surname=Castellan", f"/risk/new/?incident={incident.pk}",
        f"/api/v1/people/{suspect.pk}/",
    ]
    found = []
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        found += [(url, leak) for leak in _leaks(response.content.decode())]
    assert found == []


def test_control_public_protection_does_see_it(client_as, refuge_log):
    jo, _, _ = refuge_log
    assert _leaks(client_as("hau").get(f"/people/{jo.pk}/").content.decode())


@pytest.mark.parametrize("role", ["call_handler", "response_officer"])
def test_naming_the_refuge_resident_by_details_does_not_reveal_where_she_lives(
        client_as, refuge_log, role):
    from haven.intake.tests.helpers import full_checklist
    client = client_as(role)
    response = client.post("/api/v1/incidents/", {
        "reported_via": "call", "category": "domestic", "checklist": full_checklist(),
        "involvements": [{"role": "victim", "person": {
            "forename": "Joanne", "surname": "Castellan", "date_of_birth": "1991-05-17"}}]},
        content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert _leaks(response.content.decode()) == []
    incident_id = response.json()["id"]
    for url in (f"/api/v1/incidents/{incident_id}/", f"/intake/{incident_id}/",
                f"/intake/{incident_id}/people/", f"/intake/{incident_id}/briefing/"):
        assert _leaks(client.get(url).content.decode()) == [], url

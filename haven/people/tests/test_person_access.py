import pytest
from django.urls import reverse

from haven.access.models import AccessLogEntry
from haven.chronology.services import record_entry
from haven.people.models import PersonShare


def person_url(person):
    return reverse("people:detail", args=[person.pk])


def api_url(person):
    return f"/api/v1/people/{person.pk}/"


def test_own_force_officer_sees_the_person_and_the_read_is_logged(client_as, make_person):
    person = make_person(forename="Dana")
    response = client_as("snt_officer").get(person_url(person))
    assert response.status_code == 200
    assert b"Dana" in response.content
    entry = AccessLogEntry.objects.get(person_id=person.pk)
    assert (entry.username, entry.action, entry.outcome) == ("snt_officer.warks", "consultation",
                                                             "allowed")


def test_other_force_officer_gets_404_and_the_attempt_is_logged(client_as, make_person):
    person = make_person()
    client = client_as("snt_officer", "WMERC")
    assert client.get(person_url(person)).status_code == 404
    assert client.get(api_url(person)).status_code == 404
    refused = AccessLogEntry.objects.filter(person_id=person.pk, outcome="refused")
    assert refused.count() == 2
    assert set(refused.values_list("username", flat=True)) == {"snt_officer.wmerc"}


@pytest.mark.parametrize("role", ["trainer", "analyst", "senior_leader"])
def test_roles_without_need_get_404(client_as, make_person, role):
    person = make_person()
    assert client_as(role).get(person_url(person)).status_code == 404
    assert client_as(role).get(api_url(person)).status_code == 404


def test_missing_person_is_the_same_404(client_as, db):
    assert client_as("sergeant").get("/people/999999/").status_code == 404


def test_partner_sees_only_persons_shared_with_their_agency(client_as, make_person, persona):
    person = make_person()
    client = client_as("idva")
    assert client.get(person_url(person)).status_code == 404
    idva = persona("idva")
    PersonShare.objects.create(person=person, agency=idva.agency, reason="MARAC referral",
                               granted_by=persona("hau"))
    assert client.get(person_url(person)).status_code == 200
    assert client_as("childrens_services").get(person_url(person)).status_code == 404


def test_refuge_address_is_masked_for_a_neighbourhood_officer(client_as, make_person):
    person = make_person(confidential_address=True)
    page = client_as("snt_officer").get(person_url(person)).content
    assert b"1 Test Street" not in page
    assert b"Confidential address" in page
    data = client_as("snt_officer").get(api_url(person)).json()
    assert data["addresses"] == [{"masked": True, "confidential": True}]


def test_refuge_address_is_shown_to_the_harm_assessment_unit(client_as, make_person):
    person = make_person(confidential_address=True)
    page = client_as("hau").get(person_url(person)).content
    assert b"1 Test Street" in page
    assert b"never disclose" in page


def test_chronology_shows_only_what_the_role_may_read(client_as, make_person):
    from django.utils import timezone

    person = make_person()
    record_entry(person, occurred_at=timezone.now(), kind="note", source_room="people",
                 source_type="note", source_id=1, summary="Ordinary entry")
    record_entry(person, occurred_at=timezone.now(), kind="intel", source_room="people",
                 source_type="intel", source_id=2, summary="Confidential intelligence",
                 sensitivity=3)
    sergeant_page = client_as("sergeant").get(person_url(person)).content
    assert b"Ordinary entry" in sergeant_page
    assert b"Confidential intelligence" not in sergeant_page
    assert b"Confidential intelligence" in client_as("hau").get(person_url(person)).content

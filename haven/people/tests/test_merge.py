import pytest
from django.utils import timezone

from haven.access.models import AccessLogEntry
from haven.chronology.services import record_entry
from haven.core.concurrency import StaleEdit
from haven.people.merge import do_merge_persons, do_unmerge
from haven.people.models import MergeEvent, Person
from haven.people.services import InvalidRecord


def state(*persons):
    """Everything that hangs off each person, by id, plus their best values."""
    out = {}
    for person in persons:
        person = Person.objects.get(pk=person.pk)
        out[person.pk] = {
            "names": (person.forename, person.surname, person.date_of_birth,
                      person.merged_into_id),
            "records": set(person.source_records.values_list("pk", flat=True)),
            "addresses": set(person.addresses.values_list("pk", "confidential")),
            "entries": set(person.chronology_entries.exclude(
                kind__in=["persons_merged", "persons_unmerged"]).values_list("pk", flat=True)),
            "involvements": set(person.involvements.values_list("pk", "incident_id", "role")),
            "markers": set(person.warning_markers.values_list("pk", flat=True)),
        }
    return out


@pytest.fixture
def pair(add_record, victim_history):
    a = add_record("pvp", "P1", forename="Ann", surname="Lee", date_of_birth="1980-01-01",
                   address_line="1 Test Street", postcode="CV34 4AA").person
    b = add_record("crime", "C1", forename="Anne", surname="Leigh", date_of_birth="1980-10-01",
                   address_line="2 Safe Row", postcode="CV1 1AA",
                   confidential_address="1").person
    shared = victim_history(a, timezone.now())[0]
    from haven.intake.models import Involvement

    Involvement.objects.create(incident=shared, person=b, role="victim")  # same incident+role
    victim_history(b, timezone.now(), role="suspect")
    record_entry(b, occurred_at=timezone.now(), kind="note", source_room="people",
                 source_type="note", source_id=1, summary="Note about B")
    return a, b


def test_merge_then_unmerge_restores_the_exact_previous_state(pair, persona):
    a, b = pair
    before = state(a, b)
    event = do_merge_persons(a, b, reason="Same DOB typo", actor=persona("hau"))
    merged = state(a, b)
    assert merged[a.pk]["records"] == before[a.pk]["records"] | before[b.pk]["records"]
    assert merged[b.pk]["records"] == set() and merged[b.pk]["names"][3] == a.pk
    do_unmerge(event, actor=persona("hau"))
    assert state(a, b) == before


def test_merge_and_unmerge_are_each_one_combination_entry(pair, persona):
    a, b = pair
    event = do_merge_persons(a, b, reason="Same person", actor=persona("hau"))
    merge_log = AccessLogEntry.objects.filter(action="combination", person_id=a.pk,
                                              detail__merge_event=event.pk)
    assert merge_log.count() == 1
    do_unmerge(event, actor=persona("hau"))
    assert AccessLogEntry.objects.filter(action="combination",
                                         detail__unmerge_of=event.pk).count() == 2


def test_a_merge_needs_a_reason(pair, persona):
    a, b = pair
    with pytest.raises(InvalidRecord) as error:
        do_merge_persons(a, b, reason=" ", actor=persona("hau"))
    assert error.value.field == "reason"


def test_a_stale_merge_is_refused(pair, persona):
    a, b = pair
    with pytest.raises(StaleEdit):
        do_merge_persons(a, b, reason="x", actor=persona("hau"), version=a.version + 5)
    assert not MergeEvent.objects.exists()


def test_an_unmerge_cannot_be_done_twice(pair, persona):
    a, b = pair
    event = do_merge_persons(a, b, reason="x", actor=persona("hau"))
    do_unmerge(event, actor=persona("hau"))
    with pytest.raises(StaleEdit):
        do_unmerge(event, actor=persona("hau"))


def test_the_person_page_offers_merge_to_the_hau_and_the_buttons_work(pair, client_as):
    a, b = pair
    client = client_as("hau")
    page = client.get(f"/people/{a.pk}/").content.decode()
    assert 'name="other_person"' in page
    client.post(f"/people/{a.pk}/merge/", {"other_person": b.pk, "reason": "same",
                                           "version": a.version})
    event = MergeEvent.objects.get()
    page = client.get(f"/people/{a.pk}/").content.decode()
    assert "Undo merge with person" in page and "C1" in page
    client.post(f"/people/merges/{event.pk}/unmerge/")
    assert Person.objects.get(pk=b.pk).merged_into_id is None


@pytest.mark.parametrize("role", ["snt_officer", "call_handler", "analyst"])
def test_roles_without_merge_get_404_and_see_no_merge_form(pair, client_as, role):
    a, b = pair
    client = client_as(role)
    response = client.post(f"/people/{a.pk}/merge/", {"other_person": b.pk, "reason": "x"})
    assert response.status_code == 404
    assert not MergeEvent.objects.exists()
    if role != "analyst":
        assert b'name="other_person"' not in client.get(f"/people/{a.pk}/").content


def test_the_other_forces_hau_cannot_merge_or_unmerge(pair, client_as, persona):
    a, b = pair
    client = client_as("hau", "WMERC")
    assert client.post(f"/people/{a.pk}/merge/", {"other_person": b.pk, "reason": "x"}
                       ).status_code == 404
    event = do_merge_persons(a, b, reason="x", actor=persona("hau"))
    assert client.post(f"/people/merges/{event.pk}/unmerge/").status_code == 404
    assert MergeEvent.objects.get().unmerged_at is None


def test_a_person_page_shows_records_and_masks_a_refuge_address_for_the_sergeant(pair,
                                                                                 client_as,
                                                                                 persona):
    a, b = pair
    do_merge_persons(a, b, reason="x", actor=persona("hau"))
    page = client_as("sergeant").get(f"/people/{a.pk}/").content.decode()
    assert "pvp P1" in page and "crime C1" in page
    assert "2 Safe Row" not in page and "Confidential address" in page
    assert 'data-testid="link-explanation"' in page

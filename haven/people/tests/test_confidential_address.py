"""A refuge address stays hidden whatever the sources say (issue 8 item 3)."""

import pytest

from haven.access.models import AccessLogEntry
from haven.people.ingest import ingest_export
from haven.people.lookup import find_candidates
from haven.people.models import Address, Person, SourceRecord
from haven.people.tests.export_files import FILES, write_export

REFUGE_LINE, REFUGE_PC = "12a Refuge Road", "CV1 1AA"
NO_NEED = ["snt_officer", "call_handler", "response_officer"]


def page(client, person):
    return client.get(f"/people/{person.pk}/").content.decode()


def api(client, person):
    return client.get(f"/api/v1/people/{person.pk}/").json()


@pytest.fixture
def refuge(add_record):
    """Jo at a refuge, flagged by the public-protection system only."""
    return add_record("pvp", "V1", forename="Joanne", surname="Castellan",
                      date_of_birth="1991-05-17", phone="07700 900555",
                      address_line=REFUGE_LINE, town="Coventry", postcode=REFUGE_PC,
                      confidential_address="1").person


@pytest.mark.parametrize(("a", "b"), [
    (("12a Refuge Road", "CV1 1AA"), ("12A REFUGE RD.", "cv11aa")),
    (("12 A Refuge Rd", "CV1 1AA"), ("12a, Refuge  Road", "CV1  1AA")),
    (("Flat 2, 12a Refuge Road", "CV1 1AA"), ("12a Refuge Road", "CV1 1AA")),
    (("12a Refuge Road", ""), ("12A Refuge Rd", "")),
])
def test_one_place_however_it_is_spelt(a, b):
    from haven.people.addresses import place, same_place

    assert same_place(place(*a), place(*b))


def test_different_houses_or_postcodes_are_different_places():
    from haven.people.addresses import line_key, place, same_place

    assert not same_place(place("12a Refuge Road", "CV1 1AA"), place("14 Refuge Road", "CV1 1AA"))
    assert not same_place(place("12a Refuge Road", "CV1 1AA"), place("12a Refuge Road", "CV2 1AA"))
    assert line_key("12 St. John's Ave") == "12 STREET JOHN S AVENUE"


@pytest.mark.parametrize("role", NO_NEED)
def test_a_second_system_copy_of_a_refuge_address_is_masked_everywhere(refuge, add_record,
                                                                       client_as, role):
    crime = add_record("crime", "C1", forename="Jo", surname="Castellan",
                       date_of_birth="1991-05-17", address_line="12A REFUGE RD.",
                       town="Coventry", postcode="cv11aa", confidential_address="0")
    assert crime.person == refuge  # linked at once (name, date of birth agree)
    client = client_as(role)
    html = page(client, refuge)
    assert "Refuge" not in html and "REFUGE" not in html
    assert "CV1 1AA" not in html and "cv11aa" not in html
    assert "Confidential address – not shown to your role" in html
    assert all(row == {"masked": True, "confidential": True}
               for row in api(client, refuge)["addresses"])
    # The person's own address rows are flagged too (code reading the flag sees it).
    assert not Address.objects.filter(person=refuge, confidential=False).exists()


def test_an_unlinked_copy_of_a_refuge_address_is_masked_too(refuge, add_record, client_as):
    """A record nobody has linked yet (or a child at the refuge) still may not show it."""
    other = add_record("intel", "N1", forename="Sam", surname="Peters",
                       address_line="12a refuge road", postcode="CV1 1AA").person
    assert other != refuge
    html = page(client_as("snt_officer"), other)
    assert "refuge road" not in html.lower()
    assert api(client_as("snt_officer"), other)["addresses"] == [
        {"masked": True, "confidential": True}]


def test_roles_with_need_still_see_it_marked_confidential(refuge, add_record, client_as):
    add_record("crime", "C1", forename="Jo", surname="Castellan", date_of_birth="1991-05-17",
               address_line="12A REFUGE RD.", postcode="cv11aa")
    html = page(client_as("hau"), refuge)
    assert "12A REFUGE RD." in html and "Confidential – never disclose" in html


def test_reingesting_a_record_whose_flag_changed_to_1_masks_it(forces, tmp_path, client_as):
    export = write_export(tmp_path / "pvp")
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    person = SourceRecord.objects.get(source_id="P1").person
    assert "1 Test Street" in page(client_as("snt_officer"), person)
    people = [row[:] for row in FILES["people.csv"]]
    people[1][8] = "1"  # P1: confidential_address 0 -> 1
    write_export(export, {"people.csv": people})
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    client = client_as("snt_officer")
    assert "1 Test Street" not in page(client, person)
    assert api(client, person)["addresses"] == [{"masked": True, "confidential": True}]


def test_a_postcode_lookup_does_not_say_who_lives_at_a_refuge(refuge, add_record, client_as,
                                                              persona):
    for role in NO_NEED[1:]:
        assert find_candidates(persona(role), postcode="cv1 1aa") == []
        response = client_as(role).get("/api/v1/people/lookup", {"postcode": "CV1 1AA"})
        assert response.json()["results"] == []
        html = client_as(role).get("/people/search/", {"postcode": "CV1 1AA"}).content.decode()
        assert "Castellan" not in html and "1991" not in html
    # Found by name as anyone would be, but the postcode is no evidence either way.
    found = find_candidates(persona("call_handler"), surname="Castellan", postcode="CV1 1AA")
    assert [c.person for c in found] == [refuge]
    assert "postcode" not in {e["field"] for e in found[0].explanation}
    # Public protection still finds her at the address.
    assert [c.person for c in find_candidates(persona("hau"), postcode="CV1 1AA")] == [refuge]


def test_public_protection_can_lift_the_marker_with_a_reason_and_it_is_logged(
        refuge, client_as, persona):
    address = refuge.addresses.get()
    url = f"/people/{refuge.pk}/addresses/{address.pk}/lift/"
    # Not for a role without the right: 404, and the attempt logged.
    assert client_as("snt_officer").post(url, {"reason": "moved"}).status_code == 404
    assert client_as("detective").post(url, {"reason": "moved"}).status_code == 404
    assert AccessLogEntry.objects.filter(record_type="address", outcome="refused").count() == 2
    # A reason is required.
    hau = client_as("hau")
    hau.post(url, {"reason": "  "})
    assert REFUGE_LINE not in page(client_as("snt_officer"), refuge)
    hau = client_as("hau")
    response = hau.post(url, {"reason": "Left the refuge; own tenancy"}, follow=True)
    assert "Confidential marker lifted" in response.content.decode()
    assert REFUGE_LINE in page(client_as("snt_officer"), refuge)
    entry = AccessLogEntry.objects.get(record_type="address", outcome="allowed")
    assert (entry.username, entry.action, entry.reason) == (
        "hau.warks", "alteration", "Left the refuge; own tenancy")


def test_a_source_that_flags_the_place_again_after_a_lift_hides_it_again(
        refuge, add_record, persona, client_as):
    from haven.people.addresses import do_lift_confidential_address

    do_lift_confidential_address(refuge, refuge.addresses.get().pk, reason="Moved out",
                                 actor=persona("hau"))
    assert REFUGE_LINE in page(client_as("snt_officer"), refuge)
    add_record("pvp", "V1", forename="Joanne", surname="Castellan", date_of_birth="1991-05-17",
               phone="07700 900555", address_line=REFUGE_LINE, town="Coventry",
               postcode=REFUGE_PC, confidential_address="1", email="jo@example.org")
    assert REFUGE_LINE not in page(client_as("snt_officer"), Person.objects.get(pk=refuge.pk))


def test_the_review_screen_masks_an_unflagged_copy_of_a_refuge_address(refuge, add_record,
                                                                       client_as, persona):
    from haven.people.services import queue_review

    other = add_record("crime", "C7", forename="Joan", surname="Castle",
                       address_line="12A Refuge Rd", postcode="CV1 1AA")
    item = queue_review(SourceRecord.objects.get(source_id="V1"), other, 0.7, [])
    html = client_as("hau").get(f"/people/review/{item.pk}/").content.decode()
    assert "12A Refuge Rd" in html  # HAU has need
    persona("system_admin")
    html = client_as("system_admin").get(f"/people/review/{item.pk}/").content.decode()
    assert "Refuge R" not in html and "not shown to your role" in html


def test_each_lookup_candidate_carries_a_band_and_the_search_page_shows_it(refuge, client_as,
                                                                          persona):
    found = find_candidates(persona("call_handler"), forename="Joanne", surname="Castellan",
                            date_of_birth="1991-05-17", phone="07700900555")
    assert found[0].band in {"very likely", "possible", "unlikely"}
    response = client_as("call_handler").get("/api/v1/people/lookup", {"surname": "Castellan"})
    assert response.json()["results"][0]["band"] == find_candidates(
        persona("call_handler"), surname="Castellan")[0].band
    html = client_as("call_handler").get("/people/search/", {
        "surname": "Castellan"}).content.decode()
    assert 'data-testid="match-band"' in html and "%" not in html.split('id="candidates"')[1]


def test_the_band_thresholds_come_from_policy(refuge, persona, forces):
    import datetime as dt

    from haven.forces.models import PolicySetting

    PolicySetting.objects.create(force=forces["WARKS"], key="lookup_match_bands",
                                 value={"very_likely": 0.0, "possible": 0.0},
                                 effective_from=dt.date(2000, 1, 1))
    assert find_candidates(persona("call_handler"), surname="Castellan",
                           date_of_birth="1991-05-17")[0].band == "very likely"


def test_the_indexed_place_set_agrees_with_a_plain_scan():
    from haven.people.addresses import PlaceSet, is_confidential, place

    places = [place(f"{n} Refuge Road", f"CV{n % 7} 1AA") for n in range(50)] + [
        place("9 Lone Lane", ""), place("", "B1 1AA")]
    indexed = PlaceSet(places)
    probes = [place(f"{n} Refuge Rd", f"cv{n % 9}1aa") for n in range(60)] + [
        place("9 LONE LN", "B2 2BB"), place("Flat 3, 9 Lone Lane", ""), place("1 Any St", "B1 1AA"),
        place("", "")]
    assert [is_confidential(p, indexed) for p in probes] == [
        is_confidential(p, places) for p in probes]


def test_the_forces_and_a_persons_places_are_one_query_and_honour_a_lift(
        refuge, add_record, persona, django_assert_num_queries):
    """force_places / confidential_places read the flagged addresses, the flagged source
    records and the lifts as one UNION ALL: one round trip on every person read and lookup,
    and the same places as reading the three tables one by one."""
    from haven.forces.models import Force
    from haven.people.addresses import (
        _places,
        confidential_places,
        do_lift_confidential_address,
        force_places,
        place,
    )
    from haven.people.models import ConfidentialityLift

    other = add_record("pvp", "V2", forename="Ann", surname="Other", date_of_birth="1980-01-01",
                       address_line="3 Shelter Close", town="Rugby", postcode="CV21 2AA",
                       confidential_address="1").person
    do_lift_confidential_address(other, other.addresses.get().pk, reason="Moved out",
                                 actor=persona("hau"))
    with django_assert_num_queries(1):
        places = force_places(refuge.force_id)
    with django_assert_num_queries(1):
        by_person = confidential_places([refuge.pk, other.pk])
    assert place(REFUGE_LINE, REFUGE_PC) in places
    assert place("3 Shelter Close", "CV21 2AA") not in places  # lifted
    elsewhere = Force.objects.exclude(pk=refuge.force_id).first()
    assert place(REFUGE_LINE, REFUGE_PC) not in force_places(elsewhere.pk)  # another force's
    ids = [refuge.pk, other.pk]
    assert by_person == _places(
        Address.objects.filter(person_id__in=ids, confidential=True).values_list(
            "person_id", "line", "postcode", "recorded_at"),
        SourceRecord.objects.filter(person_id__in=ids, confidential_address=True).values_list(
            "person_id", "address_line", "postcode", "updated_at"),
        ConfidentialityLift.objects.filter(person_id__in=ids).values_list(
            "person_id", "postcode_key", "line_key", "lifted_at"))
    assert list(by_person) == [refuge.pk]


def test_a_refuge_postcode_finds_no_one_even_when_the_person_has_records_elsewhere(
        refuge, add_record, persona):
    # The lookup reads every record of each person it reaches; a person reached only
    # through the refuge's postcode must not be reached at all, nor through their others.
    old = add_record("crime", "C7", forename="Joanne", surname="Castellan",
                     date_of_birth="1991-05-17", address_line="3 Old Lane", postcode="CV2 3BB")
    SourceRecord.objects.filter(pk=old.pk).update(person=refuge)
    for role in NO_NEED[1:]:
        assert find_candidates(persona(role), postcode="CV1 1AA") == []
    found = find_candidates(persona("call_handler"), surname="Castellan", postcode="CV1 1AA")
    assert [c.person for c in found] == [refuge]
    assert ("postcode", "full postcode") not in {
        (e["field"], e["level"]) for e in found[0].explanation}

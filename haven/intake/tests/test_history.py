"""History at first contact: the people room's lookup through intake, and the address's
history."""

from haven.access.models import AccessLogEntry
from haven.intake import history


def test_the_call_screen_lookup_finds_only_the_own_forces_caller_with_history(
        findable_person, make_incident, persona):
    dana = findable_person(forename="Dana", surname="Whitfield")
    findable_person("WMERC", forename="Dana", surname="Whitfield")
    make_incident(victim=dana)
    found = history.find_candidates(persona("call_handler"), surname="whitfield")
    assert [c.person for c in found] == [dana]
    assert found[0].history["da_incidents"]["count"] == 1
    assert AccessLogEntry.objects.filter(record_type="lookup").exists()


def test_the_address_history_counts_earlier_incidents_and_children(forces, make_incident,
                                                                   make_person):
    from haven.intake.models import Involvement

    earlier = make_incident(postcode="CV34 4AA", address_line="1 Test Street")
    Involvement.objects.create(incident=earlier, person=make_person(forename="Kid"),
                               role="child")
    make_incident(postcode="CV34 4AA", address_line="9 Other Road")
    found = history.address_history(forces["WARKS"], address_line="1 test street",
                                    postcode="cv34 4aa")
    assert found["incidents"] == [earlier]
    assert [p.forename for p in found["children"]] == ["Kid"]


def test_an_incident_recorded_with_its_postcode_in_lower_case_is_found_at_the_address(
        forces, make_incident):
    """A system that exported "cv34 4aa" recorded the same address a handler types in
    capitals."""
    earlier = make_incident(postcode="cv34 4aa", address_line="1 Test Street")
    make_incident(postcode="CV34 4AB", address_line="1 Test Street")
    found = history.address_history(forces["WARKS"], address_line="1 Test Street",
                                    postcode="CV34 4AA")
    assert found["incidents"] == [earlier]

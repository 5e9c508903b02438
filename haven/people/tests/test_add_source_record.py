import datetime as dt

import pytest

from haven.access.models import AccessLogEntry
from haven.chronology.models import Entry
from haven.forces.policy import DEFAULTS
from haven.people.models import Person, ReviewItem, SourceRecord
from haven.people.services import InvalidRecord


def test_a_record_with_the_same_name_and_birth_date_joins_the_existing_person(add_record):
    first = add_record("pvp", "P1", forename="William", surname="Jones",
                       date_of_birth="1970-02-03", postcode="CV34 4AA")
    second = add_record("command_and_control", "CC7", forename="Bill", surname="Jones",
                        date_of_birth="1970-02-03", phone="07700 900111")
    assert second.person_id == first.person_id
    assert Person.objects.count() == 1
    assert AccessLogEntry.objects.filter(action="combination", person_id=first.person_id).exists()
    assert Entry.objects.filter(person=first.person, kind="record_linked").exists()


def test_a_near_match_goes_to_review_and_stays_a_separate_person(add_record):
    first = add_record("pvp", "P1", forename="William", surname="Jones",
                       date_of_birth="1970-02-03")
    second = add_record("crime", "C1", forename="William", surname="Jones",
                        date_of_birth="1970-02-08")
    assert second.person_id != first.person_id
    item = ReviewItem.objects.get()
    assert {item.record_a_id, item.record_b_id} == {first.pk, second.pk}
    lower, upper = DEFAULTS["linkage_review_band"].value
    assert lower <= item.probability < upper
    levels = {e["field"]: (e["level"], e["weight"]) for e in item.evidence}
    assert levels["date_of_birth"][0] == "one digit different"
    assert levels["date_of_birth"][1] > 0


def test_father_and_son_of_the_same_name_at_one_address_are_never_joined(add_record):
    father = add_record("pvp", "P1", forename="John", surname="Smith",
                        date_of_birth="1961-05-04", postcode="CV34 4AA", phone="07700900001")
    son = add_record("pvp", "P2", forename="John", surname="Smith",
                     date_of_birth="1989-05-04", postcode="CV34 4AA", phone="07700900001")
    assert father.person_id != son.person_id


def test_adding_the_same_source_id_again_updates_the_record_not_a_duplicate(add_record):
    first = add_record("pvp", "P1", forename="Ann", surname="Lee", phone="07700900222")
    again = add_record("pvp", "P1", forename="Ann", surname="Lee", phone="07700900333")
    assert again.pk == first.pk and SourceRecord.objects.count() == 1
    assert again.phone == "07700900333" and again.phone_norm == "+447700900333"


def test_a_bad_birth_date_is_refused_naming_the_field(add_record):
    with pytest.raises(InvalidRecord) as error:
        add_record("pvp", "P1", forename="Ann", date_of_birth="30/02/1970")
    assert error.value.field == "date_of_birth"
    assert not SourceRecord.objects.exists()


def test_a_birth_date_typed_day_first_is_read_as_people_here_write_it(add_record):
    record = add_record("pvp", "P1", forename="Ann", date_of_birth="03/02/1970")
    assert record.date_of_birth == dt.date(1970, 2, 3)


def test_unknown_fields_are_kept_as_attributes_and_a_refuge_stays_flagged(add_record):
    record = add_record("pvp", "P1", forename="Ann", surname="Lee", address_line="2 Safe Row",
                        postcode="CV1 1AA", confidential_address="1", custody_number="X1")
    assert record.attributes == {"custody_number": "X1"}
    assert record.person.addresses.get().confidential is True
    assert "Safe Row" not in str(AccessLogEntry.objects.values_list("detail", flat=True))


def test_a_record_is_never_linked_across_forces(add_record):
    first = add_record("pvp", "P1", forename="Ann", surname="Lee", date_of_birth="1980-01-01")
    other = add_record("pvp", "P1", "WMERC", forename="Ann", surname="Lee",
                       date_of_birth="1980-01-01")
    assert first.person_id != other.person_id

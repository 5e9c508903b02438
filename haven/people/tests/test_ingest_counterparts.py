"""A small ingest joins a record that shares only a name with a known person when both met
one person on the other side of an incident (issue 10: the incremental linker had no
incident evidence; `services.join_on_counterparts`)."""

import pytest

from haven.people.ingest import ingest_export
from haven.people.models import Person, ReviewItem, SourceRecord
from haven.people.tests.export_files import write_export

CC_PEOPLE = ["source_id", "forename", "surname", "date_of_birth", "phone", "postcode",
             "address_line"]
# Danielle Whitfield (pvp P1, her date of birth) at a friend's flat, and a man the control
# room recorded by name alone there.
DANIELLE = ["CC1", "Danielle", "Whitfield", "1988-04-12", "", "CV34 6CD", "9 Other Road"]
MARK = ["CC2", "Mark", "Whitfield", "", "", "CV34 6CD", "9 Other Road"]
INCIDENT = [["source_id", "occurred_at", "reported_via", "category", "postcode",
             "address_line"],
            ["CI1", "2026-09-01T23:10:00", "call", "domestic", "CV34 6CD", "9 Other Road"]]


def control_room(tmp_path, people, involvements):
    return write_export(tmp_path / "cc", {
        "people.csv": [CC_PEOPLE, *people],
        "incidents.csv": INCIDENT,
        "involvements.csv": [["incident_source_id", "person_source_id", "role",
                              "relationship"], *involvements]})


@pytest.fixture
def known(forces, tmp_path):
    """The pvp export of `export_files`: Danielle Whitfield (P1), victim of Mark Whitfield
    (P2, born 1985, her partner) in I1."""
    from haven.people.tests.export_files import FILES

    ingest_export(forces["WARKS"], "pvp", write_export(tmp_path / "pvp", FILES),
                  progress=False)
    return forces["WARKS"]


def crime_system(tmp_path, postcode, address_line, relationship):
    """The crime system's export: Danielle Whitfield (her date of birth) and a Mark
    Whitfield born 2006 at `postcode`, her suspect as `relationship`."""
    return write_export(tmp_path / "crime", {
        "people.csv": [["source_id", "forename", "surname", "date_of_birth", "postcode",
                        "address_line"],
                       ["CR1", "Danielle", "Whitfield", "1988-04-12", "CV34 4AA", ""],
                       ["CR2", "Mark", "Whitfield", "2006-03-03", postcode, address_line]],
        "incidents.csv": [["source_id", "occurred_at", "category", "postcode"],
                          ["X1", "2026-10-01T20:00:00", "domestic", postcode]],
        "involvements.csv": [["incident_source_id", "person_source_id", "role",
                              "relationship"],
                             ["X1", "CR1", "victim", ""],
                             ["X1", "CR2", "suspect", relationship]]})


def person_of(source_id):
    return SourceRecord.objects.get(source_id=source_id).person_id


def test_a_name_only_suspect_of_a_known_victim_joins_her_known_suspect(known, tmp_path):
    export = control_room(tmp_path, [DANIELLE, MARK],
                          [["CI1", "CC1", "victim", ""], ["CI1", "CC2", "suspect", "partner"]])
    report = ingest_export(known, "command_and_control", export, progress=False)
    assert person_of("CC1") == person_of("P1")  # her date of birth: joined at once
    assert person_of("CC2") == person_of("P2")  # his name and her: joined after the incidents
    assert report.linked == 2
    mark = Person.objects.get(pk=person_of("P2"))
    assert mark.involvements.filter(incident__reference="command_and_control:CI1",
                                    role="suspect").exists()
    assert not ReviewItem.objects.filter(decision="", record_a__person=mark,
                                         record_b__person=mark).exists()


def test_a_namesake_against_another_woman_stays_apart(known, tmp_path):
    other = ["CC3", "Eve", "Stranger", "1990-02-02", "", "CV34 6CD", "9 Other Road"]
    export = control_room(tmp_path, [other, MARK],
                          [["CI1", "CC3", "victim", ""], ["CI1", "CC2", "suspect", "partner"]])
    ingest_export(known, "command_and_control", export, progress=False)
    assert person_of("CC2") != person_of("P2")


def test_another_mobile_keeps_him_apart(known, tmp_path):
    # At their home, where names and the building alone would score him high enough.
    mark = [*MARK[:4], "07700 900999", "CV34 4AA", "1 Test Street"]
    export = control_room(tmp_path, [DANIELLE, mark],
                          [["CI1", "CC1", "victim", ""], ["CI1", "CC2", "suspect", "partner"]])
    ingest_export(known, "command_and_control", export, progress=False)
    assert person_of("CC1") == person_of("P1")
    assert person_of("CC2") != person_of("P2")


def test_her_son_of_his_name_is_not_joined_to_her_partner(known, tmp_path):
    export = control_room(tmp_path, [DANIELLE, MARK],
                          [["CI1", "CC1", "victim", ""], ["CI1", "CC2", "suspect", "family"]])
    ingest_export(known, "command_and_control", export, progress=False)
    assert person_of("CC2") != person_of("P2")


def test_a_record_fitting_two_men_of_one_name_joins_neither(known, tmp_path):
    # A second Mark Whitfield (born 2006) recorded by the crime system against her too.
    ingest_export(known, "crime", crime_system(tmp_path, "CV34 7EF", "", "partner"),
                  progress=False)
    assert person_of("CR2") != person_of("P2")
    export = control_room(tmp_path, [DANIELLE, MARK],
                          [["CI1", "CC1", "victim", ""], ["CI1", "CC2", "suspect", "partner"]])
    ingest_export(known, "command_and_control", export, progress=False)
    assert person_of("CC2") not in (person_of("P2"), person_of("CR2"))


def test_a_son_of_his_name_arriving_is_not_joined_to_a_record_that_may_be_father_or_son(
        known, tmp_path):
    # The control room recorded a Mark Whitfield by name alone as her family: kept apart
    # from Mark (born 1985, her partner), as above.
    export = control_room(tmp_path, [DANIELLE, MARK],
                          [["CI1", "CC1", "victim", ""], ["CI1", "CC2", "suspect", "family"]])
    ingest_export(known, "command_and_control", export, progress=False)
    undated = person_of("CC2")
    assert undated != person_of("P2")
    # Then the crime system records Mark Whitfield born 2006 against her. The undated record
    # may be him or his father: neither is joined to it.
    ingest_export(known, "crime", crime_system(tmp_path, "CV34 6CD", "9 Other Road", "family"),
                  progress=False)
    assert person_of("CR1") == person_of("P1")
    assert person_of("CR2") not in (undated, person_of("P2"))


@pytest.mark.parametrize("names_alone, joined", [("on", True), ("off", False)])
def test_his_name_alone_against_a_known_victim_joins_from_the_forces_policy(
        known, tmp_path, names_alone, joined):
    """A force that keeps counterpart joins to its link threshold keeps the control room's
    "Mark Whitfield" apart from the Mark Whitfield who harmed her, unless its policy
    `linkage_counterpart_names_alone` is on (the default), as the relink does."""
    from haven.forces.models import PolicySetting

    for key, value in (("linkage_counterpart_threshold", 0.98),
                       ("linkage_counterpart_names_alone", names_alone)):
        PolicySetting.objects.create(force=known, key=key, value=value,
                                     effective_from="2000-01-01")
    export = control_room(tmp_path, [DANIELLE, MARK],
                          [["CI1", "CC1", "victim", ""], ["CI1", "CC2", "suspect", "partner"]])
    ingest_export(known, "command_and_control", export, progress=False)
    assert person_of("CC1") == person_of("P1")
    assert (person_of("CC2") == person_of("P2")) is joined


def test_his_name_alone_is_not_joined_to_a_man_of_another_forename(known, tmp_path):
    """Names alone means both names: "Mike Whitfield" is not Mark, whoever she named."""
    from haven.forces.models import PolicySetting

    PolicySetting.objects.create(force=known, key="linkage_counterpart_threshold", value=0.98,
                                 effective_from="2000-01-01")
    mike = ["CC2", "Michael", "Whitfield", "", "", "CV34 6CD", "9 Other Road"]
    export = control_room(tmp_path, [DANIELLE, mike],
                          [["CI1", "CC1", "victim", ""], ["CI1", "CC2", "suspect", "partner"]])
    ingest_export(known, "command_and_control", export, progress=False)
    assert person_of("CC2") != person_of("P2")

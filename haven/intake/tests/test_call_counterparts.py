"""A man a handler adds by name alone against a victim whose earlier logs name a man of
that name as her suspect is that man on the log, his markers with him (issue 10: the call
screen's "Add as a new person" now asks what an ingest asks, `do_join_on_an_incident`)."""

import pytest
from django.urls import reverse

from haven.access.models import AccessLogEntry
from haven.intake.creation import do_add_involvement, do_create_incident
from haven.intake.models import Incident
from haven.intake.tests.helpers import full_checklist
from haven.intake.tests.test_views import call_post
from haven.people.ingest import ingest_export
from haven.people.models import SourceRecord
from haven.people.tests.export_files import FILES, write_export


@pytest.fixture
def force(forces, tmp_path):
    """The pvp export: Danielle Whitfield (P1), victim of Mark Whitfield (P2, born 1985,
    her partner, a weapons warning) in I1."""
    ingest_export(forces["WARKS"], "pvp", write_export(tmp_path / "pvp", FILES),
                  progress=False)
    return forces["WARKS"]


def person_of(source_id):
    return SourceRecord.objects.get(source_id=source_id).person


def open_log(force, persona, victim, suspect_details, relationship="partner"):
    return do_create_incident(
        force, reported_via="call", category="domestic", checklist=full_checklist(),
        involvements=[{"person": victim, "role": "victim"},
                      {"details": suspect_details, "role": "suspect",
                       "relationship": relationship}],
        actor=persona("call_handler"))


def suspect_on(incident):
    return incident.involvements.get(role="suspect").person


def test_her_suspect_named_by_name_alone_is_the_man_her_records_name(force, persona):
    danielle, mark = person_of("P1"), person_of("P2")
    incident = open_log(force, persona, danielle, {"forename": "Mark", "surname": "Whitfield"})
    assert suspect_on(incident) == mark
    assert "weapons_marker" in incident.progress.risk_markers  # his warning, on this log
    # The handler's words are kept as a record of his, and the join is in the access log.
    assert mark.source_records.filter(system="haven").count() == 1
    assert AccessLogEntry.objects.filter(action="combination", person_id=mark.pk,
                                         detail__counterparts=True).exists()


def test_another_forename_stays_a_new_person(force, persona):
    incident = open_log(force, persona, person_of("P1"),
                        {"forename": "Michael", "surname": "Whitfield"})
    assert suspect_on(incident) != person_of("P2")
    assert "weapons_marker" not in incident.progress.risk_markers


def test_against_a_woman_he_never_met_he_stays_a_new_person(force, persona, make_person):
    stranger = make_person(forename="Eve", surname="Stranger")
    incident = open_log(force, persona, stranger, {"forename": "Mark", "surname": "Whitfield"})
    assert suspect_on(incident) != person_of("P2")


def test_her_son_of_his_name_is_not_joined_to_her_partner(force, persona):
    incident = open_log(force, persona, person_of("P1"),
                        {"forename": "Mark", "surname": "Whitfield"}, relationship="family")
    assert suspect_on(incident) != person_of("P2")


def test_named_on_a_log_already_open_he_joins_too(force, persona):
    danielle, mark = person_of("P1"), person_of("P2")
    incident = do_create_incident(
        force, reported_via="call", category="domestic", checklist=full_checklist(),
        involvements=[{"person": danielle, "role": "victim"}], actor=persona("call_handler"))
    involvement = do_add_involvement(incident, role="suspect", relationship="partner",
                                     details={"forename": "Mark", "surname": "Whitfield"},
                                     actor=persona("call_handler"))
    assert involvement.person == mark
    incident.progress.refresh_from_db()
    assert "weapons_marker" in incident.progress.risk_markers


@pytest.fixture
def dev_sharma(findable_person, make_incident):
    """dev_sharma(victim_of_his_log=None) -> (Priya Kaur, Dev Sharma, who lives elsewhere),
    Dev the suspect on a Haven log of `victim_of_his_log` (Priya if None)."""
    priya = findable_person(forename="Priya", surname="Kaur", date_of_birth="1985-06-07")

    def make(victim_of_his_log=None):
        dev = findable_person(forename="Dev", surname="Sharma", date_of_birth="1983-01-09",
                              postcode="B1 1AA", address_line="5 Far Road")
        make_incident(victim=victim_of_his_log or priya, suspect=dev)
        return priya, dev

    return make


def test_in_a_force_running_haven_alone_her_earlier_haven_log_ties_him(
        forces, persona, dev_sharma):
    # No export: her earlier log is Haven's own, on which a handler picked both of them.
    priya, dev = dev_sharma()
    incident = open_log(forces["WARKS"], persona, priya, {"forename": "Dev", "surname": "Sharma"})
    assert suspect_on(incident) == dev


def test_a_man_of_that_name_on_a_log_of_another_woman_is_not_him(
        forces, persona, dev_sharma, findable_person):
    other = findable_person(forename="Ann", surname="Other", date_of_birth="1990-02-02")
    priya, dev = dev_sharma(victim_of_his_log=other)
    incident = open_log(forces["WARKS"], persona, priya, {"forename": "Dev", "surname": "Sharma"})
    assert suspect_on(incident) != dev


# ---- The handler is told in words -----------------------------------------------------------

def test_the_log_says_in_words_that_the_man_added_as_new_was_recognised(
        force, client_as):
    """Added by name alone and joined to the man her records name: the save message and his
    card on the log say Haven already knew him and from where, not only his history."""
    client = client_as("call_handler")
    response = client.post(reverse("intake:new"), call_post(
        full_checklist(), **{f"role_{person_of('P1').pk}": "victim", "new_role": "suspect",
                             "forename": "Mark", "surname": "Whitfield"}), follow=True)
    text = response.content.decode()
    assert "1 person you added as new was already known to Haven" in text
    assert 'data-testid="recognised"' in text
    assert "already knew this person from pvp records" in text


def test_a_new_person_who_is_new_is_not_called_recognised(force, client_as):
    client = client_as("call_handler")
    response = client.post(reverse("intake:new"), call_post(
        full_checklist(), **{f"role_{person_of('P1').pk}": "victim", "new_role": "suspect",
                             "forename": "Michael", "surname": "Whitfield"}), follow=True)
    text = response.content.decode()
    assert "already known to Haven" not in text
    assert 'data-testid="recognised"' not in text


def test_added_on_the_people_page_the_officer_is_told_too(force, client_as, persona):
    incident = do_create_incident(
        force, reported_via="call", category="domestic", checklist=full_checklist(),
        involvements=[{"person": person_of("P1"), "role": "victim"}],
        actor=persona("call_handler"))
    response = client_as("response_officer").post(
        reverse("intake:people", args=[incident.pk]),
        {"role": "suspect", "relationship": "partner", "forename": "Mark",
         "surname": "Whitfield"}, follow=True)
    text = response.content.decode()
    assert "Haven already knew them" in text
    assert "already knew this person from pvp records" in text


def test_recognised_from_earlier_haven_logs_in_a_force_running_haven_alone(
        forces, persona, client_as, findable_person):
    # Dev was first told to Haven on her earlier log, with his date of birth: Haven's own
    # record is all there is of him.
    priya = findable_person(forename="Priya", surname="Kaur", date_of_birth="1985-06-07")
    first = open_log(forces["WARKS"], persona, priya, {
        "forename": "Dev", "surname": "Sharma", "date_of_birth": "1983-01-09"})
    dev = suspect_on(first)
    response = client_as("call_handler").post(reverse("intake:new"), call_post(
        full_checklist(), **{f"role_{priya.pk}": "victim", "new_role": "suspect",
                             "forename": "Dev", "surname": "Sharma"}), follow=True)
    assert suspect_on(Incident.objects.exclude(pk=first.pk).get()) == dev
    assert "Haven already knew this person from earlier Haven logs" in response.content.decode()


# ---- The suspect's relationship, said on the call --------------------------------------------

def test_the_handler_records_the_suspects_relationship_and_the_log_shows_it(force, client_as):
    response = client_as("call_handler").post(reverse("intake:new"), call_post(
        full_checklist(), **{f"role_{person_of('P1').pk}": "victim", "new_role": "suspect",
                             "forename": "Mark", "surname": "Whitfield",
                             "suspect_relationship": "ex_partner"}), follow=True)
    incident = Incident.objects.get(source_system="")
    assert incident.involvements.get(role="suspect").relationship == "ex_partner"
    assert 'data-testid="relationship">Ex-partner<' in response.content.decode()


def test_said_to_be_her_family_a_man_of_her_partners_name_stays_new(force, client_as):
    """Her son of his father's name: the relationship the handler records keeps him apart."""
    client_as("call_handler").post(reverse("intake:new"), call_post(
        full_checklist(), **{f"role_{person_of('P1').pk}": "victim", "new_role": "suspect",
                             "forename": "Mark", "surname": "Whitfield",
                             "suspect_relationship": "family"}))
    incident = Incident.objects.get(source_system="")
    assert suspect_on(incident) != person_of("P2")
    assert incident.involvements.get(role="suspect").relationship == "family"


def test_a_relationship_haven_does_not_know_is_refused_at_the_select(force, client_as):
    response = client_as("call_handler").post(reverse("intake:new"), call_post(
        full_checklist(), **{f"role_{person_of('P1').pk}": "victim", "new_role": "suspect",
                             "forename": "Mark", "surname": "Whitfield",
                             "suspect_relationship": "lodger"}))
    text = response.content.decode()
    assert response.status_code == 400
    assert 'href="#suspect_relationship"' in text
    assert "Choose a relationship" in text
    assert not Incident.objects.filter(source_system="").exists()


def test_a_picked_suspect_gets_the_relationship_too(force, client_as):
    client_as("call_handler").post(reverse("intake:new"), call_post(
        full_checklist(), **{f"role_{person_of('P1').pk}": "victim",
                             f"role_{person_of('P2').pk}": "suspect",
                             "suspect_relationship": "partner"}))
    incident = Incident.objects.get(source_system="")
    assert incident.involvements.get(role="suspect").relationship == "partner"
    assert incident.involvements.get(role="victim").relationship == ""

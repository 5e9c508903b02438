"""The call screen for a live call: the people panel beside the form, one row per person,
a calibrated match band with its evidence, and every person shown written to the access log."""

import pytest
from django.urls import reverse

from haven.access.models import AccessLogEntry


def lookup(client, **params):
    return client.get(reverse("intake:lookup"), params, HTTP_HX_REQUEST="true")


def shown_entries():
    return list(AccessLogEntry.objects.filter(record_type="call_screen"))


def test_the_lookup_partial_logs_every_person_it_shows_including_people_picked_by_id(
        client_as, findable_person, make_person):
    match = findable_person(forename="Dana", surname="Whitfield", date_of_birth="1988-04-12")
    picked = [make_person(forename=f"P{n}") for n in range(3)]
    response = lookup(client_as("call_handler"), surname="Whitfield",
                      **{f"role_{p.pk}": "witness" for p in picked})
    page = response.content.decode()
    assert all(p.display_name in page for p in picked) and "Dana Whitfield" in page
    entries = shown_entries()
    assert sorted(e.person_id for e in entries) == sorted([match.pk] + [p.pk for p in picked])
    assert {e.username for e in entries} == {"call_handler.warks"}
    assert all("Whitfield" not in str(e.detail) + e.reason for e in entries)


def test_people_picked_by_id_from_another_force_are_not_shown_and_logged_as_refused(
        client_as, make_person):
    stranger = make_person("WMERC", forename="Hidden", surname="Person")
    response = lookup(client_as("call_handler"), **{f"role_{stranger.pk}": "victim"})
    assert b"Hidden" not in response.content
    assert [(e.person_id, e.outcome) for e in shown_entries()] == [(stranger.pk, "refused")]


def test_an_exact_name_and_birth_date_reads_very_likely_with_the_evidence(
        client_as, findable_person):
    findable_person(forename="Dana", surname="Whitfield", date_of_birth="1988-04-12")
    page = lookup(client_as("call_handler"), forename="Dana", surname="Whitfield",
                  date_of_birth="1988-04-12").content.decode()
    assert "Very likely the same person" in page
    assert "Agrees: first name, last name, date of birth" in page
    assert "%" not in page.split('data-testid="candidates"')[1]


def test_the_handler_is_told_what_the_match_bands_were_scored_with(client_as, findable_person):
    findable_person(forename="Dana", surname="Whitfield", date_of_birth="1988-04-12")
    page = lookup(client_as("call_handler"), surname="Whitfield").content.decode()
    note = page.split('data-testid="scored-with">')[1].split("</p>")[0]
    assert "Scored with the default linkage weights" in note


def test_a_surname_alone_is_not_presented_as_a_likely_match(client_as, findable_person):
    findable_person(forename="Dana", surname="Whitfield", date_of_birth="1988-04-12")
    page = lookup(client_as("call_handler"), forename="Ann",
                  surname="Whitfield").content.decode()
    assert "Very likely" not in page
    assert "Differs: first name" in page


def test_the_band_thresholds_come_from_policy(client_as, findable_person, forces):
    import datetime as dt

    from haven.forces.models import PolicySetting

    findable_person(forename="Dana", surname="Whitfield", date_of_birth="1988-04-12")
    PolicySetting.objects.create(force=forces["WARKS"], key="lookup_match_bands",
                                 value={"very_likely": 0.9999999, "possible": 0.2},
                                 effective_from=dt.date(2000, 1, 1))
    page = lookup(client_as("call_handler"), forename="Dana", surname="Whitfield",
                  date_of_birth="1988-04-12").content.decode()
    assert "Possibly the same person" in page


def test_choosing_a_match_moves_them_on_the_log_once_and_clears_the_who_fields(
        client_as, findable_person):
    dana = findable_person(forename="Dana", surname="Whitfield", date_of_birth="1988-04-12")
    page = lookup(client_as("call_handler"), surname="Whitfield", picked="1",
                  **{f"role_{dana.pk}": "victim"}).content.decode()
    assert page.count(f'id="role_{dana.pk}"') == 1
    assert f'data-testid="on-log" data-person-id="{dana.pk}"' in page
    assert 'data-testid="candidate"' not in page
    assert 'id="who-fields"' in page and 'hx-swap-oob="true"' in page
    assert 'name="surname" type="text" autocomplete="off" value=""' in page


def test_adding_a_new_person_on_the_partial_lists_them_and_keeps_earlier_ones(
        client_as, findable_person):
    dana = findable_person(forename="Dana", surname="Whitfield")
    page = lookup(client_as("call_handler"), add="new", forename="Tom", surname="Brook",
                  new_role="suspect", **{f"role_{dana.pk}": "victim"}).content.decode()
    assert 'name="new_0_forename" value="Tom"' in page
    assert f'data-testid="on-log" data-person-id="{dana.pk}"' in page
    assert 'hx-swap-oob="true"' in page


def test_adding_a_new_person_without_a_role_says_what_is_missing(client_as):
    page = lookup(client_as("call_handler"), add="new", forename="Tom").content.decode()
    assert "choose their role on this log" in page
    assert 'name="new_0_forename"' not in page


def test_the_call_form_is_marked_for_server_side_drafts_and_the_panel_sits_beside_it(
        client_as):
    page = client_as("call_handler").get(reverse("intake:new")).content.decode()
    assert 'data-haven-draft="call"' in page
    assert 'class="govuk-grid-column-one-half haven-call-form"' in page
    assert "intake/call.css" in page


@pytest.mark.parametrize("role, force", [("trainer", "WARKS"), ("idva", "WARKS")])
def test_the_lookup_partial_is_404_for_roles_without_need(client_as, findable_person, role,
                                                          force):
    dana = findable_person(forename="Dana", surname="Whitfield")
    response = lookup(client_as(role, force), surname="Whitfield",
                      **{f"role_{dana.pk}": "victim"})
    assert response.status_code == 404
    assert b"Whitfield" not in response.content
    refused, = AccessLogEntry.objects.filter(record_type="call_screen")
    assert refused.outcome == "refused" and refused.username == f"{role}.{force.lower()}"


def test_the_other_forces_handler_finds_nobody_here(client_as, findable_person):
    findable_person(forename="Dana", surname="Whitfield")
    page = lookup(client_as("call_handler", "WMERC"), surname="Whitfield").content
    assert b"Whitfield" not in page and b"No one found" in page


def test_the_suspect_on_the_victims_earlier_log_is_offered_and_logged(
        client_as, make_incident, make_person):
    victim, suspect = make_person(forename="Priya"), make_person(forename="Dev")
    make_incident(victim=victim, suspect=suspect)
    page = lookup(client_as("call_handler"), **{f"role_{victim.pk}": "victim"}).content.decode()
    assert f'data-testid="earlier-suspect" data-person-id="{suspect.pk}"' in page
    assert sorted(e.person_id for e in shown_entries()) == sorted([victim.pk, suspect.pk])
    other_force = lookup(client_as("call_handler", "WMERC"),
                         **{f"role_{victim.pk}": "victim"}).content.decode()
    assert "Dev" not in other_force


def test_a_restored_draft_brings_back_the_people_on_the_log(client_as, make_person):
    """The call's server-side draft keeps `people_state`; a fresh page restores it."""
    dana = make_person(forename="Dana")
    client = client_as("call_handler")
    page = lookup(client, add="new", forename="Tom", new_role="suspect",
                  **{f"role_{dana.pk}": "victim"}).content.decode()
    state = page.split('name="people_state" value="')[1].split('"')[0]
    assert f"role_{dana.pk}=victim" in state and "new_0_forename=Tom" in state
    restored = lookup(client, people_state=state.replace("&amp;", "&")).content.decode()
    assert f'data-testid="on-log" data-person-id="{dana.pk}"' in restored
    assert 'name="new_0_forename" value="Tom"' in restored
    # A role changed on the page wins over the saved state.
    removed = lookup(client, people_state=state.replace("&amp;", "&"),
                     **{f"role_{dana.pk}": ""}).content.decode()
    assert 'data-testid="on-log"' not in removed

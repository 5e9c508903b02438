"""Dispatch to someone: a named officer or a unit; the officer's home lists what is theirs;
arrival leads to the DASH; the briefing says what the caller said; lists log who they name."""

import pytest
from django.urls import reverse

from haven.access.models import AccessLogEntry
from haven.web.home import sections_for


def graded(make_incident, **fields):
    return make_incident(progress={"grade": "immediate", "checklist_complete": True},
                         **fields)


def test_dispatch_names_an_officer_who_then_sees_it_on_their_home(client_as, make_incident,
                                                                  persona):
    mine, other = graded(make_incident), graded(make_incident)
    officer = persona("response_officer")
    client = client_as("call_handler")
    page = client.get(reverse("intake:detail", args=[mine.pk])).content.decode()
    assert f'<option value="{officer.pk}">' in page
    response = client.post(reverse("intake:step", args=[mine.pk, "dispatched"]),
                           {"officer": officer.pk, "version": mine.version})
    assert response.status_code == 302
    client.post(reverse("intake:step", args=[other.pk, "dispatched"]),
                {"unit": "WK21", "version": other.version})
    other.refresh_from_db()
    other.progress.refresh_from_db()
    assert other.progress.assigned_unit == "WK21" and other.state == "dispatched"
    home = {s["title"]: s["items"] for s in sections_for(officer)}
    assert [i["text"].split(":")[0] for i in home["Incidents assigned to you"]] == [
        mine.reference]
    assert "victim Vic Tim" in home["Incidents assigned to you"][0]["text"]


def test_dispatch_without_an_officer_or_unit_is_refused_on_the_page(client_as, make_incident):
    incident = graded(make_incident)
    response = client_as("call_handler").post(
        reverse("intake:step", args=[incident.pk, "dispatched"]), {"version": incident.version})
    assert response.status_code == 400
    assert b"Choose the officer to send" in response.content
    incident.refresh_from_db()
    assert incident.state == "opened"


def test_an_officer_of_another_force_cannot_be_sent(client_as, make_incident, persona):
    incident = graded(make_incident)
    stranger = persona("response_officer", "WMERC")
    response = client_as("call_handler").post(
        reverse("intake:step", args=[incident.pk, "dispatched"]),
        {"officer": stranger.pk, "version": incident.version})
    assert response.status_code == 400
    incident.refresh_from_db()
    assert incident.state == "opened"


def test_the_home_section_logs_the_victims_it_names(make_incident, persona):
    from haven.intake.services import do_dispatch_incident

    officer = persona("response_officer")
    incident = graded(make_incident)
    do_dispatch_incident(incident, actor=persona("call_handler"), officer=officer)
    AccessLogEntry.objects.all().delete()
    sections_for(officer)
    entry = AccessLogEntry.objects.get(record_type="incident_list")
    victim = incident.involvements.get(role="victim").person_id
    assert entry.person_id == victim and entry.username == officer.username


def test_after_arrival_the_briefing_offers_the_dash_and_shows_what_the_caller_said(
        client_as, make_incident):
    incident = make_incident(state="dispatched", summary="Caller says he has a knife")
    client = client_as("response_officer")
    page = client.get(reverse("intake:briefing", args=[incident.pk])).content.decode()
    assert "Caller says he has a knife" in page
    assert "Start the DASH" not in page
    client.post(reverse("intake:step", args=[incident.pk, "attended"]),
                {"version": incident.version})
    page = client.get(reverse("intake:briefing", args=[incident.pk])).content.decode()
    assert f'href="/risk/new/?incident={incident.pk}"' in page and "Start the DASH" in page
    dash = client.get(f"/risk/new/?incident={incident.pk}")
    assert dash.status_code == 200


@pytest.mark.parametrize("role, force", [("response_officer", "WMERC"), ("trainer", "WARKS")])
def test_other_force_and_roles_without_need_cannot_dispatch(client_as, make_incident, persona,
                                                           role, force):
    incident = graded(make_incident)
    response = client_as(role, force).post(
        reverse("intake:step", args=[incident.pk, "dispatched"]),
        {"officer": persona("response_officer").pk})
    assert response.status_code == 404


def test_the_incident_list_names_the_victim_and_logs_it(client_as, make_incident):
    incident = make_incident()
    page = client_as("sergeant").get(reverse("intake:list")).content.decode()
    assert "Vic Tim" in page
    entry = AccessLogEntry.objects.get(record_type="incident_list")
    assert entry.person_id == incident.involvements.get(role="victim").person_id


def test_the_api_dispatches_to_a_named_officer_and_refuses_another_forces(
        client_as, make_incident, persona):
    incident = graded(make_incident)
    client = client_as("call_handler")
    url = f"/api/v1/incidents/{incident.pk}/step/"
    stranger = persona("response_officer", "WMERC")
    refused = client.post(url, {"step": "dispatch", "officer": stranger.pk},
                          content_type="application/json")
    assert refused.status_code == 400 and "officer" in refused.json()
    officer = persona("response_officer")
    done = client.post(url, {"step": "dispatch", "officer": officer.pk, "unit": "WK21"},
                       content_type="application/json")
    assert done.json()["state"] == "dispatched"
    assert done.json()["assigned_officer"] == officer.pk and done.json()["assigned_unit"] == "WK21"
    incident.progress.refresh_from_db()
    assert incident.progress.assigned_officer == officer
    assert incident.progress.assigned_unit == "WK21"

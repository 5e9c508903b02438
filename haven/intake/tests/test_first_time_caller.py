"""A caller Haven has never met: the handler, the API and the officer at the scene name people
from what is said, recorded as Haven's own source records and linked like any other."""

import pytest
from django.urls import reverse

from haven.access.models import AccessLogEntry
from haven.intake.models import Incident
from haven.intake.tests.helpers import full_checklist
from haven.intake.tests.test_views import call_post
from haven.people.models import Person, SourceRecord

URL = "/api/v1/incidents/"


def test_the_handler_names_a_new_victim_and_suspect_on_the_call_screen(client_as):
    data = call_post(full_checklist(), **{
        "new_0_role": "victim", "new_0_forename": "Maya", "new_0_surname": "Brennan",
        "new_0_date_of_birth": "1991-03-04", "new_0_at_address": "yes",
        "new_1_role": "suspect", "new_1_forename": "Tom", "new_1_phone": "07700 900123"})
    response = client_as("call_handler").post(reverse("intake:new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    roles = {i.role: i.person for i in incident.involvements.select_related("person")}
    assert roles["victim"].display_name == "Maya Brennan"
    assert str(roles["victim"].date_of_birth) == "1991-03-04"
    assert roles["victim"].addresses.get().postcode == "CV34 4AA"
    assert roles["suspect"].forename == "Tom"
    records = SourceRecord.objects.filter(system="haven")
    assert records.count() == 2
    assert {r.person_id for r in records} == {roles["victim"].pk, roles["suspect"].pk}
    # The DASH page can now find the victim (it said "No victim is recorded" before).
    officer_page = client_as("response_officer").get(
        reverse("risk:new"), {"incident": incident.pk})
    assert officer_page.status_code == 200
    assert b"Maya" in officer_page.content


def test_what_is_typed_with_a_role_chosen_is_saved_as_a_new_person_without_adding_first(
        client_as):
    data = call_post(full_checklist(), forename="Zara", surname="Quill", new_role="victim")
    client_as("call_handler").post(reverse("intake:new"), data)
    victim = Incident.objects.get().involvements.get(role="victim").person
    assert victim.display_name == "Zara Quill"


def test_a_new_persons_bad_birth_date_is_refused_naming_the_field_and_keeps_the_form(
        client_as):
    data = call_post(full_checklist(), summary="He threw a chair", **{
        "new_0_role": "victim", "new_0_forename": "Maya", "new_0_date_of_birth": "4/3/91"})
    response = client_as("call_handler").post(reverse("intake:new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the date of birth as day, month and 4-digit year" in page
    assert "He threw a chair" in page and 'value="Maya"' in page
    assert not Incident.objects.exists() and not Person.objects.exists()


def test_a_new_person_needs_a_name_a_birth_date_or_a_phone(client_as):
    data = call_post(full_checklist(), **{"new_0_role": "child",
                                          "new_0_address_line": "1 Test Street"})
    response = client_as("call_handler").post(reverse("intake:new"), data)
    assert response.status_code == 400
    assert b"Give at least a name, a date of birth or a phone number" in response.content


def test_without_javascript_add_keeps_the_form_and_lists_the_new_person(client_as):
    data = call_post(full_checklist(), summary="Shouting heard", forename="Maya",
                     surname="Brennan", new_role="victim", add="new")
    response = client_as("call_handler").post(reverse("intake:new"), data)
    page = response.content.decode()
    assert response.status_code == 200 and not Incident.objects.exists()
    assert 'data-testid="on-log-new"' in page and "Maya Brennan" in page
    assert 'name="new_0_forename" value="Maya"' in page
    assert "Shouting heard" in page


def test_a_new_person_who_matches_someone_known_is_linked_to_them(client_as, findable_person):
    known = findable_person(forename="Priya", surname="Kaur", date_of_birth="1985-06-07")
    data = call_post(full_checklist(), **{
        "new_0_role": "victim", "new_0_forename": "Priya", "new_0_surname": "Kaur",
        "new_0_date_of_birth": "1985-06-07"})
    client_as("call_handler").post(reverse("intake:new"), data)
    assert Incident.objects.get().involvements.get(role="victim").person_id == known.pk


def test_the_api_takes_a_person_by_id_or_by_details(client_as, make_person):
    known = make_person()
    response = client_as("call_handler").post(URL, {
        "reported_via": "call", "category": "domestic", "checklist": full_checklist(),
        "involvements": [
            {"person": {"forename": "Maya", "surname": "Brennan", "date_of_birth": "1991-03-04"},
             "role": "victim"},
            {"person": known.pk, "role": "suspect"}]}, content_type="application/json")
    assert response.status_code == 201, response.content
    people = {row["role"]: row["person"] for row in response.json()["involvements"]}
    assert people["suspect"] == known.pk
    assert Person.objects.get(pk=people["victim"]).display_name == "Maya Brennan"


def test_the_api_names_a_bad_detail(client_as):
    response = client_as("call_handler").post(URL, {
        "reported_via": "call", "category": "domestic", "checklist": full_checklist(),
        "involvements": [{"person": {"forename": "Maya", "date_of_birth": "91"},
                          "role": "victim"}]}, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["involvements.0.date_of_birth"]
    assert not Person.objects.exists()


def test_the_officer_at_the_scene_adds_a_child_and_the_victim(client_as, make_incident):
    incident = make_incident(state="attended")
    incident.involvements.filter(role="victim").delete()
    client = client_as("response_officer")
    assert b"No victim is named" in client.get(
        reverse("intake:briefing", args=[incident.pk])).content
    response = client.post(reverse("intake:people", args=[incident.pk]),
                           {"role": "child", "forename": "Lily", "date_of_birth": "2018-01-02"})
    assert response.status_code == 302
    client.post(reverse("intake:people", args=[incident.pk]),
                {"role": "victim", "forename": "Maya", "surname": "Brennan"})
    roles = dict(incident.involvements.values_list("role", "person__forename"))
    assert roles["child"] == "Lily" and roles["victim"] == "Maya"
    assert AccessLogEntry.objects.filter(action="collection",
                                         record_type="source_record").count() == 2


def test_the_officer_corrects_a_role_with_a_reason_and_fixes_haven_recorded_details(
        client_as, make_incident):
    incident = make_incident(state="attended")
    client = client_as("response_officer")
    client.post(reverse("intake:people", args=[incident.pk]),
                {"role": "witness", "forename": "Lily", "date_of_birth": "2001-01-02",
                 "phone": "07700 900555"})
    involvement = incident.involvements.get(role="witness")
    url = reverse("intake:correct_person", args=[incident.pk, involvement.pk])
    refused = client.post(url, {"role": "child"})
    assert refused.status_code == 400 and b"Say why the role is changed" in refused.content
    client.post(url, {"role": "child", "reason": "She is 8, not 24",
                      "correct_details": "yes", "forename": "Lily",
                      "date_of_birth": "2018-01-02"})
    involvement.refresh_from_db()
    assert involvement.role == "child"
    assert str(involvement.person.date_of_birth) == "2018-01-02"
    record = involvement.person.source_records.get(system="haven")
    assert record.phone == "07700 900555"  # left blank on the correction: kept
    victim = incident.involvements.get(role="victim")
    refused = client.post(reverse("intake:correct_person", args=[incident.pk, victim.pk]),
                          {"role": "victim", "reason": "typo", "correct_details": "yes",
                           "forename": "Changed"})
    assert refused.status_code == 400
    assert b"Only the details Haven recorded" in refused.content


@pytest.mark.parametrize("role, force", [("response_officer", "WMERC"), ("trainer", "WARKS"),
                                         ("idva", "WARKS"), ("hau", "WARKS")])
def test_other_force_and_roles_without_need_cannot_add_or_correct_people(
        client_as, make_incident, role, force):
    incident = make_incident(state="attended")
    involvement = incident.involvements.first()
    client = client_as(role, force)
    assert client.get(reverse("intake:people", args=[incident.pk])).status_code == 404
    assert client.post(reverse("intake:people", args=[incident.pk]),
                       {"role": "child", "forename": "X"}).status_code == 404
    assert client.post(reverse("intake:correct_person", args=[incident.pk, involvement.pk]),
                       {"role": "", "reason": "x"}).status_code == 404
    assert incident.involvements.count() == 2


def test_a_first_time_callers_log_is_assessed_endorsed_and_closed(client_as, persona):
    """Before: the log saved with nobody on it, the DASH had no victim, it could never close."""
    from haven.risk.questionnaires import install_defaults
    from haven.risk.services import AssessmentInput, do_complete_assessment

    install_defaults()
    officer = persona("response_officer")
    handler = client_as("call_handler")
    handler.post(reverse("intake:new"), call_post(full_checklist(), **{
        "new_0_role": "victim", "new_0_forename": "Maya", "new_0_surname": "Brennan"}))
    incident = Incident.objects.get()
    handler.post(reverse("intake:grade", args=[incident.pk]),
                 {**{f"thrive_{p}": "noted" for p in ("threat", "harm", "risk", "investigation",
                                                      "vulnerability", "engagement")},
                  "grade": "immediate", "officer": officer.pk, "then": "dispatch"})
    client = client_as("response_officer")
    client.post(reverse("intake:step", args=[incident.pk, "attended"]))
    victim = incident.involvements.get(role="victim").person
    answers = {f"PD{n:02d}": ("no", "victim", "") for n in range(1, 28)}
    do_complete_assessment(victim=victim, incident=incident,
                           data=AssessmentInput(answers=answers, grade="standard"),
                           actor=officer)
    sergeant = client_as("sergeant")
    sergeant.post(reverse("intake:step", args=[incident.pk, "endorsed"]),
                  {"supervision": "Reviewed the action and the DASH."})
    sergeant.post(reverse("intake:step", args=[incident.pk, "closed"]))
    incident.refresh_from_db()
    assert incident.state == "closed"


def test_the_officer_corrects_the_suspects_relationship_on_the_people_page(
        client_as, make_incident):
    """What the caller said ("partner") is corrected at the scene ("ex-partner"); a value
    Haven does not know is refused at that select, and nothing changes."""
    incident = make_incident(state="attended")
    suspect = incident.involvements.get(role="suspect")
    client = client_as("response_officer")
    page = client.get(reverse("intake:people", args=[incident.pk])).content.decode()
    assert f'id="relationship_{suspect.pk}"' in page
    url = reverse("intake:correct_person", args=[incident.pk, suspect.pk])
    refused = client.post(url, {"role": "suspect", "relationship": "lodger",
                                "version": incident.version})
    assert refused.status_code == 400
    assert f'href="#relationship_{suspect.pk}"'.encode() in refused.content
    client.post(url, {"role": "suspect", "relationship": "ex_partner",
                      "version": incident.version})
    suspect.refresh_from_db()
    assert suspect.relationship == "ex_partner"
    detail = client.get(reverse("intake:detail", args=[incident.pk])).content.decode()
    assert 'data-testid="relationship">Ex-partner<' in detail

"""The control room pages: call screen, log, briefing; wrong role and other force get 404."""

import pytest
from django.urls import reverse

from haven.access.models import AccessLogEntry
from haven.intake.models import Incident
from haven.intake.tests.helpers import full_checklist


def call_post(checklist, **extra):
    data = {"reported_via": "call", "category": "domestic", "domestic_abuse": "yes",
            "postcode": "CV34 4AA", "address_line": "1 Test Street"}
    for code, item in checklist.items():
        data[f"q_{code}"] = item.get("answer", "")
        data[f"notasked_{code}"] = item.get("not_asked", "")
    data.update(extra)
    return data


def test_the_call_screen_refuses_an_incomplete_checklist_naming_the_question(client_as):
    checklist = full_checklist()
    del checklist["weapons"]
    response = client_as("call_handler").post(reverse("intake:new"), call_post(checklist))
    assert response.status_code == 400
    assert b'href="#q_weapons"' in response.content
    assert b"record why it could not be asked" in response.content
    assert not Incident.objects.exists()


def test_the_call_screen_opens_a_log_with_the_people_picked(client_as, make_person):
    victim = make_person()
    response = client_as("call_handler").post(
        reverse("intake:new"), call_post(full_checklist(), **{f"role_{victim.pk}": "victim"}))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert list(incident.involvements.values_list("person_id", "role")) == [(victim.pk, "victim")]


def test_typing_a_name_shows_the_history_and_the_address_history(client_as, findable_person,
                                                                  make_incident):
    victim = findable_person(surname="Okafor")
    make_incident(victim=victim, postcode="CV34 4AA", address_line="1 Test Street")
    response = client_as("call_handler").get(
        reverse("intake:lookup"), {"surname": "Okafor", "postcode": "CV34 4AA",
                                   "address_line": "1 Test Street"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert f'data-person-id="{victim.pk}"' in page
    assert "1 earlier domestic abuse incident at this address" in page
    assert AccessLogEntry.objects.filter(record_type="lookup").exists()


def test_changing_the_category_swaps_the_question_set(client_as):
    response = client_as("call_handler").get(reverse("intake:checklist"),
                                             {"category": "honour_based"})
    assert b"Forced marriage concern" in response.content


def test_the_log_page_shows_warnings_and_logs_the_read(client_as, make_incident):
    incident = make_incident(progress={"risk_markers": ["repeat_victim"],
                                       "serious_reasons": ["weapons"], "serious": True})
    page = client_as("sergeant").get(reverse("intake:detail", args=[incident.pk])).content
    assert b"Repeat victim" in page and b"Weapon" in page
    assert AccessLogEntry.objects.filter(record_type="incident", username="sergeant.warks"
                                         ).count() == 2


def test_the_grade_form_refuses_scheduling_a_repeat_victim_with_a_clear_message(
        client_as, make_incident, make_person):
    victim = make_person()
    make_incident(victim=victim)
    incident = make_incident(victim=victim)
    data = {f"thrive_{p}": "noted" for p in
            ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]}
    data.update(grade="scheduled", delay_risk_checked="yes", delay_check_note="Asked for it",
                version=incident.version)
    response = client_as("call_handler").post(reverse("intake:grade", args=[incident.pk]), data)
    assert response.status_code == 400
    assert b"repeat victim" in response.content
    assert b"cannot be graded below priority" in response.content


def test_closing_unendorsed_is_refused_on_the_page(client_as, make_incident):
    incident = make_incident(state="risk_assessed")
    response = client_as("sergeant").post(reverse("intake:step", args=[incident.pk, "closed"]))
    assert response.status_code == 400
    assert b"cannot close until a sergeant" in response.content


def test_the_briefing_is_for_attending_officers(client_as, make_incident):
    incident = make_incident(state="dispatched")
    page = client_as("response_officer").get(reverse("intake:briefing", args=[incident.pk]))
    assert b"Speak to the victim alone" in page.content
    assert b"I have arrived" in page.content


@pytest.mark.parametrize("name", ["detail", "briefing"])
@pytest.mark.parametrize("role, force", [("response_officer", "WMERC"), ("trainer", "WARKS"),
                                         ("idva", "WARKS")])
def test_other_force_and_roles_without_need_get_404(client_as, make_incident, name, role, force):
    incident = make_incident()
    assert client_as(role, force).get(reverse(f"intake:{name}", args=[incident.pk])
                                      ).status_code == 404


@pytest.mark.parametrize("name", ["new", "list"])
def test_pages_without_the_capability_are_404(client_as, name):
    assert client_as("trainer").get(reverse(f"intake:{name}")).status_code == 404


def test_other_force_cannot_step_a_log(client_as, make_incident):
    incident = make_incident(state="risk_assessed")
    response = client_as("sergeant", "WMERC").post(
        reverse("intake:step", args=[incident.pk, "endorsed"]), {"supervision": "ok"})
    assert response.status_code == 404


def test_the_list_shows_open_logs_and_tags_missing_dash(client_as, make_incident):
    import datetime as dt

    from django.utils import timezone

    make_incident(state="attended",
                  progress={"attended_at": timezone.now() - dt.timedelta(days=3)})
    page = client_as("hau").get(reverse("intake:list")).content
    assert b"DASH overdue" in page


def test_a_refused_grade_keeps_what_the_handler_typed(client_as, make_incident):
    incident = make_incident()
    response = client_as("call_handler").post(
        reverse("intake:grade", args=[incident.pk]),
        {"grade": "immediate", "thrive_threat": "Threats made tonight"})
    assert response.status_code == 400
    assert b'value="Threats made tonight"' in response.content
    assert b"missing harm" in response.content

"""Helper R's attacker probes of this session's intake additions (issue 8)."""

import pytest
from django.test import Client
from django.urls import reverse

from haven.access.models import AccessLogEntry
from haven.intake.models import Involvement

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("path", [
    f"/intake/{HUGE}/", f"/intake/{HUGE}/briefing/", f"/intake/{HUGE}/people/",
    f"/intake/1/people/{HUGE}/", f"/people/{HUGE}/", f"/people/1/addresses/{HUGE}/lift/",
    f"/risk/{HUGE}/", f"/api/v1/incidents/{HUGE}/", f"/api/v1/people/{HUGE}/",
    f"/api/v1/risk/assessments/{HUGE}/", f"/api/v1/tasks/{HUGE}/",
    f"/risk/new/?incident={HUGE}",
])
def test_ids_past_64_bits_are_not_found_not_a_crash(client_as, path):
    response = client_as("sergeant").get(path)
    assert response.status_code in (404, 400, 405), (path, response.status_code)


@pytest.mark.parametrize("params", [
    {f"role_{HUGE}": "victim"}, {"role_abc": "victim"}, {"role_1": "emperor"},
    {"date_of_birth": "31/02/1990", "surname": "X"}, {"date_of_birth": "9999-99-99"},
    {"surname": "x" * 5000}, {"phone": "\x00"}, {"postcode": "\x00"},
    {"people_state": f"role_{HUGE}=victim"}, {"new_0_role": "victim", "new_0_forename": "\x00"},
])
def test_malformed_call_screen_lookups_do_not_crash(client_as, params):
    response = client_as("call_handler").get(reverse("intake:lookup"), params)
    assert response.status_code in (200, 400), response.status_code


def test_a_person_of_another_force_cannot_be_put_on_a_new_log(client_as, make_person):
    from haven.intake.tests.helpers import full_checklist
    from haven.intake.tests.test_views import call_post
    other = make_person("WMERC", forename="Other", surname="Force")
    data = call_post(full_checklist(), **{f"role_{other.pk}": "victim"})
    response = client_as("call_handler").post(reverse("intake:new"), data)
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(person_id=other.pk, outcome="refused").exists()


def test_the_lookup_partial_does_not_show_another_forces_person_picked_by_id(client_as,
                                                                             make_person):
    other = make_person("WMERC", forename="Zebedee", surname="Otherforce")
    response = client_as("call_handler").get(reverse("intake:lookup"),
                                             {f"role_{other.pk}": "victim"})
    assert b"Zebedee" not in response.content


@pytest.mark.parametrize("role,force", [("call_handler", "WMERC"), ("snt_officer", "WARKS"),
                                        ("analyst", "WARKS"), ("hau", "WARKS")])
def test_the_people_panel_of_a_log_is_not_found_for_wrong_force_or_role(client_as,
                                                                        make_incident, role,
                                                                        force):
    incident = make_incident()
    client = client_as(role, force)
    assert client.get(reverse("intake:people", args=[incident.pk])).status_code == 404
    response = client.post(reverse("intake:people", args=[incident.pk]),
                           {"role": "witness", "forename": "Wendy"})
    assert response.status_code == 404
    assert incident.involvements.count() == 2
    inv = incident.involvements.first()
    response = client.post(reverse("intake:correct_person", args=[incident.pk, inv.pk]),
                           {"role": "", "reason": "x"})
    assert response.status_code == 404
    assert incident.involvements.count() == 2


def test_an_involvement_of_another_log_cannot_be_corrected_through_this_one(client_as,
                                                                            make_incident):
    mine, other = make_incident(), make_incident()
    inv = other.involvements.first()
    response = client_as("call_handler").post(
        reverse("intake:correct_person", args=[mine.pk, inv.pk]), {"role": "", "reason": "x"})
    assert response.status_code == 404
    assert Involvement.objects.filter(pk=inv.pk).exists()


def test_adding_a_person_needs_the_csrf_token(persona, make_incident):
    incident = make_incident()
    client = Client(enforce_csrf_checks=True)
    client.force_login(persona("call_handler"))
    response = client.post(reverse("intake:people", args=[incident.pk]),
                           {"role": "witness", "forename": "Wendy"})
    assert response.status_code == 403
    assert incident.involvements.count() == 2


def test_dispatch_to_an_officer_who_cannot_attend_is_refused(client_as, make_incident,
                                                             persona):
    incident = make_incident()
    analyst = persona("analyst")
    client = client_as("call_handler")
    client.post(reverse("intake:step", args=[incident.pk, "dispatched"]),
                {"officer": str(analyst.pk), "version": incident.version})
    incident.refresh_from_db()
    assert incident.state == "opened"


@pytest.mark.parametrize("params", [{"role_²": "victim"}, {"new_²_role": "victim"},
                                    {"new_99999999999999999999_role": "victim",
                                     "new_99999999999999999999_forename": "Ann"}])
def test_unicode_digits_in_people_keys_do_not_crash(client_as, params):
    response = client_as("call_handler").get(reverse("intake:lookup"), params)
    assert response.status_code in (200, 400), response.status_code


@pytest.mark.parametrize("version", [HUGE, "²", "-1"])
def test_a_malformed_version_is_refused_not_a_crash(client_as, make_incident, version):
    incident = make_incident()
    response = client_as("occ_supervisor").post(
        reverse("intake:step", args=[incident.pk, "dispatched"]),
        {"unit": "AB12", "version": version})
    assert response.status_code in (400, 404), response.status_code
    incident.refresh_from_db()
    assert incident.state == "opened"


@pytest.mark.parametrize("person", [HUGE, "²", -1, 1.5, [1], None])
def test_the_api_refuses_a_malformed_person_id_with_400(client_as, person, make_incident):
    from haven.intake.tests.helpers import full_checklist
    response = client_as("call_handler").post(
        "/api/v1/incidents/", {"reported_via": "call", "category": "domestic",
                               "checklist": full_checklist(),
                               "involvements": [{"person": person, "role": "victim"}]},
        content_type="application/json")
    assert response.status_code == 400, (response.status_code, response.content[:300])


def test_a_second_officers_stale_correction_is_refused_not_silently_overwriting(
        client_as, make_incident, persona):
    """Two officers open the people page; the first corrects Lily to a child aged 8; the
    second, still looking at the old page, must not silently put her back as a witness of 24."""
    from django.test import Client
    incident = make_incident(state="attended")
    first = client_as("response_officer")
    first.post(reverse("intake:people", args=[incident.pk]),
               {"role": "witness", "forename": "Lily", "date_of_birth": "2001-01-02"})
    involvement = incident.involvements.get(role="witness")
    second = Client()
    second.force_login(persona("sergeant"))
    page = second.get(reverse("intake:people", args=[incident.pk])).content.decode()
    import re
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    url = reverse("intake:correct_person", args=[incident.pk, involvement.pk])
    first.post(url, {"role": "child", "reason": "She is 8", "correct_details": "yes",
                     "date_of_birth": "2018-01-02",
                     "version": re.search(r'name="version" value="(\d+)"', first.get(
                         reverse("intake:people", args=[incident.pk])).content.decode()
                     ).group(1)})
    response = second.post(url, {"role": "suspect", "reason": "mixed up",
                                 "correct_details": "yes", "date_of_birth": "1999-05-05",
                                 "version": version})
    assert response.status_code == 409
    assert b"Someone else changed the people on this log" in response.content
    involvement.refresh_from_db()
    assert involvement.role == "child"
    assert str(involvement.person.date_of_birth) == "2018-01-02"


@pytest.mark.parametrize("url", ["/intake/new/lookup/", "/intake/new/"])
def test_picking_another_forces_person_by_id_is_logged_as_refused(client_as, make_person, url):
    other = make_person("WMERC", forename="Zebedee", surname="Otherforce")
    response = client_as("call_handler").get(url, {f"role_{other.pk}": "victim"})
    assert response.status_code == 200 and b"Zebedee" not in response.content
    assert AccessLogEntry.objects.filter(person_id=other.pk, outcome="refused").exists()
    assert not AccessLogEntry.objects.filter(person_id=other.pk, outcome="allowed").exists()


def test_the_api_naming_another_forces_person_is_refused_like_a_missing_one_and_logged(
        client_as, make_person):
    from haven.intake.tests.helpers import full_checklist
    other = make_person("WMERC", forename="Zebedee", surname="Otherforce")
    client = client_as("call_handler")
    answers = []
    for person in (other.pk, other.pk + 1000):
        response = client.post(
            "/api/v1/incidents/", {"reported_via": "call", "category": "domestic",
                                   "checklist": full_checklist(),
                                   "involvements": [{"person": person, "role": "victim"}]},
            content_type="application/json")
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] and answers[0][0] == 400
    assert b"Zebedee" not in response.content
    assert AccessLogEntry.objects.filter(person_id=other.pk, outcome="refused").exists()

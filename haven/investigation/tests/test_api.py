"""The API: a crime read in the caller's force, and a prison release notification that makes
both tasks for each victim of the released person."""

import pytest

from haven.investigation.models import CaseEvent
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_a_prison_release_notification_makes_both_tasks_for_each_victim(
        make_crime, make_da_incident, make_person, client_as):
    suspect = make_person(forename="Rel", surname="Eased")
    first = make_crime(incident=make_da_incident(suspect=suspect))
    second = make_crime(incident=make_da_incident(suspect=suspect))
    client = client_as("detective")
    response = client.post("/api/v1/investigation/prison-releases/", {
        "person": suspect.pk, "source": "Prison information process",
        "released_at": "2026-11-30T09:00:00Z"}, content_type="application/json")
    assert response.status_code == 201 and len(response.json()["recorded"]) == 2
    for crime in (first, second):
        kinds = set(Task.objects.filter(person=crime.victim).values_list("kind", flat=True))
        assert kinds == {"victim_update", "reassessment"}
    assert CaseEvent.objects.filter(kind="prison_release",
                                    source="Prison information process").count() == 2


def test_a_prison_release_needs_a_source_and_a_known_suspect(make_crime, make_person,
                                                            client_as):
    crime = make_crime()
    client = client_as("detective")
    refused = client.post("/api/v1/investigation/prison-releases/",
                          {"person": crime.suspect_id}, content_type="application/json")
    assert refused.json() == {"source": ["Say who told us of the release"]}
    nobody = client.post("/api/v1/investigation/prison-releases/",
                         {"person": make_person().pk, "source": "Probation"},
                         content_type="application/json")
    assert nobody.status_code == 400 and "No crime in Haven" in nobody.json()["person"][0]


@pytest.mark.parametrize(("role", "force"), [("idva", "WARKS"), ("analyst", "WARKS"),
                                             ("detective", "WMERC")])
def test_the_api_is_not_found_for_the_wrong_role_and_the_other_force(make_crime, client_as,
                                                                      role, force):
    crime = make_crime()
    client = client_as(role, force)
    assert client.get(f"/api/v1/investigation/crimes/{crime.pk}/").status_code == 404
    assert client.post("/api/v1/investigation/prison-releases/",
                       {"person": crime.suspect_id, "source": "x"},
                       content_type="application/json").status_code == 404
    assert not Task.objects.filter(kind="reassessment").exists()


def test_a_crime_reads_with_every_offence(make_crime, client_as):
    crime = make_crime(["harassment", "stalking"], principal="stalking")
    data = client_as("sergeant").get(f"/api/v1/investigation/crimes/{crime.pk}/").json()
    assert data["offences"] == [{"offence": "harassment", "principal": False},
                                {"offence": "stalking", "principal": True}]

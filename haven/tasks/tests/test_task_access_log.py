"""Task lists, task pages and home pages that name a person are logged; refusals too
(issue 8 item 4, ADR 0002)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.access.models import AccessLogEntry
from haven.tasks.services import do_create_task


@pytest.fixture
def task_about(forces, make_person):
    def make(force_code="WARKS", owner_role="hau", **person):
        person = make_person(force_code, **person)
        return do_create_task(forces[force_code], kind="hau_review", title="Review assessment 3",
                           owner_role=owner_role, due_at=timezone.now() + dt.timedelta(hours=2),
                           source_room="risk", source_type="assessment", source_id=3,
                           person=person)
    return make


def entries(**filters):
    return list(AccessLogEntry.objects.filter(**filters).order_by("id"))


def test_the_task_list_names_each_person_and_logs_one_read_per_person(client_as, task_about):
    first = task_about(forename="Robin", surname="Ashdown")
    second = task_about(forename="Kim", surname="Dale")
    response = client_as("hau").get(reverse("tasks:list"))
    assert b"Robin Ashdown" in response.content and b"Kim Dale" in response.content
    logged = entries(record_type="task_list", outcome="allowed")
    assert sorted(e.person_id for e in logged) == sorted([first.person_id, second.person_id])
    assert all(e.username == "hau.warks" and e.action == "consultation" for e in logged)
    assert logged[0].detail["shown"] in ([str(first.pk)], [str(second.pk)])
    assert "Robin" not in str([e.detail for e in logged])  # ids only


def test_a_task_page_logs_the_person_it_names(client_as, task_about):
    task = task_about(forename="Robin", surname="Ashdown")
    response = client_as("hau").get(reverse("tasks:detail", args=[task.pk]))
    assert b"Robin Ashdown" in response.content
    [entry] = entries(record_type="task", action="consultation")
    assert (entry.person_id, entry.detail, entry.outcome) == (task.person_id,
                                                              {"shown": [str(task.pk)]},
                                                              "allowed")


def test_refused_task_reads_are_logged_and_look_missing(client_as, task_about):
    task = task_about()
    for role, force in (("sergeant", "WARKS"), ("hau", "WMERC")):
        client = client_as(role, force)
        assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 404
        assert client.post(reverse("tasks:detail", args=[task.pk]),
                           {"version": 1}).status_code == 404
        assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert client_as("hau").get("/tasks/999999/").status_code == 404
    refused = entries(record_type="task", outcome="refused")
    assert len(refused) == 7
    assert {e.record_id for e in refused} == {str(task.pk), "999999"}
    assert {e.action for e in refused} == {"consultation", "alteration"}
    assert {e.username for e in refused} == {"sergeant.warks", "hau.wmerc", "hau.warks"}


def test_a_role_without_tasks_is_refused_the_list_and_that_is_logged(client_as):
    assert client_as("analyst").get(reverse("tasks:list")).status_code == 404
    [entry] = entries(record_type="task_list")
    assert entry.outcome == "refused" and entry.username == "analyst.warks"


def test_the_home_page_names_the_person_on_each_task_and_logs_it(client_as, task_about):
    task = task_about(forename="Robin", surname="Ashdown")
    task_about("WMERC", forename="Other", surname="Force")
    response = client_as("hau").get(reverse("home"))
    assert b"Robin Ashdown" in response.content and b"Other Force" not in response.content
    [entry] = entries(record_type="home")
    assert entry.person_id == task.person_id and entry.detail == {"shown": [f"task:{task.pk}"]}


def test_a_home_page_naming_nobody_logs_nothing(client_as):
    client_as("hau").get(reverse("home"))
    assert entries(record_type="home") == []


def test_home_sections_that_name_a_person_are_logged(client_as, make_person, monkeypatch):
    from haven.web import home

    person = make_person()
    monkeypatch.setattr(home, "SECTIONS", [("Named", "tasks.view", lambda user: [
        {"text": person.display_name, "url": "/x/", "person_id": person.pk,
         "record": "assessment:4"}])])
    client_as("hau").get(reverse("home"))
    [entry] = entries(record_type="home")
    assert entry.person_id == person.pk and entry.detail == {"shown": ["assessment:4"]}


def test_the_api_task_list_logs_the_persons_of_the_tasks_it_returns(client_as, task_about):
    task = task_about()
    assert client_as("hau").get("/api/v1/tasks/").status_code == 200
    [entry] = entries(record_type="task_list")
    assert entry.person_id == task.person_id

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.core.concurrency import StaleEdit
from haven.tasks.services import do_complete_task, do_create_task, overdue_for, tasks_for


@pytest.fixture
def hau_task(forces, make_person):
    def make(hours=-1, force_code="WARKS"):
        return do_create_task(
            forces[force_code], kind="hau_review", title="Review assessment", owner_role="hau",
            due_at=timezone.now() + dt.timedelta(hours=hours), source_room="risk",
            source_type="assessment", source_id=1, person=make_person(force_code),
        )
    return make


def test_overdue_view_lists_only_past_due_tasks_of_the_role(client_as, hau_task):
    late, on_time = hau_task(hours=-2), hau_task(hours=+5)
    response = client_as("hau").get(reverse("tasks:list"), {"overdue": "1"})
    assert late.title.encode() in response.content
    assert list(response.context["tasks"]) == [late]
    assert on_time in tasks_for(response.context["user"])


def test_task_of_another_role_or_force_is_404(client_as, hau_task):
    task = hau_task()
    assert client_as("sergeant").get(reverse("tasks:detail", args=[task.pk])).status_code == 404
    assert client_as("hau", "WMERC").get(reverse("tasks:detail", args=[task.pk])).status_code == 404
    assert client_as("hau").get(reverse("tasks:detail", args=[task.pk])).status_code == 200


def test_completing_with_a_stale_version_is_refused(persona, hau_task):
    task = hau_task()
    user = persona("hau")
    do_complete_task(task, version=1, actor=user)
    with pytest.raises(StaleEdit):
        do_complete_task(task, version=1, actor=user)
    assert not overdue_for(user).exists()


def test_stale_completion_in_the_browser_shows_a_clear_message(client_as, hau_task, persona):
    task = hau_task()
    client = client_as("hau")
    do_complete_task(task, version=1, actor=persona("hau"))
    # the task is now done, so it is no longer in the user's open list
    assert client.post(reverse("tasks:detail", args=[task.pk]), {"version": 1}).status_code == 404


def test_tasks_api_lists_only_the_callers_work(client_as, hau_task):
    hau_task(force_code="WMERC")
    mine = hau_task()
    data = client_as("hau").get("/api/v1/tasks/").json()
    assert [row["id"] for row in data["results"]] == [mine.pk]

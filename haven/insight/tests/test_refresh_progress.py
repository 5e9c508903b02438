"""The page's "Rebuild now" queues a background job (never a rebuild in the request, never
on a GET); the job writes each table it loads to the progress file, which the page polls
with htmx for its progress bar."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from haven.access.models import AccessLogEntry
from haven.insight import jobs, progress, store

PATH = "haven.insight.jobs.refresh_on_demand"


def url(name, force="WARKS"):
    return reverse(f"insight:{name}", args=[force])


def queued_jobs():
    return list(DBTaskResult.objects.filter(task_path=PATH).values_list("args_kwargs",
                                                                         flat=True))


def test_the_button_queues_the_rebuild_and_the_page_polls_its_progress(client_as, persona):
    client = client_as("analyst")
    answer = client.post(url("refresh"))
    assert answer.status_code == 302 and answer.url == url("profile")
    analyst = persona("analyst")
    assert queued_jobs() == [{"args": [analyst.pk], "kwargs": {}}]
    assert not store.store_path().exists()  # nothing was rebuilt in the request
    assert progress.read()["state"] == "queued"
    assert AccessLogEntry.objects.filter(record_type="insight_store",
                                         detail__queued=True).exists()
    page = client.get(url("profile")).content.decode()
    assert 'data-testid="refresh-progress"' in page and "waiting for the worker" in page
    assert "Build the analytics store now" not in page  # no second button while it runs
    fragment = client.get(url("refresh_progress")).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "<progress" in fragment

    client.post(url("refresh"))  # a second press while queued queues nothing more
    assert len(queued_jobs()) == 1


def test_the_job_writes_every_step_and_the_bar_stops_when_done(client_as, persona, forces,
                                                               monkeypatch):
    seen = []
    write = progress._write

    def recording(**state):
        seen.append((state["state"], state["step"], state["steps"], state["table"]))
        return write(**state)

    monkeypatch.setattr(progress, "_write", recording)
    analyst = persona("analyst")
    rows = jobs.refresh_on_demand.call(analyst.pk)
    steps = progress.steps_total()
    assert seen[0] == ("running", 0, steps, "")
    loading = [s for s in seen if s[0] == "running"][1:]
    assert [s[1] for s in loading] == list(range(1, len(loading) + 1))  # one step a table
    assert {"incidents", "plan_actions", "marac_cases", "orders"} <= {s[3] for s in loading}
    assert loading[-1][3] == "events" and len(loading) == steps
    assert seen[-1] == ("done", steps, steps, "")
    assert progress.read()["rows"] == rows and store.refreshed_at() is not None
    fragment = client_as("analyst").get(url("refresh_progress")).content.decode()
    assert "hx-trigger" not in fragment and "was rebuilt" in fragment


def test_a_failed_rebuild_says_so(client_as, persona, forces, monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "refresh", broken)
    with pytest.raises(RuntimeError):
        jobs.refresh_on_demand.call(persona("analyst").pk)
    assert progress.read()["state"] == "failed" and not progress.in_progress()
    assert "failed" in client_as("analyst").get(url("refresh_progress")).content.decode()


def test_a_get_never_rebuilds_and_the_wrong_people_get_404(client_as, forces):
    assert client_as("analyst").get(url("refresh")).status_code == 405
    assert queued_jobs() == [] and not store.store_path().exists()
    assert client_as("call_handler").get(url("refresh_progress")).status_code == 404
    assert client_as("analyst", "WMERC").get(url("refresh_progress")).status_code == 404
    assert client_as("idva").get(url("refresh_progress")).status_code == 404
    assert client_as("inspector").post(url("refresh")).status_code == 404  # view, not refresh
    assert queued_jobs() == []


def test_a_rebuild_stuck_for_hours_no_longer_blocks_the_button(forces, monkeypatch):
    progress.queued()
    assert progress.in_progress()
    later = progress.read()["updated"] + progress.STALE_AFTER
    assert not progress.in_progress(later)

"""The nightly rebuild: due in the night hour when the store is old or missing, and the job
builds it."""

import datetime as dt

from django.utils import timezone

from haven.insight import jobs, store


def at(hour):
    return timezone.make_aware(dt.datetime(2026, 12, 3, hour, 10))


def test_due_only_in_the_night_hour_and_only_when_stale(forces, settings):
    settings.HAVEN_INSIGHT_REFRESH_HOUR = 2
    assert jobs.due(at(2)) and not jobs.due(at(14))
    store.refresh()
    assert not jobs.due(timezone.now().replace(hour=2))


def test_the_job_builds_the_store_at_night(forces, settings, monkeypatch):
    monkeypatch.setattr(jobs, "due", lambda now=None: True)
    assert not store.store_path().exists()
    jobs.refresh_store.call()
    assert store.refreshed_at() is not None

"""The progress of an on-demand rebuild of the store, for the page's progress bar.

A small JSON file beside the store (`insight_refresh_progress.json`), written atomically by
the background job after each table it loads; the page polls it with htmx (a GET that only
reads it: nothing is ever rebuilt on a GET). It holds counts and times only: no person, no
name, not even who asked (the access log says that).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from django.utils import timezone

from haven.insight import store

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
#: A rebuild that has not moved for this long is taken as dead (a worker killed mid-way):
#: the button works again. Operational, not policy: a refresh at force scale takes minutes.
STALE_AFTER = dt.timedelta(hours=2)


def progress_path() -> Path:
    return store.store_path().with_name("insight_refresh_progress.json")


def read() -> dict | None:
    try:
        state = json.loads(progress_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    state["updated"] = dt.datetime.fromisoformat(state["updated_at"])
    return state


def _write(**state) -> dict:
    path = progress_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    state["updated_at"] = timezone.now().isoformat()
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    os.replace(temporary, path)
    return state


def steps_total() -> int:
    """One step per extract table, and one for the tables built from them."""
    return sum(len(module.TABLES) for _label, module in store.extract_modules()) + 1


def in_progress(now: dt.datetime | None = None) -> bool:
    state = read()
    if state is None or state["state"] not in (QUEUED, RUNNING):
        return False
    return (now or timezone.now()) - state["updated"] < STALE_AFTER


def queued() -> dict:
    return _write(state=QUEUED, step=0, steps=steps_total(), table="", rows=0)


class Tracker:
    """Writes each step of a rebuild as it happens (the job's `progress` callback)."""

    def __init__(self):
        self.steps = steps_total()
        self.step = 0
        self.rows = 0

    def start(self) -> None:
        _write(state=RUNNING, step=0, steps=self.steps, table="", rows=0)

    def table_done(self, name: str, count: int) -> None:
        self.step = min(self.step + 1, self.steps)
        self.rows += count
        _write(state=RUNNING, step=self.step, steps=self.steps, table=name, rows=self.rows)

    def done(self, report) -> None:
        _write(state=DONE, step=self.steps, steps=self.steps, table="", rows=report.total,
               seconds=round(report.seconds, 1))

    def failed(self) -> None:
        _write(state=FAILED, step=self.step, steps=self.steps, table="", rows=self.rows)

"""Events the intake room publishes (see haven.core.events): ids only, after commit."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from haven.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class IncidentRecorded(Event):
    """A new incident log was opened with its people saved (published by
    `haven.intake.creation.do_create_incident`, delivered after its transaction commits)."""

    incident_id: int
    force_id: int
    recorded_at: datetime  # when it was recorded: reactions judge the state as it was then
    actor_id: int | None = None

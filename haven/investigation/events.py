"""Events the investigation room publishes (ids and plain values only)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from haven.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class CustodyEvent(Event):
    """Something happened to a person in custody or at court that changes the risk to their
    victims: a breach of bail (`kind` is the investigation's event kind, "bail_breach"; a
    restraining-order breach is recorded in protection, which publishes OrderBreached).
    Published by `haven.investigation.services.do_record_case_event`; risk re-opens the
    victims' assessments (`risk.live.on_custody_event`)."""

    person_id: int
    force_id: int
    kind: str
    occurred_at: datetime | None = None
    actor_id: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class CaseEventRecorded(Event):
    """A custody or court event recorded on a crime (`kind` is the investigation's event kind:
    "bail", "bail_change", "charge", "released_nfa" ...). Published by
    `haven.investigation.services` for every event it records; protection keeps the suspect's
    bail conditions from it (`haven.protection.custody.on_case_event`), reading the details
    through `haven.investigation.public.bail_periods`."""

    crime_id: int
    force_id: int
    kind: str
    occurred_at: datetime | None = None
    actor_id: int | None = None

"""Events the investigation room publishes (ids and plain values only)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from haven.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class CustodyEvent(Event):
    """Something happened to a person in custody or at court that changes the risk to their
    victims: a breach of bail or of a restraining order (`kind` is the investigation's event
    kind, e.g. "bail_breach"). Published by `haven.investigation.services.do_record_case_event`;
    risk re-opens the victims' assessments (`risk.live.on_custody_event`)."""

    person_id: int
    force_id: int
    kind: str
    occurred_at: datetime | None = None
    actor_id: int | None = None

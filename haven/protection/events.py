"""Events the protection room publishes (ids and plain values only)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from haven.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderBreached(Event):
    """A protective notice or order breached by its subject (`person_id`). Published by
    `haven.protection.services.do_record_breach`; risk re-opens the subject's victims'
    assessments (`risk.live.on_order_breached`)."""

    person_id: int
    force_id: int
    order_ref: str
    occurred_at: datetime | None = None
    actor_id: int | None = None

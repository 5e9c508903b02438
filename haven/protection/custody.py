"""Bail conditions from investigation's custody events (issue 14 item 3, "from #11").

`on_case_event` is subscribed to `haven.investigation.events.CaseEventRecorded` in
ProtectionConfig.ready(). It runs after the event's commit, as the system, credited to the
officer who recorded it; `services.do_sync_bail_conditions` does the work idempotently.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from haven.investigation.public import BAIL_KINDS
from haven.protection.services import do_sync_bail_conditions


def on_case_event(event) -> None:
    if event.kind not in BAIL_KINDS:
        return
    user = (get_user_model().objects.filter(pk=event.actor_id).first()
            if event.actor_id else None)
    do_sync_bail_conditions(event.crime_id, actor=None, triggered_by=user)

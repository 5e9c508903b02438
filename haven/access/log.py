"""The access log: `record_access` appends one chained entry; `verify_chain` checks them all.

Call `record_access` inside the same `transaction.atomic` block as the action it
records, so that the action and its log entry commit or fail together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from haven.access.models import AccessLogEntry, AccessLogHead

GENESIS = "0" * 64
Action = AccessLogEntry.Action
Outcome = AccessLogEntry.Outcome


def _payload(entry: AccessLogEntry) -> str:
    at = entry.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = {
        "at": at,
        "user": entry.user_id_at,
        "username": entry.username,
        "role": entry.role,
        "organisation": entry.organisation,
        "action": entry.action,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "person_id": entry.person_id,
        "reason": entry.reason,
        "outcome": entry.outcome,
        "detail": entry.detail,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)


def compute_hash(prev_hash: str, entry: AccessLogEntry) -> str:
    return hashlib.sha256((prev_hash + "|" + _payload(entry)).encode()).hexdigest()


def _organisation_of(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    org = user.agency if user.is_partner else user.force
    if org is None:
        return ""
    return getattr(org, "code", None) or f"agency:{org.pk}"


def record_access(
    user,
    action: str,
    *,
    record_type: str,
    record_id="",
    person_id: int | None = None,
    reason: str = "",
    outcome: str = Outcome.ALLOWED,
    detail: dict | None = None,
) -> AccessLogEntry:
    """Append one entry. Never put names, addresses or DASH answers in `detail`: ids only."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    with transaction.atomic():
        head = AccessLogHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AccessLogHead.objects.create(pk=1, last_id=0, last_hash=GENESIS)
        entry = AccessLogEntry(
            at=timezone.now(),
            user_id_at=user.pk if authenticated else None,
            username=user.get_username() if authenticated else "",
            role=getattr(user, "role", "") if authenticated else "",
            organisation=_organisation_of(user),
            action=action,
            record_type=record_type,
            record_id=str(record_id or ""),
            person_id=person_id,
            reason=reason[:500],
            outcome=outcome,
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        entry.entry_hash = compute_hash(head.last_hash, entry)
        entry.save()
        head.last_id = entry.pk
        head.last_hash = entry.entry_hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


def record_list_access(user, *, record_type: str, shown: dict[int, list]) -> int:
    """A list or home page showed these persons: one consultation entry per person.

    `shown` maps person id -> ids of the rows naming them (ids only, never names). One entry
    per person keeps the auditor's search by person complete.
    """
    with transaction.atomic():
        for person_id, record_ids in sorted(shown.items()):
            record_access(user, Action.CONSULTATION, record_type=record_type,
                          person_id=person_id,
                          detail={"shown": [str(r) for r in record_ids][:50]})
    return len(shown)


@dataclass
class ChainReport:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""


def verify_chain() -> ChainReport:
    """Walk the log in order; report the first entry whose hash or link does not hold."""
    prev = GENESIS
    checked = 0
    last_id = 0
    for entry in AccessLogEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return ChainReport(False, checked, entry.pk, "does not link to the entry before it")
        if compute_hash(prev, entry) != entry.entry_hash:
            return ChainReport(False, checked, entry.pk, "its contents were altered")
        prev = entry.entry_hash
        last_id = entry.pk
        checked += 1
    head = AccessLogHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id != last_id or head.last_hash != prev):
        return ChainReport(False, checked, last_id or None, "entries after it were removed")
    return ChainReport(True, checked)

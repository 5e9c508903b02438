"""The access log: `record_access` appends one chained entry; `verify_chain` checks them all.

Call `record_access` inside the same `transaction.atomic` block as the action it
records, so that the action and its log entry commit or fail together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from haven.access.anchors import check_anchors, seal_after_commit
from haven.access.capabilities import can
from haven.access.models import AccessLogEntry, AccessLogHead

GENESIS = "0" * 64
Action = AccessLogEntry.Action
Outcome = AccessLogEntry.Outcome

# How many entries this thread has appended: `haven.core.actions` compares it before and
# after an action to refuse one that changed data without logging.
_written = threading.local()


def entries_written() -> int:
    return getattr(_written, "count", 0)


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


def _append(user, entries: list[dict]) -> list[AccessLogEntry]:
    """Append entries to the chain under one lock on its head (one head update per call)."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    who = {
        "user_id_at": user.pk if authenticated else None,
        "username": user.get_username() if authenticated else "",
        "role": getattr(user, "role", "") if authenticated else "",
        "organisation": _organisation_of(user),
    }
    saved = []
    with transaction.atomic():
        head = AccessLogHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AccessLogHead.objects.create(pk=1, last_id=0, last_hash=GENESIS)
        for fields in entries:
            entry = AccessLogEntry(at=timezone.now(), prev_hash=head.last_hash, **who, **fields)
            entry.entry_hash = compute_hash(head.last_hash, entry)
            entry.save()
            head.last_id = entry.pk
            head.last_hash = entry.entry_hash
            saved.append(entry)
        if saved:
            head.save(update_fields=["last_id", "last_hash"])
    _written.count = entries_written() + len(saved)
    if saved:
        seal_after_commit()
    return saved


def _fields(action, *, record_type, record_id="", person_id=None, reason="",
            outcome=Outcome.ALLOWED, detail=None) -> dict:
    return {
        "action": action,
        "record_type": record_type,
        "record_id": str(record_id or ""),
        "person_id": person_id,
        "reason": reason[:500],
        "outcome": outcome,
        "detail": detail or {},
    }


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
    return _append(user, [_fields(action, record_type=record_type, record_id=record_id,
                                  person_id=person_id, reason=reason, outcome=outcome,
                                  detail=detail)])[0]


def record_list_access(user, *, record_type: str, shown: dict[int, list],
                       reason: str = "") -> int:
    """A list, queue or home page showed these persons: one consultation entry per person.

    `shown` maps person id -> ids of the rows naming them (ids only, never names). One entry
    per person keeps the auditor's search by person complete; the whole list is appended
    under one lock of the chain's head.
    """
    entries = [
        _fields(Action.CONSULTATION, record_type=record_type, person_id=person_id,
                reason=reason, detail={"shown": [str(r) for r in record_ids][:50]})
        for person_id, record_ids in sorted(shown.items()) if person_id is not None
    ]
    _append(user, entries)
    return len(entries)


def via(actor) -> dict:
    """Changes made by the system (the `haven` command, a job) have no signed-in actor: the
    log says so, with the operating-system account that ran it."""
    if getattr(actor, "is_authenticated", False):
        return {}
    import getpass  # only needed on the system's path

    try:
        return {"via": "haven command", "os_user": getpass.getuser()}
    except (KeyError, OSError):
        return {"via": "haven command"}


def require_capability(user, capability: str, *, record_type: str, action_name: str) -> None:
    """An action's capability check: a refusal is logged in its own transaction (so the
    entry outlives the 404 the caller sees) and answered as "not found"."""
    if can(user, capability):
        return
    with transaction.atomic():
        record_access(user, Action.ALTERATION, record_type=record_type,
                      reason=f"needs {capability}", outcome=Outcome.REFUSED,
                      detail={"action": action_name})
    raise Http404("Not found")


@dataclass
class ChainReport:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""
    anchors: int = 0  # signed heads outside the database that the log was checked against


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
    anchors = check_anchors()
    if not anchors.ok:
        return ChainReport(False, checked, anchors.entry_id, anchors.problem, anchors.anchors)
    return ChainReport(True, checked, anchors=anchors.anchors)

"""The access log: `record_access` appends entries; `seal` chains them; `verify_chain` checks.

Call `record_access` inside the same `transaction.atomic` block as the action it
records, so that the action and its log entry commit or fail together.

Appending touches no shared row (issue 18 item 3, ADR 0005): an entry is inserted unsealed,
and `seal` later gives every committed unsealed entry its place in the hash chain, in the
order the sealer finds them, under a lock only sealers take (PostgreSQL: a try-lock, so
nobody waits). A transaction that logged tries to seal after it commits; the worker seals
periodically (`haven.access.jobs`) for whatever a busy sealer left.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connection, transaction
from django.http import Http404
from django.utils import timezone

from haven.access.anchors import check_anchors, write_anchor
from haven.access.capabilities import can
from haven.access.models import AccessLogEntry, AccessLogHead

log = logging.getLogger(__name__)

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


def _logging_off() -> bool:
    """The benchmark's switch (bench/bench_access_log.py): logging off, to measure what
    logging costs. Honoured only under the benchmark's own settings module, which is not part
    of the installed package; anywhere else the setting refuses to start."""
    if not getattr(settings, "HAVEN_BENCH_ACCESS_LOG_OFF", False):
        return False
    if settings.SETTINGS_MODULE != "bench.bench_settings":
        raise ImproperlyConfigured("HAVEN_BENCH_ACCESS_LOG_OFF is only for bench/bench_settings"
                                   ".py: the access log is never switched off.")
    return True


# PostgreSQL's id of the inserting transaction (64-bit, with epoch), taken in the INSERT
# itself (no extra round trip); SQLite has none (one writer at a time).
_TXID_SQL = "pg_current_xact_id()::text::bigint"


# The columns `_append` writes; the transaction id and the seal's columns are not among them.
_COLUMNS = ("at", "user_id_at", "username", "role", "organisation", "action", "record_type",
            "record_id", "person_id", "reason", "outcome", "detail")


def _insert_postgresql(rows: list[AccessLogEntry]) -> list[AccessLogEntry]:
    """`INSERT … SELECT …, <transaction id> FROM UNNEST(<one array per column>) RETURNING id`.

    The transaction id is an SQL expression, which stops Django's own bulk insert from
    sending the rows as arrays: it wrote one long `VALUES` list with the expression in every
    row, slow to build and to parse (a task list's 16 entries took 5 ms). Here the statement
    is the same small text however many rows, the values go as one array per column
    (converted by each field, as Django's insert converts them), and the expression is
    written once. A single entry (most requests) is a plain one-row VALUES insert."""
    fields = [AccessLogEntry._meta.get_field(name) for name in _COLUMNS]
    quote = connection.ops.quote_name
    columns = f"{', '.join(quote(field.column) for field in fields)}, {quote('txid')}"
    table, pk = quote(AccessLogEntry._meta.db_table), quote(AccessLogEntry._meta.pk.column)
    if len(rows) == 1:  # one row: plain VALUES (arrays cost more to build than they save)
        params = [field.get_db_prep_save(getattr(rows[0], field.attname), connection)
                  for field in fields]
        sql = (f"INSERT INTO {table} ({columns}) "  # noqa: S608 - the model's own names
               f"VALUES ({', '.join(['%s'] * len(fields))}, {_TXID_SQL}) RETURNING {pk}")
    else:
        params = [[field.get_db_prep_save(getattr(row, field.attname), connection)
                   for row in rows] for field in fields]
        # Array types without their length ("varchar[]", not "varchar(64)[]"), as Django.
        unnest = ", ".join(f"(%s)::{field.db_type(connection).split('(')[0]}[]"
                           for field in fields)
        sql = (f"INSERT INTO {table} ({columns}) "  # noqa: S608 - the model's own names
               f"SELECT u.*, {_TXID_SQL} FROM UNNEST({unnest}) AS u RETURNING {pk}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [pk for (pk,) in cursor.fetchall()]
    for row, pk in zip(rows, ids, strict=True):
        row.pk = pk
        row._state.adding, row._state.db = False, connection.alias
    return rows


def _append(user, entries: list[dict]) -> list[AccessLogEntry]:
    """Insert entries unsealed: no shared row is read or locked, so loggers never wait."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    who = {
        "user_id_at": user.pk if authenticated else None,
        "username": user.get_username() if authenticated else "",
        "role": getattr(user, "role", "") if authenticated else "",
        "organisation": _organisation_of(user),
    }
    if not entries:
        return []
    rows = [AccessLogEntry(at=timezone.now(), **who, **fields) for fields in entries]
    if _logging_off():
        _written.count = entries_written() + len(rows)
        return rows  # not saved (benchmark only)
    if connection.vendor == "postgresql":
        # One INSERT statement is atomic by itself: no transaction of its own needed.
        saved = _insert_postgresql(rows)
    elif len(rows) == 1 and not connection.in_atomic_block:
        # One entry and no transaction of the caller's: one INSERT is atomic by itself
        # (bulk_create would wrap it in BEGIN and COMMIT, two round trips more).
        rows[0].save(force_insert=True)
        saved = rows
    else:
        # No savepoint of its own (two round trips fewer per logged request): a failed
        # insert must roll back the caller's whole transaction anyway, never be caught and
        # carried on past, since the action and its entry commit together or not at all.
        with transaction.atomic(savepoint=False):
            saved = AccessLogEntry.objects.bulk_create(rows)
    for row in saved:
        row.txid = None  # stored by the database; refresh_from_db() to read it
    _written.count = entries_written() + len(saved)
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


def record_accesses(user, action: str, *, record_type: str, record_id="",
                    person_ids, reason: str = "", detail: dict | None = None) -> int:
    """The same action on one record touching several persons: one entry per person, one
    insert (an incident read names each person involved)."""
    entries = [_fields(action, record_type=record_type, record_id=record_id,
                       person_id=person_id, reason=reason, detail=detail)
               for person_id in person_ids]
    _append(user, entries)
    return len(entries)


def record_list_access(user, *, record_type: str, shown: dict[int, list],
                       reason: str = "") -> int:
    """A list, queue or home page showed these persons: one consultation entry per person.

    `shown` maps person id -> ids of the rows naming them (ids only, never names). One entry
    per person keeps the auditor's search by person complete; the whole list is appended
    in one insert.
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


# -- Sealing ---------------------------------------------------------------------------------

# The advisory lock only sealers take (PostgreSQL); any constant unique to this use.
SEAL_LOCK = 0x48617665_6E4C6F67 & 0x7FFFFFFFFFFFFFFF  # "HavenLog"
SEAL_CHUNK = 2000


def _lock_and_horizon() -> tuple[bool, int | None]:
    """Take the sealers' lock without waiting, and the horizon, in one round trip.

    The lock: on PostgreSQL a transaction-scoped advisory try-lock (released at commit); on
    SQLite the transaction already holds the database's single write lock (BEGIN IMMEDIATE).

    The horizon (PostgreSQL): a transaction id below which every transaction had ended when
    this statement ran, i.e. *before* the unsealed entries are read, so their committed
    entries are visible to that read and get sealed. The snapshot's xmin leaves out this
    transaction's own id, so that is taken too (entries it writes after sealing must not look
    older than the seal)."""
    if connection.vendor != "postgresql":
        return True, None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s), "
                       "LEAST(pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
                       "pg_current_xact_id_if_assigned()::text::bigint)", [SEAL_LOCK])
        locked, horizon = cursor.fetchone()
        return bool(locked), horizon


def seal() -> dict | None:
    """Chain every committed unsealed entry, oldest id first, after the head; move the head;
    after commit, sign the new head into the anchor file. Returns the anchor's fields, or
    None when there was nothing to seal or another sealer is at work (it will seal them)."""
    with transaction.atomic():
        locked, horizon = _lock_and_horizon()
        if not locked:
            return None
        # Only sealers write the head, one at a time (the lock above): no row lock needed.
        head = AccessLogHead.objects.filter(pk=1).first()
        if head is None:
            head = AccessLogHead.objects.create(pk=1, last_id=0, last_hash=GENESIS)
        sealed = 0
        while True:
            chunk = list(AccessLogEntry.objects.filter(seq__isnull=True)
                         .order_by("id")[:SEAL_CHUNK])
            for entry in chunk:
                entry.seq = head.last_seq + 1
                entry.prev_hash = head.last_hash
                entry.entry_hash = compute_hash(head.last_hash, entry)
                head.last_seq, head.last_id, head.last_hash = (entry.seq, entry.pk,
                                                               entry.entry_hash)
            if chunk:
                AccessLogEntry.objects.bulk_update(chunk, ["seq", "prev_hash", "entry_hash"],
                                                   batch_size=500)
                sealed += len(chunk)
            if len(chunk) < SEAL_CHUNK:
                break
        if not sealed:
            return None
        head.horizon = max(head.horizon, horizon if horizon is not None else head.last_id)
        head.save(update_fields=["last_seq", "last_id", "last_hash", "horizon"])
        fields = {"at": timezone.now().isoformat(), "last_id": head.last_id,
                  "last_hash": head.last_hash, "seq": head.last_seq, "horizon": head.horizon}
        # Signed only once the seal is kept: an anchor never names a chain rolled back.
        transaction.on_commit(lambda: write_anchor(fields))
    return fields


def _seal_quietly() -> dict | None:
    """After a logging transaction commits: seal if no other sealer is at work. Never fails
    the request that already committed (a later seal, or the worker's, picks the entries up)."""
    try:
        return seal()
    except Exception:  # noqa: BLE001 - logged; the periodic seal is the backstop
        log.exception("sealing the access log after commit failed")
        return None


# A sealer thread per process (HAVEN_AUDIT_SEAL_IN_THREAD): the request only sets an event;
# the thread seals everything committed since its last seal, off the request's path.
_sealer: dict = {"pid": None, "wake": None}
_sealer_lock = threading.Lock()


def _sealer_loop(wake: threading.Event) -> None:
    retry = False
    while True:
        woken = wake.wait(timeout=1.0)
        if not (woken or retry):
            connection.close()  # idle for a second: hold no connection (nor the database)
            continue
        # Let a moment's commits gather, so that one seal (and one anchor) covers many
        # requests: sealing after every request cost the busy server a seal, an anchor and
        # often a new database connection per request.
        time.sleep(settings.HAVEN_AUDIT_SEAL_GATHER_MS / 1000)
        wake.clear()
        close_old_connections()  # a connection broken or past its age is replaced
        # A seal that found nothing may have given way to another sealer that read before
        # our commit: one more try a second later.
        retry = woken and _seal_quietly() is None


def _wake_sealer() -> None:
    with _sealer_lock:
        if _sealer["pid"] != os.getpid():  # first use in this process, or after a fork
            wake = threading.Event()
            threading.Thread(target=_sealer_loop, args=(wake,), daemon=True,
                             name="haven-access-log-sealer").start()
            _sealer.update(pid=os.getpid(), wake=wake)
    _sealer["wake"].set()


def _after_commit() -> None:
    if getattr(settings, "HAVEN_AUDIT_SEAL_IN_THREAD", False):
        _wake_sealer()
    else:
        _seal_quietly()


def seal_after_commit() -> None:
    """One seal attempt after the current transaction commits (none if it rolls back): at
    once in this thread, or by the process's sealer thread (HAVEN_AUDIT_SEAL_IN_THREAD)."""
    if not connection.in_atomic_block:
        _after_commit()
        return
    if any(item[1] is _after_commit for item in connection.run_on_commit):
        return  # this transaction will already try to seal when it commits
    transaction.on_commit(_after_commit)


# -- Verifying --------------------------------------------------------------------------------

@dataclass
class ChainReport:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""
    anchors: int = 0  # signed heads outside the database that the log was checked against
    unsealed: int = 0  # entries written but not yet chained (the newest: not tampering)
    oldest_unsealed_seconds: float | None = None


def _unsealed_inside_sealed_range(head, anchored_horizon: int) -> int | None:
    """An unsealed entry that a completed seal must have seen: its seal was removed, or it
    was inserted afterwards with an old transaction id. Returns its id."""
    horizon = max(head.horizon if head else 0, anchored_horizon)
    unsealed = AccessLogEntry.objects.filter(seq__isnull=True)
    if connection.vendor == "postgresql":
        from django.db.models import Q  # only this check filters on two columns

        inside = unsealed.filter(Q(txid__isnull=True) | Q(txid__lt=horizon))
    else:  # SQLite: one writer, so ids are handed out in commit order
        inside = unsealed.filter(id__lte=horizon)
    return inside.order_by("id").values_list("id", flat=True).first()


def verify_chain() -> ChainReport:
    """Check the log without writing to it: nothing unsealed inside the sealed range; every
    sealed entry, in chain order, links to the one before and has its own hash; the head is
    the chain's end; every signed anchor outside the database still holds. Entries not yet
    sealed are reported (how many, the oldest's age), not judged."""
    head = AccessLogHead.objects.filter(pk=1).first()
    anchors = check_anchors()
    tampered = _unsealed_inside_sealed_range(head, anchors.horizon)
    if tampered is not None:
        return ChainReport(False, 0, tampered, "is not sealed but lies inside the sealed range "
                           "(its seal was removed, or it was inserted afterwards)")
    prev = GENESIS
    checked = 0
    last_id = last_seq = 0
    sealed = AccessLogEntry.objects.filter(seq__isnull=False).order_by("seq")
    for entry in sealed.iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return ChainReport(False, checked, entry.pk, "does not link to the entry before it")
        if compute_hash(prev, entry) != entry.entry_hash:
            return ChainReport(False, checked, entry.pk, "its contents were altered")
        prev = entry.entry_hash
        last_id, last_seq = entry.pk, entry.seq
        checked += 1
    if head is not None and (head.last_id != last_id or head.last_hash != prev
                             or head.last_seq != last_seq):
        return ChainReport(False, checked, last_id or None, "entries after it were removed")
    if not anchors.ok:
        return ChainReport(False, checked, anchors.entry_id, anchors.problem, anchors.anchors)
    pending = AccessLogEntry.objects.filter(seq__isnull=True)
    oldest = pending.order_by("at").values_list("at", flat=True).first()
    return ChainReport(True, checked, anchors=anchors.anchors, unsealed=pending.count(),
                       oldest_unsealed_seconds=(timezone.now() - oldest).total_seconds()
                       if oldest else None)

"""Idempotency keys for API submissions (issue 18 item 5; ADR 0005 addendum).

An officer's phone that loses signal after pressing submit cannot know whether the incident
or the DASH was saved. It retries with the same `Idempotency-Key` header (any client-made
unique text up to 255 characters, e.g. a UUID made when the form was opened), and:

- the first submission with that key runs, and its answer (status, JSON body) is saved in
  the *same transaction* as everything the submission wrote: both are kept or neither is;
- a retry with the same key by the same user gets the first answer again, marked
  `Idempotent-Replayed: true`, and nothing runs twice; a retry that arrives while the first
  is still running waits for it (the key's unique row is locked) and then replays it;
- the same key with a different body or path is refused (422): a client bug, not a retry;
- an answer of 5xx is not saved (the transaction is rolled back), so a retry runs afresh.

`haven.core.api.Router` gives every API viewset this behaviour for POST. Without the header
a POST works as before (no guarantee against duplicates).

Keys are kept for `HAVEN_IDEMPOTENCY_KEEP_HOURS` (default 24): a phone retries within
minutes, and a stored answer is personal data's ids kept for no other purpose. The periodic
job `haven.access.jobs.prune_idempotency_keys` deletes older ones (`do_prune_idempotency_keys`).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import connections, router, transaction
from django.http import HttpResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from rest_framework.exceptions import APIException

from haven.core.actions import action

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


class KeyMisused(APIException):
    status_code = 422
    default_detail = ("This Idempotency-Key was already used for a different request. Make a "
                      "new key for each new submission; reuse a key only to retry.")
    default_code = "idempotency_key_reused"


class BadKey(APIException):
    status_code = 400
    default_detail = "The Idempotency-Key header must be 1 to 255 printable characters."
    default_code = "bad_idempotency_key"


class _Replay(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, response):
        self.response = response


def _body(request) -> bytes:
    """The raw body (read and kept before DRF parses it); a form already parsed by a
    middleware stands for itself by its fields."""
    try:
        return request.body
    except RawPostDataException:
        return repr(sorted(request.POST.lists())).encode()


def _request_hash(request) -> str:
    body = _body(request)
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n"
                          + body).hexdigest()


def _replay(stored) -> HttpResponse:
    response = HttpResponse(bytes(stored.body), status=stored.status_code,
                            content_type=stored.content_type or "application/json")
    response[REPLAYED] = "true"
    return response


def _insert_if_new(row):
    """Insert the key's row unless this user's key is already there: `INSERT … ON CONFLICT
    DO NOTHING RETURNING id` (PostgreSQL, SQLite ≥ 3.35), one round trip where a savepoint
    around an insert that may fail took three. Returns the saved row, or None when the key
    was used before. As with the plain insert, PostgreSQL waits for a first request with
    the same key that has not committed yet, then finds its row (or, had it rolled back,
    inserts)."""
    model = type(row)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
    unique = ", ".join(quote(model._meta.get_field(name).column) for name in ("user", "key"))
    # Names from the model's own metadata, quoted; every value is a parameter.
    sql = (f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
           f"({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) "
           f"ON CONFLICT ({unique}) DO NOTHING RETURNING {quote(model._meta.pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        inserted = cursor.fetchone()
    if inserted is None:
        return None
    row.pk = inserted[0]
    row._state.adding, row._state.db = False, connection.alias
    return row


class IdempotentSubmissions:
    """Mixed into API viewsets by the router (first in the method resolution order)."""

    def _idempotency_key(self, request) -> str | None:
        if request.method != "POST":
            return None
        return request.headers.get(HEADER)

    def dispatch(self, request, *args, **kwargs):
        if self._idempotency_key(request) is None:
            return super().dispatch(request, *args, **kwargs)
        # The body is read now: DRF's parsers consume the stream later.
        _body(request)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = self._idempotency_key(request)
        if key is None:
            return
        if not (0 < len(key) <= 255 and key.isprintable()):
            raise BadKey()
        # Function-local: haven.core.api (which mixes this in) loads before the app registry.
        from haven.access.models import IdempotentSubmission

        digest = _request_hash(request._request)
        row = _insert_if_new(IdempotentSubmission(
            user=request.user, key=key, method=request.method, path=request.path[:500],
            request_hash=digest))
        if row is not None:
            self._idempotent_row = row
            return
        # Used before (the first may still be running: the lock below waits).
        stored = IdempotentSubmission.objects.select_for_update().get(user=request.user,
                                                                       key=key)
        if stored.request_hash != digest:
            raise KeyMisused()
        if stored.status_code is None:  # cannot happen once the first has committed
            raise KeyMisused("The first request with this key did not finish. Retry later.")
        raise _Replay(_replay(stored))

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        row = getattr(self, "_idempotent_row", None)
        if row is not None and response.status_code < 500:
            if hasattr(response, "render"):
                response.render()
            row.status_code = response.status_code
            row.content_type = response.get("Content-Type", "application/json")[:100]
            row.body = response.content
            row.save(update_fields=["status_code", "content_type", "body"])
            self._idempotent_row = None
        return response


def keep_hours() -> int:
    """How long a submission's key and answer are kept. A Django setting, not a force's
    policy Setting: it is the API's retry window (how long a phone may retry), the same for
    every force and partner agency, and a technical retention, not a policing rule."""
    return int(getattr(settings, "HAVEN_IDEMPOTENCY_KEEP_HOURS", 24))


@action(None, record_type="idempotency_key", system=True)
def do_prune_idempotency_keys(*, actor, now: dt.datetime | None = None) -> int:
    """Delete keys (and the answers stored with them) older than `keep_hours()`; logs the
    count only. A retry after that runs afresh."""
    # Function-local: this module loads with haven.core.api, before the app registry.
    from haven.access.log import Action, record_access, via
    from haven.access.models import IdempotentSubmission

    hours = keep_hours()
    cutoff = (now or timezone.now()) - dt.timedelta(hours=hours)
    deleted = IdempotentSubmission.objects.filter(created_at__lt=cutoff).delete()[0]
    record_access(actor, Action.ERASURE, record_type="idempotency_key",
                  reason=f"idempotency keys older than {hours} hours",
                  detail={"deleted": deleted, **via(actor)})
    return deleted

"""In-process domain events: one room announces, others react after the write has committed.

An event is a frozen dataclass declared in the publishing room's `events.py` (ids and plain
values only: never a name, an address or a DASH answer, so an event can be logged):

    from haven.intake.events import IncidentRecorded
    publish(IncidentRecorded(incident_id=incident.pk, force_id=incident.force_id,
                             actor_id=actor.pk))

Rooms subscribe with the event class in their AppConfig.ready():

    subscribe(IncidentRecorded, live.on_incident_recorded)   # handler(event)

Subscribers run after the publisher's transaction commits, each in its own transaction. How
they are reached depends on the installation (`HAVEN_EVENT_DELIVERY`):

- "queued" (production: jobs in the database queue): `publish` writes one queued job per
  subscriber *inside the publisher's transaction* (django-tasks' database backend inserts a
  row), and `haven worker` runs them. The request that recorded a 999 call answers without
  waiting for four rooms' reactions (issue 18's load test: half of incident creation), and
  the reactions are as durable as the write: committed together or not at all, so a process
  killed after the commit loses nothing (the old in-process gap). The worker runs them in
  the order queued; they land a second or so after the answer.
- "after_commit" (the demo and the tests: jobs run at once): `transaction.on_commit` in the
  publisher's process, as before. A subscriber that fails is rolled back and logged (event, handler,
ids, exception type and code lines: never the exception's message, which may carry a
name) and the publisher is not affected: no bug in a reaction can abort recording a 999
call. If the publisher's transaction rolls back, nothing is delivered. A reaction that
must happen with the write (or not at all) is not an event: the publisher calls the other
room's service directly, inside its transaction.

A queued event carries its fields as JSON (ids, plain values, datetimes as ISO text); the job
names the event class and the handler by dotted path and finds both among the subscriptions
of the worker's process, never by importing a path from the database.

A queued reaction happens once in effect, however often its job runs (a job whose worker
died is run again: haven/core/jobs.py). Each publish gives the event an id; the worker
writes a `DeliveredReaction` row (event id, subscriber; unique) in the same transaction as
the reaction's own writes, and a job that finds that row already there does nothing. So a
worker killed after the reaction committed but before django-tasks marked the job done, or
two workers running the same job, cannot do it twice; one killed before the commit leaves
neither, and the run again does it. Handlers need not be idempotent themselves.

Explicit calls, not model signals: signals miss bulk updates and hide the flow.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import traceback
import typing
import uuid
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django_tasks import task

from haven.core.jobs import queue_in_database
from haven.forces.policy import policy_snapshot

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every domain event. Subclasses are frozen dataclasses of ids and values."""

    @classmethod
    def name(cls) -> str:
        return f"{cls.__module__}.{cls.__qualname__}"


_handlers: dict[type[Event], list[Callable[[Event], None]]] = defaultdict(list)


def _check_event_class(event_class) -> None:
    if not (isinstance(event_class, type) and issubclass(event_class, Event)
            and dataclasses.is_dataclass(event_class)):
        raise TypeError(f"{event_class!r} is not an Event dataclass")


def subscribe(event_class: type[Event], handler: Callable[[Event], None]) -> None:
    """Call `handler(event)` after commit whenever `event_class` is published (once)."""
    _check_event_class(event_class)
    if handler not in _handlers[event_class]:
        _handlers[event_class].append(handler)


def unsubscribe(event_class: type[Event], handler: Callable[[Event], None]) -> None:
    """Stop calling `handler` (tests, and a room being switched off)."""
    if handler in _handlers.get(event_class, []):
        _handlers[event_class].remove(handler)


def subscribers(event_class: type[Event] | None = None):
    """The handlers of one event class, or {event class: handlers} for all of them."""
    if event_class is not None:
        return list(_handlers.get(event_class, []))
    return {cls: list(handlers) for cls, handlers in _handlers.items() if handlers}


def delivery_mode() -> str:
    """"queued" (a job per subscriber, run by the worker) or "after_commit" (in process).
    Queued only with the database queue: the immediate backend would run the job inside the
    publisher's transaction, before it commits."""
    wanted = getattr(settings, "HAVEN_EVENT_DELIVERY", "after_commit")
    return "queued" if wanted == "queued" and queue_in_database() else "after_commit"


def publish(event: Event) -> None:
    """Deliver `event` to its subscribers once the current transaction commits (at once
    when there is none). The handler list is read now, when the event happens."""
    _check_event_class(type(event))
    handlers = list(_handlers.get(type(event), []))
    if delivery_mode() == "queued":
        fields, event_id = _to_json(event), uuid.uuid4().hex
        # Inside the publisher's transaction: the job rows commit with the write.
        _enqueue_all(deliver_queued, [((event.name(), fields, _path(handler)),
                                       {"event_id": event_id}) for handler in handlers])
        return
    for handler in handlers:
        transaction.on_commit(partial(deliver, handler, event))


def _enqueue_all(job, calls) -> None:
    """`job.enqueue(*args, **kwargs)` for each (args, kwargs) of `calls`, as one multi-row
    INSERT (an incident's four reactions were four round trips). The rows are the ones the
    database backend's `enqueue` makes, field for field; `run_after`, which its pre_save
    signal fills in (a bulk insert sends no signals), is filled in here the same way."""
    if not calls:
        return
    # The queue's models load with the app registry, after this module.
    from django_tasks_db.compat import normalize_json, task_enqueued
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = job.get_backend()
    backend.validate_task(job)
    rows = [DBTaskResult(id=backend._get_id(),
                         args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
                         priority=job.priority, task_path=job.module_path,
                         queue_name=job.queue_name,
                         run_after=job.run_after if job.run_after is not None
                         else get_date_max(),
                         backend_name=backend.alias)
            for args, kwargs in calls]
    DBTaskResult.objects.bulk_create(rows)
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)


def _path(handler) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', handler)}"


def _to_json(event: Event) -> dict:
    out = {}
    for field in dataclasses.fields(event):
        value = getattr(event, field.name)
        out[field.name] = value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
    return out


def _from_json(event_class: type[Event], fields: dict) -> Event:
    hints = typing.get_type_hints(event_class)
    values = {}
    for name, value in fields.items():
        hint = str(hints.get(name, ""))
        if isinstance(value, str) and "datetime" in hint:
            value = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and "date" in hint:
            value = dt.date.fromisoformat(value)
        values[name] = value
    return event_class(**values)


@task(takes_context=True)
def deliver_queued(context, event_name: str, fields: dict, handler_path: str,
                   event_id: str = "") -> bool:
    """The worker's half of a queued event: find the subscription and run it (as `deliver`),
    once per event and subscriber (the ledger). A subscription that no longer exists is
    logged, not guessed at."""
    job_id = str(context.task_result.id)
    for event_class, handlers in _handlers.items():
        if event_class.name() != event_name:
            continue
        for handler in handlers:
            if _path(handler) == handler_path:
                # A job queued before events carried an id is keyed by its own id.
                return deliver(handler, _from_json(event_class, fields),
                               once=(event_id or job_id, handler_path, job_id))
    log.error("event %s: no subscriber %s in this process; not delivered ids=%s", event_name,
              handler_path, {k: v for k, v in fields.items() if k.endswith("_id")})
    return False


def _first_delivery(event_id: str, subscriber: str, job_id: str) -> bool:
    """Write the ledger row inside the reaction's transaction; False when it exists. On
    PostgreSQL a second worker's insert waits for the first's commit, then finds the row
    (or, if the first rolled back, takes over); SQLite has one writer at a time."""
    from haven.core.queue.models import DeliveredReaction  # models: imported after start-up

    try:
        with transaction.atomic():  # a savepoint: the duplicate does not spoil the outer one
            DeliveredReaction.objects.create(event_id=event_id, subscriber=subscriber[:255],
                                             job_id=job_id)
    except IntegrityError:
        return False
    return True


def _ids(event: Event) -> dict:
    return {f.name: getattr(event, f.name) for f in dataclasses.fields(event)
            if f.name.endswith("_id")}


def deliver(handler: Callable[[Event], None], event: Event,
            once: tuple[str, str, str] | None = None) -> bool:
    """Run one handler in its own transaction; a failure is rolled back and logged. With
    `once` (event id, subscriber, job id) the reaction is recorded in the same transaction
    and skipped when it was already done."""
    try:
        # One policy snapshot per reaction, as a request has: a worker has no request, and a
        # reaction asking policy per person resolved it from the database each time.
        with policy_snapshot(), transaction.atomic():
            if once is not None and not _first_delivery(*once):
                log.info("event %s: subscriber %s already reacted to event %s; job %s does "
                         "nothing", type(event).__name__, once[1], once[0], once[2])
                return True
            handler(event)
    except Exception as exc:  # noqa: BLE001 - a reaction must never break the publisher
        code = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
        log.error("event %s: subscriber %s.%s failed (%s) ids=%s\n%s", type(event).__name__,
                  getattr(handler, "__module__", "?"), getattr(handler, "__qualname__", handler),
                  type(exc).__name__, _ids(event), code)
        return False
    return True


# --- Declared for rooms not built yet --------------------------------------------------------
# An event a subscriber reacts to before its publishing room exists is declared here until
# that room is built; the room then moves the class into its own `events.py` and publishes it
# (CustodyEvent moved to haven/investigation/events.py, OrderBreached to
# haven/protection/events.py). haven/core/tests/test_events.py allows exactly these as "no
# publisher yet" and fails on any other event nobody publishes (and on one of these once
# somebody does publish it, so that this list is kept honest).

AWAITING_PUBLISHER: tuple = ()

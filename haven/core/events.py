"""In-process domain events: one room announces, others react after the write has committed.

An event is a frozen dataclass declared in the publishing room's `events.py` (ids and plain
values only: never a name, an address or a DASH answer, so an event can be logged):

    from haven.intake.events import IncidentRecorded
    publish(IncidentRecorded(incident_id=incident.pk, force_id=incident.force_id,
                             actor_id=actor.pk))

Rooms subscribe with the event class in their AppConfig.ready():

    subscribe(IncidentRecorded, live.on_incident_recorded)   # handler(event)

Subscribers run after the publisher's transaction commits (`transaction.on_commit`), each
in its own transaction. A subscriber that fails is rolled back and logged (event, handler,
ids, exception type and code lines: never the exception's message, which may carry a
name) and the publisher is not affected: no bug in a reaction can abort recording a 999
call. If the publisher's transaction rolls back, nothing is delivered. A reaction that
must happen with the write (or not at all) is not an event: the publisher calls the other
room's service directly, inside its transaction.

Known gap: delivery is in-process; a process that dies between the commit and the
callbacks loses those reactions (an outbox table drained by a worker would close it).

Explicit calls, not model signals: signals miss bulk updates and hide the flow.
"""

from __future__ import annotations

import dataclasses
import logging
import traceback
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from django.db import transaction

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


def publish(event: Event) -> None:
    """Deliver `event` to its subscribers once the current transaction commits (at once
    when there is none). The handler list is read now, when the event happens."""
    _check_event_class(type(event))
    for handler in list(_handlers.get(type(event), [])):
        transaction.on_commit(partial(deliver, handler, event))


def _ids(event: Event) -> dict:
    return {f.name: getattr(event, f.name) for f in dataclasses.fields(event)
            if f.name.endswith("_id")}


def deliver(handler: Callable[[Event], None], event: Event) -> bool:
    """Run one handler in its own transaction; a failure is rolled back and logged."""
    try:
        with transaction.atomic():
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

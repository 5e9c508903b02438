"""In-process domain events: one room announces, others react, without importing each other.

Handlers run synchronously inside the publisher's transaction, so a reaction (a
re-assessment flag, a task) commits or fails with the event that caused it. Rooms
subscribe in their AppConfig.ready(). Explicit calls, not model signals: signals miss
bulk updates and hide the flow.

Events in use (payloads are keyword arguments):
- "incident_recorded": incident, actor — a new incident log with its involvements saved.
- "custody_event": person, kind, occurred_at, actor — arrest, bail, charge, release.
- "order_breached": person, order_ref, occurred_at, actor.
"""

from collections import defaultdict
from collections.abc import Callable

_handlers: dict[str, list[Callable]] = defaultdict(list)


def subscribe(name: str, handler: Callable) -> None:
    if handler not in _handlers[name]:
        _handlers[name].append(handler)


def publish(name: str, **payload) -> None:
    for handler in list(_handlers[name]):
        handler(**payload)

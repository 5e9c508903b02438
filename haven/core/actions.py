"""One action contract (issue 9 item 3): everything that changes data is a `do_…` action.

    @action("risk.hau_review", record_type="risk_assessment")
    def do_review_hau(assessment, *, version, grade, actor): ...

The decorator is the contract, so no action can forget a part of it:

- the name starts `do_` and `actor` is keyword-only (who did it is never optional to say);
- the actor's capability is checked first; a refusal is written to the access log in its
  own transaction (so it survives the 404) and answered as "not found";
- the body runs in one `transaction.atomic()`: the change, its log entry and its
  chronology entry commit together or not at all;
- an action that wrote nothing to the access log is refused (`ActionDidNotLog`) and
  rolled back, so "every change is logged" is checked on every call the test suite makes.
  An action that finds nothing to change (already done: idempotent commands, a flag
  already raised) says so by calling `unchanged()` before it returns.

System work (the `haven` command, the nightly linker, an event subscriber, an enrolment
link's holder before they can sign in) passes `actor=None`, and only where `system=True`
says the action may run that way; a signed-in actor is always checked.

Stale edits use `haven.core.concurrency.update_if_unchanged`, the one optimistic-locking
mechanism. `haven/core/tests/test_actions.py` lists every `do_` in the code and fails on
one that is not an action.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction


class ActionDidNotLog(RuntimeError):
    """An action returned without writing the access log: refused and rolled back."""


@dataclass(frozen=True)
class ActionInfo:
    name: str
    module: str
    capability: str | None
    record_type: str
    system: bool


ACTIONS: dict[str, ActionInfo] = {}
_running = threading.local()  # a stack of [changed-nothing?] frames, one per nested action


def unchanged() -> None:
    """The running action found nothing to change, so it need not write the log."""
    stack = getattr(_running, "stack", None)
    if not stack:
        raise RuntimeError("unchanged() is for use inside an action")
    stack[-1][0] = True


def in_action() -> bool:
    return bool(getattr(_running, "stack", None))


def action(capability: str | None, *, record_type: str,
           system: bool = False) -> Callable[[Callable], Callable]:
    """Declare a `do_…` function an action needing `capability` (None: system only)."""
    def wrap(fn: Callable) -> Callable:
        # Imported here because haven.access imports this module's users at start-up.
        from haven.access.capabilities import MATRIX
        if not fn.__name__.startswith("do_"):
            raise TypeError(f"{fn.__qualname__}: an action's name starts with do_")
        param = inspect.signature(fn).parameters.get("actor")
        if param is None or param.kind is not inspect.Parameter.KEYWORD_ONLY:
            raise TypeError(f"{fn.__qualname__}: an action takes `*, actor`")
        if capability is not None and capability not in MATRIX:
            raise TypeError(f"{fn.__qualname__}: unknown capability {capability!r}")
        if capability is None and not system:
            raise TypeError(f"{fn.__qualname__}: without a capability, say system=True")
        info = ActionInfo(fn.__name__, fn.__module__, capability, record_type, system)

        @functools.wraps(fn)
        def run(*args, **kwargs):
            # At call time: actions are declared while the app registry is still loading.
            from haven.access import log
            actor = kwargs.get("actor")
            if not (system and actor is None):
                if capability is None:
                    raise TypeError(f"{fn.__qualname__} runs only as the system")
                log.require_capability(actor, capability, record_type=record_type,
                                       action_name=fn.__name__)
            stack = _running.__dict__.setdefault("stack", [])
            frame = [False]
            stack.append(frame)
            try:
                with transaction.atomic():
                    before = log.entries_written()
                    result = fn(*args, **kwargs)
                    if log.entries_written() == before and not frame[0]:
                        raise ActionDidNotLog(f"{fn.__qualname__} wrote no access-log entry")
            finally:
                stack.pop()
            return result

        run.haven_action = info
        ACTIONS[f"{fn.__module__}.{fn.__name__}"] = info
        return run
    return wrap

"""One action contract (issue 9 item 3): everything that changes data is a `do_…` action.

    @action("risk.hau_review", record_type="risk_assessment")
    def do_review_hau(assessment, *, version, grade, actor): ...

The decorator is the contract, so no action can forget a part of it:

- the name starts `do_` and `actor` is keyword-only (who did it is never optional to say);
- the actor's capability is checked first; a refusal is written to the access log in its
  own transaction (so it survives the 404) and answered as "not found";
- the body runs in one `transaction.atomic()`: the change, its log entry and its
  chronology entry commit together or not at all;
- an action that changed nothing in the access log is refused (`ActionDidNotLog`) and
  rolled back, so "every change is logged" is checked on every call the test suite makes.

Console and system work (the command line, the nightly linker) passes `actor=None` only
where `console=True` says so; the log then records the OS account the command recorded.

Stale edits use `haven.core.concurrency.update_if_unchanged`, the one optimistic-locking
mechanism. `haven/core/tests/test_actions.py` lists every `do_` in the code and fails on
one that is not an action.
"""

from __future__ import annotations

import functools
import inspect
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
    console: bool


ACTIONS: dict[str, ActionInfo] = {}


def action(capability: str | None, *, record_type: str,
           console: bool = False) -> Callable[[Callable], Callable]:
    """Declare a `do_…` function an action needing `capability` (None: console/system only)."""
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
        if capability is None and not console:
            raise TypeError(f"{fn.__qualname__}: an action without a capability is console-only")
        info = ActionInfo(fn.__name__, fn.__module__, capability, record_type, console)

        @functools.wraps(fn)
        def run(*args, **kwargs):
            from haven.access import log
            actor = kwargs.get("actor")
            if not (console and actor is None):
                if capability is None:
                    raise TypeError(f"{fn.__qualname__} is run from the console only")
                log.require_capability(actor, capability, record_type=record_type,
                                       action_name=fn.__name__)
            with transaction.atomic():
                before = log.entries_written()
                result = fn(*args, **kwargs)
                if log.entries_written() == before:
                    raise ActionDidNotLog(f"{fn.__qualname__} wrote no access-log entry")
            return result

        run.haven_action = info
        ACTIONS[f"{fn.__module__}.{fn.__name__}"] = info
        return run
    return wrap

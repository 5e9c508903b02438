"""Panels other rooms add to the victim's case page (e.g. protection's live orders).

A room registers `fn(user, *, person_id, force_id, full) -> {"template": str, "context":
dict} | None` in its `AppConfig.ready()` with `register_case_panel(name, fn)`. The case page
includes the room's template with `panel` set to the context. The function checks the user's
capabilities itself, logs the persons it shows, and shows only what suits the view: `full`
is False for the sanitised case (no address or area, no narrative). Safeguarding does not
import the rooms that plug in here. Light on purpose: registering at start-up loads nothing.
"""

from __future__ import annotations

from collections.abc import Callable

_PANELS: dict[str, Callable] = {}


def register_case_panel(name: str, fn: Callable) -> None:
    """Add a panel to the case page (a second registration under a name replaces it)."""
    _PANELS[name] = fn


def case_panels() -> dict[str, Callable]:
    return dict(_PANELS)


def panels_for(user, case, *, full: bool) -> list[dict]:
    """Each registered room's panel for this user and case (rooms with nothing left out)."""
    panels = (fn(user, person_id=case.person_id, force_id=case.force_id, full=full)
              for fn in _PANELS.values())
    return [panel for panel in panels if panel]

"""Links other rooms add to the person page ("Protection orders", "Report a crime" ...).

A room registers `fn(user, person) -> list[{"text": str, "url": str}]` in its
`AppConfig.ready()` with `register_person_link(name, fn)`; the function checks the user's
capability itself and returns [] when it has nothing to offer. People does not import the
rooms that link from here. Light on purpose: registering at start-up loads nothing.
"""

from __future__ import annotations

from collections.abc import Callable

LinksFn = Callable[[object, object], list]
_LINKS: dict[str, LinksFn] = {}


def register_person_link(name: str, fn: LinksFn) -> None:
    """Offer links on the person page (a second registration under a name replaces it)."""
    _LINKS[name] = fn


def person_links() -> dict[str, LinksFn]:
    return dict(_LINKS)


def links_for(user, person) -> list[dict]:
    """Every registered room's links for this user and person, in registration order."""
    return [link for fn in _LINKS.values() for link in fn(user, person)]

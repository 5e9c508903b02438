"""What other rooms add to linking (plug-in points; a light module, so that registering at
start-up does not load Splink):

- evidence of shared events for the linker: fn(force) -> iterable of (person id, system,
  fingerprints) — intake registers who was in which incident, as (role, place, date)
  fingerprints that another system's record of the same event also yields;
- steps run after `haven link` has relinked a force: fn(force) -> one line of report —
  intake registers incident reconciliation (one reconciled event per real incident).
"""

from __future__ import annotations

from collections.abc import Callable

_STEPS: dict[str, Callable] = {}
_EVIDENCE: list[Callable] = []


def register_linkage_evidence(provider: Callable) -> None:
    if provider not in _EVIDENCE:
        _EVIDENCE.append(provider)


def linkage_evidence() -> list[Callable]:
    return list(_EVIDENCE)


def register_after_link(name: str, step: Callable) -> None:
    _STEPS[name] = step


def after_link_steps() -> dict[str, Callable]:
    return dict(_STEPS)

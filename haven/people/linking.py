"""What other rooms add to linking (plug-in points; a light module, so that registering at
start-up does not load Splink):

- evidence of shared events for the linker: fn(force) -> iterable of (person id, system,
  fingerprints) — intake registers who was in which incident, as (role, place, date)
  fingerprints that another system's record of the same event also yields;
- steps run after `haven link` has relinked a force: fn(force) -> one line of report —
  intake registers incident reconciliation (one reconciled event per real incident). A
  step may also register a `prefetch`: fn(force) -> any picklable value, run beside the
  relink's reading of the records (in the forked evidence reader of a large force) for
  what does not depend on persons; the step is then called fn(force, prefetched). The step
  must check that what was prefetched still holds: the relink takes minutes. A step with
  a prefetch may also register a `prepare`: fn(force, prefetched, moves) -> any picklable
  value, run in the same forked reader beside the relink's writes, once the relink has
  decided which persons it empties (`moves`: old person id -> the person id their rows
  move to). It works from the prefetched value alone, never the database (on SQLite a
  reader would hold the relink's commit off); the step is then called fn(force, prepared)
  and must check that what was prepared still holds after the relink.
"""

from __future__ import annotations

from collections.abc import Callable

_STEPS: dict[str, Callable] = {}
_PREFETCH: dict[str, Callable] = {}
_PREPARE: dict[str, Callable] = {}
_EVIDENCE: list[Callable] = []
_PARTIES: list[Callable] = []


def register_linkage_evidence(provider: Callable) -> None:
    if provider not in _EVIDENCE:
        _EVIDENCE.append(provider)


def linkage_evidence() -> list[Callable]:
    return list(_EVIDENCE)


def register_linkage_parties(provider: Callable) -> None:
    """`provider(force, persons=None)` yields (system, victim's person id, suspect's person
    id, the suspect's relationship to the victim) for each victim and suspect of one
    incident a source system recorded: a relink gives each record the records it met on
    the other side, and as what (`LinkageSettings.counterparts`). With `persons` (ids) it
    yields only the incidents one of them was the victim or suspect of (the incremental
    linker's question about an arriving record: `services.join_on_counterparts`)."""
    if provider not in _PARTIES:
        _PARTIES.append(provider)


def linkage_parties() -> list[Callable]:
    return list(_PARTIES)


def register_after_link(name: str, step: Callable, prefetch: Callable | None = None,
                        prepare: Callable | None = None) -> None:
    if prepare is not None and prefetch is None:
        raise ValueError(f"after-link step {name!r}: a prepare works from a prefetch")
    _STEPS[name] = step
    for registry, fn in ((_PREFETCH, prefetch), (_PREPARE, prepare)):
        if fn is None:
            registry.pop(name, None)
        else:
            registry[name] = fn


def after_link_steps() -> dict[str, Callable]:
    return dict(_STEPS)


def after_link_prefetches() -> dict[str, Callable]:
    """Step name -> its prefetch (see the module's docstring)."""
    return dict(_PREFETCH)


def after_link_preparers() -> dict[str, Callable]:
    """Step name -> its prepare (see the module's docstring)."""
    return dict(_PREPARE)

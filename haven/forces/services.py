"""Forces, partner agencies and policy overrides: one code path for the CLI, setup and demo.

Each `do_add_*` is idempotent: run it twice and the second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from haven.access.log import Action, record_access, via
from haven.core.actions import action, unchanged
from haven.forces.models import Agency, Alliance, Force, PolicySetting
from haven.forces.policy import DEFAULTS, check


@dataclass
class Result:
    obj: object
    created: bool
    changed: list[str]


def _logged(result: Result, actor, record_type: str) -> Result:
    """Configuration changes are logged like any other (who changed what, when); a re-run
    that changes nothing is not."""
    if result.created or result.changed:
        record_access(actor, Action.COLLECTION if result.created else Action.ALTERATION,
                      record_type=record_type, record_id=result.obj.pk,
                      detail={"fields": sorted(result.changed), **via(actor)})
    else:
        unchanged()
    return result


def _apply(obj, wanted: dict) -> list[str]:
    changed = []
    for name, value in wanted.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


@action("force.configure", record_type="alliance", system=True)
def do_add_alliance(name: str, *, actor=None) -> Result:
    alliance, created = Alliance.objects.get_or_create(name=name)
    return _logged(Result(alliance, created, []), actor, "alliance")


@action("force.configure", record_type="force", system=True)
def do_add_force(code: str, name: str, *, alliance: str | None = None, actor=None) -> Result:
    code = code.strip().upper()
    if not code or not code.replace("_", "").isalnum() or len(code) > 16:
        raise ValidationError(f"Force code {code!r}: letters and digits, at most 16.")
    wanted = {"name": name.strip()}
    if alliance:
        wanted["alliance"] = do_add_alliance(alliance, actor=actor).obj
    force = Force.objects.filter(code=code).first()
    if force is None:
        return _logged(Result(Force.objects.create(code=code, **wanted), True, []), actor,
                       "force")
    changed = _apply(force, wanted)
    if changed:
        force.save()
    return _logged(Result(force, False, changed), actor, "force")


def force_by_code(code: str) -> Force:
    force = Force.objects.filter(code=(code or "").strip().upper()).first()
    if force is None:
        raise ValidationError(f"No force with code {code!r}: add it first (haven force add).")
    return force


@action("force.configure", record_type="agency", system=True)
def do_add_agency(force: Force, kind: str, name: str, *, actor=None) -> Result:
    """An agency is known by its force area and name; its kind is kept in line."""
    if kind not in Agency.Kind.values:
        raise ValidationError(f"Unknown agency kind {kind!r}. Kinds: "
                              + ", ".join(Agency.Kind.values))
    agency = Agency.objects.filter(force=force, name=name.strip()).first()
    if agency is None:
        return _logged(Result(Agency.objects.create(force=force, kind=kind, name=name.strip()),
                              True, []), actor, "agency")
    changed = _apply(agency, {"kind": kind})
    if changed:
        agency.save()
    return _logged(Result(agency, False, changed), actor, "agency")


def agency_by_name(name: str, force: Force | None = None) -> Agency:
    agencies = Agency.objects.filter(name=(name or "").strip())
    if force is not None:
        agencies = agencies.filter(force=force)
    found = list(agencies[:2])
    if len(found) != 1:
        raise ValidationError(
            f"No agency called {name!r}" if not found else
            f"More than one agency is called {name!r}: say which force's (force = \"CODE\")")
    return found[0]


@action("policy.change", record_type="policy_setting", system=True)
def do_set_policy(key: str, value, *, effective_from: dt.date, force: Force | None = None,
                  alliance: Alliance | None = None, reason: str = "", actor=None) -> Result:
    """One override row (force's own, or its alliance's). A row is never edited once its day
    has begun; re-running with the same value changes nothing."""
    if key not in DEFAULTS:
        raise ValidationError(f"No policy called {key!r}. See haven/forces/policy.py DEFAULTS.")
    if (force is None) == (alliance is None):
        raise ValidationError(f"Policy {key}: give a force or an alliance, not both.")
    value = check(key, value)  # type and bounds (the row's save() checks again)
    row = PolicySetting.objects.filter(key=key, force=force, alliance=alliance,
                                       effective_from=effective_from).first()
    if row is None:
        row = PolicySetting.objects.create(key=key, value=value, force=force, alliance=alliance,
                                           effective_from=effective_from, reason=reason)
        return _logged(Result(row, True, []), actor, "policy_setting")
    if row.value != value:
        raise ValidationError(
            f"Policy {key} from {effective_from} is already {row.value!r}: a change of policy "
            "is a new row with a later effective_from, never an edit.")
    return _logged(Result(row, False, []), actor, "policy_setting")

"""`haven setup FILE.toml`: forces, agencies, policy overrides and users from one file.

Idempotent: a second run changes nothing and issues no new links. The demo seeds its forces,
agencies and users through the same functions (haven.forces.services, haven.access.services).
See docs/setup-example.toml for the format.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from haven.access.services import do_add_user, do_issue_enrolment
from haven.forces.models import Alliance
from haven.forces.services import (
    agency_by_name,
    do_add_agency,
    do_add_alliance,
    do_add_force,
    do_set_policy,
    force_by_code,
)


@dataclass
class SetupReport:
    lines: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # username -> enrolment link

    def say(self, text: str) -> None:
        self.lines.append(text)

    def text(self) -> str:
        out = list(self.lines)
        if self.links:
            out.append("")
            out.append("Enrolment links (each works once; send each to its user only):")
            out += [f"  {name}: {link}" for name, link in self.links.items()]
        return "\n".join(out) + "\n"


def _state(result) -> str:
    if result.created:
        return "created"
    return "updated: " + ", ".join(result.changed) if result.changed else "already there"


def _where(section: str, index: int, item: dict) -> str:
    label = item.get("code") or item.get("name") or item.get("username") or item.get("key")
    return f"[[{section}]] entry {index + 1}" + (f" ({label})" if label else "")


def _effective_date(value) -> dt.date:
    """A TOML date (2026-01-01) or an ISO date string; anything else is refused."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(f"effective_from must be a date such as 2026-01-01, not {value!r}")


def load(path: str | Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(f"{path}: not valid TOML: {error}") from error


@transaction.atomic
def apply_setup(data: dict, *, actor=None) -> SetupReport:
    """Apply a setup file's contents. All or nothing: one bad entry changes nothing."""
    report = SetupReport()
    known = {"alliance", "forces", "agencies", "policy", "users"}
    unknown = set(data) - known
    if unknown:
        raise ValidationError(f"Unknown section(s): {', '.join(sorted(unknown))}. "
                              f"Known: {', '.join(sorted(known))}")
    for section in sorted(known):
        entries = data.get(section, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ValidationError(f"[[{section}]]: each entry is a table written [[{section}]] "
                                  f"(found {section} = ... or [{section}])")
    for index, item in enumerate(data.get("alliance", [])):
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ValidationError(f"{_where('alliance', index, item)}: missing 'name'")
        result = do_add_alliance(item["name"])
        report.say(f"Alliance {item['name']}: {_state(result)}")
    for index, item in enumerate(data.get("forces", [])):
        try:
            result = do_add_force(item["code"], item["name"], alliance=item.get("alliance"))
        except KeyError as error:
            raise ValidationError(f"{_where('forces', index, item)}: missing {error}") from error
        except ValidationError as error:
            raise ValidationError(f"{_where('forces', index, item)}: "
                                  + " ".join(error.messages)) from error
        report.say(f"Force {result.obj.code}: {_state(result)}")
    for index, item in enumerate(data.get("agencies", [])):
        try:
            force = force_by_code(item["force"])
            result = do_add_agency(force, item["kind"], item["name"])
        except KeyError as error:
            raise ValidationError(f"{_where('agencies', index, item)}: missing {error}") from error
        except ValidationError as error:
            raise ValidationError(f"{_where('agencies', index, item)}: "
                                  + " ".join(error.messages)) from error
        report.say(f"Agency {result.obj.name} ({force.code}): {_state(result)}")
    for index, item in enumerate(data.get("policy", [])):
        try:
            force = force_by_code(item["force"]) if item.get("force") else None
            alliance = (Alliance.objects.filter(name=item["alliance"]).first()
                        if item.get("alliance") else None)
            if item.get("alliance") and alliance is None:
                raise ValidationError(f"No alliance called {item['alliance']!r}")
            effective = _effective_date(item["effective_from"])
            result = do_set_policy(item["key"], item["value"], effective_from=effective,
                                   force=force, alliance=alliance, reason=item.get("reason", ""))
        except KeyError as error:
            raise ValidationError(f"{_where('policy', index, item)}: missing {error}") from error
        except ValidationError as error:
            raise ValidationError(f"{_where('policy', index, item)}: "
                                  + " ".join(error.messages)) from error
        owner = force.code if force else alliance.name
        report.say(f"Policy {item['key']} for {owner} from {effective}: {_state(result)}")
    for index, item in enumerate(data.get("users", [])):
        try:
            force = force_by_code(item["force"]) if item.get("force") else None
            agency = agency_by_name(item["agency"], force) if item.get("agency") else None
            result = do_add_user(item["username"], item["role"], force=force, agency=agency,
                                 first_name=item.get("first_name", ""),
                                 last_name=item.get("last_name", ""), actor=actor)
        except KeyError as error:
            raise ValidationError(f"{_where('users', index, item)}: missing {error}") from error
        except ValidationError as error:
            raise ValidationError(f"{_where('users', index, item)}: "
                                  + " ".join(error.messages)) from error
        report.say(f"User {result.user.username}: {_state(result)}")
        if result.created:
            report.links[result.user.username] = do_issue_enrolment(result.user, actor=actor)
    return report

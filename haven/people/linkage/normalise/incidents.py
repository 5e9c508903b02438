"""Incidents: the keys one real incident gets in every system that recorded it.

Intake gives each victim's and suspect's involvement its fingerprints (role, place, date);
they reach the engine as a record's `incident_keys` (`split_keys`). The place is keyed as
`places` keys an address and a postcode.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from .places import _POSTCODE_RE, normalise_address, normalise_postcode

#: Roles whose holder is one person per incident in practice (children and witnesses are
#: often several).
FINGERPRINT_ROLES = frozenset({"victim", "suspect"})


def incident_fingerprints(occurred_at: Any, address_line: Any, postcode: Any,
                          role: str) -> list[str]:
    """Keys that one real incident gets in every system that recorded it.

    Systems give an incident their own ids and record its time loosely, so the key is
    the role, the place (building from the address line, and the full postcode) and the
    date; a time within four hours of midnight also gives the neighbouring date. Two
    records with one fingerprint were the victim (or the suspect) of one event.

    `occurred_at` may also be a database's stored text in UTC ("2024-05-01 23:10:00"): a
    relink reads a million of them, and turning each into a datetime first cost more than
    the fingerprints.
    """
    if role not in FINGERPRINT_ROLES or occurred_at is None:
        return []
    places = _incident_places(address_line or None, postcode or None)
    if not places:
        return []
    if isinstance(occurred_at, str):
        days = _incident_days_text(occurred_at)
    else:
        days = _incident_days(occurred_at, occurred_at.utcoffset())
    return [f"{role}|{place}|{day}" for place in places for day in days]


@lru_cache(maxsize=262144)
def _incident_places(address_line: str | None, postcode: str | None) -> tuple[str, ...]:
    """The place keys of an incident (each incident has a victim and a suspect, and a
    full relink asks for every involvement: computed once per place)."""
    places = []
    _, building = normalise_address(address_line)
    if building:
        places.append("a:" + building)
    pc, _, _ = normalise_postcode(postcode)
    if pc and _POSTCODE_RE.match(pc):
        places.append("p:" + pc)
    return tuple(places)


@lru_cache(maxsize=262144)
def _incident_days(occurred_at: Any, offset: Any) -> tuple[str, ...]:
    """The incident's date, and the neighbouring date within four hours of midnight.
    (`offset` is part of the key: one instant in two time zones has two wall times.)"""
    return _days_around(occurred_at)


def _incident_days_text(occurred_at: str) -> tuple[str, ...]:
    """`_incident_days` of a stored ISO 8601 text: UTC when it has no offset (SQLite keeps
    Django's datetimes that way), else turned into UTC first, as the database would."""
    if len(occurred_at) in (16, 19, 26) and occurred_at[10] in " T":
        # "YYYY-MM-DD HH:MM[:SS[.ffffff]]" without an offset: only the date and the hour
        # decide, and a force's million incidents fall in far fewer hours.
        return _days_of_hour(occurred_at[:13])
    moment = datetime.fromisoformat(occurred_at)
    return _days_around(moment if moment.tzinfo is None else moment.astimezone(UTC))


@lru_cache(maxsize=262144)
def _days_of_hour(date_and_hour: str) -> tuple[str, ...]:
    return _days_around(datetime.fromisoformat(date_and_hour + ":00"))


def _days_around(moment) -> tuple[str, ...]:
    day = moment.date()
    hour = moment.hour + moment.minute / 60
    if hour < 4:
        return (day.isoformat(), (day - timedelta(days=1)).isoformat())
    if hour >= 20:
        return (day.isoformat(), (day + timedelta(days=1)).isoformat())
    return (day.isoformat(),)


def split_keys(value: Any) -> list[str] | None:
    """';'-separated keys as a sorted list, None when there are none."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, list | tuple | set):
        keys = {str(v).strip() for v in value if str(v).strip()}
    else:
        keys = {part.strip() for part in str(value).split(";") if part.strip()}
    return sorted(keys) or None

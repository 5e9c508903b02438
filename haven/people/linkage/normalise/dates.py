"""Dates of birth: the ISO date a record gives, and whether it is a year alone."""

from __future__ import annotations

from datetime import date
from typing import Any

from .placeholders import PLACEHOLDER_DATES


def parse_dob(value: Any, today: date | None = None) -> str | None:
    """ISO date string, or None if blank, unparseable, a placeholder or in the future."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()[:10]
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        return None
    if parsed > (today or date.today()) or parsed.year <= 1900:
        return None
    iso = parsed.isoformat()
    return None if iso in PLACEHOLDER_DATES else iso


def year_only(iso: str | None) -> bool:
    """1 January is what a system stores when only the year was known: treat the day and
    month as not recorded (a person truly born on 1 January loses a little evidence)."""
    return bool(iso) and iso[5:] == "01-01"

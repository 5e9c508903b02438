"""The England & Wales calendar every clock uses: bank holidays, working days, deadlines.

One place for the Victims' Code clock (investigation), the IDVA contact clock (MARAC) and
the magistrates' hearing clock (protection). Bank holidays come from the `holidays` package;
a force's policy `working_day_overrides` (ISO date -> "holiday" or "working_day") adds a
one-off bank holiday or removes one. And a date as people here type it into a form
(`typed_date`: "27/03/1984" as well as "1984-03-27").
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

# A date as people in England type it: day first, any of / . - between the parts.
DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def typed_date(text: str) -> dt.date | None:
    """A date typed into a form: "1984-03-27", or day first as people here write it
    ("27/03/1984", "27.3.1984", "27-03-1984"); None when it is neither or no such day."""
    text = (text or "").strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = DAY_FIRST.match(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset:
    """England & Wales bank holidays of `year`. A holiday falling at a weekend is a bank
    holiday only on its substitute ("observed") weekday."""
    import holidays  # the calendars load on the first deadline, not at start-up

    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    days = set(found)
    for name in found.values():
        if "(observed)" in name:
            original = name.replace(" (observed)", "")
            days -= {d for d, n in found.items() if n == original and d.weekday() >= 5}
    return frozenset(days)


def is_bank_holiday(day: dt.date, overrides: dict | None = None) -> bool:
    setting = (overrides or {}).get(day.isoformat())
    if setting == "holiday":
        return True
    if setting == "working_day":
        return False
    return day in bank_holidays(day.year)


def is_working_day(day: dt.date, overrides: dict | None = None) -> bool:
    """Monday to Friday except bank holidays; `overrides` from policy win."""
    setting = (overrides or {}).get(day.isoformat())
    if setting == "holiday":
        return False
    if setting == "working_day":
        return True
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: dt.date, count: int, overrides: dict | None = None) -> dt.date:
    """The `count`-th working day after `start` (the day of the event does not count)."""
    day = start
    left = count
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, overrides):
            left -= 1
    return day


def end_of_working_day(occurred_local: dt.datetime, working_days: int,
                       overrides: dict | None = None) -> dt.datetime:
    """The end of the `working_days`-th working day after the event, in the event's own
    time zone (the Victims' Code's "within 1 working day")."""
    day = add_working_days(occurred_local.date(), working_days, overrides)
    return occurred_local.replace(year=day.year, month=day.month, day=day.day, hour=23,
                                  minute=59, second=59, microsecond=0)

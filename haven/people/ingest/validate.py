"""Row validation per export file: clean values, or a reason naming the column.

Rules are plain functions over plain dicts (no database): references to other files
are resolved later, in `store`, against what is already stored. These are people's files
(people.csv and the legacy kinds); a room validates its own files with the helpers here
(`required`, `choice`, `flag`, `parse_datetime`, `RowError`), e.g. haven/intake/ingest.py.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from functools import lru_cache

from django.utils import timezone

from haven.core.calendar import DAY_FIRST, typed_date
from haven.people.ingest import registry

PEOPLE_COLUMNS = ("source_id", "forename", "middle_names", "surname", "date_of_birth",
                  "gender", "phone", "email", "address_line", "town", "postcode", "aliases",
                  "pnc_id", "confidential_address")
LENGTHS = {"forename": 100, "middle_names": 200, "surname": 100, "phone": 64, "email": 254,
           "address_line": 200, "town": 100, "postcode": 16, "aliases": 500, "pnc_id": 32,
           "source_id": 128}
GRADES = {"standard", "medium", "high"}
ORDER_KINDS = {"dvpn", "dvpo", "bail_conditions", "restraining_order", "non_molestation_order",
               "dapn", "dapo"}
DASH_ANSWERS = set("YNK-")


# Every column the contract names per file of people's (shared/contracts/legacy-export.md),
# and the columns without which no row of the file can be stored. A missing required
# column, or an unknown column that is a near miss of an expected one ("surnme"), is a
# file-level error. Each file's columns are registered with it (`registry`).
FILE_COLUMNS = {
    "people.csv": PEOPLE_COLUMNS,
    "crimes.csv": ("source_id", "incident_source_id", "recorded_at", "domestic_abuse", "offence",
                   "victim_source_id", "suspect_source_id", "arrested", "outcome",
                   "outcome_at"),
    "risk_assessments.csv": ("source_id", "incident_source_id", "victim_source_id",
                             "completed_at", "answers", "officer_grade", "supervisor_grade"),
    "marac.csv": ("source_id", "victim_source_id", "referred_at", "heard_at", "marac_area",
                  "criteria"),
    "orders.csv": ("source_id", "subject_source_id", "protected_source_id", "kind",
                   "starts_at", "ends_at", "conditions"),
    "intel.csv": ("source_id", "person_source_id", "recorded_at", "grading", "text"),
}
REQUIRED_COLUMNS = {
    "people.csv": ("source_id",),
    "crimes.csv": ("source_id",),
    "risk_assessments.csv": ("source_id", "victim_source_id"),
    "marac.csv": ("source_id", "victim_source_id"),
    "orders.csv": ("source_id", "subject_source_id"),
    "intel.csv": ("source_id", "person_source_id"),
}


def _expected_columns(name: str) -> tuple[str, ...]:
    registered = registry.legacy_file(name)
    return tuple(registered.columns) if registered else FILE_COLUMNS.get(name, ())


def contract_header(name: str, header: list[str]) -> list[str]:
    """The header with each column the contract names spelt as the contract spells it,
    where it differs only in case, spaces or hyphens ("Forename", "Date Of Birth",
    "person-source-id"): such a header can mean only that column. A name that is already
    present as spelt keeps the other as an unknown column."""
    expected = set(_expected_columns(name))
    present = set(header)
    spelt = []
    for column in header:
        key = re.sub(r"[\s-]+", "_", column.strip().lower())
        spelt.append(key if column not in expected and key in expected and key not in present
                     else column)
    return spelt


def header_problems(name: str, header: list[str]) -> list[str]:
    """What is wrong with a file's header row, each naming the column (empty when fine)."""

    registered = registry.legacy_file(name)
    expected = _expected_columns(name)
    present = [h.strip() for h in header]
    problems = []
    for column in sorted({h for h in present if present.count(h) > 1}):
        problems.append(f"column {column!r} appears more than once")
    absent = [c for c in expected if c not in present]
    for column in present:
        if column in expected or not column:
            continue
        near = difflib.get_close_matches(column.lower(), absent, n=1, cutoff=0.8)
        if near:
            problems.append(f"column {column!r} is not in the export contract: did you mean "
                            f"{near[0]!r}?")
    for column in registered.required if registered else REQUIRED_COLUMNS.get(name, ()):
        if column not in present:
            problems.append(f"required column {column!r} is missing")
    return problems


class RowError(ValueError):
    """A bad row; the message names the column."""


def _required(row: dict, column: str) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise RowError(f"{column} is required")
    return value


def parse_date(row: dict, column: str) -> dt.date | None:
    value = (row.get(column) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RowError(f"{column} is not a date as YYYY-MM-DD: unparseable") from None


@lru_cache(maxsize=65536)
def _iso_datetime(value: str, zone) -> dt.datetime | None:
    """Parsed and made aware in `zone` (None when unparseable). Export timestamps repeat
    (several rows per incident time), so each distinct text is parsed once per zone."""
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, zone)  # local UK time when no offset is given
    return parsed


def parse_datetime(row: dict, column: str, *, required: bool = False) -> dt.datetime | None:
    value = (row.get(column) or "").strip()
    if not value:
        if required:
            raise RowError(f"{column} is required")
        return None
    parsed = _iso_datetime(value, timezone.get_current_timezone())
    if parsed is None:
        raise RowError(f"{column} is not an ISO 8601 date-time: unparseable")
    return parsed


def _flag(row: dict, column: str) -> bool | None:
    value = (row.get(column) or "").strip()
    if value == "":
        return None
    if value in {"1", "0"}:
        return value == "1"
    raise RowError(f"{column} must be 1, 0 or blank")


def _choice(row: dict, column: str, allowed, *, default: str = "") -> str:
    value = (row.get(column) or "").strip().lower()
    if not value:
        return default
    if value not in allowed:
        raise RowError(f"{column} {value!r} is not one of {', '.join(sorted(allowed))}")
    return value


# The helpers other rooms' validators use (haven/intake/ingest.py).
required, flag, choice = _required, _flag, _choice


def _lengths(values: dict) -> None:
    for column, limit in LENGTHS.items():
        if len(values.get(column) or "") > limit:
            raise RowError(f"{column} is longer than {limit} characters")


# Dates systems write when the date of birth is unknown (shared/contracts/legacy-export.md
# says a blank cell means "not recorded"; these are the blanks some systems could not leave).
PLACEHOLDER_DATES = frozenset({dt.date(1900, 1, 1), dt.date(1899, 12, 31), dt.date(1901, 1, 1),
                               dt.date(1800, 1, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31)})
# Nobody alive was born before this: an earlier date of birth is a typing or system error.
EARLIEST_BIRTH = dt.date(1900, 1, 1)
ISO_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Any two time zones are less than two days apart, so a date of birth before this margin
# below the system date is before the local date too: only a later one needs the slower
# `timezone.localdate()`.
_MARGIN = dt.timedelta(days=2)


def _date_of_birth(value: str) -> tuple[dt.date | None, str]:
    """(date, "") or (None, problem): a value that cannot be a true date of birth is set
    aside, never the whole person (their other identifiers and involvements are kept).
    A value read in another shape than the contract's YYYY-MM-DD comes back with a note
    saying how it was read, except a UK day-first date or a date at midnight, which can
    only mean one thing."""
    if not value:
        return None, ""
    read_as = ""
    try:
        dob = dt.date.fromisoformat(value)
    except ValueError:
        dob, read_as = _other_shapes(value)
        if dob is None:
            return None, read_as
    if dob in PLACEHOLDER_DATES:
        return None, "a placeholder, not a date of birth"
    if dob < EARLIEST_BIRTH:
        return None, f"before {EARLIEST_BIRTH.isoformat()}"
    if dob >= dt.date.today() - _MARGIN and dob > timezone.localdate():
        return None, "in the future"
    return dob, read_as


# Shapes legacy systems write a date of birth in besides YYYY-MM-DD (and 14/06/1985, read
# as a form reads it: `typed_date`).
_YEAR_ONLY = re.compile(r"^(?P<year>\d{4})(?:-00-00)?$")             # 1985, 1985-00-00
_DAY_UNKNOWN = re.compile(r"^(?P<year>\d{4})-(?:\d{2}-00|00-\d{2})$")  # 1985-06-00
_DAY_FIRST_UNKNOWN = re.compile(r"^(?:00?[/.-]\d{1,2}|\d{1,2}[/.-]00?)[/.-](?P<year>\d{4})$")
_WITH_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")      # from a date-time column
_TWO_DIGIT_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})$")    # 14/06/85


def _other_shapes(value: str) -> tuple[dt.date | None, str]:
    """(date, note) for a date of birth not written YYYY-MM-DD, or (None, problem)."""
    if match := (_YEAR_ONLY.match(value) or _DAY_UNKNOWN.match(value)
                 or _DAY_FIRST_UNKNOWN.match(value)):
        # Only the year is known. 1 January of it is how systems enter a year alone, and
        # what linkage reads as "year only" (a match on the year, no evidence on the day).
        if match.group("year") == "0000":
            return None, "a placeholder, not a date of birth"
        dob = dt.date(int(match.group("year")), 1, 1)
        return dob, f"year only: read as {dob.isoformat()}"
    if ISO_SHAPE.match(value):
        dob = _day_and_month_swapped(value)
        if dob is None:
            return None, "not a real date (no such day)"
        return dob, f"day and month swapped: read as {dob.isoformat()}"
    if _WITH_TIME.match(value):
        # A date-time column exported whole: midnight is the date itself; a date of birth
        # converted to UTC is midnight again in UK time (1985-06-13T23:00Z is 14 June).
        stamp = _iso_datetime(value, timezone.get_current_timezone())
        if stamp is not None:
            local = timezone.localtime(stamp)
            if local.time() == dt.time(0):
                return local.date(), ""
        return None, "a date and time, not a date of birth"
    if match := DAY_FIRST.match(value):
        if (dob := typed_date(value)) is not None:
            return dob, ""                             # the UK order
        day, month, year = (int(part) for part in match.groups())
        try:
            dob = dt.date(year, day, month)            # 06/14/1985: the month first
        except ValueError:
            return None, "not a real date (no such day)"
        return dob, f"day and month swapped: read as {dob.isoformat()}"
    if match := _TWO_DIGIT_YEAR.match(value):
        return _two_digit_year(*(int(part) for part in match.groups()))
    return None, "not a date as YYYY-MM-DD"


def _two_digit_year(day: int, month: int, short_year: int) -> tuple[dt.date | None, str]:
    """"14/06/85" read as 14 June 1985, with a note: a system that writes two-digit years
    writes them for every record, and leaving them blank would leave a whole system's
    dates of birth out of linkage. The century is the later one not in the future (a
    child of 2015 is likelier in these records than someone born in 1915); the UK order
    first, then the month first."""
    today = timezone.localdate()
    for first, second, how in ((day, month, ""), (month, day, "day and month swapped, ")):
        for century in (2000, 1900):
            try:
                dob = dt.date(century + short_year, second, first)
            except ValueError:
                break
            if dob <= today:
                return dob, f"two-digit year, {how}read as {dob.isoformat()}"
    return None, "not a real date (no such day)"


def _day_and_month_swapped(value: str) -> dt.date | None:
    """"1985-13-02" read as 13 February 1985: a month over 12 whose day could be a month
    is a date typed day first (the contract warns of day and month swapped). Kept, with
    a note, rather than left blank: a date of birth is the strongest evidence linkage has."""
    year, month, day = (int(part) for part in value.split("-"))
    if month <= 12 or not 1 <= day <= 12:
        return None
    try:
        return dt.date(year, day, month)
    except ValueError:
        return None


def person_row(row: dict) -> dict:
    source_id = _required(row, "source_id")
    values = {c: (row.get(c) or "").strip() for c in PEOPLE_COLUMNS}
    values["source_id"] = source_id
    _lengths(values)
    given = values["date_of_birth"]
    values["date_of_birth"], problem = _date_of_birth(given)
    # What could not be true is stored blank, or read with day and month swapped, and noted
    # on the record (and in the summary).
    values["data_quality"] = [{"field": "date_of_birth", "given": given, "problem": problem}
                              ] if problem else []
    values["gender"] = _choice(row, "gender", {"f", "m", "x"}).upper()
    values["confidential_address"] = bool(_flag(row, "confidential_address"))
    values["attributes"] = {k: v for k, v in row.items() if k not in PEOPLE_COLUMNS and k}
    return values


def _legacy(row: dict, *, subject: str, other: str | None, occurred: str,
            ends: str | None = None, subject_required: bool = True) -> dict:
    values = {
        "source_id": _required(row, "source_id"),
        "subject": (_required(row, subject) if subject_required
                    else (row.get(subject) or "").strip()),
        "other_party": (row.get(other) or "").strip() if other else "",
        "incident": (row.get("incident_source_id") or "").strip(),
        "occurred_at": parse_datetime(row, occurred),
        "ends_at": parse_datetime(row, ends) if ends else None,
        "data": {k: v for k, v in row.items() if k},
    }
    return values


def crime_row(row: dict) -> dict:
    values = _legacy(row, subject="victim_source_id", other="suspect_source_id",
                     occurred="recorded_at", subject_required=False)
    _flag(row, "domestic_abuse")
    _flag(row, "arrested")
    parse_datetime(row, "outcome_at")
    return values


def risk_row(row: dict) -> dict:
    values = _legacy(row, subject="victim_source_id", other=None, occurred="completed_at")
    answers = (row.get("answers") or "").strip().upper()
    if answers and (len(answers) != 27 or set(answers) - DASH_ANSWERS):
        raise RowError("answers must be 27 characters, each Y, N, K or -")
    _choice(row, "officer_grade", GRADES)
    _choice(row, "supervisor_grade", GRADES)
    return values


def marac_row(row: dict) -> dict:
    values = _legacy(row, subject="victim_source_id", other=None, occurred="referred_at")
    parse_datetime(row, "heard_at")
    return values


def order_row(row: dict) -> dict:
    values = _legacy(row, subject="subject_source_id", other="protected_source_id",
                     occurred="starts_at", ends="ends_at")
    _choice(row, "kind", ORDER_KINDS)
    if values["occurred_at"] and values["ends_at"] and values["ends_at"] < values["occurred_at"]:
        raise RowError("ends_at is before starts_at")
    return values


def intel_row(row: dict) -> dict:
    return _legacy(row, subject="person_source_id", other=None, occurred="recorded_at")

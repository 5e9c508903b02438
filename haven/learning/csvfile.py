"""Reading the completions CSV the force's learning system exports: every row checked, a
clear reason per bad row (row number and column), nothing good lost, nothing dropped
silently. No database here: `read(data)` gives the parsed rows and the problems, the
import action resolves staff and modules and stores.

Columns: `staff_number` or `username` (one of them), `module_code`, `completed_on`
(YYYY-MM-DD or DD/MM/YYYY), `provider` (optional). A byte-order mark is dropped; a file that
is not UTF-8 (UTF-16, Latin-1) is refused or its bad lines named; a cell that looks like a
formula is kept as text (it is stored and shown, never run).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50000
MAX_CELL = 300
REQUIRED = ("module_code", "completed_on")
WHO = ("staff_number", "username")
KNOWN = set(REQUIRED) | set(WHO) | {"provider"}


class FileRefused(ValueError):
    """The whole file cannot be read (encoding, header, size): nothing is stored."""


@dataclass(frozen=True)
class Row:
    number: int  # the line in the file (the header is row 1)
    who_column: str
    who: str
    module_code: str
    completed_on: dt.date | None
    provider: str
    problem: str = ""


def _date(text: str) -> dt.date | None:
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _decode(data: bytes) -> tuple[list[str], dict[int, str]]:
    """The file's lines as text, and the problem of each line that was not UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\x00") > 2:
        raise FileRefused("The file is not UTF-8 text (it looks like UTF-16): export it "
                          "again as CSV UTF-8.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines, problems = [], {}
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            problems[number] = (f"row {number}: not UTF-8 text (byte 0x"
                                f"{raw[error.start:error.start + 1].hex()}); save the file "
                                "as CSV UTF-8")
            text = raw.decode("utf-8", errors="replace")
        if "\x00" in text:
            problems[number] = f"row {number}: contains a NUL byte"
            text = text.replace("\x00", "")
        lines.append(text)
    return lines, problems


def read(data: bytes, *, today: dt.date) -> list[Row]:
    """Every data row of the file, each with its problem ("" when it is good)."""
    if len(data) > MAX_BYTES:
        raise FileRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if not data.strip():
        raise FileRefused("The file is empty.")
    lines, problems = _decode(data)
    reader = csv.reader(lines)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise FileRefused(f"The header row cannot be read: {error}") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FileRefused("The header has no " + " or ".join(missing) + " column (it has "
                          + ", ".join(h or "(blank)" for h in header) + ").")
    who_column = next((c for c in WHO if c in header), None)
    if who_column is None:
        raise FileRefused("The header has neither a staff_number nor a username column.")
    rows: list[Row] = []
    number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            number = reader.line_num
            rows.append(Row(number, who_column, "", "", None, "",
                            f"row {number}: cannot be read as CSV ({error})"))
            continue
        number = reader.line_num
        if len(rows) >= MAX_ROWS:
            raise FileRefused(f"The file has more than {MAX_ROWS:,} rows: split it.")
        if not any(c.strip() for c in cells):
            continue  # a blank line loses nothing
        values = dict(zip(header, (c.strip() for c in cells), strict=False))
        problem = problems.get(number, "")
        extra = cells[len(header):]
        if not problem and any(c.strip() for c in extra):
            problem = (f"row {number}: {len(cells)} cells but the header has {len(header)} "
                       "columns")
        if not problem:
            long = next((c for c, v in values.items() if len(v) > MAX_CELL), None)
            if long:
                problem = f"row {number}, column {long}: longer than {MAX_CELL} characters"
        who = values.get(who_column, "")
        code = values.get("module_code", "")
        when_text = values.get("completed_on", "")
        when = _date(when_text) if when_text else None
        if not problem:
            if not who:
                problem = f"row {number}, column {who_column}: blank"
            elif not code:
                problem = f"row {number}, column module_code: blank"
            elif not when_text:
                problem = f"row {number}, column completed_on: blank"
            elif when is None:
                problem = (f"row {number}, column completed_on: {when_text[:40]!r} is not a "
                           "date (YYYY-MM-DD or DD/MM/YYYY)")
            elif when > today:
                problem = f"row {number}, column completed_on: {when:%Y-%m-%d} is in the future"
        rows.append(Row(number, who_column, who, code, when, values.get("provider", ""),
                        problem))
    return rows


"""CSV cells that a spreadsheet will not run as a formula (OWASP "CSV injection").

A cell beginning with = + - @ tab or carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (`=HYPERLINK(...)` sends the row to any address). Every CSV
Haven writes from data it did not choose (reject files, exports) goes through `safe_cell`,
which puts a single quote before such a cell: the spreadsheet shows the text as given.
Numbers Haven wrote itself (ids, counts) are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(v) for v in values]

"""Read and validate an export file in batches, one batch ahead of the writer.

`validated_batches` is the pure part of an ingest (CSV parsing, row validation, duplicates
within the file): no database. `ahead(...)` runs it in one background thread while the
caller stores the previous batch, so validation overlaps the time the writer spends
waiting for the database (PostgreSQL round trips and commits, SQLite's own work, during
which the driver releases the GIL). Batches, rejects and counts are exactly those of a
plain loop; the caller still stores each batch in its own transaction, in file order.
"""

from __future__ import annotations

import codecs
import csv
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils import timezone

from haven.people.ingest import validate

# Longer than any true value of any column; a longer cell is a broken export (a lost quote,
# a pasted document) and its row goes to the reject file.
MAX_CELL = 100_000
# The csv module refuses a field over 128 KiB with an error that would stop the file; read
# up to this much so an oversized cell is one rejected row, not the end of the file.
READ_LIMIT = 64 * 1024 * 1024


def allow_long_fields() -> None:
    if csv.field_size_limit() < READ_LIMIT:
        csv.field_size_limit(READ_LIMIT)


@dataclass
class Scan:
    clean: bool  # all UTF-8, no NUL byte: read with the plain (fast) text reader
    long_lines: bool  # some line longer than MAX_CELL bytes: check every row's cells


def scan(path, max_cell: int = MAX_CELL, chunk_size: int = 1 << 20) -> Scan:
    """One pass over the bytes, at C speed: is the file clean UTF-8 without NUL bytes, and
    does any line exceed `max_cell` bytes? Only files with a problem pay for the line-by-line
    reader and the per-cell check."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    clean, longest, carry = True, 0, 0
    with open(path, "rb") as raw:
        while chunk := raw.read(chunk_size):
            if clean:
                if b"\x00" in chunk:
                    clean = False
                else:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        clean = False
            parts = chunk.split(b"\n")
            if len(parts) == 1:
                carry += len(chunk)
                continue
            longest = max(longest, carry + len(parts[0]), *map(len, parts[1:-1]))
            carry = len(parts[-1])
    if clean:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            clean = False
    return Scan(clean=clean, long_lines=max(longest, carry) > max_cell)


def decoded_lines(raw, line_problems: dict[int, str]) -> Iterator[str]:
    """The text lines of a binary file, as UTF-8 (a BOM dropped). A line that is not UTF-8,
    or carries a NUL byte, is still yielded (decoded with replacement characters, NUL
    removed) so the CSV reader keeps its place, and its number goes into `line_problems`
    with the reason: the row it belongs to is rejected, never stored half-read."""
    for number, data in enumerate(raw, start=1):
        if number == 1 and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = data[error.start:error.start + 1].hex()
            line_problems.setdefault(
                number, f"line {number} is not UTF-8 text (byte 0x{byte} at position "
                f"{error.start + 1}): save the file as UTF-8")
            text = data.decode("utf-8", errors="replace")
        if "\x00" in text:
            line_problems.setdefault(number, f"line {number} contains a NUL byte")
            text = text.replace("\x00", "")
        yield text


def _cell_problem(row: dict, header_length: int, max_cell: int) -> str:
    extra = row.get(None)
    # Blank trailing cells (a spreadsheet's habit) lose nothing; a value there would be lost.
    if extra and any((cell or "").strip() for cell in extra):
        return (f"{header_length + len(extra)} cells but the header has {header_length} "
                "columns: cells beyond the header")
    for column, value in row.items():
        if isinstance(value, str) and len(value) > max_cell:
            return f"{column} is longer than {max_cell:,} characters"
    return ""


def validated_batches(reader: csv.DictReader, validator: Callable, batch_size: int, *,
                      rejects: list, counts, bar, line_problems: dict | None = None,
                      notes: list | None = None, max_cell: int = MAX_CELL,
                      check_cells: bool = True) -> Iterator[list]:
    """Batches of (line, row, values); bad rows and duplicates appended to `rejects` as
    (line, row, reason). Counts rows read into `counts.read` (only this loop does), and
    rows with a value set aside for data quality into `counts.noted` (`notes` gets
    (line, source_id, note) for each). With `check_cells` False (the scan found no line
    longer than `max_cell`) only rows spanning several lines have their cells measured."""
    seen: dict[str, int] = {}
    batch: list = []
    line_problems = line_problems if line_problems is not None else {}
    header_length = len(reader.fieldnames or ())
    last_line = reader.line_num
    for row in reader:
        first, line = last_line + 1, reader.line_num
        last_line = line
        counts.read += 1
        problem = ""
        if line_problems:
            problem = next((line_problems[n] for n in range(first, line + 1)
                            if n in line_problems), "")
        if not problem and (None in row or check_cells or line > first):
            problem = _cell_problem(row, header_length, max_cell)
        if problem:
            rejects.append((line, {k: v for k, v in row.items() if k is not None}, problem))
            bar.update(1)
            continue
        try:
            values = validator(row)
        except validate.RowError as error:
            rejects.append((line, row, str(error)))
            bar.update(1)
            continue
        key = values.get("source_id") or (
            f"{values.get('incident_source_id')}|{values.get('person_source_id')}|"
            f"{values.get('role')}")
        if key in seen:
            rejects.append((line, row, f"duplicate of line {seen[key]} in this file"))
            bar.update(1)
            continue
        seen[key] = line
        if values.get("data_quality"):
            counts.noted += 1
            if notes is not None:
                notes.extend((line, values.get("source_id", ""), note)
                             for note in values["data_quality"])
        batch.append((line, row, values))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


_DONE = object()


class ahead:  # noqa: N801 - used as `with ahead(batches) as it:`
    """Produce the items of `iterator` in a background thread, `depth` items ahead.

    The thread runs with the caller's current time zone (local dates and times in
    validation are the caller's). Leaving the block stops and joins the thread, so the
    source (an open file) is no longer read once the block is left; an error in the
    thread is raised in the caller.
    """

    def __init__(self, iterator: Iterator, depth: int = 2):
        self._iterator = iterator
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._zone = timezone.get_current_timezone()
        self._thread = threading.Thread(target=self._work, name="ingest-validate", daemon=True)

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _work(self) -> None:
        timezone.activate(self._zone)
        try:
            for item in self._iterator:
                if not self._put(item):
                    return
            self._put(_DONE)
        except BaseException as error:  # noqa: BLE001 - handed to the caller, raised there
            self._put(error)

    def __enter__(self) -> Iterator:
        self._thread.start()
        return self._items()

    def _items(self) -> Iterator:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

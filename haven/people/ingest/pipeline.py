"""Read and validate an export file in batches, one batch ahead of the writer.

`validated_batches` is the pure part of an ingest (CSV parsing, row validation, duplicates
within the file): no database. `ahead(...)` runs it in one background thread while the
caller stores the previous batch, so validation overlaps the time the writer spends
waiting for the database (PostgreSQL round trips and commits, SQLite's own work, during
which the driver releases the GIL). Batches, rejects and counts are exactly those of a
plain loop; the caller still stores each batch in its own transaction, in file order.
"""

from __future__ import annotations

import csv
import queue
import threading
from collections.abc import Callable, Iterator

from django.utils import timezone

from haven.people.ingest import validate


def validated_batches(reader: csv.DictReader, validator: Callable, batch_size: int, *,
                      rejects: list, counts, bar) -> Iterator[list]:
    """Batches of (line, row, values); bad rows and duplicates appended to `rejects` as
    (line, row, reason). Counts rows read into `counts.read` (only this loop does)."""
    seen: dict[str, int] = {}
    batch: list = []
    for row in reader:
        line = reader.line_num
        counts.read += 1
        if None in row:  # extra cells beyond the header (DictReader's restkey)
            row = {k: v for k, v in row.items() if k is not None}
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

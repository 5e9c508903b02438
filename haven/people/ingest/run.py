"""Run an ingest: read each export file, validate, store in batches, write rejects and summary."""

from __future__ import annotations

import csv
import json
import logging
import sys
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import connection, transaction
from tqdm import tqdm

from haven.access.log import Action, record_access
from haven.people.ingest import pipeline, store, validate
from haven.people.models import Person, SourceRecord

logger = logging.getLogger(__name__)

# (file, kind, validator, store); people first so that other files can refer to them.
FILE_ORDER = [
    ("people.csv", "people", validate.person_row, store.store_people),
    ("incidents.csv", "incidents", validate.incident_row, store.store_incidents),
    ("involvements.csv", "involvements", validate.involvement_row, store.store_involvements),
    ("crimes.csv", "crime", validate.crime_row, store.store_legacy("crime")),
    ("risk_assessments.csv", "risk_assessment", validate.risk_row,
     store.store_legacy("risk_assessment")),
    ("marac.csv", "marac", validate.marac_row, store.store_legacy("marac")),
    ("orders.csv", "order", validate.order_row, store.store_legacy("order")),
    ("intel.csv", "intel", validate.intel_row, store.store_legacy("intel")),
]


@dataclass
class FileReport(store.Counts):
    """One file's counts (read, stored, updated, unchanged, rejected), name and duration."""

    file: str = ""
    seconds: float = 0.0


@dataclass
class IngestReport:
    system: str
    files: list[FileReport] = field(default_factory=list)
    rejects_dir: str = ""
    linked: int = 0
    seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    def as_dict(self) -> dict:
        totals = {k: self.total(k) for k in ("read", "stored", "updated", "unchanged",
                                             "rejected")}
        return {"system": self.system, "totals": totals, "linked": self.linked,
                "seconds": round(self.seconds, 2), "files": [asdict(f) for f in self.files]}

    def text(self) -> str:
        lines = [f"Ingest of {self.system}: read {self.total('read')}, stored "
                 f"{self.total('stored')}, updated {self.total('updated')}, unchanged "
                 f"{self.total('unchanged')}, rejected {self.total('rejected')} "
                 f"in {self.seconds:.1f}s"]
        for f in self.files:
            rate = f.read / f.seconds if f.seconds else 0
            lines.append(f"  {f.file}: read {f.read}, stored {f.stored}, updated {f.updated}, "
                         f"unchanged {f.unchanged}, rejected {f.rejected} ({rate:,.0f} rows/s)")
        if self.total("rejected"):
            lines.append(f"Rejected rows with line and reason: {self.rejects_dir}")
        return "\n".join(lines)


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def _write_rejects(path: Path, header: list[str], rejects: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, "line", "reason"])
        for line, row, reason in sorted(rejects, key=lambda r: r[0]):
            writer.writerow([*(row.get(c, "") for c in header), line, reason])


def _ingest_file(force, system, path, validator, saver, *, batch_size, progress, rejects_dir):
    report = counts = FileReport(file=path.name)
    ctx = store.Context(force=force, system=system, counts=counts)
    started = time.perf_counter()
    invalid: list = []  # rejected by validation (the writer adds unresolved references)
    with path.open(newline="", encoding="utf-8-sig") as handle, tqdm(
            total=_count_rows(path), unit="rows", desc=f"{system}/{path.name}",
            file=sys.stderr, disable=not progress, mininterval=0.5) as bar:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        batches = pipeline.validated_batches(reader, validator, batch_size, rejects=invalid,
                                             counts=counts, bar=bar)
        # PostgreSQL: validate the next batch while this one waits for the server. SQLite
        # does its work in this process, so a second thread only contends for the GIL.
        background = connection.vendor == "postgresql"
        with pipeline.ahead(batches) if background else nullcontext(batches) as validated:
            for batch in validated:
                with transaction.atomic():
                    saver(ctx, batch)
                bar.update(len(batch))
    ctx.rejects.extend(invalid)
    counts.rejected += len(invalid)
    if ctx.rejects:
        _write_rejects(Path(rejects_dir) / path.name, header, ctx.rejects)
    report.seconds = time.perf_counter() - started
    return report, ctx.new_records


def ingest_export(force, system: str, directory, *, actor=None, batch_size: int = 2000,
                  progress: bool = True, incremental_max: int = 1000) -> IngestReport:
    """Ingest one system's export folder. Idempotent on (system, file kind, source_id).

    New people are linked at once (incremental linkage) when there are at most
    `incremental_max` of them and the force already has persons; a bulk first load gets
    one person per record, to be joined by `haven link`.
    """
    if not system or not all(c.isalnum() or c == "_" for c in system) or system != system.lower():
        raise ValueError("source must be a name of [a-z0-9_] characters")
    directory = Path(directory)
    if not (directory / "people.csv").exists():
        raise FileNotFoundError(f"{directory} has no people.csv")
    rejects_dir = directory / "rejects"
    if rejects_dir.exists():
        for old in rejects_dir.glob("*.csv"):
            old.unlink()
    had_persons = Person.objects.filter(force=force).exists()
    report = IngestReport(system=system, rejects_dir=str(rejects_dir))
    started = time.perf_counter()
    for name, _kind, validator, saver in FILE_ORDER:
        path = directory / name
        if not path.exists():
            continue
        file_report, new_records = _ingest_file(
            force, system, path, validator, saver, batch_size=batch_size, progress=progress,
            rejects_dir=rejects_dir)
        report.files.append(file_report)
        if name == "people.csv" and had_persons and 0 < len(new_records) <= incremental_max:
            report.linked = _link_new(new_records)
    report.seconds = time.perf_counter() - started
    rejects_dir.mkdir(exist_ok=True)
    (rejects_dir / "summary.json").write_text(json.dumps(report.as_dict(), indent=2))
    (rejects_dir / "summary.txt").write_text(report.text() + "\n")
    with transaction.atomic():
        record_access(actor, Action.COLLECTION, record_type="ingest",
                      record_id=f"{force.code}:{system}", detail=report.as_dict()["totals"])
    logger.info("ingest force=%s system=%s totals=%s", force.code, system,
                report.as_dict()["totals"])
    return report


def _link_new(record_ids: list[int]) -> int:
    """Incremental linkage of freshly ingested records: join an existing person if certain."""
    from haven.people.relink import absorb_singleton
    from haven.people.services import score_record

    linked = 0
    for record in SourceRecord.objects.filter(pk__in=record_ids).select_related("force"):
        with transaction.atomic():
            if absorb_singleton(record, score_record):
                linked += 1
    return linked

"""Run an ingest: read each export file, validate, store in batches, write rejects and summary."""

from __future__ import annotations

import csv
import getpass
import io
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
from haven.core.bulk import commit_without_waiting
from haven.core.csvsafe import safe_row
from haven.forces.policy import policy_snapshot
from haven.people.ingest import pipeline, registry, validate
from haven.people.models import Person, SourceRecord
from haven.people.relink import absorb_on_counterparts, absorb_singleton
from haven.people.relink_evidence import counterpart_persons
from haven.people.services import score_record

logger = logging.getLogger(__name__)

# (file, kind, validator, store) of every file a room registered
# (`registry.register_legacy_file`), people first so that other files can refer to them.
FILE_ORDER = registry.FileOrder()


@dataclass
class FileReport(registry.Counts):
    """One file's counts (read, stored, updated, unchanged, rejected, noted), name, duration
    and its file-level problem, if any (then the file, or its rest, was not read)."""

    file: str = ""
    seconds: float = 0.0
    problem: str = ""


@dataclass
class IngestReport:
    system: str
    files: list[FileReport] = field(default_factory=list)
    rejects_dir: str = ""
    linked: int = 0
    seconds: float = 0.0
    run_by: str = ""

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def problems(self) -> list[str]:
        """File-level problems, one clear message each naming the file and line."""
        return [f.problem for f in self.files if f.problem]

    def as_dict(self) -> dict:
        totals = {k: self.total(k) for k in ("read", "stored", "updated", "unchanged",
                                             "rejected", "noted")}
        return {"system": self.system, "totals": totals, "linked": self.linked,
                "problems": self.problems, "run_by": self.run_by,
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
        for problem in self.problems:
            lines.append(f"Problem: {problem}")
        if self.total("noted"):
            lines.append(f"Stored with a value set aside as impossible (left blank, or a date "
                         f"read with day and month swapped, as a year only or with a "
                         f"two-digit year's century; noted on the "
                         f"record): "
                         f"{self.total('noted')} rows; see "
                         f"{Path(self.rejects_dir) / 'data_quality.csv'}")
        if self.total("rejected"):
            lines.append(f"Rejected rows with line and reason: {self.rejects_dir}")
        return "\n".join(lines)


class FileProblem(ValueError):
    """A problem with a whole file (encoding of its header, a missing required column)."""


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def _write_rejects(path: Path, header: list[str], rejects: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(safe_row([*header, "line", "reason"]))
        for line, row, reason in sorted(rejects, key=lambda r: r[0]):
            writer.writerow(safe_row([*(row.get(c, "") for c in header), line, reason]))


def _write_notes(path: Path, notes: list) -> None:
    """rejects/data_quality.csv: every value set aside, with file, line and what was given."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "source_id", "column", "given", "problem"])
        for name, line, source_id, note in notes:
            writer.writerow(safe_row([name, line, source_id, note["field"], note["given"],
                                      note["problem"]]))


def _ingest_file(force, system, path, validator, saver, *, batch_size, progress, rejects_dir,
                 notes: list):
    report = counts = FileReport(file=path.name)
    ctx = registry.Context(force=force, system=system, counts=counts)
    started = time.perf_counter()
    invalid: list = []  # rejected by validation (the writer adds unresolved references)
    line_problems: dict[int, str] = {}
    file_notes: list = []
    header: list[str] = []
    scanned = pipeline.scan(path)
    with path.open("rb") as raw, tqdm(
            total=_count_rows(path), unit="rows", desc=f"{system}/{path.name}",
            file=sys.stderr, disable=not progress, mininterval=0.5) as bar:
        # A clean file is read as plain text; one with a bad byte line by line, so that the
        # row holding it is rejected and every other row is read.
        text = (io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") if scanned.clean
                else pipeline.decoded_lines(raw, line_problems))
        reader = csv.DictReader(text)
        try:
            header = validate.contract_header(
                path.name, [h.strip() for h in (reader.fieldnames or [])])
            if not header:
                raise FileProblem("the file is empty: no header row")
            if 1 in line_problems:
                raise FileProblem(f"header {line_problems[1]}")
            problems = validate.header_problems(path.name, header)
            if problems:
                raise FileProblem("; ".join(problems) + " (nothing in this file was stored)")
            reader.fieldnames = header
            batches = pipeline.validated_batches(
                reader, validator, batch_size, rejects=invalid, counts=counts, bar=bar,
                line_problems=line_problems, notes=file_notes,
                check_cells=scanned.long_lines)
            # PostgreSQL: validate the next batch while this one waits for the server. SQLite
            # does its work in this process, so a second thread only contends for the GIL.
            background = connection.vendor == "postgresql"
            with pipeline.ahead(batches) if background else nullcontext(batches) as validated:
                for batch in validated:
                    with transaction.atomic():
                        commit_without_waiting()
                        saver(ctx, batch)
                    bar.update(len(batch))
        except FileProblem as error:
            report.problem = f"{path.name} line 1: {error}"
        except csv.Error as error:
            report.problem = (f"{path.name} line {reader.line_num}: cannot be read as CSV "
                              f"({error}); rows before it were stored, rows after it were not "
                              "read")
    ctx.rejects.extend(invalid)
    counts.rejected += len(invalid)
    if ctx.rejects:
        _write_rejects(Path(rejects_dir) / path.name, header, ctx.rejects)
    notes.extend((path.name, line, source_id, note) for line, source_id, note in file_notes)
    report.seconds = time.perf_counter() - started
    return report, ctx.new_records


def run_by_label(actor) -> str:
    """Who ran an ingest or export, as the access-log entry names them: the Haven user given
    with --user, else the operating-system account that ran the command."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()

    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "os:unknown"


def ingest_export(force, system: str, directory, *, actor=None, batch_size: int = 2000,
                  progress: bool = True, incremental_max: int = 1000) -> IngestReport:
    """Ingest one system's export folder. Idempotent on (system, file kind, source_id).

    New people are linked at once (incremental linkage) when there are at most
    `incremental_max` of them and the force already has persons; a bulk first load gets
    one person per record, to be joined by `haven link`.

    A file-level problem (header not UTF-8, a required column missing or misspelt, broken
    CSV) is one message naming the file and line in `report.problems`; bad rows go to the
    reject files. Whatever happens, the summary files and one access-log entry (naming
    `actor`, or the OS user) are written, also when the run fails part way.
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
    pipeline.allow_long_fields()
    had_persons = Person.objects.filter(force=force).exists()
    report = IngestReport(system=system, rejects_dir=str(rejects_dir),
                          run_by=run_by_label(actor))
    started = time.perf_counter()
    notes: list = []
    failure = None
    arrived: list[int] = []
    try:
        for name, _kind, validator, saver in FILE_ORDER:
            path = directory / name
            if not path.exists():
                continue
            file_report, new_records = _ingest_file(
                force, system, path, validator, saver, batch_size=batch_size,
                progress=progress, rejects_dir=rejects_dir, notes=notes)
            report.files.append(file_report)
            if name == "people.csv" and had_persons and 0 < len(new_records) <= incremental_max:
                report.linked = _link_new(new_records)
                arrived = new_records
        if arrived:
            # The incidents are in now: who met whom there can join what names alone could not.
            report.linked += _link_on_counterparts(force, arrived)
    except Exception as error:
        # Whatever was stored before this stays stored (whole batches): say so, then fail.
        failure = error
        report.files.append(FileReport(file="(run)", problem=(
            f"ingest stopped: {type(error).__name__}: {error}; files and batches before it "
            "were stored")[:1000]))
        raise
    finally:
        report.seconds = time.perf_counter() - started
        rejects_dir.mkdir(exist_ok=True)
        (rejects_dir / "summary.json").write_text(json.dumps(report.as_dict(), indent=2))
        (rejects_dir / "summary.txt").write_text(report.text() + "\n")
        if notes:
            _write_notes(rejects_dir / "data_quality.csv", notes)
        with transaction.atomic():
            detail = {**report.as_dict()["totals"], "problems": len(report.problems),
                      "run_by": report.run_by}
            if failure is not None:
                detail["failed"] = type(failure).__name__
            record_access(actor, Action.COLLECTION, record_type="ingest",
                          record_id=f"{force.code}:{system}", detail=detail,
                          reason="" if actor is not None else
                          f"command line, run by {report.run_by}")
        logger.info("ingest force=%s system=%s totals=%s problems=%d", force.code, system,
                    report.as_dict()["totals"], len(report.problems))
    return report


def _link_new(record_ids: list[int]) -> int:
    """Incremental linkage of freshly ingested records: join an existing person if certain."""

    linked = 0
    # One policy read for the run, not two per record (the thresholds cannot change mid-file
    # in a way a record-by-record read would honour more faithfully).
    with policy_snapshot():
        for record in SourceRecord.objects.filter(pk__in=record_ids).select_related("force"):
            with transaction.atomic():
                if absorb_singleton(record, score_record):
                    linked += 1
    return linked


def _link_on_counterparts(force, record_ids: list[int]) -> int:
    """The records `_link_new` left alone, once the run's incidents are stored: joined where
    both they and a person met one person on the other side of an incident
    (`relink.absorb_on_counterparts`). A record another one has since joined is asked
    about once, as its person."""
    linked = 0
    arrived = set(record_ids)
    # Only a record that was a victim or suspect in some incident can be joined so: one read
    # for the run instead of scoring every record (a child or a witness met no one).
    persons = set(SourceRecord.objects.filter(pk__in=record_ids).values_list("person_id",
                                                                             flat=True))
    persons.discard(None)
    met = {person for _, victim, suspect, _ in counterpart_persons(force, persons=persons)
           for person in (victim, suspect)} & persons
    with policy_snapshot():
        for pk in sorted(arrived):
            # read afresh: an earlier join may have moved this record with its person
            record = SourceRecord.objects.select_related("force", "person").get(pk=pk)
            if record.person_id not in met:
                continue  # no victim or suspect of a source system's incident
            if not arrived.issuperset(SourceRecord.objects.filter(
                    person_id=record.person_id).values_list("pk", flat=True)):
                continue  # joined an existing person already
            with transaction.atomic():
                if absorb_on_counterparts(record, score_record):
                    linked += 1
    return linked

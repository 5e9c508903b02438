"""Ingest throughput on a generated four-system export (not a test; see docs/benchmarks.md).

Usage:
    .venv/bin/python bench/linkage_data.py --people 20000 --out /tmp/export
    DATABASE_URL=sqlite:////tmp/bench_ingest.sqlite3 .venv/bin/haven migrate
    DATABASE_URL=sqlite:////tmp/bench_ingest.sqlite3 \\
        .venv/bin/python bench/bench_ingest.py /tmp/export [--force WARKS] [--relink]
Ingests every system folder (people, incidents, involvements) with validation, reports
rows/s per file and overall; then ingests the same export again (idempotency: nothing
stored, nothing updated) and, with --relink, runs the full Splink relink. --first-only
stops after the first ingest (to profile it alone:
`python -m cProfile -o /tmp/ing.prof bench/bench_ingest.py /tmp/export --first-only`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from haven.people.ingest import ingest_export  # noqa: E402
from haven.people.models import Person, SourceRecord  # noqa: E402
from haven.web.demo import ensure_forces  # noqa: E402


def run_all(force, export: Path, progress: bool) -> tuple[int, int, int, float]:
    rows = stored = updated = 0
    started = time.perf_counter()
    for folder in sorted(p for p in export.iterdir() if (p / "people.csv").exists()):
        report = ingest_export(force, folder.name, folder, progress=progress)
        rows += report.total("read")
        stored += report.total("stored")
        updated += report.total("updated")
        for f in report.files:
            rate = f.read / f.seconds if f.seconds else 0
            print(f"  {folder.name}/{f.file}: {f.read:,} rows, {rate:,.0f} rows/s")
    return rows, stored, updated, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", type=Path)
    parser.add_argument("--force", default="WARKS")
    parser.add_argument("--relink", action="store_true")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--first-only", action="store_true")
    args = parser.parse_args()
    force = next(f for f in ensure_forces() if f.code == args.force)
    print(f"database={connection.vendor}")
    rows, stored, updated, seconds = run_all(force, args.export, args.progress)
    print(f"first ingest: {rows:,} rows in {seconds:.1f}s = {rows / seconds:,.0f} rows/s "
          f"(stored {stored:,}, updated {updated:,})")
    persons = Person.objects.filter(force=force).count()
    if args.first_only:
        return
    rows, stored, updated, seconds = run_all(force, args.export, args.progress)
    print(f"second ingest (same export): {rows:,} rows in {seconds:.1f}s = "
          f"{rows / seconds:,.0f} rows/s (stored {stored}, updated {updated}; persons "
          f"{persons:,} -> {Person.objects.filter(force=force).count():,})")
    if args.relink:
        from haven.people.relink import run_relink

        started = time.perf_counter()
        run = run_relink(force, progress=args.progress)
        print(f"relink: {SourceRecord.objects.filter(force=force).count():,} records -> "
              f"{run.counts.get('persons'):,} persons in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()

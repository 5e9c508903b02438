"""The latest records ingested into a linked force, scored against truth (issue 10).

    .venv/bin/python bench/bench_delta_ingest.py --people 20000 --seed 11 --work /tmp/delta \
        [--new 1000] [--haven-root TREE ...] [--knob NAME=JSON ...] [--json F]

What a force running Haven beside its records system does day by day: the systems'
exports grow by the records, incidents and involvements of the last days, and `haven
ingest` stores them into a force whose persons a full `haven link` made. An ingest of at most
1,000 new records per system links each at once (the incremental linker), and `haven link`
is not run again.

1. `bench/linkage_data.py` generates the world (same seed, same knobs: the generator
   imports nothing from `haven/`). The export is cut at one moment: every system's
   records first involved after it, the incidents after it and their involvements
   (naming old records and new) are the day's delta; the rest is the base. The moment is
   the latest at which no system has more than `--new` new records.
2. Once: the base is ingested (four systems) and linked with `haven link` (the tree this
   script is in), kept as `WORK/base.sqlite3`.
3. For each tree (`--haven-root`, default this one): a fresh copy of the base, and the
   delta ingested per system with `haven ingest`, timed; then `haven linkage export`.
4. Each new record against truth: joined to a person whose other records are all of its
   true person (right), joined with a record of someone else (wrong), or alone although
   another record of its true person was ingested (missed); and the review pairs the
   delta added, with the share truly one person.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_e2e import HAVEN, ROOT, SYSTEMS, run_timed  # noqa: E402
from bench_lookup_truth import world_arguments  # noqa: E402
from linkage_data import (  # noqa: E402
    INCIDENT_COLUMNS,
    INVOLVEMENT_COLUMNS,
    PEOPLE_COLUMNS,
    Generator,
    _write_csv,
    knobs_from,
)


def first_seen(gen: Generator) -> dict[tuple[str, str], datetime]:
    """(system, record source id) -> when the record was first involved in an incident."""
    when = {(system, row["source_id"]): datetime.fromisoformat(row["occurred_at"])
            for system, rows in gen.incident_rows.items() for row in rows}
    first: dict[tuple[str, str], datetime] = {}
    for system, rows in gen.involvement_rows.items():
        for row in rows:
            key, at = (system, row["person_source_id"]), when[(system, row["incident_source_id"])]
            if key not in first or at < first[key]:
                first[key] = at
    return first


def cut(gen: Generator, new: int) -> datetime:
    """The latest moment after which no system has more than `new` records first seen."""
    first = first_seen(gen)
    latest = []
    for system in SYSTEMS:
        times = sorted((at for (s, _), at in first.items() if s == system), reverse=True)
        if len(times) > new:
            latest.append(times[new])  # the (new+1)-th latest: records after it are <= new
    return max(latest) if latest else datetime.min


def write_split(gen: Generator, moment: datetime, base: Path, delta: Path) -> dict:
    first = first_seen(gen)
    counts = {}
    for system in SYSTEMS:
        late = {row["source_id"] for row in gen.incident_rows[system]
                if datetime.fromisoformat(row["occurred_at"]) > moment}
        people = gen.people_rows[system]
        is_new = [first.get((system, row["source_id"]), datetime.min) > moment for row in people]
        involvements = gen.involvement_rows[system]
        for folder, wanted in ((base, False), (delta, True)):
            out = folder / system
            out.mkdir(parents=True, exist_ok=True)
            _write_csv(out / "people.csv", PEOPLE_COLUMNS,
                       [row for row, n in zip(people, is_new, strict=True) if n == wanted])
            _write_csv(out / "incidents.csv", INCIDENT_COLUMNS,
                       [row for row in gen.incident_rows[system]
                        if (row["source_id"] in late) == wanted])
            _write_csv(out / "involvements.csv", INVOLVEMENT_COLUMNS,
                       [row for row in involvements
                        if (row["incident_source_id"] in late) == wanted])
        counts[system] = {"new records": sum(is_new), "new incidents": len(late)}
    return counts


def haven_env(db: Path, tree: Path | None) -> dict:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env


def build_base(base: Path, db: Path, force: str) -> dict:
    env = haven_env(db, None)
    run_timed([HAVEN, "migrate", "-v", "0"], env)
    subprocess.run([str(ROOT / ".venv/bin/python"), "-c",
                    "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
                    "'haven.settings');django.setup();"
                    "from haven.web.demo import ensure_forces;ensure_forces()"],
                   env=env, check=True, cwd=ROOT)
    for system in SYSTEMS:
        run_timed([HAVEN, "ingest", "--force", force, "--source", system,
                   str(base / system), "--no-progress"], env)
    wall, rss, _ = run_timed([HAVEN, "link", "--force", force, "--no-progress"], env)
    return {"link_seconds": round(wall, 1), "link_gib": round(rss, 2)}


def review_pairs(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT a.system || ':' || a.source_id, b.system || ':' || b.source_id "
            "FROM people_reviewitem r JOIN people_sourcerecord a ON a.id = r.record_a_id "
            "JOIN people_sourcerecord b ON b.id = r.record_b_id WHERE r.decision = ''"
        ).fetchall()


def run_tree(tree: Path | None, work: Path, delta: Path, force: str) -> dict:
    db = work / f"delta-{(tree or ROOT).name}.sqlite3"
    shutil.copyfile(work / "base.sqlite3", db)
    env = haven_env(db, tree)
    run_timed([HAVEN, "migrate", "-v", "0"], env)
    queued_before = set(review_pairs(db))
    seconds, peak, linked = 0.0, 0.0, 0
    for system in SYSTEMS:
        wall, rss, out = run_timed([HAVEN, "ingest", "--force", force, "--source", system,
                                    str(delta / system), "--no-progress"], env)
        seconds, peak = seconds + wall, max(peak, rss)
        summary = json.loads((delta / system / "rejects" / "summary.json").read_text())
        linked += summary.get("linked", 0) or 0
    out_csv = work / f"persons-{(tree or ROOT).name}.csv"
    run_timed([HAVEN, "linkage", "export", "--out", str(out_csv), "--force", force], env)
    person = {f"{r['system']}:{r['source_id']}": r["person_id"]
              for r in csv.DictReader(out_csv.open())}
    added = [p for p in review_pairs(db) if p not in queued_before]
    return {"tree": str(tree or ROOT), "ingest_seconds": round(seconds, 1),
            "ingest_peak_gib": round(peak, 2), "linked_by_ingest": linked,
            "person": person, "added_pairs": added}


def judge(result: dict, truth: dict[str, int], new_uids: set[str]) -> dict:
    person = result["person"]
    members: dict[str, list[str]] = defaultdict(list)
    for uid, pid in person.items():
        members[pid].append(uid)
    records_of: dict[int, int] = defaultdict(int)
    for uid in person:
        if uid in truth:
            records_of[truth[uid]] += 1
    counts: dict[str, int] = defaultdict(int)
    for uid in sorted(new_uids):
        if uid not in person or uid not in truth:
            counts["not stored"] += 1
            continue
        others = [u for u in members[person[uid]] if u != uid]
        mine = sum(truth.get(u) == truth[uid] for u in others)
        if not others:
            counts["missed" if records_of[truth[uid]] > 1 else "alone, rightly"] += 1
        elif mine == len(others):
            counts["right"] += 1
        elif mine:
            # joined its own person, who holds a record of someone else too (a relink or an
            # earlier join put it there): right for this record, counted apart
            counts["right, with someone else besides"] += 1
        else:
            counts["wrong"] += 1
    pairs = result["added_pairs"]
    one = sum(truth.get(a) is not None and truth.get(a) == truth.get(b) for a, b in pairs)
    right = counts["right"] + counts["right, with someone else besides"]
    joined = right + counts["wrong"]
    partnered = joined + counts["missed"]
    return {"new records": dict(counts),
            "precision": right / joined if joined else 1.0,
            "linked share of those with a true partner":
                right / partnered if partnered else 0.0,
            "review pairs added": len(pairs), "of them one person": one,
            "ingest seconds": result["ingest_seconds"],
            "ingest peak GiB": result["ingest_peak_gib"],
            "linked by ingest": result["linked_by_ingest"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    world_arguments(parser)
    parser.add_argument("--new", type=int, default=1000,
                        help="at most this many new records per system in the delta")
    parser.add_argument("--haven-root", type=Path, action="append",
                        help="a tree to ingest the delta with (repeatable; default this one)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    load = [os.getloadavg()[0]]
    gen = Generator(args.people, args.seed, knobs_from(args.knob)).generate()
    moment = cut(gen, args.new)
    base, delta = work / "base", work / "delta"
    for folder in (base, delta):
        shutil.rmtree(folder, ignore_errors=True)
    split = write_split(gen, moment, base, delta)
    truth = {f"{system}:{row['source_id']}": row["_pid"]
             for system, rows in gen.people_rows.items() for row in rows}
    first = first_seen(gen)
    new_uids = {f"{s}:{sid}" for (s, sid), at in first.items() if at > moment}
    print(f"cut at {moment.isoformat()}: {json.dumps(split)}", flush=True)
    built = {}
    if not (work / "base.sqlite3").exists():
        db = work / "building.sqlite3"
        db.unlink(missing_ok=True)
        built = build_base(base, db, args.force)
        db.rename(work / "base.sqlite3")
        print(f"base linked: {built}", flush=True)
    results = []
    for tree in args.haven_root or [None]:
        judged = judge(run_tree(tree, work, delta, args.force), truth, new_uids)
        judged["tree"] = str(tree or ROOT)
        results.append(judged)
        print(json.dumps(judged, indent=1), flush=True)
    load.append(os.getloadavg()[0])
    out = {"people": args.people, "seed": args.seed, "knobs": args.knob or [],
           "cut": moment.isoformat(), "split": split, "base": built, "load": load,
           "results": results}
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

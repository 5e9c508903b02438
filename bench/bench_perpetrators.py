"""Serial-perpetrator identification measured against the generator's truth, in one run:
on Haven's linked identities, and on raw per-system ids.

    flock /tmp/haven-bench.lock .venv/bin/python bench/bench_perpetrators.py --people 5000 \
        [--seed 11] [--work /tmp/haven_perp] [--json FILE]

1. `bench/linkage_data.py` simulates the world and writes a four-system export. **Truth comes
   from the simulated world itself** (the Generator's events: who abused whom, when), never
   from Haven's code: a true serial perpetrator is a suspect with two or more distinct
   victims among the events in the three years to the generator's last day. (The generator's
   serial perpetrators move on to a new partner at a new home, so their victims are
   unconnected; a son abusing his mother is one victim.) A second truth, "DA-recorded",
   counts only events the control room filed as domestic or honour-based abuse. Haven (and
   the raw baseline) count incidents flagged DA or between people recorded as partners,
   ex-partners or family, whatever the category.
2. Haven end to end (`bench_e2e.run_haven`): fresh SQLite, `haven ingest` per system,
   `haven link` (with incident reconciliation), `haven linkage export`; then, in a separate
   process, the perpetrators room's identification (`haven.perpetrators.services.compute`)
   as of the generator's last day, timed.
3. Raw per-system ids: the same identification rules (`haven.perpetrators.rules`) on the
   CSV files with each system's own person ids and incident ids, no linkage and no
   reconciliation: the spreadsheet a force without linked identities would build.
4. Each predicted perpetrator (a Haven person, or a raw record) is mapped to the true person
   holding most of its records; recall = true serial perpetrators found / all; precision =
   predicted perpetrators whose true person is a serial perpetrator / predicted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from bench_e2e import SYSTEMS, read_truth, run_haven  # noqa: E402
from linkage_data import Generator  # noqa: E402

DA = {"domestic", "honour_based"}
PERSONALLY_CONNECTED = {"partner", "ex_partner", "family"}

HAVEN_SERIAL = """
import django, json, os, sys, time, datetime as dt
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'haven.settings'); django.setup()
from haven.forces.models import Force
from haven.perpetrators.services import compute
force = Force.objects.get(code=sys.argv[2])
at = dt.date.fromisoformat(sys.argv[3])
t = time.perf_counter()
result = compute(force, at=at)
wall = time.perf_counter() - t
found = result['found']
json.dump({'serial': sorted(p for p, i in found.items() if i.serial),
           'perpetrators': len(found), 'wall': wall,
           'counter_allegations': len(result['data']['determinations'])},
          open(sys.argv[1], 'w'))
"""


def truth_serial(gen, as_of: date, years: int = 3, da_only: bool = False) -> set[int]:
    since = datetime.combine(as_of.replace(year=as_of.year - years), datetime.min.time())
    until = datetime.combine(as_of, datetime.max.time())
    victims: dict[int, set[int]] = defaultdict(set)
    for e in gen.events:
        if since <= e.when <= until and (not da_only or e.category in DA):
            victims[e.suspect.pid].add(e.victim.pid)
    return {p for p, v in victims.items() if len(v) >= 2}


def raw_serial(export: Path, as_of: date, years: int = 3) -> set[str]:
    """The rules on each system's own ids (no linkage, no reconciliation)."""
    from haven.perpetrators import rules  # the measured rules, not the truth

    incidents, involved = [], defaultdict(lambda: {"victims": [], "suspects": []})
    for system in SYSTEMS:
        for row in csv.DictReader((export / system / "involvements.csv").open()):
            key = f"{system}:{row['incident_source_id']}"
            uid = f"{system}:{row['person_source_id']}"
            if row["role"] == "victim":
                involved[key]["victims"].append((uid, row["relationship"]))
            elif row["role"] == "suspect":
                involved[key]["suspects"].append((uid, row["relationship"]))
        for row in csv.DictReader((export / system / "incidents.csv").open()):
            key = f"{system}:{row['source_id']}"
            connected = any(rel in PERSONALLY_CONNECTED
                            for _uid, rel in involved[key]["suspects"] + involved[key]["victims"])
            if (row["category"] not in DA and not connected) or not row["occurred_at"]:
                continue
            incidents.append({"id": key, "label": key,
                              "when": datetime.fromisoformat(row["occurred_at"]).date(),
                              **involved[key]})
    allegations = rules.allegations_from(incidents, [])
    kept, _ = rules.resolve_counter_allegations(allegations)
    days = (as_of - as_of.replace(year=as_of.year - years)).days
    found = rules.identify(kept, at=as_of, serial_days=days, min_victims=2, min_age=16,
                           repeat_days=365)
    return {p for p, i in found.items() if i.serial}


def evaluate(predicted: set[str], owner: dict[str, int], serial: set[int]) -> dict:
    owners = {p: owner.get(p) for p in predicted}
    good = sum(1 for p in predicted if owners[p] in serial)
    found = {o for o in owners.values() if o in serial}
    return {"predicted": len(predicted), "true": len(serial),
            "precision": good / len(predicted) if predicted else 1.0,
            "recall": len(found) / len(serial) if serial else 1.0,
            "duplicates": len(predicted) - len(set(owners.values()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=Path("/tmp/haven_perp"))  # noqa: S108
    parser.add_argument("--force", default="WARKS")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--haven-root", type=Path,
                        help="run Haven from this source tree (e.g. a snapshot taken while "
                             "others edit the working tree)")
    args = parser.parse_args()
    load = [os.getloadavg()[0]]
    export = args.work / "export"
    t0 = time.perf_counter()
    gen = Generator(args.people, args.seed).generate()
    stats = gen.write(export)
    print(f"generated {stats} in {time.perf_counter() - t0:.1f}s", flush=True)
    as_of = Generator.END.date()
    serial_all = truth_serial(gen, as_of)
    serial_da = truth_serial(gen, as_of, da_only=True)
    truth = read_truth(export)  # record uid -> true person

    pred, info = run_haven(export, args.work, args.force, args.haven_root)
    load.append(os.getloadavg()[0])
    out = args.work / "serial.json"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{args.work / 'haven.sqlite3'}"}
    if args.haven_root is not None:
        env["PYTHONPATH"] = str(args.haven_root)
    t = time.perf_counter()
    subprocess.run([str(ROOT / ".venv/bin/python"), "-c", HAVEN_SERIAL, str(out), args.force,
                    as_of.isoformat()], env=env, check=True, cwd=args.haven_root or ROOT)
    haven = json.loads(out.read_text())
    haven_wall = time.perf_counter() - t
    load.append(os.getloadavg()[0])
    members = defaultdict(list)
    for uid, person in pred.items():
        if uid in truth:
            members[str(person)].append(truth[uid])
    owner_haven = {p: max(set(v), key=v.count) for p, v in members.items()}
    predicted_haven = {str(p) for p in haven["serial"]}

    t = time.perf_counter()
    predicted_raw = raw_serial(export, as_of)
    raw_wall = time.perf_counter() - t
    load.append(os.getloadavg()[0])

    rows = []
    for name, predicted, owner, wall in (
            ("Haven linked identities", predicted_haven, owner_haven, haven_wall),
            ("raw per-system ids", predicted_raw, truth, raw_wall)):
        for label, serial in (("all abuse", serial_all), ("DA-recorded", serial_da)):
            rows.append({"method": name, "truth": label, "wall": wall,
                         **evaluate(predicted, owner, serial)})
    print(f"\n{stats['people']:,} people, {stats['records']:,} records, {stats['events']:,} "
          f"events; as of {as_of}; window 3 years; true serial perpetrators: "
          f"{len(serial_all)} (all abuse), {len(serial_da)} (DA-recorded); Haven linked in "
          f"{info['steps']['link']['wall']:.0f}s; {haven['perpetrators']} perpetrators, "
          f"{haven['counter_allegations']} counter-allegation pairs resolved; 1-min load "
          f"average {', '.join(f'{x:.2f}' for x in load)}")
    print("| identities | truth | predicted serial | true serial | recall | precision | "
          "duplicates (one man, several ids) | wall (s) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['method']} | {r['truth']} | {r['predicted']} | {r['true']} | "
              f"{r['recall']:.1%} | {r['precision']:.1%} | {r['duplicates']} | "
              f"{r['wall']:.1f} |")
    if args.json:
        args.json.write_text(json.dumps({"stats": stats, "load": load, "rows": rows,
                                         "haven": haven, "steps": info["steps"]},
                                        default=str, indent=1))


if __name__ == "__main__":
    main()

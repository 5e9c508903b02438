"""`haven link` against plain Splink on the same files, in one sitting (issue 10 target:
`haven link` no slower than 2x plain Splink).

    .venv/bin/python bench/bench_link_time.py --export DIR --template DB.sqlite3 \
        [--haven-root TREE ...] [--rounds 2] [--skip-plain] [--json FILE]

DIR is an export of `bench/linkage_data.py` and DB a SQLite database into which it was
ingested (`haven migrate`, the demo forces, `haven ingest` of each system; nothing linked
yet), e.g. as `bench/bench_e2e.py` leaves it before its link step. Each round copies the
database and runs `haven link --force WARKS --no-progress` under `/usr/bin/time -v` from
each `--haven-root` in turn (the working tree when none is given; alternating, since the
machine is shared), then plain Splink (`bench_e2e.run_plain_splink`, the same fair
configuration as the end-to-end benchmark) in its own process on the export's people files.
Prints wall time, peak RSS and the 1-minute load average before and after each step.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_e2e import HAVEN, run_timed  # noqa: E402

PLAIN = """
import sys, time
sys.path.insert(0, {bench!r})
from pathlib import Path
from bench_e2e import read_people, run_plain_splink
people = read_people(Path(sys.argv[1]))
t = time.perf_counter()
pred = run_plain_splink(people)
print(f"plain {{time.perf_counter() - t:.2f}} {{len(set(pred.values()))}}")
"""


def link_once(template: Path, work: Path, root: Path | None, force: str) -> dict:
    db = work / "link.sqlite3"
    shutil.copyfile(template, db)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    if root is not None:
        env["PYTHONPATH"] = str(root)
    load = os.getloadavg()[0]
    wall, rss, out = run_timed([HAVEN, "link", "--force", force, "--no-progress"], env)
    return {"step": f"haven link ({root or 'working tree'})", "wall": round(wall, 2),
            "rss_gib": round(rss, 2), "load_before": load, "load_after": os.getloadavg()[0],
            "stdout": out.strip()}


def plain_once(export: Path) -> dict:
    load = os.getloadavg()[0]
    script = PLAIN.format(bench=str(ROOT / "bench"))
    wall, rss, out = run_timed([str(ROOT / ".venv/bin/python"), "-c", script, str(export)],
                               dict(os.environ))
    return {"step": "plain Splink (own process)", "wall": round(wall, 2),
            "rss_gib": round(rss, 2), "load_before": load, "load_after": os.getloadavg()[0],
            "stdout": out.strip().splitlines()[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", type=Path, required=True)
    parser.add_argument("--template", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/haven_link_time"))  # noqa: S108
    parser.add_argument("--haven-root", type=Path, action="append", default=[])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--force", default="WARKS")
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    roots = args.haven_root or [None]
    results = []
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    for _ in range(args.rounds):
        for root in roots:
            results.append(link_once(args.template, args.work, root, args.force))
            print(json.dumps(results[-1]), flush=True)
        if not args.skip_plain:
            results.append(plain_once(args.export))
            print(json.dumps(results[-1]), flush=True)
    print(f"\nstarted {started}, ended {time.strftime('%H:%M:%S UTC', time.gmtime())}, "
          f"{os.cpu_count()} cores")
    print("| step | wall (s) | peak RSS (GiB) | 1-min load before → after |")
    print("|---|---|---|---|")
    for r in results:
        print(f"| {r['step']} | {r['wall']:.1f} | {r['rss_gib']:.2f} | "
              f"{r['load_before']:.1f} → {r['load_after']:.1f} |")
    if args.json:
        args.json.write_text(json.dumps({"started": started, "results": results}, indent=1))


if __name__ == "__main__":
    main()

"""Reads per second with the access log on and off, at 1, 10 and 50 concurrent users
(issue 18 item 3). Not a test; results go to docs/benchmarks.md.

    flock /tmp/haven-bench.lock .venv/bin/python bench/bench_access_log.py \\
        --db postgres://postgres@127.0.0.1:5432/haven_bench_log --seconds 10 --users 1,10,50

Two gunicorn servers run on 127.0.0.1 against the same PostgreSQL database (bench/load/world.py
creates and seeds it): one with the access log as in production, one with it switched off by
`HAVEN_BENCH_ACCESS_LOG=off`, a switch that exists only under bench/bench_settings.py. Each
simulated user is a thread with a keep-alive connection reading person pages
(`GET /api/v1/people/<id>/` as a harm assessment unit member: `access_person`, one logged
consultation per read, then the after-commit seal) for `--seconds`; the cells alternate on
and off so that the machine's other load falls on both alike. The ratio is the result; the
absolute numbers depend on the machine and its load (the 1-minute load average is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench" / "load"))

from client import Client, Tally, wait_until_up  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")


def start_server(port: int, env: dict, log_path: Path, workers: int, threads: int,
                 root: Path = ROOT):
    argv = [PY, "-m", "gunicorn", "haven.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
            "--timeout", "60", "--chdir", str(root)]
    log = open(log_path, "ab")  # noqa: SIM115 - the server's output, closed with it
    # cwd too: `python -m` puts the working directory first on sys.path.
    return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root,
                            start_new_session=True)


def run_cell(port: int, token: str, person_ids: list[int], users: int, seconds: float):
    tallies = [Tally() for _ in range(users)]
    stop = time.monotonic() + seconds

    def user(n: int):
        rng = random.Random(n)
        client = Client(port, token)
        while time.monotonic() < stop:
            answer = client.request("GET", f"/api/v1/people/{rng.choice(person_ids)}/")
            tallies[n].add(answer, answer.status == 200)
        client.close()

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return {"rps": len(total.seconds) / elapsed, "ok": len(total.seconds),
            "errors": sum(total.errors.values()), "p50": total.percentile(50),
            "p95": total.percentile(95)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/haven_bench_log")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--users", default="1,10,50")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--var", type=Path,
                        default=Path(tempfile.gettempdir()) / "haven-bench-var")
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--compare-root", type=Path,
                        help="also serve another Haven tree (e.g. `git archive` of the commit "
                        "before issue 18 item 3, with bench/ copied in) as a third column")
    parser.add_argument("--compare-db",
                        default="postgres://postgres@127.0.0.1:5432/haven_bench_oldlog")
    args = parser.parse_args()

    env = {**os.environ, "DATABASE_URL": args.db, "DJANGO_SETTINGS_MODULE":
           "bench.bench_settings", "HAVEN_VAR_DIR": str(args.var),
           "DATABASE_CONN_MAX_AGE": "60", "PYTHONPATH": str(ROOT)}
    world_file = args.var / "world.json"
    subprocess.run([PY, str(ROOT / "bench" / "load" / "world.py"), "--out", str(world_file)],
                   env=env, check=True)
    world = json.loads(world_file.read_text())

    servers = {"on": 8411, "off": 8412}
    procs = {}
    old = None
    if args.compare_root:
        old_var = args.var / "compare"
        old_env = {**env, "DATABASE_URL": args.compare_db, "HAVEN_VAR_DIR": str(old_var),
                   "PYTHONPATH": str(args.compare_root)}
        subprocess.run([PY, str(args.compare_root / "bench" / "load" / "world.py"), "--out",
                        str(old_var / "world.json")], env=old_env, check=True)
        old = json.loads((old_var / "world.json").read_text())
        servers["old"] = 8413
    try:
        for mode, port in servers.items():
            if mode == "old":
                procs[mode] = start_server(port, old_env, args.var / "gunicorn-old.log",
                                           args.workers, args.threads, args.compare_root)
                continue
            procs[mode] = start_server(port, {**env, "HAVEN_BENCH_ACCESS_LOG": mode},
                                       args.var / f"gunicorn-{mode}.log", args.workers,
                                       args.threads)
        for port in servers.values():
            wait_until_up(port)
        def who(mode):
            chosen = old if mode == "old" else world
            return chosen["tokens"]["hau"], chosen["person_ids"]

        for mode, port in servers.items():  # warm: workers import, connect, cache policy
            run_cell(port, *who(mode), 4, 2)
        results = []
        for users in [int(u) for u in args.users.split(",")]:
            row = {"users": users, "load_before": os.getloadavg()[0]}
            for mode, port in servers.items():
                row[mode] = run_cell(port, *who(mode), users, args.seconds)
            row["load_after"] = os.getloadavg()[0]
            results.append(row)
            print(json.dumps(row), flush=True)
    finally:
        for proc in procs.values():
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs.values():
            proc.wait(30)
    verify = subprocess.run([PY, "-m", "django", "audit", "verify"], env=env,
                            capture_output=True, text=True)
    print(f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"gunicorn {args.workers} workers x {args.threads} threads, {args.seconds:.0f} s "
          "per cell\n")
    print("| users | logging on (reads/s) | p50 / p95 ms | logging off (reads/s) | "
          "p50 / p95 ms | on / off | errors | load avg (1 min) |")
    print("|---|---|---|---|---|---|---|---|")
    for row in results:
        on, off = row["on"], row["off"]
        print(f"| {row['users']} | {on['rps']:.0f} | {on['p50'] * 1000:.0f} / "
              f"{on['p95'] * 1000:.0f} | {off['rps']:.0f} | {off['p50'] * 1000:.0f} / "
              f"{off['p95'] * 1000:.0f} | {on['rps'] / off['rps']:.2f} | "
              f"{on['errors'] + off['errors']} | {row['load_before']:.1f}–"
              f"{row['load_after']:.1f} |")
    if old is not None:
        print(f"\nwith --compare-root {args.compare_root} (logging on, head lock):\n")
        print("| users | this tree, on (reads/s) | compared tree (reads/s) | p50 / p95 ms | "
              "this / compared |")
        print("|---|---|---|---|---|")
        for row in results:
            print(f"| {row['users']} | {row['on']['rps']:.0f} | {row['old']['rps']:.0f} | "
                  f"{row['old']['p50'] * 1000:.0f} / {row['old']['p95'] * 1000:.0f} | "
                  f"{row['on']['rps'] / row['old']['rps']:.2f} |")
    print(f"\nhaven audit verify afterwards: {verify.stdout.strip() or verify.stderr.strip()}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

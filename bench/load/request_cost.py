"""What one request of the load test's mix costs: milliseconds and SQL queries per operation,
single-threaded and in-process (issue 18 item 4: the 50-user run's p95 is CPU per request on
a saturated machine). Not a test; results go to docs/benchmarks.md.

    # the working tree alone, with a profile of one operation
    flock /tmp/haven-bench.lock .venv/bin/python bench/load/request_cost.py --n 40 \\
        --profile "case list"
    # before and after side by side, interleaved in one run (a copy of Haven, e.g. HEAD,
    # against the working tree), so that a busy machine slows both alike
    mkdir /tmp/cost-before && git archive HEAD | tar -x -C /tmp/cost-before
    flock /tmp/haven-bench.lock .venv/bin/python bench/load/request_cost.py --n 60 \\
        --compare /tmp/cost-before

The database is the load test's kind (bench/load/world.py: migrated, seeded with the demo's
synthetic world, an API token per role), on PostgreSQL at 127.0.0.1. Each operation is the
request the load test's users send (bench/load/run.py), through Django's whole handler and
middleware with the Django test client, signed in by the role's token: lookups and incident
creation as a call handler, DASH submission and person pages as a response officer, case
list, case view and task list as the HAU. Settings as in the load test: events queued as jobs
(no worker runs here, so no reaction changes the lists between requests), the access log
sealed by a thread, persistent connections. SQL queries are counted on the request's own
connection (the sealer thread's are not). A DASH submission needs a new incident: one is
created, untimed, before each.

With `--compare DIR` two worker processes serve the measurements, one importing Haven from
DIR and one from this working tree, and the operations alternate between them round by
round; each worker makes the same random choices.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/cost_helper"
OPS = ("lookup", "person view", "incident create", "DASH submit", "case list", "case view",
       "task list")
MARK = "@@result "


def _environment(db: str, var: Path) -> dict:
    """The load test's server settings (bench/load/run.py), for this process or a worker."""
    return {"DATABASE_URL": db, "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
            "HAVEN_VAR_DIR": str(var), "DATABASE_CONN_MAX_AGE": "60",
            "HAVEN_EVENT_DELIVERY": "queued", "HAVEN_AUDIT_SEAL_IN_THREAD": "1"}


def prepare_world(db: str, var: Path) -> dict:
    """bench/load/world.py's `build` (the working tree's code): creates, migrates and seeds
    the database on the first run, then reuses it; writes var/world.json for the workers."""
    os.environ.update(_environment(db, var))
    sys.path.insert(0, str(HERE))
    import world  # bench/load/world.py, beside this file

    return world.build(var / "world.json")


class Operations:
    """The mix's requests, through the test client, in one process."""

    def __init__(self, world: dict, seed: int = 18):
        from django.test import Client

        self.world = world
        self.rng = random.Random(seed)
        self.clients = {role: Client(HTTP_AUTHORIZATION=f"Token {token}",
                                     HTTP_ACCEPT="application/json")
                        for role, token in world["tokens"].items()}
        listed = self.clients["hau"].get("/api/v1/safeguarding/cases/?limit=20")
        self.case_ids = [c["id"] for c in listed.json()] if listed.status_code == 200 else []
        self.errors: dict[str, list] = {}

    def _post(self, role, path, body):
        return self.clients[role].post(path, data=json.dumps(body),
                                       content_type="application/json",
                                       HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    def _incident_body(self):
        victim, suspect = self.rng.sample(self.world["person_ids"], 2)
        return victim, {"reported_via": "call", "category": "domestic",
                        "checklist": self.world["checklist"], "postcode": "CV34 4AA",
                        "address_line": "1 Bench Street",
                        "involvements": [{"person": victim, "role": "victim"},
                                         {"person": suspect, "role": "suspect"}]}

    def prepare(self, op: str):
        """Untimed work an operation needs first; returns the callable to time."""
        world, rng = self.world, self.rng
        if op == "lookup":
            surname = rng.choice(world["surnames"])
            return lambda: self.clients["call_handler"].get(
                f"/api/v1/people/lookup?surname={surname}")
        if op == "person view":
            person = rng.choice(world["person_ids"])
            return lambda: self.clients["response_officer"].get(f"/api/v1/people/{person}/")
        if op == "incident create":
            _victim, body = self._incident_body()
            return lambda: self._post("call_handler", "/api/v1/incidents/", body)
        if op == "DASH submit":
            victim, body = self._incident_body()
            created = self._post("call_handler", "/api/v1/incidents/", body)
            incident = created.json()["id"]
            dash = {"incident": incident, "person": victim, "grade": "standard",
                    "answers": {code: "no" for code in world["dash_codes"]}}
            return lambda: self._post("response_officer", "/api/v1/risk/assessments/", dash)
        if op == "case list":
            return lambda: self.clients["hau"].get("/api/v1/safeguarding/cases/?limit=20")
        if op == "case view":
            case = rng.choice(self.case_ids)
            return lambda: self.clients["hau"].get(f"/api/v1/safeguarding/cases/{case}/")
        if op == "task list":
            return lambda: self.clients["hau"].get("/api/v1/tasks/?limit=20")
        raise ValueError(f"unknown operation {op!r}")

    def run(self, op: str, n: int, profiler: cProfile.Profile | None = None) -> dict:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        ms, queries = [], []
        for _ in range(n):
            call = self.prepare(op)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                response = call()
                if profiler is not None:
                    profiler.disable()
                ms.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
            if response.status_code not in (200, 201):
                self.errors.setdefault(op, []).append(response.status_code)
        return {"ms": ms, "queries": queries, "errors": self.errors.get(op, [])}


def _setup(haven_root: Path, db: str, var: Path) -> None:
    """Import Haven (and the bench settings) from `haven_root`, then start Django."""
    os.environ.update(_environment(db, var))
    sys.path[:] = [str(haven_root)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT]
    import django

    django.setup()
    import haven

    where = Path(haven.__file__).resolve().parents[1]
    if where != haven_root.resolve():
        raise SystemExit(f"haven imported from {where}, not {haven_root}")


def worker(haven_root: Path, db: str, var: Path) -> None:
    """Serve measurements over stdin/stdout: one JSON request {"op", "n"} per line, one
    result line (after MARK) per request."""
    _setup(haven_root, db, var)
    ops = Operations(json.loads((var / "world.json").read_text()))
    print(MARK + json.dumps({"ready": str(haven_root)}), flush=True)
    for line in sys.stdin:
        asked = json.loads(line)
        print(MARK + json.dumps(ops.run(asked["op"], asked["n"])), flush=True)


class Worker:
    def __init__(self, haven_root: Path, db: str, var: Path):
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", "--haven-root",
             str(haven_root), "--db", db, "--var", str(var)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=str(haven_root))
        self._read()

    def _read(self) -> dict:
        for line in self.proc.stdout:
            if line.startswith(MARK):
                return json.loads(line[len(MARK):])
        raise SystemExit("a measuring worker stopped")

    def run(self, op: str, n: int) -> dict:
        self.proc.stdin.write(json.dumps({"op": op, "n": n}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(30)


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(result: dict) -> dict:
    return {"n": len(result["ms"]), "mean": statistics.fmean(result["ms"]),
            "p95": _p95(result["ms"]), "queries": statistics.fmean(result["queries"]),
            "errors": len(result["errors"])}


def _merge(into: dict, result: dict) -> None:
    for key in ("ms", "queries", "errors"):
        into.setdefault(key, []).extend(result[key])


def compare(before_root: Path, ops, n: int, rounds: int, db: str, var: Path) -> dict:
    workers = {"before": Worker(before_root, db, var), "after": Worker(ROOT, db, var)}
    results = {side: {op: {} for op in ops} for side in workers}
    try:
        for op in ops:  # warm-up: imports, templates, first connection
            for w in workers.values():
                w.run(op, 2)
        per_round = max(1, n // rounds)
        for turn in range(rounds):
            order = list(workers) if turn % 2 == 0 else list(reversed(workers))
            for op in ops:
                for side in order:
                    _merge(results[side][op], workers[side].run(op, per_round))
    finally:
        for w in workers.values():
            w.stop()
    return {side: {op: summary(r) for op, r in by_op.items()} for side, by_op in
            results.items()}


def single(ops, n: int, db: str, var: Path, profile_op: str | None, top: int,
           sql_op: str | None = None, profile_out: Path | None = None) -> dict:
    _setup(ROOT, db, var)
    operations = Operations(json.loads((var / "world.json").read_text()))
    for op in ops:
        operations.run(op, 2)  # warm-up
    results = {op: summary(operations.run(op, n)) for op in ops}
    if sql_op:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        call = operations.prepare(sql_op)
        with CaptureQueriesContext(connection) as captured:
            call()
        print(f"\nSQL of one {sql_op}:")
        for number, query in enumerate(captured.captured_queries, 1):
            print(f"{number:3d} {query['time']:>6} {query['sql'][:300]}")
    if profile_op:
        profiler = cProfile.Profile()
        operations.run(profile_op, n, profiler)
        if profile_out:
            profiler.dump_stats(str(profile_out))  # full paths, for pstats or snakeviz
        stats = pstats.Stats(profiler).strip_dirs()
        print(f"\nprofile of {n} x {profile_op}:")
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--var", type=Path,
                        default=Path(tempfile.gettempdir()) / "haven-request-cost")
    parser.add_argument("--n", type=int, default=40, help="requests per operation (and side)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="with --compare: the requests alternate in this many rounds")
    parser.add_argument("--ops", nargs="*", default=list(OPS), choices=OPS)
    parser.add_argument("--compare", type=Path, metavar="DIR",
                        help="a copy of Haven to measure against this working tree")
    parser.add_argument("--profile", choices=OPS, metavar="OP",
                        help="a cProfile of this operation (working tree only)")
    parser.add_argument("--sql", choices=OPS, metavar="OP",
                        help="print the SQL of one request of this operation (working tree)")
    parser.add_argument("--top", type=int, default=30, help="profile lines shown")
    parser.add_argument("--profile-out", type=Path, metavar="FILE",
                        help="with --profile: also write the raw cProfile stats here")
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--haven-root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.db.startswith("postgres://postgres@127.0.0.1:"):
        raise SystemExit("PostgreSQL on 127.0.0.1 only")
    if args.n < 1 or args.n > 2000:
        raise SystemExit("bounded: 1 to 2000 requests per operation")
    args.var.mkdir(parents=True, exist_ok=True)
    if args.worker:
        worker(args.haven_root, args.db, args.var)
        return
    prepare_world(args.db, args.var)
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    if args.compare:
        results = compare(args.compare, args.ops, args.n, args.rounds, args.db, args.var)
    else:
        results = {"working tree": single(args.ops, args.n, args.db, args.var, args.profile,
                                          args.top, args.sql, args.profile_out)}
    load_after = os.getloadavg()
    print(f"\n{started}, HEAD {commit}, {os.cpu_count()} cores, load average (1/5/15 min) "
          f"{' '.join(f'{x:.1f}' for x in load_before)} before, "
          f"{' '.join(f'{x:.1f}' for x in load_after)} after; PostgreSQL, in-process test "
          f"client, {args.n} requests per operation" + (" and side" if args.compare else ""))
    sides = list(results)
    head = " | ".join(f"{s} mean ms | {s} p95 ms | {s} queries" for s in sides)
    print(f"\n| operation | {head} | errors |")
    print("|---|" + "---|" * (3 * len(sides)) + "---|")
    for op in args.ops:
        cells = " | ".join(f"{results[s][op]['mean']:.1f} | {results[s][op]['p95']:.1f} | "
                           f"{results[s][op]['queries']:.1f}" for s in sides)
        errors = sum(results[s][op]["errors"] for s in sides)
        print(f"| {op} | {cells} | {errors} |")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "load": [load_before, load_after],
                                         "started": started, "commit": commit}, indent=2))


if __name__ == "__main__":
    main()

"""Load test and fault test (issue 18 items 4 and 5). Not a test; results go to
docs/benchmarks.md. 127.0.0.1 only; bounded by --users and --seconds.

    flock /tmp/haven-bench.lock .venv/bin/python bench/load/run.py --users 50 --seconds 120
    flock /tmp/haven-bench.lock .venv/bin/python bench/load/run.py --users 50 --seconds 120 \\
        --fault --kill-every 15

A gunicorn server (gthread) on PostgreSQL (bench/load/world.py creates and seeds the database
with the demo's synthetic world and gives each role an API token). Each simulated user is a
thread with a keep-alive connection, signed in by token as one role of a shift, and repeats
that role's work with a think time between requests:

- call handler: caller lookups (`GET /api/v1/people/lookup`), incident creation (`POST
  /api/v1/incidents/`, victim and suspect);
- response officer: DASH submission (`POST /api/v1/risk/assessments/`) on an incident a
  call handler created, person pages;
- HAU and DARM: case lists and case views (`/api/v1/safeguarding/cases/`), task lists;
- sergeant: task lists, person pages.

Every submission carries an `Idempotency-Key`; a submit that got no answer or a 5xx is
retried with the same key, as a phone would. With --fault the server's workers are killed
with SIGKILL every --kill-every seconds (every other time the master too, then restarted).
Afterwards the database is checked: every write a client saw acknowledged is there exactly
once (its key's stored answer names it, nothing else does), no other incident or assessment
appeared (nothing half-written or duplicated), every new incident has its people; and
`haven audit verify` runs on the access log the load wrote.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))  # bench.bench_settings

from client import Client, Tally, wait_until_up  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
ROLE_MIX = ["call_handler", "response_officer", "call_handler", "hau", "response_officer",
            "darm", "call_handler", "hau", "response_officer", "sergeant"]
INCIDENTS, DASH = "/api/v1/incidents/", "/api/v1/risk/assessments/"


class ProcessGroup:
    """A command in its own process group, restartable after a SIGKILL of the whole group."""

    def __init__(self, env, log_path):
        self.env, self.log_path, self.proc = env, log_path, None

    def argv(self) -> list[str]:
        raise NotImplementedError

    def start(self):
        log = open(self.log_path, "ab")  # noqa: SIM115 - the process's output, closed with it
        self.proc = subprocess.Popen(self.argv(), env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def kill_all_and_restart(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.start()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)


class Server(ProcessGroup):
    """gunicorn, restartable after a SIGKILL of its master."""

    def __init__(self, port, env, log_path, workers, threads):
        super().__init__(env, log_path)
        self.port, self.workers, self.threads = port, workers, threads

    def argv(self) -> list[str]:
        return [PY, "-m", "gunicorn", "haven.wsgi:application", "--bind",
                f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--threads",
                str(self.threads), "--worker-class", "gthread", "--timeout", "60",
                "--chdir", str(ROOT)]

    def worker_pids(self) -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True,
                               text=True).stdout.split()
        return [int(pid) for pid in found]

    def kill_workers(self) -> int:
        pids = self.worker_pids()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return len(pids)


class JobWorker(ProcessGroup):
    """The job runner that delivers queued events: `haven worker` without its periodic
    schedule (so that no nightly job runs mid-test), with its heartbeat, and reviving every
    2 s the jobs of a worker killed before (the grace period is --worker-grace)."""

    def argv(self) -> list[str]:
        return [PY, "-m", "django", "worker", "--no-periodic", "--interval", "0.2",
                "--tick", "2"]


class Shift:
    """Shared state of the run: tallies per operation, submissions, incidents for DASH."""

    def __init__(self, world):
        self.world = world
        self.lock = threading.Lock()
        self.tallies: dict[str, Tally] = {}
        self.writes: list[dict] = []
        self.incidents: list[tuple[int, int]] = []  # (incident id, victim id) for DASH

    def tally(self, op, answer, ok):
        with self.lock:
            self.tallies.setdefault(op, Tally()).add(answer, ok)


def submit(client, shift, op, path, body, stop_at):
    """POST with an Idempotency-Key; retry the same key on no answer or 5xx (a phone)."""
    key = str(uuid.uuid4())
    record = {"op": op, "key": key, "acked": False, "id": None, "attempts": 0, "status": None}
    answer = None
    while record["attempts"] < 40 and time.monotonic() < stop_at + 30:
        answer = client.request("POST", path, body, {"Idempotency-Key": key})
        record["attempts"] += 1
        record["status"] = answer.status
        if answer.status in (200, 201):
            record["acked"], record["id"] = True, answer.json()["id"]
            break
        if answer.status == 0 or answer.status >= 500:
            time.sleep(0.5)
            continue
        break  # a refusal (4xx) is an answer: counted as an error below
    with shift.lock:
        shift.writes.append(record)
    shift.tally(op, answer, record["acked"])
    return record


def user_loop(n, role, port, shift, stop_at, think):
    rng = random.Random(n)
    world = shift.world
    client = Client(port, world["tokens"][role])
    people = world["person_ids"]

    def get(op, path):
        answer = client.request("GET", path)
        shift.tally(op, answer, answer.status == 200)
        return answer

    while time.monotonic() < stop_at:
        if role == "call_handler":
            if rng.random() < 0.75:
                get("lookup", f"/api/v1/people/lookup?surname={rng.choice(world['surnames'])}")
            else:
                victim, suspect = rng.sample(people, 2)
                body = {"reported_via": "call", "category": "domestic",
                        "checklist": world["checklist"], "postcode": "CV34 4AA",
                        "address_line": "1 Bench Street",
                        "involvements": [{"person": victim, "role": "victim"},
                                         {"person": suspect, "role": "suspect"}]}
                record = submit(client, shift, "incident create", INCIDENTS, body, stop_at)
                if record["acked"]:
                    with shift.lock:
                        shift.incidents.append((record["id"], victim))
        elif role == "response_officer":
            with shift.lock:
                job = shift.incidents.pop() if shift.incidents else None
            if job and rng.random() < 0.6:
                body = {"incident": job[0], "person": job[1], "grade": "standard",
                        "answers": {code: "no" for code in world["dash_codes"]}}
                submit(client, shift, "DASH submit", DASH, body, stop_at)
            else:
                get("person view", f"/api/v1/people/{rng.choice(people)}/")
        elif role in ("hau", "darm"):
            roll = rng.random()
            if roll < 0.4:
                listed = get("case list", "/api/v1/safeguarding/cases/?limit=20")
                cases = listed.json() if listed.status == 200 else []
                cases = cases.get("results", []) if isinstance(cases, dict) else cases
                if cases:
                    get("case view", f"/api/v1/safeguarding/cases/{rng.choice(cases)['id']}/")
            else:
                get("task list", "/api/v1/tasks/?limit=20")
        else:
            get("task list" if rng.random() < 0.5 else "person view",
                "/api/v1/tasks/?limit=20" if rng.random() < 0.5
                else f"/api/v1/people/{rng.choice(people)}/")
        if think:
            time.sleep(rng.expovariate(1 / think))
    client.close()


def killer(server, stop_at, every, events, worker=None):
    """SIGKILL the workers (the master starts new ones); every other time the master and
    its workers together (and the job worker), then start them again."""
    for turn in itertools.count():
        deadline = time.monotonic() + every
        while time.monotonic() < deadline:
            if time.monotonic() >= stop_at - 2:
                return
            time.sleep(0.2)
        if turn % 2 == 0:
            events.append({"t": time.strftime("%H:%M:%S"), "killed": "workers",
                           "processes": server.kill_workers()})
        else:
            server.kill_all_and_restart()
            if worker is not None:
                worker.kill_all_and_restart()
            events.append({"t": time.strftime("%H:%M:%S"), "killed": "master and workers"
                           + (" and the job worker" if worker is not None else "")})


def baseline():
    from haven.access.models import IdempotentSubmission
    from haven.intake.models import Incident
    from haven.risk.models import Assessment

    def top(model):
        return model.objects.order_by("-id").values_list("id", flat=True).first() or 0

    return {"incident": top(Incident), "assessment": top(Assessment),
            "key": top(IdempotentSubmission)}


def sessions_opened() -> int:
    """Database sessions (connections) opened on the bench's database so far: a server that
    reconnects per request shows here (the sealer thread once did, about 25 a second)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def check_writes(base, writes) -> dict:
    """Acknowledged = stored exactly once; nothing else stored; nothing half-written."""
    from django.db.models import Count

    from haven.access.models import IdempotentSubmission
    from haven.intake.models import Incident
    from haven.risk.models import Assessment

    problems = []
    sent = {w["key"]: w for w in writes}
    stored = {}
    for row in IdempotentSubmission.objects.filter(id__gt=base["key"]):
        if row.key not in sent:
            problems.append(f"a stored key the clients never sent: {row.key}")
            continue
        body = json.loads(bytes(row.body) or b"{}")
        stored[row.key] = (row.path, row.status_code, body.get("id"))
    new = {INCIDENTS: set(Incident.objects.filter(id__gt=base["incident"])
                          .values_list("id", flat=True)),
           DASH: set(Assessment.objects.filter(id__gt=base["assessment"])
                     .values_list("id", flat=True))}
    named = {INCIDENTS: [], DASH: []}
    for path, status, object_id in stored.values():
        if status in (200, 201):
            named[path].append(object_id)
    for path in (INCIDENTS, DASH):
        if len(named[path]) != len(set(named[path])):
            problems.append(f"{path}: one object named by two keys")
        if set(named[path]) != new[path]:
            problems.append(f"{path}: objects without their key (or keys without objects): "
                            f"{sorted(new[path] ^ set(named[path]))[:10]}")
    acked = [w for w in writes if w["acked"]]
    for w in acked:
        found = stored.get(w["key"])
        if found is None or found[2] != w["id"]:
            problems.append(f"acknowledged {w['op']} {w['id']} (key {w['key']}) not stored "
                            "as acknowledged")
    without_people = Incident.objects.filter(id__in=new[INCIDENTS]).annotate(
        n=Count("involvements")).filter(n__lt=2).count()
    if without_people:
        problems.append(f"{without_people} new incidents without their two people")
    unacked = [w for w in writes if not w["acked"]]
    return {"acknowledged": len(acked), "stored_new_incidents": len(new[INCIDENTS]),
            "stored_new_assessments": len(new[DASH]),
            "acknowledged_and_stored_once": len(acked) - sum(
                1 for p in problems if p.startswith("acknowledged")),
            "not_acknowledged": len(unacked),
            "refused_4xx": sum(1 for w in unacked if (w["status"] or 0) // 100 == 4),
            "not_acknowledged_but_committed": sum(
                1 for w in unacked if stored.get(w["key"], (0, 0))[1] in (200, 201)),
            "retried_submissions": sum(1 for w in writes if w["attempts"] > 1),
            "problems": problems}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/haven_bench_load")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean think time between a user's requests, seconds (0: none)")
    parser.add_argument("--port", type=int, default=8421)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--fault", action="store_true", help="SIGKILL the server during load")
    parser.add_argument("--kill-every", type=float, default=15)
    parser.add_argument("--var", type=Path,
                        default=Path(tempfile.gettempdir()) / "haven-bench-load")
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--events", choices=["queued", "after_commit"], default="queued",
                        help="domain events: queued jobs run by a worker process (production, "
                             "default) or after commit inside the request (the earlier way)")
    parser.add_argument("--worker-grace", type=int, default=15,
                        help="seconds a job worker may go unseen before its running jobs are "
                             "run again (HAVEN_WORKER_GRACE_SECONDS; production default 120)")
    parser.add_argument("--seal", choices=["thread", "request"], default="thread",
                        help="seal the access log from a thread per process (production, "
                             "default) or right after each request's commit (the earlier way)")
    parser.add_argument("--worker-nice", type=int, default=None,
                        help="the job worker's HAVEN_WORKER_NICE (production default 10; 0: "
                             "the worker competes with the web processes as an equal)")
    args = parser.parse_args()
    if args.users > 500 or args.seconds > 3600:
        raise SystemExit("bounded: at most 500 users for an hour")

    env = {**os.environ, "DATABASE_URL": args.db, "DJANGO_SETTINGS_MODULE":
           "bench.bench_settings", "HAVEN_VAR_DIR": str(args.var),
           "DATABASE_CONN_MAX_AGE": "60", "PYTHONPATH": str(ROOT),
           "HAVEN_EVENT_DELIVERY": args.events,
           "HAVEN_WORKER_GRACE_SECONDS": str(args.worker_grace),
           "HAVEN_AUDIT_SEAL_IN_THREAD": "1" if args.seal == "thread" else "0"}
    if args.worker_nice is not None:
        env["HAVEN_WORKER_NICE"] = str(args.worker_nice)
    world_file = args.var / "world.json"
    subprocess.run([PY, str(HERE / "world.py"), "--out", str(world_file)], env=env, check=True)
    world = json.loads(world_file.read_text())
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                                           "HAVEN_VAR_DIR")})
    import django

    django.setup()
    base = baseline()
    sessions_before = sessions_opened()

    server = Server(args.port, env, args.var / "gunicorn.log", args.workers, args.threads)
    server.start()
    worker = JobWorker(env, args.var / "worker.log") if args.events == "queued" else None
    if worker:
        worker.start()
    started_at = time.time()
    shift, events = Shift(world), []
    load_before = os.getloadavg()[0]
    try:
        wait_until_up(args.port)
        stop_at = time.monotonic() + args.seconds
        threads = [threading.Thread(target=user_loop, args=(
            n, ROLE_MIX[n % len(ROLE_MIX)], args.port, shift, stop_at, args.think))
            for n in range(args.users)]
        if args.fault:
            threads.append(threading.Thread(target=killer, args=(
                server, stop_at, args.kill_every, events, worker)))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    reactions = drain_and_measure_reactions(started_at, args.worker_grace) if worker else None
    if worker:
        worker.stop()
    load_after = os.getloadavg()[0]
    sessions = sessions_opened() - sessions_before
    checked = check_writes(base, shift.writes)
    verify = subprocess.run([PY, "-m", "django", "audit", "verify"], env=env,
                            capture_output=True, text=True)

    print(f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {args.users} users, "
          f"{args.seconds:.0f} s, think {args.think} s, {os.cpu_count()} cores, gunicorn "
          f"{args.workers} workers x {args.threads} threads, PostgreSQL; load average (1 min) "
          f"{load_before:.1f} before, {load_after:.1f} after; events {args.events}, "
          f"seal from the {args.seal}"
          + (f"; {len(events)} kills" if args.fault else ""))
    print("\n| operation | requests | per second | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    total = Tally()
    for op, tally in sorted(shift.tallies.items()):
        total.merge(tally)
        print(f"| {op} | {len(tally.seconds)} | {len(tally.seconds) / elapsed:.1f} | "
              f"{_ms(tally.percentile(50))} | {_ms(tally.percentile(95))} | "
              f"{_ms(tally.percentile(99))} | {_errors(tally)} |")
    print(f"| **all** | {len(total.seconds)} | {len(total.seconds) / elapsed:.1f} | "
          f"{_ms(total.percentile(50))} | {_ms(total.percentile(95))} | "
          f"{_ms(total.percentile(99))} | {_errors(total)} |")
    for op, tally in sorted(shift.tallies.items()):
        for sample in tally.samples:
            print(f"  error sample, {op}: {sample}")
    print(f"\nwrites: {json.dumps({k: v for k, v in checked.items() if k != 'problems'})}")
    print("acknowledged = stored exactly once: "
          + ("YES" if not checked["problems"] else "NO: " + "; ".join(checked["problems"])))
    print(f"haven audit verify: {verify.stdout.strip() or verify.stderr.strip()}")
    print(f"database sessions opened during the run (server, job worker, checks): {sessions}")
    if args.fault:
        print(f"kills: {json.dumps(events)}")
    if reactions:
        print(f"reactions (queued events run by the worker): {json.dumps(reactions)}")
        print(f"jobs left by a killed worker: {reactions['revived']} run again, "
              f"{reactions['failed_worker_lost']} failed as lost; still RUNNING after the "
              f"drain: {reactions['still_running']}"
              + (" (LOST)" if reactions["still_running"] else ""))
    if args.json:
        args.json.write_text(json.dumps({"tallies": {
            op: {"ok": len(t.seconds), "errors": t.errors, "p50": t.percentile(50),
                 "p95": t.percentile(95), "p99": t.percentile(99)}
            for op, t in shift.tallies.items()}, "writes": checked, "kills": events,
            "elapsed": elapsed, "load": [load_before, load_after], "reactions": reactions,
            "sessions_opened": sessions},
            indent=2))
    if checked["problems"] or verify.returncode or (reactions and reactions["still_running"]):
        sys.exit(1)


def drain_and_measure_reactions(since: float, grace: float, wait_seconds: float = 300) -> dict:
    """Wait (at most `wait_seconds`) for the worker to run every event job the load queued,
    including those a killed worker had claimed (run again once it has been unseen for
    `grace` seconds); then the lag from the write's commit (the job's enqueue) to the
    reaction's end, how many failed, and how many were run again or are still RUNNING."""
    import datetime as dt

    from django_tasks_db.models import DBTaskResult

    jobs = DBTaskResult.objects.filter(
        task_path="haven.core.events.deliver_queued",
        enqueued_at__gte=dt.datetime.fromtimestamp(since, tz=dt.UTC))
    deadline = time.monotonic() + max(wait_seconds, 4 * grace)
    waited_from = time.monotonic()
    while time.monotonic() < deadline:
        if not jobs.filter(status__in=["READY", "RUNNING"]).exists():
            break
        time.sleep(1)
    drained_after = time.monotonic() - waited_from
    lags = sorted((finished - enqueued).total_seconds() for enqueued, finished in
                  jobs.filter(finished_at__isnull=False).values_list("enqueued_at",
                                                                     "finished_at"))

    def pct(q):
        return round(lags[min(len(lags) - 1, int(q / 100 * len(lags)))], 2) if lags else None

    statuses = {}
    for status in jobs.values_list("status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    # The outbox property: every incident the load stored has one job per subscriber of
    # IncidentRecorded, committed with it (none lost to a kill between commit and delivery).
    from haven.core.events import subscribers
    from haven.intake.events import IncidentRecorded
    from haven.intake.models import Incident

    per_incident: dict[int, int] = {}
    for args_kwargs in jobs.values_list("args_kwargs", flat=True):
        name, fields = args_kwargs["args"][0], args_kwargs["args"][1]
        if name.endswith(".IncidentRecorded"):
            per_incident[fields["incident_id"]] = per_incident.get(fields["incident_id"], 0) + 1
    stored = Incident.objects.filter(
        opened_at__gte=dt.datetime.fromtimestamp(since, tz=dt.UTC)).values_list("id", flat=True)
    wanted = len(subscribers(IncidentRecorded))
    short = sum(1 for pk in stored if per_incident.get(pk, 0) != wanted)
    # Claimed more than once: a worker died with it and another ran it again (the ledger
    # makes the second run a no-op when the first had committed).
    revived = sum(1 for ids in jobs.values_list("worker_ids", flat=True) if len(ids) > 1)
    from haven.core.jobs import WORKER_LOST

    return {"jobs": sum(statuses.values()), "by_status": statuses,
            "revived": revived, "still_running": statuses.get("RUNNING", 0),
            "failed_worker_lost": jobs.filter(exception_class_path=WORKER_LOST).count(),
            "incidents_stored": len(stored),
            "incidents_without_one_job_per_subscriber": short,
            "lag_seconds_p50": pct(50), "lag_seconds_p95": pct(95),
            "lag_seconds_max": round(lags[-1], 2) if lags else None,
            "queue_drained_seconds_after_load": round(drained_after, 1)}


def _ms(seconds):
    return "—" if seconds is None else f"{seconds * 1000:.0f}"


def _errors(tally):
    return ", ".join(f"{k}: {v}" for k, v in sorted(tally.errors.items())) or "0"


if __name__ == "__main__":
    main()

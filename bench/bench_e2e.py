"""Linkage measured the way the outside check measures it, in one run.

    .venv/bin/python bench/bench_e2e.py --people 20000 --seed 11 [--work /tmp/e2e] [--skip-haven]

1. `bench/linkage_data.py` writes a four-system export and its truth.
2. Haven, end to end, each step a separate process timed with /usr/bin/time (wall, peak
   RSS): `haven migrate` on a fresh SQLite file, `haven ingest` per system,
   `haven link`, `haven linkage export`; the review queue is read from the database.
3. On the same CSV files: exact forename + surname + date of birth (cleaned, all three
   present), and a plain Splink model (inputs normalised here, comparisons from
   Splink's library, EM, threshold 0.95), each timed in this process.
4. Against truth.csv: pairwise and B-cubed precision / recall / F1, share of serial
   perpetrators (suspect towards two or more victims) and of victims whose records all sit
   in one person, review queue size and the share of queued pairs truly one person.
5. The call-time lookup against the same truth (`bench/bench_lookup_truth.py`, run on the
   database Haven left): callers drawn from the generator's world, known and "not known";
   true person first, bands shown (skip with --skip-lookup).
6. The call screen's "Add as a new person" against the same truth
   (`bench/bench_call_screen.py`, every log rolled back): a suspect typed by name alone
   against his victim, right / new / wrong, and a man she never met (--call-screen N
   trials, default 300; 0 skips).
Prints a markdown table (and JSON with --json FILE).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
HAVEN = str(ROOT / ".venv" / "bin" / "haven")
SYSTEMS = ("command_and_control", "crime", "pvp", "intel")


def run_timed(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """(wall seconds, peak RSS GiB, stdout) of one command run under /usr/bin/time -v."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], env=env, capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    rss = int(match.group(1)) / 2**20 if match else float("nan")
    return wall, rss, proc.stdout


# ------------------------------------------------------------------ metrics
def pairwise(truth: dict[str, int], pred: dict[str, str]) -> dict[str, float]:
    frame = pd.DataFrame({"uid": list(truth), "person": list(truth.values())})
    frame["cluster"] = frame["uid"].map(lambda u: pred.get(u, "missing:" + u))

    def n_pairs(sizes: pd.Series) -> int:
        return int((sizes * (sizes - 1) // 2).sum())

    predicted = n_pairs(frame.groupby("cluster").size())
    true = n_pairs(frame.groupby("person").size())
    correct = n_pairs(frame.groupby(["cluster", "person"]).size())
    p = correct / predicted if predicted else 1.0
    r = correct / true if true else 1.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "false_pairs": predicted - correct, "missed_pairs": true - correct}


def bcubed(truth: dict[str, int], pred: dict[str, str]) -> dict[str, float]:
    frame = pd.DataFrame({"uid": list(truth), "person": list(truth.values())})
    frame["cluster"] = frame["uid"].map(lambda u: pred.get(u, "missing:" + u))
    both = frame.groupby(["cluster", "person"]).size().rename("both")
    frame = frame.join(both, on=["cluster", "person"])
    frame["csize"] = frame.groupby("cluster")["uid"].transform("size")
    frame["psize"] = frame.groupby("person")["uid"].transform("size")
    p = float((frame["both"] / frame["csize"]).mean())
    r = float((frame["both"] / frame["psize"]).mean())
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r)}


def whole_share(truth: dict[str, int], pred: dict[str, str], persons: set[int]) -> float:
    clusters: dict[int, set] = defaultdict(set)
    for uid, person in truth.items():
        if person in persons:
            clusters[person].add(pred.get(uid, "missing:" + uid))
    have = [p for p in persons if p in clusters]
    return sum(1 for p in have if len(clusters[p]) == 1) / len(have) if have else 1.0


def role_sets(export: Path) -> tuple[set[int], set[int]]:
    victims_of: dict[int, set[int]] = defaultdict(set)
    victims: set[int] = set()
    events_victim = {}
    rows = list(csv.DictReader((export / "truth_roles.csv").open()))
    for row in rows:
        if row["role"] == "victim":
            victims.add(int(row["person_id"]))
            events_victim[row["event_id"]] = int(row["person_id"])
    for row in rows:
        if row["role"] == "suspect":
            victims_of[int(row["person_id"])].add(events_victim[row["event_id"]])
    serial = {p for p, v in victims_of.items() if len(v) >= 2}
    return serial, victims


def score(name: str, truth, pred, serial, victims, extra=None) -> dict:
    out = {"method": name, "pair": pairwise(truth, pred), "b3": bcubed(truth, pred),
           "serial": whole_share(truth, pred, serial),
           "victims": whole_share(truth, pred, victims)}
    out.update(extra or {})
    return out


# ------------------------------------------------------------------ inputs
def read_people(export: Path) -> pd.DataFrame:
    frames = []
    for system in SYSTEMS:
        frame = pd.read_csv(export / system / "people.csv", dtype=str, keep_default_na=False)
        frame["system"] = system
        frames.append(frame)
    people = pd.concat(frames, ignore_index=True)
    people["uid"] = people["system"] + ":" + people["source_id"]
    return people


def read_truth(export: Path) -> dict[str, int]:
    return {f"{r['system']}:{r['source_id']}": int(r["person_id"])
            for r in csv.DictReader((export / "truth.csv").open())}


def _clean(value: str) -> str:
    return re.sub(r"[^a-z]", "", str(value or "").lower())


def run_exact(people: pd.DataFrame) -> dict[str, str]:
    fn, sn = people["forename"].map(_clean), people["surname"].map(_clean)
    dob = people["date_of_birth"].fillna("")
    key = fn + "|" + sn + "|" + dob
    ok = (fn != "") & (sn != "") & (dob != "")
    return {uid: (k if good else uid) for uid, k, good in zip(people["uid"], key, ok,
                                                               strict=True)}


def _phone(value: str) -> str | None:
    digits = re.sub(r"\D", "", str(value or ""))
    if digits.startswith("440"):
        digits = digits[3:]
    elif digits.startswith("44"):
        digits = digits[2:]
    digits = digits.lstrip("0")
    return digits or None


def run_plain_splink(people: pd.DataFrame, threshold: float = 0.95) -> dict[str, str]:
    """Plain Splink: lower-cased names, digits-only phones, upper-case postcodes without
    spaces, blank -> null; Splink library comparisons; EM; clustering at 0.95."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def name(col):
        return people[col].map(lambda v: re.sub(r"[^a-z\- ]", "", str(v).lower()).strip() or None)

    df = pd.DataFrame({
        "uid": people["uid"], "forename": name("forename"), "surname": name("surname"),
        "date_of_birth": people["date_of_birth"].map(lambda v: v or None),
        "postcode": people["postcode"].map(lambda v: re.sub(r"\s", "", v.upper()) or None),
        "phone": people["phone"].map(_phone),
        "email": people["email"].map(lambda v: v.strip().lower() or None),
        "town": people["town"].map(lambda v: v.strip().lower() or None),
    }).astype(object)
    df = df.where(df.notna(), None)
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="dedupe_only", unique_id_column_name="uid",
        comparisons=[
            cl.NameComparison("forename"), cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.PostcodeComparison("postcode"), cl.ExactMatch("phone"),
            cl.EmailComparison("email"), cl.ExactMatch("town"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("forename", "surname"), block_on("surname", "date_of_birth"),
            block_on("forename", "date_of_birth"), block_on("postcode"), block_on("phone"),
        ],
    )
    linker = Linker(db_api.register(df), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("forename", "surname", "date_of_birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("forename", "surname"))
    pairs = linker.inference.predict(threshold_match_probability=threshold / 2)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pairs, threshold_match_probability=threshold).as_pandas_dataframe()
    return dict(zip(clustered["uid"], clustered["cluster_id"].astype(str), strict=True))


# ------------------------------------------------------------------ Haven
def run_haven(export: Path, work: Path, force: str,
              haven_root: Path | None = None,
              reuse_ingest: bool = False) -> tuple[dict[str, str], dict]:
    """`reuse_ingest`: keep a copy of the database as ingested (`ingested.sqlite3`) and,
    when one is there, start from a fresh copy of it instead of migrating and ingesting
    again (only `haven link` and what follows are timed anew)."""
    db = work / "haven.sqlite3"
    kept = work / "ingested.sqlite3"
    if db.exists():
        db.unlink()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    if haven_root is not None:
        # another revision of the code (e.g. `git archive HEAD | tar -x -C DIR`), same venv
        env["PYTHONPATH"] = str(haven_root)
    steps = {}
    if reuse_ingest and kept.exists():
        shutil.copyfile(kept, db)
        print(f"ingest reused from {kept}", flush=True)
        # the revision under test may have migrations the one that ingested had not
        steps["migrate"] = run_timed([HAVEN, "migrate", "-v", "0"], env)
    else:
        steps["migrate"] = run_timed([HAVEN, "migrate", "-v", "0"], env)
        subprocess.run([str(ROOT / ".venv/bin/python"), "-c",
                        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
                        "'haven.settings');django.setup();"
                        "from haven.web.demo import ensure_forces;ensure_forces()"],
                       env=env, check=True, cwd=haven_root or ROOT)
        ingest_wall, ingest_rss = 0.0, 0.0
        for system in SYSTEMS:
            wall, rss, _ = run_timed([HAVEN, "ingest", "--force", force, "--source", system,
                                      str(export / system), "--no-progress"], env)
            ingest_wall += wall
            ingest_rss = max(ingest_rss, rss)
        steps["ingest"] = (ingest_wall, ingest_rss, "")
        print(f"ingest {ingest_wall:.1f}s, peak {ingest_rss:.2f} GiB", flush=True)
        if reuse_ingest:
            shutil.copyfile(db, kept)
    steps["link"] = run_timed([HAVEN, "link", "--force", force, "--no-progress"], env)
    out = work / "links.csv"
    steps["export"] = run_timed([HAVEN, "linkage", "export", "--out", str(out),
                                 "--force", force], env)
    pred = {f"{r['system']}:{r['source_id']}": r["person_id"]
            for r in csv.DictReader(out.open())}
    review = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c",
         "import django,os,json;os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
         "'haven.settings');django.setup();"
         "from haven.people.models import ReviewItem;"
         "print(json.dumps([[f'{i.record_a.system}:{i.record_a.source_id}',"
         "f'{i.record_b.system}:{i.record_b.source_id}'] for i in "
         "ReviewItem.objects.select_related('record_a','record_b')]))"],
        env=env, capture_output=True, text=True, check=True, cwd=haven_root or ROOT)
    pairs = json.loads(review.stdout.strip().splitlines()[-1])
    events = work / "events.json"
    subprocess.run([str(ROOT / ".venv/bin/python"), "-c", DUMP_EVENTS, str(events)], env=env,
                   check=True, cwd=haven_root or ROOT)
    info = {"steps": {k: {"wall": v[0], "rss_gib": v[1]} for k, v in steps.items()},
            "link_stdout": steps["link"][2].strip(), "review_pairs": pairs,
            "events": json.loads(events.read_text())}
    return pred, info


DUMP_EVENTS = """
import django, json, os, sys
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'haven.settings'); django.setup()
from haven.intake.models import Incident, Involvement
try:
    from haven.intake.reconcile_models import ReconciledIncident
    event = dict(ReconciledIncident.objects.values_list('incident_id', 'event'))
except ImportError:  # code from before incident reconciliation (--haven-root)
    event = {}
incidents = [[pk, s, i, event.get(pk), o.isoformat() if o else None] for pk, s, i, o in
             Incident.objects.values_list('id', 'source_system', 'source_id', 'occurred_at')]
victims = list(Involvement.objects.filter(role='victim').values_list('incident_id',
                                                                      'person_id'))
json.dump({'incidents': incidents, 'victims': victims}, open(sys.argv[1], 'w'))
"""


def reconciliation_scores(export: Path, dumped: dict) -> dict:
    """Pairwise P/R/F1 of reconciled events against the generator's real events."""
    truth = {(r["system"], r["source_id"]): int(r["event_id"])
             for r in csv.DictReader((export / "truth_incidents.csv").open())}
    t, pr = {}, {}
    for pk, system, source_id, event, _ in dumped["incidents"]:
        if (system, source_id) in truth:
            t[str(pk)] = truth[(system, source_id)]
            pr[str(pk)] = str(event if event is not None else f"own{pk}")
    return {"pair": pairwise(t, pr), "incidents": len(t), "events_true": len(set(t.values())),
            "events_found": len(set(pr.values()))}


def repeat_victim_flag(export: Path, dumped: dict, pred: dict[str, str],
                       truth_people: dict[str, int], window_days: int = 365) -> dict:
    """Precision/recall of "victim of two DA events within the window" per Haven person,
    counting reconciled events (and, for comparison, every source incident as its own)."""
    from datetime import datetime

    true_when = defaultdict(list)
    for row in csv.DictReader((export / "truth_roles.csv").open()):
        if row["role"] == "victim":
            true_when[int(row["person_id"])].append(datetime.fromisoformat(row["occurred_at"]))

    def repeat(times: list) -> bool:
        times = sorted(times)
        return any((b - a).days <= window_days for a, b in zip(times, times[1:], strict=False))

    true_repeat = {p for p, times in true_when.items() if repeat(times)}
    # Haven person -> its records' true persons (majority)
    members = defaultdict(list)
    for uid, person in pred.items():
        if uid in truth_people:
            members[person].append(truth_people[uid])
    owner = {p: max(set(v), key=v.count) for p, v in members.items()}
    incidents = {pk: (event, when) for pk, _, _, event, when in dumped["incidents"]}
    out = {}
    for mode in ("reconciled", "raw"):
        by_person = defaultdict(dict)
        for incident_id, person_id in dumped["victims"]:
            event, when = incidents[incident_id]
            key = event if mode == "reconciled" and event is not None else f"i{incident_id}"
            if when:
                by_person[str(person_id)][key] = datetime.fromisoformat(when)
        flagged = {p for p, evs in by_person.items() if repeat(list(evs.values()))}
        good = sum(1 for p in flagged if owner.get(p) in true_repeat)
        found = {owner.get(p) for p in flagged} & true_repeat
        have = true_repeat & set(owner.values())
        out[mode] = {"flagged": len(flagged), "true_repeat": len(have),
                     "precision": good / len(flagged) if flagged else 1.0,
                     "recall": len(found) / len(have) if have else 1.0}
    return out


def run_lookup(args, work: Path) -> dict:
    """bench_lookup_truth.py on the database Haven left (same tree as Haven ran from)."""
    out = work / "lookup.json"
    env = dict(os.environ)
    if args.haven_root is not None:
        env["PYTHONPATH"] = str(args.haven_root)
    t = time.perf_counter()
    subprocess.run([str(ROOT / ".venv/bin/python"), str(ROOT / "bench/bench_lookup_truth.py"),
                    "--people", str(args.people), "--seed", str(args.seed), "--work", str(work),
                    "--force", args.force, "--callers", str(args.callers), "--json", str(out),
                    *(f"--knob={knob}" for knob in args.knob or [])],
                   env=env, check=True, capture_output=True, text=True,
                   cwd=args.haven_root or ROOT)
    result = json.loads(out.read_text())
    result["wall"] = time.perf_counter() - t
    print("lookup", json.dumps(result), flush=True)
    return result


def run_call_screen(args, work: Path) -> dict:
    """bench_call_screen.py on the database Haven left (same tree as Haven ran from)."""
    out = work / "call_screen.json"
    env = dict(os.environ)
    if args.haven_root is not None:
        env["PYTHONPATH"] = str(args.haven_root)
    subprocess.run([str(ROOT / ".venv/bin/python"), str(ROOT / "bench/bench_call_screen.py"),
                    "--people", str(args.people), "--seed", str(args.seed), "--work", str(work),
                    "--force", args.force, "--trials", str(args.call_screen),
                    "--json", str(out), *(f"--knob={knob}" for knob in args.knob or [])],
                   env=env, check=True, capture_output=True, text=True,
                   cwd=args.haven_root or ROOT)
    result = json.loads(out.read_text())
    print("call screen", json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=Path("/tmp/haven_e2e"))  # noqa: S108
    parser.add_argument("--force", default="WARKS")
    parser.add_argument("--skip-haven", action="store_true")
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--skip-lookup", action="store_true")
    parser.add_argument("--callers", type=int, default=1000)
    parser.add_argument("--call-screen", type=int, default=300,
                        help="call-screen trials (bench_call_screen.py); 0 skips")
    parser.add_argument("--reuse-ingest", action="store_true",
                        help="keep the export and the ingested database in --work and, when "
                             "they are there, reuse them: only `haven link` onwards runs")
    parser.add_argument("--haven-root", type=Path,
                        help="run Haven from this source tree (a before/after comparison)")
    sys.path.insert(0, str(ROOT / "bench"))
    from linkage_data import Generator, add_knob_argument, knobs_from

    add_knob_argument(parser)
    args = parser.parse_args()

    work = args.work
    export = work / "export"
    load = [os.getloadavg()[0]]
    t0 = time.perf_counter()
    kept_stats = work / "export_stats.json"
    if args.reuse_ingest and kept_stats.exists() and (export / "truth.csv").exists():
        stats = json.loads(kept_stats.read_text())
        print(f"export reused from {export}", flush=True)
    else:
        stats = Generator(args.people, args.seed, knobs_from(args.knob)).generate().write(export)
        stats["knobs"] = args.knob or []
        print(f"generated {stats} in {time.perf_counter() - t0:.1f}s", flush=True)
        if args.reuse_ingest:
            kept_stats.write_text(json.dumps(stats, default=str))
    truth = read_truth(export)
    serial, victims = role_sets(export)
    people = read_people(export)
    results = []
    if not args.skip_haven:
        pred, info = run_haven(export, work, args.force, args.haven_root, args.reuse_ingest)
        load.append(os.getloadavg()[0])
        queued = info.pop("review_pairs")
        dumped = info.pop("events")
        info["reconciliation"] = reconciliation_scores(export, dumped)
        info["repeat_victims"] = repeat_victim_flag(export, dumped, pred, truth)
        print("link", info["link_stdout"], flush=True)
        print("reconciliation", info["reconciliation"], flush=True)
        print("repeat victims", info["repeat_victims"], flush=True)
        same = sum(1 for a, b in queued if truth.get(a) == truth.get(b))
        link = info["steps"]["link"]
        results.append(score("Haven (ingest → link → export)", truth, pred, serial, victims, {
            "wall": link["wall"], "rss": link["rss_gib"], "review": len(queued),
            "review_same": same, "info": info}))
        print(json.dumps(results[-1], default=str)[:2000], flush=True)
        if not args.skip_lookup:
            info["lookup"] = run_lookup(args, work)
            load.append(os.getloadavg()[0])
        if args.call_screen:
            info["call_screen"] = run_call_screen(args, work)
            load.append(os.getloadavg()[0])
    if not args.skip_baselines:
        t = time.perf_counter()
        pred = run_exact(people)
        results.append(score("exact forename + surname + DOB", truth, pred, serial, victims,
                             {"wall": time.perf_counter() - t}))
        t = time.perf_counter()
        pred = run_plain_splink(people)
        results.append(score("plain Splink (threshold 0.95)", truth, pred, serial, victims,
                             {"wall": time.perf_counter() - t}))
        load.append(os.getloadavg()[0])
    n = len(truth)
    print(f"\n{stats['people']:,} people / {n:,} records; {len(serial)} serial perpetrators, "
          f"{len(victims)} victims; 1-min load average {', '.join(f'{x:.2f}' for x in load)}")
    print("| method | pair P | pair R | pair F1 | B³ P | B³ R | B³ F1 | serial perps whole | "
          "victims whole | review pairs (per 100 records; truly one) | wall (s) | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        review = (f"{r['review']:,} ({100 * r['review'] / n:.2f}; "
                  f"{r['review_same'] / r['review']:.0%})" if r.get("review") else
                  ("0" if "review" in r else "—"))
        rss = f"{r['rss']:.2f} GiB" if "rss" in r else "—"
        print(f"| {r['method']} | {r['pair']['p']:.4f} | {r['pair']['r']:.4f} | "
              f"{r['pair']['f1']:.4f} | {r['b3']['p']:.4f} | {r['b3']['r']:.4f} | "
              f"{r['b3']['f1']:.4f} | {r['serial']:.1%} | {r['victims']:.1%} | {review} | "
              f"{r['wall']:.1f} | {rss} |")
    for r in results:
        lk = r.get("info", {}).get("lookup")
        if lk:
            print(f"\nlookup ({lk['known_callers']} known callers, {lk['unknown_callers']} not "
                  f"known; bands {lk['bands']}): true person first {lk['true_first']:.1%}, "
                  f"top three {lk['true_top3']:.1%}; true first and 'Very likely' "
                  f"{lk['true_first_band'].get('very likely', 0):.1%}; known shown someone "
                  f"else 'Very likely' {lk['known_shown_someone_else_very_likely']:.2%}; "
                  f"not known shown 'Very likely' {lk['unknown_very_likely']:.2%}, top band "
                  f"{lk['unknown_top_band']}; latency p50 {lk['latency_ms']['p50']:.0f} ms")
    for r in results:
        cs = r.get("info", {}).get("call_screen")
        if cs:
            ways = cs["outcomes"]
            print(f"\ncall screen ({cs['trials']} suspects typed by name alone against their "
                  "victims; right / new / wrong): " + "; ".join(
                      f"{way} {w.get('right', 0)} / {w.get('new', 0)} / {w.get('wrong', 0)}"
                      for way, w in ways.items() if "|" not in way and "never" not in way)
                  + f"; a man she never met joined {ways['a man she never met'].get('joined', 0)}"
                  f" of {cs['trials']}")
    if args.json:
        args.json.write_text(json.dumps({"stats": stats, "load": load, "results": results},
                                        default=str, indent=1))


if __name__ == "__main__":
    main()

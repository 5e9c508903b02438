"""The call-time lookup scored against the generator's truth (issue 10).

    .venv/bin/python bench/bench_lookup_truth.py --people 20000 --seed 11 --work /tmp/e2e11 \
        [--callers 1000] [--json F]

Run after `bench/bench_e2e.py` with the same --people/--seed/--work (it calls this script
itself): the database is `WORK/haven.sqlite3` as `haven ingest` and `haven link` left it.
The world is regenerated in this process (`bench/linkage_data.py`, same seed: the
generator imports nothing from `haven/`), and callers are drawn from it:

* known callers: people with at least one record in the export;
* "not known" callers: people of the simulated world no system recorded (partners,
  children, relatives living at recorded people's addresses, with their surnames and
  landlines).

What a caller gives (this script's own model of a call, not the generator's record noise):
forename as they say it (75 % as in life, 10 % a nickname or spelling variant from the
generator's own tables, 10 % mistyped by the handler, 5 % an initial), surname (90 % as
now, 5 % a former surname, 5 % mistyped), date of birth 70 % (3 % of those with day and
month swapped), current mobile 50 %, current postcode 40 %; at least one of date of birth,
phone or postcode (the date of birth if none was drawn). Each caller is looked up with
`find_candidates` as a call handler of the force.

Also the incremental linker (`--records`, default 500): records of the database re-scored
as if each arrived now (`services.score_record` and `link_record`'s rule), against truth.

Measured: known callers whose true person (a Haven person holding one of their records) is
ranked first, in the top three, and the band it is shown in; "not known" callers shown any
candidate as "Very likely" (target: none) or "Possible"; known callers shown somebody else
as "Very likely". `--calibrate` also prints, per candidate threshold, those rates, to
choose policy `lookup_match_bands` on the tuning seed (7) only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    op = rng.random()
    if op < 0.35:
        return text[:i] + text[i + 1:]
    if op < 0.7:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + rng.choice("aeioulnrst") + text[i + 1:]


def caller(rng: random.Random, person, now: datetime, tables) -> dict:
    """What one caller tells the handler about themselves (see the module docstring)."""
    nicknames, translit = tables
    forename = person.forename
    r = rng.random()
    low = forename.lower()
    if r < 0.10 and (low in nicknames or low in translit):
        forename = rng.choice(nicknames.get(low) or [n for n in translit[low] if n != forename]
                              or [forename])
    elif r < 0.20:
        forename = _typo(rng, forename)
    elif r < 0.25:
        forename = forename[0]
    surname = person.surname
    r = rng.random()
    if r < 0.05 and person.maiden:
        surname = person.maiden
    elif r < 0.10:
        surname = _typo(rng, surname)
    query = {"forename": forename, "surname": surname}
    dob = person.dob
    if rng.random() < 0.7:
        if rng.random() < 0.03 and dob.day <= 12 and dob.day != dob.month:
            query["date_of_birth"] = f"{dob.year:04d}-{dob.day:02d}-{dob.month:02d}"
        else:
            query["date_of_birth"] = dob.isoformat()
    if rng.random() < 0.5:
        query["phone"] = person.at(person.mobiles, now)
    if rng.random() < 0.4:
        query["postcode"] = person.at(person.addresses, now).postcode
    if not ({"date_of_birth", "phone", "postcode"} & set(query)):
        query["date_of_birth"] = dob.isoformat()
    return query


def world_arguments(parser: argparse.ArgumentParser) -> None:
    """--people, --seed, --work, --force and the generator's --knob: the world a benchmark
    run made and where its linked database is (the knobs the export was made with: the
    truth is the same generator's, draw for draw)."""
    from linkage_data import add_knob_argument

    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--force", default="WARKS")
    add_knob_argument(parser)


def setup_django(work: Path) -> None:
    """Django on the database `haven ingest` and `haven link` left in `work`."""
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'haven.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()


def linked_world(args):
    """The generator's world again (same --people, --seed, --knob) and the linked
    database's records against it -> (generator, {(system, source id): true person id},
    the force, [(Haven person id, true person id) of each record], {Haven person id: the
    true persons whose records it holds})."""
    from linkage_data import Generator, knobs_from

    from haven.forces.models import Force
    from haven.people.models import SourceRecord

    gen = Generator(args.people, args.seed, knobs_from(args.knob)).generate()
    record_pid = {(system, row["source_id"]): row["_pid"]
                  for system, rows in gen.people_rows.items() for row in rows}
    force = Force.objects.get(code=args.force)
    held = [(person_id, record_pid[(system, source_id)]) for system, source_id, person_id
            in SourceRecord.objects.filter(force=force).values_list(
                "system", "source_id", "person_id") if (system, source_id) in record_pid]
    pids_of: dict[int, set[int]] = defaultdict(set)
    for person_id, pid in held:
        pids_of[person_id].add(pid)
    return gen, record_pid, force, held, pids_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    world_arguments(parser)
    parser.add_argument("--callers", type=int, default=1000,
                        help="known callers, and as many 'not known' ones (fewer if fewer)")
    parser.add_argument("--records", type=int, default=500,
                        help="records re-scored by the incremental linker")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show-misses", action="store_true",
                        help="print the evidence of known callers not ranked first")
    parser.add_argument("--show", type=float, default=0.0,
                        help="print the evidence of wrong top candidates scoring at least this")
    args = parser.parse_args()
    setup_django(args.work)
    from linkage_data import _TRANSLIT_INDEX, NICKNAMES

    from haven.access.models import User
    from haven.forces.policy import policy
    from haven.people.lookup import distinguishes, find_candidates

    load = [os.getloadavg()[0]]
    gen, record_pid, force, _held, pids_of = linked_world(args)
    known_pids = set(record_pid.values())
    rng = random.Random(args.seed * 1000 + 17)
    known = rng.sample([p for p in gen.people if p.pid in known_pids],
                       min(args.callers, len(known_pids)))
    unknown_all = [p for p in gen.people if p.pid not in known_pids]
    unknown = rng.sample(unknown_all, min(args.callers, len(unknown_all)))
    user, _ = User.objects.get_or_create(username="bench.call_handler",
                                         defaults={"role": "call_handler", "force": force})
    bands = policy(force, "lookup_match_bands")
    now = gen.END
    tables = (NICKNAMES, _TRANSLIT_INDEX)
    rows, times = [], []
    for kind, people in (("known", known), ("unknown", unknown)):
        for person in people:
            query = caller(rng, person, now, tables)
            started = time.perf_counter()
            found = find_candidates(user, limit=10, **query)
            times.append((time.perf_counter() - started) * 1000)
            ranked = [(c.score, c.band, person.pid in pids_of.get(c.person.pk, ()),
                       distinguishes(c.explanation)) for c in found]
            rows.append({"kind": kind, "given": sorted(query), "ranked": ranked,
                         "scored_with": found[0].scored_with if found else ""})
            if args.show_misses and kind == "known" and not (ranked and ranked[0][2]):
                true = next((c for c, r in zip(found, ranked, strict=True) if r[2]), None)
                print("miss", sorted(query), "top", found[0].score if found else None,
                      [(e["field"], e["level"]) for e in found[0].explanation] if found else "",
                      "true", true.score if true else None,
                      [(e["field"], e["level"]) for e in true.explanation] if true else "",
                      file=sys.stderr)
            if args.show and found and (kind == "unknown" or not ranked[0][2]) and \
                    found[0].score >= args.show:
                print(kind, found[0].score, sorted(query), [
                    (e["field"], e["level"], e["weight"]) for e in found[0].explanation],
                    file=sys.stderr)
    incidents_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for system, rows_ in gen.involvement_rows.items():
        for row in rows_:
            incidents_of[(system, row["person_source_id"])].add(row["incident_source_id"])
    incremental = score_incremental(force, args.records, rng, record_pid, pids_of,
                                    incidents_of)
    load.append(os.getloadavg()[0])
    out = summarise(rows, bands)
    out["incremental"] = incremental
    out.update({"people": args.people, "seed": args.seed, "load": load, "bands": bands,
                "latency_ms": {"p50": statistics.median(times),
                               "p95": sorted(times)[int(0.95 * (len(times) - 1))]},
                "scored_with": sorted({r["scored_with"] for r in rows if r["scored_with"]})})
    print(json.dumps(out, indent=1))
    if args.calibrate:
        calibrate(rows)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


def after_incidents(force, record, incidents: set[str]):
    """What an ingest does with a record `incremental_decision` did not join, once the
    run's incidents are stored (`services.join_on_counterparts`): the record is taken off
    its person onto one of its own, with its involvements in its own system's incidents
    (`incidents`, the export's ids), as if it had just arrived; all undone afterwards."""
    from django.db import transaction

    from haven.intake.models import Involvement
    from haven.people.models import Person
    from haven.people.services import join_on_counterparts, score_record

    with transaction.atomic():
        own = Person.objects.create(force=force)
        Involvement.objects.filter(
            person_id=record.person_id, incident__force=force,
            incident__source_system=record.system, incident__source_id__in=incidents,
        ).update(person=own)
        record.person = own
        record.save(update_fields=["person"])
        join = join_on_counterparts(force, record, score_record(record, exclude_person=own.pk))
        transaction.set_rollback(True)
    return join


def score_incremental(force, n: int, rng: random.Random, record_pid: dict, pids_of: dict,
                      incidents_of: dict) -> dict:
    """The incremental linker's decision (`services.score_record` and
    `services.incremental_decision`) for records of the linked database as if each arrived
    now, against truth: "link" is right when the person holds a record of the same true
    person; "review_pairs" counts the pairs queued, and of them those truly one person.
    A record not joined is asked again as an ingest asks once its incidents are stored
    (`after_incidents`): "after incidents" counts those joins, right and wrong."""
    from haven.people.models import SourceRecord
    from haven.people.services import incremental_decision, score_record

    records_of: dict[int, int] = defaultdict(int)
    for pid in record_pid.values():
        records_of[pid] += 1
    pks = sorted(SourceRecord.objects.filter(force=force).values_list("pk", flat=True))
    counts: dict[str, int] = defaultdict(int)
    pairs: dict[str, int] = defaultdict(int)
    for pk in rng.sample(pks, min(n, len(pks))):
        record = SourceRecord.objects.get(pk=pk)
        pid = record_pid.get((record.system, record.source_id))
        if pid is None:
            continue
        has_partner = records_of[pid] > 1
        join, reviews = incremental_decision(force, score_record(record))
        if join is not None:
            right = pid in pids_of.get(join.person_id, ())
            counts["link right" if right else "link wrong"] += 1
        else:
            late = after_incidents(force, record,
                                   incidents_of.get((record.system, record.source_id), set()))
            if late is not None:
                right = pid in pids_of.get(late.person_id, ())
                counts["after incidents, right" if right else "after incidents, wrong"] += 1
                # the queued pairs the join settles leave the queue (`absorb_on_counterparts`)
                pairs["left the queue on joining"] += sum(
                    c.person_id == late.person_id for c in reviews)
            if reviews:
                counts["review, has a true partner" if has_partner else "review, alone"] += 1
            else:
                counts["new, has a true partner" if has_partner else "new, alone"] += 1
        pairs["queued"] += len(reviews)
        pairs["one person"] += sum(pid in pids_of.get(c.person_id, ()) for c in reviews)
    links = counts["link right"] + counts["link wrong"]
    partnered = sum(v for k, v in counts.items() if "partner" in k) + counts["link right"]
    late = counts["after incidents, right"] + counts["after incidents, wrong"]
    return {"decisions": dict(counts), "review_pairs": dict(pairs),
            "link_precision": counts["link right"] / links if links else 1.0,
            "linked_share_of_records_with_a_true_partner":
                counts["link right"] / partnered if partnered else 0.0,
            "after_incidents_precision":
                counts["after incidents, right"] / late if late else 1.0,
            "linked_share_after_incidents":
                (counts["link right"] + counts["after incidents, right"]) / partnered
                if partnered else 0.0}


def summarise(rows: list[dict], bands: dict) -> dict:
    known = [r for r in rows if r["kind"] == "known"]
    unknown = [r for r in rows if r["kind"] == "unknown"]
    first = [r for r in known if r["ranked"] and r["ranked"][0][2]]
    top3 = [r for r in known if any(c[2] for c in r["ranked"][:3])]
    band_of_first = defaultdict(int)
    for r in first:
        band_of_first[r["ranked"][0][1]] += 1
    wrong_very_likely = sum(1 for r in known if any(c[1] == "very likely" and not c[2]
                                                    for c in r["ranked"]))
    unknown_band = defaultdict(int)
    for r in unknown:
        top = r["ranked"][0][1] if r["ranked"] else "no candidate"
        unknown_band[top] += 1
    n_known, n_unknown = max(len(known), 1), max(len(unknown), 1)
    return {
        "known_callers": len(known), "unknown_callers": len(unknown),
        "true_first": len(first) / n_known, "true_top3": len(top3) / n_known,
        "true_first_band": {k: v / n_known for k, v in band_of_first.items()},
        "known_shown_someone_else_very_likely": wrong_very_likely / n_known,
        "unknown_top_band": {k: v / n_unknown for k, v in unknown_band.items()},
        "unknown_very_likely": unknown_band.get("very likely", 0) / n_unknown,
    }


def calibrate(rows: list[dict]) -> None:
    """Per threshold: share of known callers shown their true person at or above it, first;
    share of 'not known' callers and of wrong candidates at or above it; each by score
    alone and with the lookup's rule that "Very likely" needs distinguishing evidence."""
    known = [r for r in rows if r["kind"] == "known"]
    unknown = [r for r in rows if r["kind"] == "unknown"]

    def rates(t: float, rule: bool) -> tuple[float, float, float]:
        def hit(c) -> bool:
            return c[0] >= t and (c[3] or not rule)
        good = sum(1 for r in known if r["ranked"] and r["ranked"][0][2]
                   and hit(r["ranked"][0])) / len(known)
        bad = sum(1 for r in known if any(hit(c) and not c[2] for c in r["ranked"])
                  ) / len(known)
        unk = sum(1 for r in unknown if any(hit(c) for c in r["ranked"])) / max(len(unknown), 1)
        return good, bad, unk

    print("| threshold | known: true person first and ≥ t | known: a wrong person ≥ t | "
          "not known: someone ≥ t | same three with the distinguishing rule |")
    print("|---|---|---|---|---|")
    for t in (0.2, 0.3, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999):
        plain, rule = rates(t, False), rates(t, True)
        print(f"| {t} | {plain[0]:.1%} | {plain[1]:.2%} | {plain[2]:.2%} | "
              f"{rule[0]:.1%} / {rule[1]:.2%} / {rule[2]:.2%} |")


if __name__ == "__main__":
    main()

"""The call screen's "Add as a new person" scored against the generator's truth (issue 10).

    .venv/bin/python bench/bench_call_screen.py --people 20000 --seed 11 --work /tmp/e2e11 \
        [--trials 300] [--json F] [--knob name=value ...]

Run after `bench/bench_e2e.py` with the same --people/--seed/--work/--knob: the database is
`WORK/haven.sqlite3` as `haven ingest` and `haven link` left it, and the world is
regenerated here (`bench/linkage_data.py`, same seed and knobs; the generator imports
nothing from `haven/`). Every log is opened inside a transaction that is rolled back, so
each trial starts from the linked database.

A trial is one real relationship of the world (an event's victim and suspect, both with
records in the export). The handler picks the victim (the Haven person holding most of her
records, as the lookup shows her) and adds the suspect as a new person by name alone, as
she says it (this script's own model: forename as in life 75 %, a nickname or spelling
variant from the generator's tables 10 %, mistyped 10 %, an initial 5 %; surname as now
95 %, mistyped 5 %), three ways:

* call screen: `do_create_incident`, with "the suspect is the victim's" as the world has
  it (partner, ex-partner or family);
* call screen, relationship not said (left "Not known or not said");
* call screen with the counterpart join switched off (`creation._join_on_this_log`
  answering 0), relationship said: what the incremental linker alone does;
* people page: `do_add_involvement` on a log of hers already open, with the relationship
  as the world has it.

And a control per trial: a man with records in the export whom she never met (and who
shares no name with a man she did), by name alone on the call screen.

Outcome of each: "right" when the suspect on the log is a Haven person holding a record of
the true man; "new" when he is a person of his own (only Haven's record of him); "wrong"
when he is a person holding records of somebody else. For the control "new" is right and
any joined person is wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def said_name(rng: random.Random, person, tables) -> dict:
    """The man's name as the victim says it and the handler types it."""
    from bench_lookup_truth import _typo

    nicknames, translit = tables
    forename, low, r = person.forename, person.forename.lower(), rng.random()
    if r < 0.10 and (low in nicknames or low in translit):
        forename = rng.choice(nicknames.get(low) or [n for n in translit[low] if n != forename]
                              or [forename])
    elif r < 0.20:
        forename = _typo(rng, forename)
    elif r < 0.25:
        forename = forename[0]
    surname = _typo(rng, person.surname) if rng.random() < 0.05 else person.surname
    return {"forename": forename, "surname": surname}


def main() -> None:
    from bench_lookup_truth import linked_world, setup_django, world_arguments

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    world_arguments(parser)
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show-wrong", action="store_true",
                        help="print what was typed and who it joined, for each wrong join")
    parser.add_argument("--show-new", action="store_true",
                        help="print what was typed for each man the call screen left new")
    args = parser.parse_args()
    setup_django(args.work)
    from django.db import transaction
    from linkage_data import _TRANSLIT_INDEX, NICKNAMES

    from haven.access.models import User
    from haven.intake import creation, rules

    load = [os.getloadavg()[0]]
    gen, _record_pid, force, held, pids_of = linked_world(args)
    records_held: dict[int, Counter] = defaultdict(Counter)  # true person -> Haven persons
    for person_id, pid in held:
        records_held[pid][person_id] += 1
    met: dict[int, set[int]] = defaultdict(set)
    names_met: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for event in gen.events:
        met[event.victim.pid].add(event.suspect.pid)
        names_met[event.victim.pid].add((event.suspect.forename.lower(),
                                         event.suspect.surname.lower()))
    namesakes = Counter((p.forename.lower(), p.surname.lower()) for p in gen.people
                        if p.pid in records_held)
    user, _ = User.objects.get_or_create(username="bench.call_handler",
                                         defaults={"role": "call_handler", "force": force})
    checklist = {}
    for question in rules.questions("domestic"):
        checklist[question["code"]] = {"answer": "", "not_asked": "bench: not asked"}
    rng = random.Random(args.seed * 1000 + 29)
    events = [e for e in gen.events if e.victim.pid in records_held
              and e.suspect.pid in records_held]
    men = [p for p in gen.people if p.pid in records_held and p.gender == "M"]
    tables = (NICKNAMES, _TRANSLIT_INDEX)
    joiner = creation._join_on_this_log

    def her_person(pid: int):
        return records_held[pid].most_common(1)[0][0]

    def outcome(person_id: int, pid: int) -> str:
        held = pids_of.get(person_id, set())
        return "new" if not held else "right" if pid in held else "wrong"

    def call_screen(victim_id: int, details: dict, *, join: bool, relationship: str = ""
                    ) -> int:
        from haven.people.models import Person

        creation._join_on_this_log = joiner if join else (lambda *a, **k: 0)
        try:
            with transaction.atomic():
                incident = creation.do_create_incident(
                    force, reported_via="call", category="domestic", checklist=checklist,
                    involvements=[{"person": Person.objects.get(pk=victim_id),
                                   "role": "victim"},
                                  {"details": details, "role": "suspect",
                                   "relationship": relationship}], actor=user)
                suspect = incident.involvements.get(role="suspect").person_id
                transaction.set_rollback(True)
        finally:
            creation._join_on_this_log = joiner
        return suspect

    def people_page(victim_id: int, details: dict, relationship: str) -> int:
        from haven.people.models import Person

        with transaction.atomic():
            incident = creation.do_create_incident(
                force, reported_via="call", category="domestic", checklist=checklist,
                involvements=[{"person": Person.objects.get(pk=victim_id), "role": "victim"}],
                actor=user)
            involvement = creation.do_add_involvement(
                incident, role="suspect", relationship=relationship, details=details,
                actor=user)
            transaction.set_rollback(True)
        return involvement.person_id

    tally: dict[str, Counter] = defaultdict(Counter)
    started = time.perf_counter()
    for event in rng.sample(events, min(args.trials, len(events))):
        victim, suspect = event.victim, event.suspect
        victim_id = her_person(victim.pid)
        details = said_name(rng, suspect, tables)
        group = ("namesake" if namesakes[(suspect.forename.lower(),
                                          suspect.surname.lower())] > 1 else "unique name")
        for way, person_id in (
                ("call screen", call_screen(victim_id, details, join=True,
                                            relationship=event.relationship)),
                ("call screen, relationship not said",
                 call_screen(victim_id, details, join=True)),
                ("call screen, join off", call_screen(victim_id, details, join=False,
                                                      relationship=event.relationship)),
                ("people page", people_page(victim_id, details, event.relationship))):
            result = outcome(person_id, suspect.pid)
            said = ("name as in life" if (details["forename"], details["surname"]) == (
                suspect.forename, suspect.surname) else "name varied")
            tally[way][result] += 1
            tally[f"{way} | {group}"][result] += 1
            tally[f"{way} | {said}"][result] += 1
            if args.show_new and result == "new" and way == "call screen":
                print(said, details, "his persons", len(records_held[suspect.pid]),
                      "hers", len(records_held[victim.pid]), "events of the pair",
                      sum(1 for e in gen.events if e.victim is victim and e.suspect is suspect),
                      file=sys.stderr)
            if args.show_wrong and result == "wrong":
                print(way, details, "true", suspect.pid, "joined", sorted(pids_of[person_id]),
                      file=sys.stderr)
        stranger = rng.choice(men)
        while stranger.pid in met[victim.pid] or stranger.pid == victim.pid or (
                stranger.forename.lower(), stranger.surname.lower()) in names_met[victim.pid]:
            stranger = rng.choice(men)
        person_id = call_screen(victim_id, said_name(rng, stranger, tables), join=True)
        tally["a man she never met"]["joined" if pids_of.get(person_id) else "new"] += 1
    seconds = time.perf_counter() - started
    load.append(os.getloadavg()[0])
    out = {"people": args.people, "seed": args.seed, "trials": min(args.trials, len(events)),
           "load": load, "seconds": round(seconds, 1),
           "outcomes": {way: dict(counts) for way, counts in sorted(tally.items())}}
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

"""The app's own "Repeat victim" flag, as a call handler sees it, scored against the
generator's truth (issue 10: precision and recall >= 95 %, each real incident counted once).

Usage (on a database `bench_e2e.py` left behind: ingested and linked, with its export):

    DATABASE_URL=sqlite:////tmp/e2e200k/haven.sqlite3 .venv/bin/python bench/bench_repeat_flag.py \\
        --people 200000 --seed 17 --export /tmp/e2e200k/export [--sample 5000] [--json F]

For a seeded sample of the control room's domestic abuse logs, each victim named in one is
judged by the app's rule, `haven.intake.history.is_repeat_victim(person, at=the log's time,
incident=the log)`: the person Haven linked them to, that person's other DA incidents, one
real incident recorded by several systems counted once through intake's reconciliation.
Truth: the generator's world (regenerated with the same seed; nothing here reads Haven's
code to decide the truth): the true victim of the log's real incident had another real
incident as victim within `--window-days` (365) before it. Two meanings of "another DA
incident" are scored side by side: one whose true category the app treats as domestic
abuse (`domestic`, `honour_based`), and any incident of the abusive relationship (stalking
and harassment included; the app does not count those, so its recall is lower there).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")

from linkage_data import Generator  # noqa: E402

#: categories of the contract that the app files as domestic abuse (as a force would read them)
DA_CATEGORIES = {"domestic", "honour_based"}
CONTROL_ROOM = "command_and_control"


def truth_world(people: int, seed: int, export: Path):
    """(event of each control-room log, victim of each event, [(when, category)] of each
    person's events as victim) from the generator's world and its truth files."""
    gen = Generator(people, seed).generate()
    category = {e.eid: e.category for e in gen.events}
    event_of = {}
    for row in csv.DictReader((export / "truth_incidents.csv").open()):
        if row["system"] == CONTROL_ROOM:
            event_of[row["source_id"]] = int(row["event_id"])
    victim_of, as_victim = {}, defaultdict(list)
    for row in csv.DictReader((export / "truth_roles.csv").open()):
        if row["role"] != "victim":
            continue
        event, person = int(row["event_id"]), int(row["person_id"])
        when = datetime.fromisoformat(row["occurred_at"])
        victim_of[event] = (person, when)
        as_victim[person].append((event, when, category[event]))
    return event_of, victim_of, as_victim


def truly_repeat(as_victim, person: int, event: int, when: datetime, window: timedelta,
                 any_category: bool) -> bool:
    return any(other != event and when - window <= at <= when
               and (any_category or cat in DA_CATEGORIES)
               for other, at, cat in as_victim[person])


def score(flags: list[tuple[bool, bool]]) -> dict:
    shown = sum(1 for app, _ in flags if app)
    true = sum(1 for _, real in flags if real)
    right = sum(1 for app, real in flags if app and real)
    return {"judged": len(flags), "shown": shown, "truly_repeat": true,
            "precision": right / shown if shown else 1.0,
            "recall": right / true if true else 1.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--export", type=Path, required=True)
    parser.add_argument("--force", default="WARKS")
    parser.add_argument("--sample", type=int, default=5000)
    parser.add_argument("--window-days", type=int, default=365)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    started = time.perf_counter()
    event_of, victim_of, as_victim = truth_world(args.people, args.seed, args.export)

    import django

    django.setup()
    from haven.forces.models import Force
    from haven.intake.history import is_repeat_victim
    from haven.intake.models import Involvement

    force = Force.objects.get(code=args.force)
    rows = list(Involvement.objects.filter(
        incident__force=force, incident__source_system=CONTROL_ROOM,
        incident__domestic_abuse=True, role=Involvement.Role.VICTIM,
    ).select_related("incident", "person").order_by("id"))
    sample = random.Random(args.seed).sample(rows, min(args.sample, len(rows)))
    window = timedelta(days=args.window_days)
    flags = {"da_categories": [], "any_incident": []}
    skipped = 0
    for involvement in sample:
        incident = involvement.incident
        event = event_of.get(incident.source_id)
        if event is None or event not in victim_of:
            skipped += 1  # a log the generator did not make (none expected)
            continue
        person, when = victim_of[event]
        app = is_repeat_victim(involvement.person, at=incident.occurred_at, incident=incident)
        for name, any_category in (("da_categories", False), ("any_incident", True)):
            flags[name].append((app, truly_repeat(as_victim, person, event, when, window,
                                                  any_category)))
    result = {name: score(pairs) for name, pairs in flags.items()}
    result.update({"logs": len(rows), "skipped": skipped,
                   "seconds": round(time.perf_counter() - started, 1)})
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

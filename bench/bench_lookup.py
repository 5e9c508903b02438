"""Call-time lookup latency with N source records (not a test; results go to docs/benchmarks.md).

Usage (the database must be migrated; the bench adds its own force-scoped rows once):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench \\
        .venv/bin/python bench/bench_lookup.py --records 1000000 --lookups 500
    .venv/bin/python bench/bench_lookup.py --records 200000   # SQLite (var/haven.sqlite3 or
                                                              # DATABASE_URL=sqlite:///...)
Loads synthetic records (Faker en_GB name lists, random DOB/phone/postcode; one person
per record, ~10% second records of the same person in another system with a nickname or
typo) in bulk, then times `find_candidates` end to end (blocking queries, scoring,
history summaries, access-log write) for lookups built from known records with caller
noise: misspelt surname, nickname, partial details.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from faker.providers.person.en_GB import Provider as Names  # noqa: E402

from haven.access.models import User  # noqa: E402
from haven.people.keys import blocking_keys  # noqa: E402
from haven.people.lookup import find_candidates  # noqa: E402
from haven.people.models import Person, SourceRecord  # noqa: E402
from haven.web.demo import ensure_forces  # noqa: E402

SYSTEM = "bench"
BATCH = 5000
NICK = {"William": "Bill", "Robert": "Bob", "Elizabeth": "Liz", "Katherine": "Kate",
        "James": "Jim", "Michael": "Mike", "Thomas": "Tom", "Daniel": "Dan"}


def _typo(rng, text):
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def _person(rng, firsts, lasts):
    return {
        "forename": rng.choice(firsts), "surname": rng.choice(lasts),
        "date_of_birth": date(1940, 1, 1) + timedelta(days=rng.randint(0, 26000)),
        "gender": rng.choice("FM"), "phone": f"07{rng.randint(100000000, 999999999)}",
        "postcode": f"CV{rng.randint(1, 47)} {rng.randint(1, 9)}"
                    f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        "address_line": f"{rng.randint(1, 200)} High Street", "town": "Warwick",
    }


def load(force, n_records: int, seed: int = 11) -> None:
    have = SourceRecord.objects.filter(force=force, system__startswith=SYSTEM).count()
    if have >= n_records:
        print(f"reusing {have} loaded records")
        return
    rng = random.Random(seed)
    firsts = list(Names.first_names_male) + list(Names.first_names_female)
    lasts = list(Names.last_names)
    started = time.perf_counter()
    made = have
    while made < n_records:
        size = min(BATCH, n_records - made)
        people = [_person(rng, firsts, lasts) for _ in range(size)]
        with transaction.atomic():
            persons = Person.objects.bulk_create([
                Person(force=force, forename=p["forename"], surname=p["surname"],
                       date_of_birth=p["date_of_birth"], gender=p["gender"]) for p in people])
            records = []
            for i, (p, person) in enumerate(zip(people, persons, strict=True)):
                fields = dict(p)
                system = SYSTEM
                if i % 10 == 9 and records:  # a second system's record of the previous person
                    prev = people[i - 1]
                    fields = {**prev, "forename": NICK.get(prev["forename"], prev["forename"]),
                              "surname": _typo(rng, prev["surname"]), "phone": ""}
                    system, person = f"{SYSTEM}_crime", persons[i - 1]
                record = SourceRecord(force=force, system=system,
                                      source_id=f"B{made + i:08d}", person=person, **fields)
                record.__dict__.update(blocking_keys(fields))
                records.append(record)
            SourceRecord.objects.bulk_create(records)
        made += size
        rate = (made - have) / (time.perf_counter() - started)
        print(f"\rloaded {made:,} records ({rate:,.0f}/s)", end="", file=sys.stderr)
    print(file=sys.stderr)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_sourcerecord; ANALYZE people_person;")


def queries(force, n: int, seed: int = 5) -> list[tuple[dict, int]]:
    rng = random.Random(seed)
    top = SourceRecord.objects.filter(force=force).order_by("-pk").values_list("pk", flat=True
                                                                              ).first()
    out = []
    while len(out) < n:
        row = SourceRecord.objects.filter(force=force, pk__gte=rng.randint(1, top)).values(
            "forename", "surname", "date_of_birth", "phone", "postcode", "person_id").first()
        if not row:
            continue
        shape = rng.choice(["name_dob", "typo_dob", "nick_postcode", "phone", "name_only"])
        q = {}
        if shape == "name_dob":
            q = {"forename": row["forename"], "surname": row["surname"],
                 "date_of_birth": row["date_of_birth"]}
        elif shape == "typo_dob":
            q = {"forename": row["forename"], "surname": _typo(rng, row["surname"]),
                 "date_of_birth": row["date_of_birth"]}
        elif shape == "nick_postcode":
            q = {"forename": NICK.get(row["forename"], row["forename"]),
                 "surname": row["surname"], "postcode": row["postcode"].lower()}
        elif shape == "phone" and row["phone"]:
            q = {"phone": "+44" + row["phone"][1:]}
        else:
            q = {"forename": row["forename"], "surname": row["surname"]}
        if q:
            out.append((q, row["person_id"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=500)
    args = parser.parse_args()
    force = ensure_forces()[0]
    user, _ = User.objects.get_or_create(username="bench.call_handler",
                                         defaults={"role": "call_handler", "force": force})
    load(force, args.records)
    total = SourceRecord.objects.filter(force=force).count()
    lookups = queries(force, args.lookups)
    for q, _ in lookups[:20]:  # warm caches
        find_candidates(user, **q)
    times, top1, top5 = [], 0, 0
    for q, truth in lookups:
        started = time.perf_counter()
        found = find_candidates(user, **q)
        times.append((time.perf_counter() - started) * 1000)
        ids = [c.person.pk for c in found]
        top1 += bool(ids) and ids[0] == truth
        top5 += truth in ids[:5]
    times.sort()
    pct = lambda p: times[min(len(times) - 1, int(p * len(times)))]  # noqa: E731
    print(f"database={connection.vendor} source_records={total:,} lookups={len(times)}")
    print(f"latency ms: p50={statistics.median(times):.1f} p95={pct(0.95):.1f} "
          f"p99={pct(0.99):.1f} max={times[-1]:.1f}")
    print(f"true person ranked first: {top1 / len(times):.1%}; in top five: "
          f"{top5 / len(times):.1%}")


if __name__ == "__main__":
    main()

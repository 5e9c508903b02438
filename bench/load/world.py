"""A PostgreSQL database for the HTTP benchmarks: created, migrated, seeded with the demo's
synthetic world (Faker en_GB), with an API token per role; its ids written to a JSON file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench_log \\
      DJANGO_SETTINGS_MODULE=bench.bench_settings HAVEN_VAR_DIR=/tmp/haven-bench-var \\
      .venv/bin/python bench/load/world.py --out /tmp/haven-bench-var/world.json

Only 127.0.0.1 databases: the benchmarks never touch another host. Seeding is skipped when
the database already has users (a second run reuses the world).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bench_settings")

ROLES = ("call_handler", "response_officer", "sergeant", "hau", "darm", "occ_supervisor")


def ensure_database(url: str) -> None:
    """CREATE DATABASE on the local server if it is missing (trust authentication)."""
    import psycopg  # the benchmarks' own need; Haven reaches it through Django

    parts = urlsplit(url)
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit(f"benchmarks run against 127.0.0.1 only, not {parts.hostname}")
    name = parts.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _full_checklist() -> dict:
    """A complete domestic-abuse call checklist (Haven's own answer codes), as the API takes
    it; the same answers as haven/intake/tests/helpers.py."""
    from haven.intake import rules  # after django.setup()

    answers = {}
    for question in rules.questions("domestic"):
        options = question.get("options", [])
        value = "Outside the house" if question["kind"] == "text" else next(
            o for o in ("no_children", "none", "no") if o in options)
        answers[question["code"]] = {"answer": value}
    return answers


def build(out: Path, people_per_force: int = 40) -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench db>")
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from haven.access.anchors import anchor_file
    from haven.access.log import seal
    from haven.access.models import User
    from haven.people.models import Person
    from haven.web.demo import seed, username_for

    call_command("migrate", verbosity=0)
    if not User.objects.exists():
        # A fresh database: anchors left by an earlier world name entries it never had, and
        # `haven audit verify` would rightly call that a rewritten log.
        anchor_file().unlink(missing_ok=True)
        seed(2014, people_per_force)
    seal()
    tokens = {}
    for role in ROLES:
        user = User.objects.get(username=username_for(role, "WARKS"))
        tokens[role] = Token.objects.get_or_create(user=user)[0].key
    people = list(Person.objects.filter(force__code="WARKS").order_by("id")
                  .values("id", "surname", "forename"))
    world = {"tokens": tokens, "person_ids": [p["id"] for p in people],
             "surnames": sorted({p["surname"] for p in people}),
             "checklist": _full_checklist(),
             # DASH and the stalking screen (asked for repeat victims), all answered "no".
             "dash_codes": [f"PD{n:02d}" for n in range(1, 28)]
             + [f"SD{n:02d}" for n in range(2, 12)]}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(world))
    return world


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--people", type=int, default=40, help="people per force to seed")
    args = parser.parse_args()
    world = build(args.out, args.people)
    print(f"world: {len(world['person_ids'])} people, tokens for {', '.join(world['tokens'])}"
          f" -> {args.out}")

"""Tiny deterministic person data for the linkage tests (no Faker, no Django)."""

from __future__ import annotations

import random
from datetime import date, timedelta

FORENAMES_M = [
    "William",
    "James",
    "Robert",
    "David",
    "Thomas",
    "Daniel",
    "Peter",
    "Mark",
    "Paul",
    "George",
    "Oliver",
    "Harry",
    "Liam",
    "Noah",
    "Adam",
    "Ryan",
    "Kevin",
    "Gary",
    "Neil",
    "Carl",
    "Dean",
    "Wayne",
    "Lee",
    "Scott",
    "Craig",
]
FORENAMES_F = [
    "Elizabeth",
    "Sarah",
    "Emma",
    "Laura",
    "Rebecca",
    "Susan",
    "Jennifer",
    "Claire",
    "Helen",
    "Karen",
    "Lisa",
    "Amy",
    "Chloe",
    "Megan",
    "Holly",
    "Zoe",
    "Ruth",
    "Fiona",
    "Gemma",
    "Jade",
    "Kelly",
    "Donna",
    "Tracy",
    "Paula",
    "Sharon",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Khan",
    "Patel",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Lewis",
    "Martin",
    "Jackson",
    "Clarke",
    "Clark",
    "Turner",
    "Hill",
    "Scott",
    "Cooper",
    "Morris",
    "Ward",
    "Moore",
    "King",
    "Watson",
    "Baker",
    "Harrison",
    "Morgan",
    "Young",
    "Allen",
    "Mitchell",
    "Bell",
]
SYSTEMS = ["command_and_control", "crime", "pvp", "intel"]


def _person(rng: random.Random, pid: int) -> dict:
    gender = rng.choice("MF")
    return {
        "pid": pid,
        "forename": rng.choice(FORENAMES_M if gender == "M" else FORENAMES_F),
        "surname": rng.choice(SURNAMES),
        "dob": (date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))).isoformat(),
        "gender": gender,
        "phone": f"07{rng.randint(100000000, 999999999)}",
        "postcode": f"LS{rng.randint(1, 28)} {rng.randint(1, 9)}{rng.choice('ABDEFG')}"
        f"{rng.choice('HJLNPQ')}",
    }


def _typo(rng: random.Random, text: str) -> str:
    i = rng.randint(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def record(system: str, source_id: str, person: dict, **override) -> dict:
    """A raw record for `person` in `system` (fields overridable)."""
    rec = {
        "uid": f"{system}:{source_id}",
        "system": system,
        "source_id": source_id,
        "forename": person["forename"],
        "middle_names": "",
        "surname": person["surname"],
        "aliases": "",
        "date_of_birth": person["dob"],
        "gender": person["gender"],
        "phone": person["phone"],
        "email": "",
        "address_line": "1 High Street",
        "town": "Leeds",
        "postcode": person["postcode"],
        "pnc_id": "",
        "person_id": person["pid"],
    }
    rec.update(override)
    return rec


def population(n_people: int = 260, seed: int = 3) -> list[dict]:
    """Records of `n_people` people, 2-3 systems each, light noise."""
    rng = random.Random(seed)
    records = []
    for pid in range(n_people):
        person = _person(rng, pid)
        for system in rng.sample(SYSTEMS, rng.choice([2, 2, 3])):
            override = {}
            r = rng.random()
            if r < 0.1:
                override["forename"] = _typo(rng, person["forename"])
            elif r < 0.15:
                override["phone"] = ""
            elif r < 0.2:
                override["postcode"] = person["postcode"].lower().replace(" ", "")
            records.append(record(system, f"P{pid}-{system[:2]}", person, **override))
    return records

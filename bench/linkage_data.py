"""Synthetic four-system person data with known truth, for the linkage benchmark.

Why synthetic: real safeguarding data cannot leave the force, yet linkage
quality must be measured. The generator reproduces the errors seen in police
person records (nicknames, typos, swapped day/month, one-digit DOB slips,
blank fields, marriage surnames, moves, phone/postcode formats) *and* the
precision traps that matter most: father and son of the same name at one
address, twins, mother and daughter at one address, very common names.

Usage:
    python bench/linkage_data.py --people 20000 --out DIR [--seed 7]
writes DIR/<system>/people.csv (legacy-export contract), incidents.csv and
involvements.csv per system, and DIR/truth.csv (system,source_id,person_id).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

import jellyfish  # noqa: E402
from faker import Faker  # noqa: E402

from haven.people.linkage.nicknames import canonical_forenames  # noqa: E402

SYSTEMS = ("command_and_control", "crime", "pvp", "intel")
_PREFIX = {"command_and_control": "CC", "crime": "CR", "pvp": "PV", "intel": "IN"}
PEOPLE_COLUMNS = (
    "source_id",
    "forename",
    "middle_names",
    "surname",
    "date_of_birth",
    "gender",
    "phone",
    "email",
    "address_line",
    "town",
    "postcode",
    "aliases",
    "pnc_id",
    "confidential_address",
)
_NICKS = {
    "william": ["Bill", "Will", "Billy"],
    "elizabeth": ["Liz", "Beth", "Betty"],
    "robert": ["Bob", "Rob"],
    "katherine": ["Kate", "Katie"],
    "james": ["Jim", "Jimmy"],
    "david": ["Dave"],
    "stephen": ["Steve"],
    "steven": ["Steve"],
    "samantha": ["Sam"],
    "samuel": ["Sam"],
    "christopher": ["Chris"],
    "michael": ["Mike", "Mick"],
    "thomas": ["Tom"],
    "rebecca": ["Becky"],
    "daniel": ["Dan", "Danny"],
    "matthew": ["Matt"],
    "anthony": ["Tony"],
    "susan": ["Sue"],
    "jennifer": ["Jen", "Jenny"],
    "nicholas": ["Nick"],
    "alexander": ["Alex"],
    "andrew": ["Andy"],
    "peter": ["Pete"],
    "richard": ["Rich", "Dick"],
    "edward": ["Ed", "Eddie"],
    "henry": ["Harry"],
    "john": ["Jack"],
    "margaret": ["Peggy", "Maggie"],
    "joseph": ["Joe"],
    "benjamin": ["Ben"],
    "victoria": ["Vicky"],
    "deborah": ["Debbie"],
}
_MALE_COMMON = [
    "William",
    "Robert",
    "James",
    "David",
    "Stephen",
    "Samuel",
    "Christopher",
    "Michael",
    "Thomas",
    "Daniel",
    "Matthew",
    "Anthony",
    "Nicholas",
    "Andrew",
    "Peter",
    "Richard",
    "Edward",
    "Henry",
    "John",
    "Joseph",
    "Benjamin",
    "Mohammed",
    "Steven",
    "Alexander",
]
_FEMALE_COMMON = [
    "Elizabeth",
    "Katherine",
    "Samantha",
    "Rebecca",
    "Susan",
    "Jennifer",
    "Margaret",
    "Victoria",
    "Deborah",
    "Sarah",
    "Emma",
    "Laura",
    "Claire",
]
_COMMON_SURNAMES = [
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
    "Ali",
    "Patel",
    "Hussain",
    "Begum",
]


def _alike(a: str, b: str) -> bool:
    """Names parents would not give to twins (same, nickname-equivalent, near-identical)."""
    a, b = a.lower(), b.lower()
    if set(canonical_forenames(a)) & set(canonical_forenames(b)):
        return True
    return jellyfish.jaro_winkler_similarity(a, b) >= 0.8


@dataclass
class Address:
    line: str
    town: str
    postcode: str


@dataclass
class Person:
    pid: int
    forename: str
    middle: str
    surname: str
    dob: date
    gender: str
    phone: str
    email: str
    address: Address
    old_address: Address | None = None
    maiden: str | None = None
    pnc: str | None = None
    records: dict[str, list[dict]] = field(default_factory=dict)


@dataclass
class Pools:
    """Pre-drawn Faker values: calling Faker per record is too slow for 1M rows."""

    male: list[str]
    female: list[str]
    surnames: list[str]
    streets: list[str]
    towns: list[str]


def _pools(fake: Faker, rng: random.Random) -> Pools:
    return Pools(
        male=sorted({fake.first_name_male() for _ in range(3000)}),
        female=sorted({fake.first_name_female() for _ in range(3000)}),
        surnames=sorted({fake.last_name() for _ in range(6000)}),
        streets=sorted({fake.street_name() for _ in range(5000)}),
        towns=sorted({fake.city() for _ in range(600)}),
    )


class Generator:
    """Draws households of people, then their records in each system."""

    def __init__(self, n_people: int, seed: int = 7):
        self.rng = random.Random(seed)
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.pools = _pools(fake, self.rng)
        self.n_people = n_people
        self.people: list[Person] = []
        self.households: list[list[Person]] = []
        self.phones: set[str] = set()
        self.incident_seq = 0
        self.incidents: dict[str, list[dict]] = {s: [] for s in SYSTEMS}
        self.involvements: dict[str, list[dict]] = {s: [] for s in SYSTEMS}
        self.source_seq = dict.fromkeys(SYSTEMS, 0)

    # ---------------------------------------------------------------- people
    def _forename(self, gender: str) -> str:
        r = self.rng.random()
        if r < 0.45:
            return self.rng.choice(_MALE_COMMON if gender == "M" else _FEMALE_COMMON)
        return self.rng.choice(self.pools.male if gender == "M" else self.pools.female)

    def _surname(self) -> str:
        if self.rng.random() < 0.3:
            return self.rng.choice(_COMMON_SURNAMES)
        return self.rng.choice(self.pools.surnames)

    def _postcode(self) -> str:
        rng = self.rng
        area = rng.choice(["B", "M", "L", "LS", "S", "NE", "CF", "BS", "NG", "SW", "E", "N"])
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        inward = f"{rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        return f"{area}{rng.randint(1, 29)} {inward}"

    def _address(self) -> Address:
        return Address(
            f"{self.rng.randint(1, 250)} {self.rng.choice(self.pools.streets)}",
            self.rng.choice(self.pools.towns),
            self._postcode(),
        )

    def _phone(self) -> str:
        while True:
            number = f"07{self.rng.randint(100000000, 999999999)}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def _pnc(self) -> str:
        rng = self.rng
        letter = rng.choice("ABCDEFGHJKLMNPQRTUVWXYZ")
        return f"{rng.randint(0, 99):02d}/{rng.randint(1, 999999):06d}{letter}"

    def _dob(self, lo: int = 1950, hi: int = 2006) -> date:
        return date(lo, 1, 1) + timedelta(days=self.rng.randint(0, (hi - lo) * 365))

    def _child_dob(self, parent: date) -> date:
        """A child's birthday: 18-32 years after the parent, on an unrelated day."""
        year = min(parent.year + self.rng.randint(18, 32), 2008)
        return date(year, 1, 1) + timedelta(days=self.rng.randint(0, 364))

    def _person(self, address: Address, **kw) -> Person:
        rng = self.rng
        gender = kw.pop("gender", rng.choice("MF"))
        forename = kw.pop("forename", None) or self._forename(gender)
        surname = kw.pop("surname", None) or self._surname()
        middle = self._forename(gender) if rng.random() < 0.6 else ""
        person = Person(
            pid=len(self.people),
            forename=forename,
            middle=middle,
            surname=surname,
            dob=kw.pop("dob", None) or self._dob(),
            gender=gender,
            phone=kw.pop("phone", None) or self._phone(),
            email="",
            address=address,
            pnc=self._pnc() if rng.random() < 0.15 else None,
        )
        if gender == "F" and rng.random() < 0.2:
            person.maiden = self._surname()
        if rng.random() < 0.2:
            person.old_address = self._address()
        if rng.random() < 0.5:
            person.email = f"{forename.lower()}.{surname.lower()}{rng.randint(1, 999)}@example.com"
        self.people.append(person)
        return person

    def _household(self) -> list[Person]:
        """One address with a single adult, a couple, or one of the trap families."""
        rng = self.rng
        address = self._address()
        kind = rng.random()
        first = self._person(address)
        members = [first]
        if kind < 0.35:
            return members
        if kind < 0.75:  # couple, sometimes sharing the surname
            same = rng.random() < 0.5
            members.append(
                self._person(
                    address,
                    gender="F" if first.gender == "M" else "M",
                    surname=first.surname if same else None,
                )
            )
        elif kind < 0.84:  # father and son of the same name ("Jr"), ~25 years apart
            first.gender, first.maiden = "M", None
            first.forename = self._forename("M")
            first.dob = self._dob(1950, 1978)
            members.append(
                self._person(
                    address,
                    gender="M",
                    forename=first.forename,
                    surname=first.surname,
                    dob=self._child_dob(first.dob),
                )
            )
        elif kind < 0.92:  # twins: same surname, address, DOB; different forenames
            gender = rng.choice("MF")
            other = self._forename(gender)
            while _alike(other, first.forename):
                other = self._forename(gender)
            twin = self._person(
                address, gender=gender, forename=other, surname=first.surname, dob=first.dob
            )
            # parents do not give one twin the other's forename as a middle name
            if _alike(twin.middle or "x", first.forename):
                twin.middle = ""
            if _alike(first.middle or "x", twin.forename):
                first.middle = ""
            members.append(twin)
        else:  # mother and daughter, sometimes the same forename
            first.gender = "F"
            first.forename = self._forename("F")
            first.dob = self._dob(1950, 1978)
            members.append(
                self._person(
                    address,
                    gender="F",
                    surname=first.surname,
                    dob=self._child_dob(first.dob),
                    forename=first.forename if rng.random() < 0.3 else None,
                )
            )
        return members

    def _build_people(self) -> None:
        while len(self.people) < self.n_people:
            self.households.append(self._household())
        del self.people[self.n_people :]
        keep = {p.pid for p in self.people}
        self.households = [[p for p in h if p.pid in keep] for h in self.households]
        self.households = [h for h in self.households if h]
        for i, person in enumerate(self.people):
            person.pid = i

    # --------------------------------------------------------------- records
    def _typo(self, text: str) -> str:
        if len(text) < 3:
            return text
        rng = self.rng
        i = rng.randint(1, len(text) - 1)
        op = rng.random()
        letters = "abcdefghijklmnopqrstuvwxyz"
        if op < 0.33:
            return text[:i] + text[i + 1 :]
        if op < 0.66:
            return text[:i] + rng.choice(letters) + text[i + 1 :]
        if i < len(text) - 1:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        return text + rng.choice(letters)

    def _forename_noisy(self, person: Person) -> str:
        rng = self.rng
        name = person.forename
        r = rng.random()
        nicks = _NICKS.get(name.lower())
        if nicks and r < 0.15:
            return rng.choice(nicks)
        if 0.15 <= r < 0.20:
            return self._typo(name)
        if 0.20 <= r < 0.21:
            return name[0]
        if 0.21 <= r < 0.22:
            return ""
        return name.upper() if rng.random() < 0.1 else name

    def _dob_noisy(self, dob: date) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.05:
            return ""
        text = dob.isoformat()
        if r < 0.08 and dob.day <= 12 and dob.day != dob.month:
            return f"{dob.year:04d}-{dob.day:02d}-{dob.month:02d}"
        if r < 0.11:
            for _ in range(10):
                pos = rng.choice([2, 3, 6, 8, 9])
                digit = str((int(text[pos]) + rng.choice([1, -1])) % 10)
                cand = text[:pos] + digit + text[pos + 1 :]
                try:
                    if date.fromisoformat(cand) <= date(2010, 1, 1):
                        return cand
                except ValueError:
                    continue
        return text

    def _phone_noisy(self, phone: str) -> str:
        rng = self.rng
        if rng.random() < 0.35:
            return ""
        local = phone[1:]
        style = rng.randrange(4)
        styles = [
            f"{phone[:5]} {phone[5:]}",
            f"+44{local}",
            f"({phone[:5]}) {phone[5:8]} {phone[8:]}",
            phone,
        ]
        return styles[style]

    def _postcode_noisy(self, postcode: str) -> str:
        r = self.rng.random()
        if r < 0.03:
            return ""
        if r < 0.2:
            return postcode.lower()
        if r < 0.35:
            return postcode.replace(" ", "")
        return postcode

    def _surname_and_aliases(self, person: Person) -> tuple[str, str]:
        rng = self.rng
        surname = person.surname
        aliases = ""
        if person.maiden:
            if rng.random() < 0.3:
                surname = person.maiden
            if rng.random() < 0.5:
                other = person.surname if surname == person.maiden else person.maiden
                aliases = f"{person.forename} {other}"
        if rng.random() < 0.05:
            surname = self._typo(surname)
        return (surname.upper() if rng.random() < 0.1 else surname), aliases

    def _record(self, person: Person, system: str) -> dict:
        rng = self.rng
        self.source_seq[system] += 1
        address = person.address
        if person.old_address and rng.random() < 0.5:
            address = person.old_address
        surname, aliases = self._surname_and_aliases(person)
        has_pnc = person.pnc and system in ("crime", "intel", "pvp") and rng.random() < 0.7
        return {
            "system": system,
            "source_id": f"{_PREFIX[system]}{self.source_seq[system]:08d}",
            "person_id": person.pid,
            "forename": self._forename_noisy(person),
            "middle_names": person.middle if rng.random() < 0.5 else "",
            "surname": surname,
            "aliases": aliases,
            "date_of_birth": self._dob_noisy(person.dob),
            "gender": person.gender if rng.random() < 0.95 else "",
            "phone": self._phone_noisy(person.phone),
            "email": person.email if rng.random() < 0.6 else "",
            "address_line": address.line if rng.random() < 0.95 else "",
            "town": address.town,
            "postcode": self._postcode_noisy(address.postcode),
            "pnc_id": person.pnc if has_pnc else "",
            "confidential_address": "",
            "incident_keys": "",
        }

    def _records_for(self, person: Person) -> None:
        rng = self.rng
        n_systems = rng.choices([1, 2, 3, 4], weights=[35, 30, 20, 15])[0]
        for system in rng.sample(SYSTEMS, n_systems):
            copies = 2 if rng.random() < 0.08 else 1
            person.records[system] = [self._record(person, system) for _ in range(copies)]

    def _incidents_for(self, household: list[Person]) -> None:
        """Shared incidents: the same event recorded in several systems."""
        rng = self.rng
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            self.incident_seq += 1
            key = f"INC{self.incident_seq:08d}"
            involved = rng.sample(household, min(len(household), rng.choice([1, 2, 2])))
            systems = rng.sample(SYSTEMS, rng.choice([1, 2, 2, 3]))
            for system in systems:
                self.incidents[system].append(
                    {"source_id": key, "postcode": household[0].address.postcode}
                )
                for role, person in zip(("victim", "suspect"), involved, strict=False):
                    records = person.records.get(system)
                    if not records:
                        continue
                    record = records[0]
                    keys = [k for k in record["incident_keys"].split(";") if k]
                    record["incident_keys"] = ";".join([*keys, key])
                    self.involvements[system].append(
                        {
                            "incident_source_id": key,
                            "person_source_id": record["source_id"],
                            "role": role,
                        }
                    )

    def generate(self) -> list[dict]:
        """All records, shuffled, each with its true `person_id`."""
        self._build_people()
        for person in self.people:
            self._records_for(person)
        for household in self.households:
            self._incidents_for(household)
        records = [r for p in self.people for rs in p.records.values() for r in rs]
        self.rng.shuffle(records)
        for record in records:
            record["uid"] = f"{record['system']}:{record['source_id']}"
        return records


def generate_records(
    n_records: int | None = None, n_people: int | None = None, seed: int = 7
) -> list[dict]:
    """Records with truth (`person_id`); give either a target record count or people count."""
    if n_people is None:
        n_people = max(1, int((n_records or 1000) / 2.3))
    return Generator(n_people, seed).generate()


def write_export(records: list[dict], out: Path, generator: Generator | None = None) -> None:
    """Write DIR/<system>/people.csv (+ incidents/involvements) and DIR/truth.csv."""
    out.mkdir(parents=True, exist_ok=True)
    for system in SYSTEMS:
        folder = out / system
        folder.mkdir(exist_ok=True)
        rows = [r for r in records if r["system"] == system]
        _write_csv(folder / "people.csv", PEOPLE_COLUMNS, rows)
        if generator is not None:
            incidents = [
                {
                    "source_id": i["source_id"],
                    "occurred_at": "2024-01-01T12:00:00",
                    "reported_via": "call",
                    "postcode": i["postcode"],
                    "category": "domestic",
                }
                for i in generator.incidents[system]
            ]
            _write_csv(
                folder / "incidents.csv",
                ("source_id", "occurred_at", "reported_via", "postcode", "category"),
                incidents,
            )
            _write_csv(
                folder / "involvements.csv",
                ("incident_source_id", "person_source_id", "role", "relationship"),
                generator.involvements[system],
            )
    _write_csv(out / "truth.csv", ("system", "source_id", "person_id"), records)


def _write_csv(path: Path, columns, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    generator = Generator(args.people, args.seed)
    records = generator.generate()
    write_export(records, args.out, generator)
    print(f"wrote {len(records)} records for {args.people} people to {args.out}")


if __name__ == "__main__":
    main()

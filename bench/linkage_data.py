"""A four-system legacy export with known truth, built without knowing the matcher.

Nothing here imports from `haven`: the nickname, transliteration and address tables are
this file's own, so the benchmark cannot only inject variants the matcher already knows.

The world is simulated, then recorded by each system the way police systems record it:

* People live in households (couples, families with children, a father and son of one
  name, a mother and daughter of one name, adult twins, single adults); some households
  have a landline every member may give.
* Domestic-abuse relationships produce real incidents over time, at the address where
  the victim lives then. Some perpetrators move on to a new partner (serial
  perpetrators); some victims are later harmed by a new partner too, and some fathers
  harm the mother their son of one name harms (two suspects of one victim); some victims
  move (refuge, new address); people change phones.
* Each real incident is recorded by several systems independently: the control room
  (most calls), crime (when a crime is recorded), public protection (PVP, DA cases) and
  intelligence (some suspects). Every system has its own incident ids and its own person
  ids; times differ by minutes to hours; addresses and postcodes are spelt differently.
* A system re-uses its existing record of a person when its staff find it, and otherwise
  makes a new one (duplicates within a system).
* Each record carries the system's noise (see `Knobs`): thin control-room records, blank,
  placeholder (1900-01-01, 01-01-YYYY) and year-only dates of birth, day/month swaps,
  forename and surname swapped, initials, nicknames, transliterations, double-barrelled
  and maiden/married surnames, typos, household and borrowed phones.

Usage:
    python bench/linkage_data.py --people 20000 --out DIR [--seed 7]
writes DIR/<system>/{people,incidents,involvements}.csv (legacy-export contract),
DIR/truth.csv (system,source_id,person_id), DIR/truth_incidents.csv
(system,source_id,event_id) and DIR/truth_roles.csv (person_id,role,event_id,occurred_at).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from pathlib import Path

from faker import Faker

SYSTEMS = ("command_and_control", "crime", "pvp", "intel")
PEOPLE_COLUMNS = (
    "source_id", "forename", "middle_names", "surname", "date_of_birth", "gender", "phone",
    "email", "address_line", "town", "postcode", "aliases", "pnc_id", "confidential_address",
)
INCIDENT_COLUMNS = (
    "source_id", "occurred_at", "reported_via", "address_line", "town", "postcode",
    "latitude", "longitude", "category", "summary", "children_present", "response_grade",
)
INVOLVEMENT_COLUMNS = ("incident_source_id", "person_source_id", "role", "relationship")


@dataclass
class Knobs:
    """Every rate the generator uses (probabilities per record unless said otherwise)."""

    # world
    p_single_household: float = 0.20      # a household of one adult (witnesses, callers)
    p_children: float = 0.45              # a DA couple has children living with them
    p_father_son_same_name: float = 0.06  # household: father and adult son, one name
    p_mother_daughter_same_name: float = 0.03
    p_twins: float = 0.03                 # household: adult twins (same DOB and surname)
    p_landline: float = 0.30              # household has a landline members may give
    p_serial: float = 0.18                # perpetrator goes on to abuse a new partner
    p_father_also_abuses: float = 0.3     # of the father-and-son households: the father
    #                                       abuses the son's victim too (two suspects of one
    #                                       name against one victim, at one address)
    p_victim_new_abuser: float = 0.10     # a victim is later abused by a new partner too
    p_relationship_vague: float = 0.10    # a system records the suspect's relationship to
    #                                       the victim as "other" or leaves it blank
    p_relationship_wrong: float = 0.02    # ... or as the wrong kind (family for a partner,
    #                                       partner or ex-partner for family)
    p_victim_moves: float = 0.25          # victim moves after the relationship ends
    p_phone_change: float = 0.25          # a person changes mobile during the period
    p_married_name: float = 0.15          # a woman is recorded under maiden and married names
    p_double_barrelled: float = 0.05      # surname like "Smith-Jones"
    p_pnc: float = 0.35                   # a perpetrator has a PNC id
    incidents_per_relationship: tuple = (1, 1, 1, 2, 2, 3, 4, 6)  # drawn uniformly
    # recording (which systems record a real incident)
    p_record: dict = field(default_factory=lambda: {
        "command_and_control": 0.85, "crime": 0.55, "pvp": 0.45, "intel": 0.12})
    p_duplicate: float = 0.06             # system makes a new record for a known person
    p_address_update: float = 0.5         # a re-used record's address is updated
    # per-record noise
    p_dob_blank: dict = field(default_factory=lambda: {
        "command_and_control": 0.55, "crime": 0.06, "pvp": 0.05, "intel": 0.12})
    p_dob_placeholder: float = 0.02       # 1900-01-01
    p_dob_jan1: float = 0.02              # 01-01 of the right year (year-only entry)
    p_dob_swap: float = 0.03              # day and month swapped (when day <= 12)
    p_dob_digit: float = 0.02             # one digit wrong
    p_name_swap: float = 0.03             # forename and surname swapped
    p_initial: float = 0.03               # forename recorded as its initial
    p_nickname: float = 0.12              # own table, when the name has one
    p_translit: float = 0.35              # transliteration variant, when the name has one
    p_typo_forename: float = 0.04
    p_typo_surname: float = 0.04
    p_forename_blank_cc: float = 0.04     # control room: surname only
    p_upper: float = 0.10                 # name typed in capitals
    p_middle: float = 0.35                # middle name recorded (when the person has one)
    p_gender_blank: float = 0.08
    p_phone_blank: dict = field(default_factory=lambda: {
        "command_and_control": 0.15, "crime": 0.40, "pvp": 0.35, "intel": 0.60})
    p_phone_household: float = 0.25       # give the household landline instead of mobile
    p_phone_borrowed: float = 0.04        # give someone else's phone (a friend or relative)
    p_email: float = 0.36                 # e-mail recorded (30 % of people have one; not CC)
    p_address_blank: dict = field(default_factory=lambda: {
        "command_and_control": 0.05, "crime": 0.08, "pvp": 0.05, "intel": 0.30})
    p_town_blank: float = 0.15
    p_postcode_blank: float = 0.10
    p_pnc_recorded: dict = field(default_factory=lambda: {
        "command_and_control": 0.0, "crime": 0.6, "pvp": 0.4, "intel": 0.7})
    # incidents across systems
    max_time_shift_minutes: int = 180     # crime / PVP / intel record the time loosely
    p_incident_postcode_blank: float = 0.15
    p_category_differs: float = 0.15      # another system files it as harassment/stalking/other
    # a value not known typed as a placeholder instead of left blank ("No fixed abode",
    # "Unknown", "07000 000000"); 0 by default, so default exports are as they were
    p_placeholder: float = 0.0
    # a date of birth or phone written in another shape than the contract's: "14/06/1985",
    # "1985-06-14 00:00:00", a year alone; two numbers in one phone cell; the town in the
    # address line; "Smith (nee Jones)" and "Smith, Ann" in the surname. 0 by default
    p_other_shapes: float = 0.0


# ------------------------------------------------------------------ own name tables
# Nicknames and diminutives (this table is the generator's own; not the matcher's).
NICKNAMES = {
    "william": ["Bill", "Billy", "Will", "Liam", "Wills"],
    "robert": ["Bob", "Rob", "Robbie", "Bobby"],
    "richard": ["Rick", "Rich", "Ricky", "Dick"], "james": ["Jim", "Jimmy", "Jamie", "Jay"],
    "michael": ["Mike", "Mick", "Micky", "Mikey"], "christopher": ["Chris", "Kit", "Topher"],
    "anthony": ["Tony", "Ant"], "daniel": ["Dan", "Danny"], "matthew": ["Matt", "Matty"],
    "thomas": ["Tom", "Tommy"], "joseph": ["Joe", "Joey"], "benjamin": ["Ben", "Benny", "Benji"],
    "nicholas": ["Nick", "Nicky"], "alexander": ["Alex", "Xander", "Sasha"],
    "andrew": ["Andy", "Drew"], "peter": ["Pete"], "edward": ["Ed", "Eddie", "Ted", "Ned"],
    "henry": ["Harry", "Hal"], "john": ["Jack", "Johnny"], "stephen": ["Steve", "Stevie"],
    "steven": ["Steve", "Stevie"], "david": ["Dave", "Davey"], "samuel": ["Sam", "Sammy"],
    "jonathan": ["Jon", "Jonny"], "timothy": ["Tim", "Timmy"], "gregory": ["Greg"],
    "kenneth": ["Ken", "Kenny"], "lawrence": ["Larry", "Laurie"], "terence": ["Terry"],
    "raymond": ["Ray"], "ronald": ["Ron", "Ronnie"], "gerald": ["Gerry"], "francis": ["Frank"],
    "patrick": ["Pat", "Paddy"], "charles": ["Charlie", "Chas", "Chuck"],
    "frederick": ["Fred", "Freddie"],
    "elizabeth": ["Liz", "Beth", "Betty", "Lizzie", "Libby", "Bess"],
    "katherine": ["Kate", "Katie", "Kath", "Kathy"], "catherine": ["Cath", "Cathy", "Kate"],
    "margaret": ["Maggie", "Peggy", "Meg", "Mags"], "rebecca": ["Becky", "Becca", "Bex"],
    "jennifer": ["Jen", "Jenny"], "susan": ["Sue", "Suzy"], "deborah": ["Debbie", "Deb"],
    "victoria": ["Vicky", "Tori"], "samantha": ["Sam", "Sammy"], "jessica": ["Jess", "Jessie"],
    "abigail": ["Abby", "Abi"], "alexandra": ["Alex", "Lexi", "Sandra"],
    "charlotte": ["Charlie", "Lottie"], "kimberley": ["Kim"], "natalie": ["Nat"],
    "nicola": ["Nicky", "Nic"], "patricia": ["Pat", "Trish", "Patsy"], "theresa": ["Tess", "Terri"],
    "amanda": ["Mandy"], "christine": ["Chris", "Chrissy"], "gillian": ["Gill", "Jill"],
    "jacqueline": ["Jackie"], "josephine": ["Jo", "Josie"], "joanne": ["Jo"], "louise": ["Lou"],
    "stephanie": ["Steph"], "zoe": ["Zo"], "eleanor": ["Ellie", "Nell"],
    "georgina": ["George", "Gina"],
    "katarzyna": ["Kasia", "Kasha"], "aleksandra": ["Ola", "Olek"], "malgorzata": ["Gosia"],
    "agnieszka": ["Aga"], "wojciech": ["Wojtek"], "krzysztof": ["Krzys"], "tomasz": ["Tomek"],
}
# Transliteration and spelling variants (any member may be recorded for any other).
TRANSLIT = [
    ["Mohammed", "Muhammad", "Mohammad", "Mohamed", "Muhammed", "Mohamad"],
    ["Ahmed", "Ahmad", "Ahmet"], ["Yusuf", "Yousef", "Youssef", "Yusef"],
    ["Fatima", "Fatimah", "Fatma"], ["Aisha", "Ayesha", "Aishah"], ["Hussain", "Hussein", "Husain"],
    ["Abdul", "Abdool"], ["Ibrahim", "Ebrahim"], ["Mustafa", "Mostafa", "Moustafa"],
    ["Aleksandr", "Alexander", "Oleksandr"], ["Yuri", "Iouri", "Yury"], ["Sergei", "Sergey"],
    ["Dmitri", "Dmitry"], ["Natalia", "Natalya"], ["Olena", "Elena", "Alena"],
    ["Siobhan", "Shivaun"], ["Sean", "Shaun", "Shawn"], ["Niamh", "Neve", "Neave"],
    ["Katarzyna", "Katarina", "Catarina"], ["Mariusz", "Marius"], ["Piotr", "Peter"],
    ["Jakub", "Jacob"], ["Zainab", "Zaynab"], ["Khadija", "Khadijah"], ["Osman", "Usman"],
    ["Chaudhry", "Choudhury", "Chowdhury", "Chaudhary"], ["Khan", "Kahn"],
    ["Rahman", "Rehman"], ["Shah", "Sha"], ["Mahmood", "Mahmud", "Mehmood"],
]
_TRANSLIT_INDEX = {name.lower(): group for group in TRANSLIT for name in group}
MALE_EXTRA = ["Mohammed", "Ahmed", "Yusuf", "Ibrahim", "Mustafa", "Aleksandr", "Sergei", "Dmitri",
              "Sean", "Piotr", "Jakub", "Osman", "Wojciech", "Krzysztof", "Tomasz", "Mariusz",
              "Abdul", "Hussain", "Yuri"]
FEMALE_EXTRA = ["Fatima", "Aisha", "Zainab", "Khadija", "Natalia", "Olena", "Siobhan", "Niamh",
                "Katarzyna", "Aleksandra", "Malgorzata", "Agnieszka"]
SURNAME_EXTRA = ["Khan", "Chaudhry", "Rahman", "Shah", "Mahmood", "Hussain", "Ahmed", "Begum",
                 "Patel", "Ali", "Nowak", "Kowalski", "Wisniewski", "Murphy", "Kelly", "O'Brien"]
COMMON_SURNAMES = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson",
                   "Thomas", "Johnson", "Roberts", "Walker", "Wright", "Robinson", "Thompson"]
STREET_ABBREV = {"Street": "St", "Road": "Rd", "Avenue": "Ave", "Lane": "Ln", "Close": "Cl",
                 "Drive": "Dr", "Crescent": "Cres", "Court": "Ct", "Place": "Pl",
                 "Gardens": "Gdns", "Terrace": "Terr", "Square": "Sq", "Grove": "Gr"}
PLACEHOLDER_DOB = "1900-01-01"


@dataclass
class Address:
    number: int
    flat: int | None
    street: str
    town: str
    postcode: str
    lat: float
    lon: float


@dataclass
class Person:
    pid: int
    forename: str
    middle: str
    surname: str
    dob: date
    gender: str
    mobiles: list = field(default_factory=list)   # [(from datetime, number)]
    email: str = ""
    maiden: str = ""                                # earlier surname, if any
    pnc: str = ""
    addresses: list = field(default_factory=list)   # [(from datetime, Address)]
    landline: str = ""
    records: dict = field(default_factory=dict)     # system -> [record dict]

    def at(self, history: list, when: datetime):
        value = history[0][1]
        for since, item in history:
            if since <= when:
                value = item
        return value


@dataclass
class Event:
    eid: int
    when: datetime
    address: Address
    category: str
    victim: Person
    suspect: Person
    children: list
    witness: Person | None
    relationship: str


class Generator:
    """Simulates people and incidents, then each system's records of them."""

    START = datetime(2019, 1, 1)
    END = datetime(2025, 12, 31)

    def __init__(self, n_people: int, seed: int = 7, knobs: Knobs | None = None):
        self.n_people = n_people
        self.k = knobs or Knobs()
        self.rng = random.Random(seed)
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.male = sorted({fake.first_name_male() for _ in range(2500)}) + MALE_EXTRA * 3
        self.female = sorted({fake.first_name_female() for _ in range(2500)}) + FEMALE_EXTRA * 3
        self.male_common = [n.title() for n in NICKNAMES if n not in _FEMALE_NICK]
        self.male_common += ["Mohammed"] * 3
        self.female_common = [n.title() for n in sorted(_FEMALE_NICK)]
        self.surnames = sorted({fake.last_name() for _ in range(5000)}) + SURNAME_EXTRA * 4
        self.streets = sorted({fake.street_name() for _ in range(4000)})
        self.towns = sorted({fake.city() for _ in range(400)})
        self.people: list[Person] = []
        self.events: list[Event] = []
        self.used_phones: set[str] = set()
        self.seq = dict.fromkeys(SYSTEMS, 0)
        self.inc_seq = dict.fromkeys(SYSTEMS, 0)
        self.people_rows: dict[str, list[dict]] = {s: [] for s in SYSTEMS}
        self.incident_rows: dict[str, list[dict]] = {s: [] for s in SYSTEMS}
        self.involvement_rows: dict[str, list[dict]] = {s: [] for s in SYSTEMS}
        self.incident_truth: list[tuple[str, str, int]] = []

    # ------------------------------------------------------------- world: values
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _time(self, lo: datetime | None = None, hi: datetime | None = None) -> datetime:
        lo, hi = lo or self.START, hi or self.END
        return lo + timedelta(seconds=self.rng.randint(0, max(1, int((hi - lo).total_seconds()))))

    def _phone(self, landline: bool = False) -> str:
        while True:
            if landline:
                number = f"0{self.rng.choice(['121', '161', '113', '114', '117', '191', '1926'])}" \
                         f"{self.rng.randint(100000, 9999999):07d}"[:11]
            else:
                number = f"07{self.rng.randint(100000000, 999999999)}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def _postcode(self) -> str:
        rng = self.rng
        area = rng.choice(["CV", "B", "WR", "GL", "OX", "NN", "LE"])
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        inward = f"{rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        return f"{area}{rng.randint(1, 37)} {inward}"

    def _address(self) -> Address:
        rng = self.rng
        return Address(rng.randint(1, 220), rng.randint(1, 24) if self.chance(0.2) else None,
                       rng.choice(self.streets), rng.choice(self.towns), self._postcode(),
                       round(52.0 + rng.random(), 5), round(-2.0 + rng.random(), 5))

    def _forename(self, gender: str) -> str:
        if self.chance(0.45):
            return self.rng.choice(self.male_common if gender == "M" else self.female_common)
        return self.rng.choice(self.male if gender == "M" else self.female)

    def _surname(self) -> str:
        if self.chance(0.25):
            return self.rng.choice(COMMON_SURNAMES)
        name = self.rng.choice(self.surnames)
        if self.chance(self.k.p_double_barrelled):
            name = f"{name}-{self.rng.choice(self.surnames)}"
        return name

    def _dob(self, lo: int = 1955, hi: int = 2005) -> date:
        return date(lo, 1, 1) + timedelta(days=self.rng.randint(0, (hi - lo) * 365))

    def _pnc(self) -> str:
        return f"{self.rng.randint(0, 99):02d}/{self.rng.randint(1, 999999):06d}" \
               f"{self.rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}"

    def _person(self, address: Address, since: datetime, *, gender: str | None = None,
                forename: str | None = None, surname: str | None = None,
                dob: date | None = None, landline: str = "") -> Person:
        gender = gender or self.rng.choice("MF")
        person = Person(
            pid=len(self.people), forename=forename or self._forename(gender),
            middle=self._forename(gender) if self.chance(0.5) else "",
            surname=surname or self._surname(), dob=dob or self._dob(), gender=gender,
            landline=landline)
        person.addresses.append((self.START - timedelta(days=3650), address))
        person.mobiles.append((self.START - timedelta(days=3650), self._phone()))
        if self.chance(self.k.p_phone_change):
            person.mobiles.append((self._time(), self._phone()))
        if self.chance(0.3):
            person.email = f"{person.forename.lower()}{self.rng.randint(1, 99)}@example.org"
        if gender == "F" and self.chance(self.k.p_married_name):
            person.maiden = self._surname()
        self.people.append(person)
        return person

    def _move(self, person: Person, when: datetime, address: Address | None = None) -> Address:
        address = address or self._address()
        person.addresses.append((when, address))
        person.landline = ""
        return address

    # ------------------------------------------------------------ world: story
    def _household(self) -> None:
        rng, k = self.rng, self.k
        address = self._address()
        landline = self._phone(landline=True) if self.chance(k.p_landline) else ""
        start = self._time(self.START, self.END - timedelta(days=400))
        if self.chance(k.p_single_household):
            self._person(address, start, landline=landline)  # a witness / caller later
            return
        kind = rng.random()
        second = None  # a second suspect of the same victim (the father of one name)
        suspect_gender = "M" if self.chance(0.85) else "F"
        victim_gender = "F" if suspect_gender == "M" or self.chance(0.1) else "M"
        suspect = self._person(address, start, gender=suspect_gender, landline=landline,
                               dob=self._dob(1960, 2003))
        same_surname = self.chance(0.45)
        victim = self._person(address, start, gender=victim_gender, landline=landline,
                              surname=suspect.surname if same_surname else None,
                              dob=self._dob(1960, 2004))
        if same_surname and victim.gender == "F" and not victim.maiden:
            victim.maiden = self._surname() if self.chance(0.5) else ""
        if self.chance(k.p_pnc):
            suspect.pnc = self._pnc()
        relatives: list[Person] = []
        relationship = "partner"
        if kind < k.p_father_son_same_name and suspect.gender == "M":
            # father and adult son of one name at one address: the son is the suspect
            father = suspect
            father.dob = self._dob(1950, 1972)
            son = self._person(address, start, gender="M", forename=father.forename,
                               surname=father.surname, landline=landline,
                               dob=date(min(father.dob.year + rng.randint(19, 30), 2004),
                                        rng.randint(1, 12), rng.randint(1, 28)))
            son.pnc = self._pnc() if self.chance(k.p_pnc) else ""
            if victim.gender != "F":
                victim.gender, victim.forename = "F", self._forename("F")
            victim.surname = father.surname
            suspect, relationship = son, "family"
            relatives.append(father)
            if self.chance(k.p_father_also_abuses):
                second = father
        elif kind < k.p_father_son_same_name + k.p_mother_daughter_same_name:
            victim.gender = "F"
            victim.dob = self._dob(1950, 1972)
            daughter = self._person(address, start, gender="F", forename=victim.forename,
                                    surname=victim.surname, landline=landline,
                                    dob=date(min(victim.dob.year + rng.randint(19, 30), 2004),
                                             rng.randint(1, 12), rng.randint(1, 28)))
            relatives.append(daughter)
        elif kind < k.p_father_son_same_name + k.p_mother_daughter_same_name + k.p_twins:
            gender = rng.choice("MF")
            first = self._person(address, start, gender=gender, surname=victim.surname,
                                 landline=landline, dob=self._dob(1980, 2004))
            other = self._forename(gender)
            while other[:2].lower() == first.forename[:2].lower():
                other = self._forename(gender)
            twin = self._person(address, start, gender=gender, forename=other,
                                surname=victim.surname, dob=first.dob, landline=landline)
            twin.middle = "" if twin.middle == first.forename else twin.middle
            relatives += [first, twin]
        children = []
        if self.chance(k.p_children):
            for _ in range(rng.choice([1, 1, 2, 3])):
                birth = self._dob(max(victim.dob.year + 17, 2006), 2024)
                children.append(self._person(address, start, surname=rng.choice(
                    [victim.surname, suspect.surname]), dob=birth, landline=landline))
        self._relationship(victim, suspect, address, start, children + relatives, relationship)
        if second is not None:
            # depth 2: the father neither moves on to a new partner nor is the last abuser
            self._relationship(victim, second, address,
                               start + timedelta(days=rng.randint(0, 200)), children,
                               "partner", depth=2)

    def _relationship(self, victim: Person, suspect: Person, address: Address, start: datetime,
                      children: list[Person], relationship: str, depth: int = 0) -> None:
        rng, k = self.rng, self.k
        n = rng.choice(k.incidents_per_relationship)
        when = start
        ends = None
        for i in range(n):
            when = when + timedelta(days=rng.randint(1, 240), minutes=rng.randint(0, 1439))
            if when > self.END:
                break
            place = victim.at(victim.addresses, when)
            rel = relationship if ends is None else "ex_partner" if relationship == "partner" \
                else relationship
            witness = None
            if self.chance(0.2) and self.people:
                witness = rng.choice(self.people)
                if witness in (victim, suspect):
                    witness = None
            self._event(when, place, victim, suspect,
                        [c for c in children if c.dob.year >= 2006], witness, rel)
            if i == 0 and n > 1 and self.chance(k.p_victim_moves):
                ends = when + timedelta(days=rng.randint(5, 60))
                self._move(victim, ends)
        if depth < 2 and self.chance(k.p_serial) and when < self.END - timedelta(days=120):
            # the suspect moves in with a new partner, elsewhere
            new_home = self._address()
            moved = when + timedelta(days=rng.randint(30, 200))
            self._move(suspect, moved, new_home)
            partner = self._person(new_home, moved, gender="F" if suspect.gender == "M" else "M",
                                   dob=self._dob(1962, 2004))
            self._relationship(partner, suspect, new_home, moved, [], "partner", depth + 1)
        if depth < 2 and self.chance(k.p_victim_new_abuser) and when < self.END - timedelta(
                days=120):
            # the victim's new partner abuses her too: two suspects of one victim, other names
            moved = when + timedelta(days=rng.randint(30, 300))
            home = victim.at(victim.addresses, moved)
            partner = self._person(home, moved, gender="M" if victim.gender == "F" else "F",
                                   dob=self._dob(1960, 2004))
            self._relationship(victim, partner, home, moved, [], "partner", depth + 1)

    def _event(self, when, place, victim, suspect, children, witness, relationship) -> None:
        category = self.rng.choices(["domestic", "stalking", "harassment", "honour_based"],
                                    weights=[85, 6, 8, 1])[0]
        event = Event(len(self.events), when, place, category, victim, suspect, children,
                      witness, relationship)
        self.events.append(event)

    # ------------------------------------------------------------- recording
    def _typo(self, text: str) -> str:
        if len(text) < 4:
            return text
        rng = self.rng
        i = rng.randint(1, len(text) - 2)
        op = rng.random()
        if op < 0.3:
            return text[:i] + text[i + 1:]
        if op < 0.6:
            return text[:i] + rng.choice("aeioulnrst") + text[i + 1:]
        if op < 0.85:
            return text[:i] + text[i + 1] + text[i] + text[i + 2:]
        return text[:i] + text[i] + text[i:]

    def _given(self, name: str) -> str:
        rng, k = self.rng, self.k
        low = name.lower()
        if low in NICKNAMES and self.chance(k.p_nickname):
            return rng.choice(NICKNAMES[low])
        if low in _TRANSLIT_INDEX and self.chance(k.p_translit):
            return rng.choice(_TRANSLIT_INDEX[low])
        if self.chance(k.p_typo_forename):
            return self._typo(name)
        return name

    def _family(self, person: Person, when: datetime, system: str) -> tuple[str, str]:
        """(surname, aliases) as recorded: maiden/married, double-barrel parts, typos."""
        rng, k = self.rng, self.k
        surname = person.surname
        aliases = ""
        if person.maiden:
            if self.chance(0.35):
                surname = person.maiden
            if system in ("pvp", "intel") and self.chance(0.4):
                other = person.surname if surname == person.maiden else person.maiden
                aliases = f"{person.forename} {other}"
        if "-" in surname and self.chance(0.5):
            parts = surname.split("-")
            surname = rng.choice([" ".join(parts), parts[0], parts[-1], "".join(parts)])
        elif surname.lower() in _TRANSLIT_INDEX and self.chance(k.p_translit):
            surname = rng.choice(_TRANSLIT_INDEX[surname.lower()])
        if self.chance(k.p_typo_surname):
            surname = self._typo(surname)
        return surname, aliases

    def _dob_text(self, person: Person, system: str) -> str:
        rng, k = self.rng, self.k
        dob = person.dob
        r = rng.random()
        if self.chance(k.p_dob_blank[system]):
            return ""
        if r < k.p_dob_placeholder:
            return PLACEHOLDER_DOB
        r -= k.p_dob_placeholder
        if r < k.p_dob_jan1:
            return f"{dob.year:04d}-01-01"
        r -= k.p_dob_jan1
        if r < k.p_dob_swap and dob.day <= 12 and dob.day != dob.month:
            return f"{dob.year:04d}-{dob.day:02d}-{dob.month:02d}"
        r -= k.p_dob_swap
        text = dob.isoformat()
        if r < k.p_dob_digit:
            for _ in range(10):
                pos = rng.choice([2, 3, 6, 8, 9])
                digit = str((int(text[pos]) + rng.choice([1, -1])) % 10)
                cand = text[:pos] + digit + text[pos + 1:]
                try:
                    if date.fromisoformat(cand) < date(2025, 1, 1):
                        return cand
                except ValueError:
                    continue
        return text

    def _phone_text(self, person: Person, when: datetime, system: str) -> str:
        rng, k = self.rng, self.k
        if self.chance(k.p_phone_blank[system]):
            return ""
        number = person.at(person.mobiles, when)
        if person.landline and self.chance(k.p_phone_household):
            number = person.landline
        elif self.chance(k.p_phone_borrowed) and self.people:
            lender = rng.choice(self.people)
            number = lender.at(lender.mobiles, when)
        style = rng.randrange(5)
        if style == 0:
            return f"{number[:5]} {number[5:]}"
        if style == 1:
            return "+44" + number[1:]
        if style == 2:
            return f"({number[:5]}) {number[5:8]} {number[8:]}"
        if style == 3:
            return "+44 (0)" + number[1:5] + " " + number[5:]
        return number

    def _street_text(self, address: Address) -> str:
        rng = self.rng
        street = address.street
        last = street.split()[-1]
        if last in STREET_ABBREV and self.chance(0.4):
            street = street[: -len(last)] + STREET_ABBREV[last] + ("." if self.chance(0.2) else "")
        number = str(address.number)
        if address.flat:
            number = rng.choice([f"Flat {address.flat}, {number}", f"{address.flat}/{number}",
                                 f"Flat {address.flat} {number}", number])
        line = f"{number} {street}" if self.chance(0.85) else f"{number}, {street}"
        if self.chance(0.08):
            line = line.upper()
        elif self.chance(0.05):
            line = line.lower()
        return line

    def _postcode_text(self, postcode: str) -> str:
        r = self.rng.random()
        if r < 0.2:
            return postcode.lower()
        if r < 0.35:
            return postcode.replace(" ", "")
        return postcode

    def _new_record(self, person: Person, system: str, when: datetime, role: str) -> dict:
        rng, k = self.rng, self.k
        self.seq[system] += 1
        source_id = {"command_and_control": f"P{self.seq[system]:07d}",
                     "crime": f"N{rng.randint(10, 99)}{self.seq[system]:06d}",
                     "pvp": f"{self.seq[system] + 300000}",
                     "intel": f"NOM-{self.seq[system]:06d}"}[system]
        forename = self._given(person.forename)
        surname, aliases = self._family(person, when, system)
        thin = system == "command_and_control"
        if thin and self.chance(k.p_forename_blank_cc):
            forename = ""
        elif self.chance(k.p_initial):
            forename = forename[:1]
        if self.chance(k.p_name_swap):
            forename, surname = surname, forename
        if self.chance(k.p_upper):
            forename, surname = forename.upper(), surname.upper()
        middle = person.middle if person.middle and not thin and self.chance(k.p_middle) else ""
        address = person.at(person.addresses, when)
        record = {
            "source_id": source_id, "forename": forename, "middle_names": middle,
            "surname": surname, "date_of_birth": self._dob_text(person, system),
            "gender": "" if self.chance(k.p_gender_blank) or (thin and self.chance(0.3))
            else person.gender,
            "phone": self._phone_text(person, when, system),
            "email": person.email if person.email and not thin and self.chance(k.p_email)
            else "",
            "aliases": aliases,
            "pnc_id": person.pnc if person.pnc and self.chance(k.p_pnc_recorded[system]) else "",
            "confidential_address": "",
            "_pid": person.pid,
        }
        self._set_address(record, address, system)
        if k.p_placeholder:  # only then: the default export's random draws stay as they were
            self._placeholders(record)
        if k.p_other_shapes:  # as above
            self._other_shapes(record, person, address, system)
        self.people_rows[system].append(record)
        return record

    def _placeholders(self, record: dict) -> None:
        """Blank values typed as what staff write when they do not know (this file's own
        list; some of them no matcher would know)."""
        p, choice = self.k.p_placeholder, self.rng.choice
        if not record["address_line"] and self.chance(p):
            record["address_line"] = choice(["No fixed abode", "NFA", "N.F.A.", "Not known",
                                             "NFA - sleeping rough", "No Fixed Abode"])
            record["postcode"] = choice(["NFA", "ZZ99 3VZ", "", "XX1 1XX"])
            record["town"] = choice(["", "Unknown", record["town"]])
        if not record["forename"] and self.chance(p * 4):
            record["forename"] = choice(["Unknown", "NK", "NOT KNOWN", "Unk"])
        if not record["phone"] and self.chance(p):
            record["phone"] = choice(["07000 000000", "00000000000", "01234 567890",
                                      "Refused", "07999999999"])
        if not record["email"] and self.chance(p / 2):
            record["email"] = choice(["none@none.com", "noemail@noemail.com", "na@na.com"])

    def _other_shapes(self, record: dict, person: Person, address: Address,
                      system: str) -> None:
        """Shapes other systems and their users write (some outside the contract)."""
        p, rng = self.k.p_other_shapes, self.rng
        text = record["date_of_birth"]
        if len(text) == 10 and text[4] == "-" and self.chance(p):
            year, month, day = text.split("-")
            if month == day == "01" and year != "1900":  # a year-only entry, written so
                record["date_of_birth"] = rng.choice([year, f"{year}-00-00", f"00/00/{year}"])
            else:
                record["date_of_birth"] = rng.choice([
                    f"{day}/{month}/{year}", f"{day}.{month}.{year}", f"{text} 00:00:00",
                    f"{text}T00:00:00.000"])
        if self.chance(p):
            others = [n for n in (person.landline, *(m for _, m in person.mobiles)) if n]
            if record["phone"] and others:
                other = rng.choice(others)
                record["phone"] = rng.choice([f"{record['phone']} / {other}",
                                              f"mob {record['phone']} home {other}",
                                              f"{record['phone']}, {other}",
                                              f"{record['phone']} {other}"])
        if record["address_line"] and self.chance(p):
            # the town (and postcode) typed into the line as well as their own columns
            record["address_line"] += rng.choice([
                f", {address.town}", f", {address.town.upper()}",
                f", {address.town}, {address.postcode}", f" {address.town}"])
        surname = record["surname"]
        if person.maiden and surname == person.surname and self.chance(p / 2):
            # the former surname typed into the surname field
            record["surname"] = rng.choice([f"{surname} (nee {person.maiden})",
                                            f"{surname.upper()} NEE {person.maiden.upper()}",
                                            f"{surname} (née {person.maiden})"])
        elif system == "command_and_control" and record["forename"] and self.chance(p / 3):
            # one name field, exported as the surname: "SMITH, Ann"
            record["surname"] = f"{surname}, {record['forename']}"
            record["forename"] = ""
        if record["email"] and self.chance(p / 2):
            record["email"] = rng.choice([f"mailto:{record['email']}",
                                          f"{record['email']}; {record['email'].upper()}"])

    def _set_address(self, record: dict, address: Address, system: str) -> None:
        k = self.k
        blank = self.chance(k.p_address_blank[system])
        record["address_line"] = "" if blank else self._street_text(address)
        record["town"] = "" if blank or self.chance(k.p_town_blank) else (
            address.town.upper() if self.chance(0.1) else address.town)
        record["postcode"] = "" if blank or self.chance(k.p_postcode_blank) else \
            self._postcode_text(address.postcode)

    def _record_for(self, person: Person, system: str, when: datetime, role: str) -> dict:
        known = person.records.setdefault(system, [])
        if known and not self.chance(self.k.p_duplicate):
            record = self.rng.choice(known)
            if self.chance(self.k.p_address_update):
                self._set_address(record, person.at(person.addresses, when), system)
            return record
        record = self._new_record(person, system, when, role)
        known.append(record)
        return record

    def _record_event(self, event: Event) -> None:
        rng, k = self.rng, self.k
        recorded = [s for s in SYSTEMS if self.chance(k.p_record[s])]
        if not recorded:
            recorded = ["command_and_control"]
        for system in recorded:
            self.inc_seq[system] += 1
            n = self.inc_seq[system]
            when = event.when
            if system == "command_and_control":
                source_id = f"CAD{when:%y%m%d}-{n:05d}"
            else:
                when = when + timedelta(minutes=rng.randint(-k.max_time_shift_minutes // 3,
                                                            k.max_time_shift_minutes))
                if system != "pvp":
                    when = when.replace(minute=0 if self.chance(0.5) else when.minute, second=0)
                source_id = {"crime": f"CRI/{n:06d}/{when:%y}", "pvp": f"PP{n + 70000}",
                             "intel": f"IR{n:07d}"}[system]
            category = event.category
            if system != "command_and_control" and self.chance(k.p_category_differs):
                category = rng.choice(["harassment", "stalking", "other", "domestic"])
            address = event.address
            self.incident_rows[system].append({
                "source_id": source_id, "occurred_at": when.strftime("%Y-%m-%dT%H:%M:%S"),
                "reported_via": "call" if system == "command_and_control" else
                rng.choice(["call", "officer", "station", "partner"]),
                "address_line": self._street_text(address),
                "town": "" if self.chance(0.2) else address.town,
                "postcode": "" if self.chance(k.p_incident_postcode_blank)
                else self._postcode_text(address.postcode),
                "latitude": f"{address.lat + rng.uniform(-2e-4, 2e-4):.5f}"
                if system == "command_and_control" else "",
                "longitude": f"{address.lon + rng.uniform(-2e-4, 2e-4):.5f}"
                if system == "command_and_control" else "",
                "category": category, "summary": "", "children_present":
                "1" if event.children else rng.choice(["0", ""]),
                "response_grade": rng.choice(["immediate", "priority", "scheduled"])
                if system == "command_and_control" else "",
            })
            if k.p_other_shapes and self.chance(k.p_other_shapes):  # default: no draw
                # the town (and postcode) typed into the incident's address line too
                self.incident_rows[system][-1]["address_line"] += rng.choice(
                    [f", {address.town}", f", {address.town}, {address.postcode}"])
            self.incident_truth.append((system, source_id, event.eid))
            involved = [(event.victim, "victim", ""), (event.suspect, "suspect",
                                                       event.relationship)]
            if system == "intel":
                involved = involved[1:]
            if system in ("pvp", "crime"):
                involved += [(c, "child", "") for c in event.children]
            if event.witness is not None and system in ("command_and_control", "crime") \
                    and self.chance(0.6):
                involved.append((event.witness, rng.choice(["witness", "caller"]), ""))
            seen = set()
            for person, role, rel in involved:
                if rel:
                    rel = self._recorded_relationship(rel)
                record = self._record_for(person, system, event.when, role)
                key = (record["source_id"], role)
                if key in seen:
                    continue
                seen.add(key)
                self.involvement_rows[system].append({
                    "incident_source_id": source_id, "person_source_id": record["source_id"],
                    "role": role, "relationship": rel})

    def _recorded_relationship(self, relationship: str) -> str:
        """The suspect's relationship as one system's staff recorded it."""
        rng, k = self.rng, self.k
        draw = rng.random()
        if draw < k.p_relationship_vague:
            return rng.choice(["other", ""])
        if draw < k.p_relationship_vague + k.p_relationship_wrong:
            return "family" if relationship != "family" else rng.choice(["partner",
                                                                         "ex_partner"])
        return relationship

    def generate(self) -> Generator:
        while len(self.people) < self.n_people:
            self._household()
        self.events.sort(key=lambda e: e.when)
        for event in self.events:
            self._record_event(event)
        return self

    # ------------------------------------------------------------------- output
    def records(self) -> list[dict]:
        """Every person record with `system`, `uid` and the true `person_id`."""
        out = []
        for system in SYSTEMS:
            for row in self.people_rows[system]:
                out.append({**{c: row[c] for c in PEOPLE_COLUMNS}, "system": system,
                            "uid": f"{system}:{row['source_id']}", "person_id": row["_pid"]})
        return out

    def roles(self) -> list[tuple[int, str, int, str]]:
        return [(p.pid, role, e.eid, e.when.isoformat()) for e in self.events
                for p, role in ((e.victim, "victim"), (e.suspect, "suspect"))]

    def write(self, out: Path) -> dict:
        out.mkdir(parents=True, exist_ok=True)
        for system in SYSTEMS:
            folder = out / system
            folder.mkdir(exist_ok=True)
            _write_csv(folder / "people.csv", PEOPLE_COLUMNS, self.people_rows[system])
            _write_csv(folder / "incidents.csv", INCIDENT_COLUMNS, self.incident_rows[system])
            _write_csv(folder / "involvements.csv", INVOLVEMENT_COLUMNS,
                       self.involvement_rows[system])
        records = self.records()
        _write_csv(out / "truth.csv", ("system", "source_id", "person_id"), records)
        with (out / "truth_incidents.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["system", "source_id", "event_id"])
            writer.writerows(self.incident_truth)
        with (out / "truth_roles.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["person_id", "role", "event_id", "occurred_at"])
            writer.writerows(self.roles())
        persons = len({r["person_id"] for r in records})
        return {"people": persons, "records": len(records), "events": len(self.events),
                "incident_rows": sum(len(v) for v in self.incident_rows.values())}


_FEMALE_NICK = {
    "elizabeth", "katherine", "catherine", "margaret", "rebecca", "jennifer", "susan", "deborah",
    "victoria", "samantha", "jessica", "abigail", "alexandra", "charlotte", "kimberley",
    "natalie", "nicola", "patricia", "theresa", "amanda", "christine", "gillian", "jacqueline",
    "josephine", "joanne", "louise", "stephanie", "zoe", "eleanor", "georgina", "katarzyna",
    "aleksandra", "malgorzata", "agnieszka"}


def _write_csv(path: Path, columns, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def generate_records(n_records: int | None = None, n_people: int | None = None,
                     seed: int = 7) -> list[dict]:
    """Person records with truth (`person_id`), in memory (no incidents); give a target
    record count or a people count. The people in the world who never appear in any
    system (no incident recorded) have no records, as in a real export."""
    if n_people is None:
        n_people = max(2, int((n_records or 1000) / 1.1))
    records = Generator(n_people, seed).generate().records()
    random.Random(seed).shuffle(records)
    return records


def knob_table() -> str:
    """Markdown table of the knobs and their defaults (for docs/benchmarks.md)."""
    rows = ["| knob | default |", "|---|---|"]
    for f in fields(Knobs):
        value = getattr(Knobs(), f.name)
        rows.append(f"| `{f.name}` | {value} |")
    return "\n".join(rows)


def knobs_from(changes: list[str] | None) -> Knobs:
    """`Knobs` with "name=value" changes, the value in JSON: `p_twins=0.06`, or for a knob
    per system `p_record={"crime": 0.35}` (the systems not named keep their default)."""
    knobs = Knobs()
    names = {f.name for f in fields(Knobs)}
    for change in changes or []:
        name, _, raw = change.partition("=")
        if name not in names:
            raise SystemExit(f"--knob {change!r}: no knob {name!r} (the knobs: "
                             f"{', '.join(sorted(names))})")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            raise SystemExit(f"--knob {change!r}: the value is not JSON ({error})") from None
        current = getattr(knobs, name)
        if isinstance(current, dict):
            value = {**current, **value}
        elif isinstance(current, tuple):
            value = tuple(value)
        setattr(knobs, name, value)
    return knobs


def add_knob_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--knob", action="append", metavar="NAME=JSON",
                        help="change one of the generator's knobs (repeatable), e.g. "
                             "--knob p_twins=0.06 --knob 'p_record={\"crime\": 0.35}'")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    add_knob_argument(parser)
    args = parser.parse_args()
    stats = Generator(args.people, args.seed, knobs_from(args.knob)).generate().write(args.out)
    print(f"wrote {stats['records']} records of {stats['people']} people "
          f"({args.people} simulated), {stats['events']} real incidents as "
          f"{stats['incident_rows']} incident rows, to {args.out}")


if __name__ == "__main__":
    main()

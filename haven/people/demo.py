"""Demo persons: synthetic (Faker en_GB), some at a confidential (refuge) address.

Some persons are also known to the control-room log (a nickname, another phone format)
and linked; a few crime records with a day/month swap wait in the linkage review queue.

One perpetrator is recorded by both demo forces and by Staffordshire, a force outside their
alliance that has records in the national index but no users here: a national run's
cross-force proposals wait for both forces' review (issue 19), one shared through the
alliance, one not shared.
"""

import datetime as dt
import random

from faker import Faker

from haven.chronology.services import record_entry
from haven.forces.services import do_add_force
from haven.people.keys import profile
from haven.people.models import Address, Person, SourceRecord, WarningMarker
from haven.people.national import do_queue_cross_force
from haven.people.scoring import compare
from haven.people.services import RAW_FIELDS, do_add_source_record

#: a force outside the demo alliance: records in the national index, no users of its own
OUTSIDE_FORCE = ("STAFFS", "Staffordshire Police")

NICKNAMES = {"William": "Bill", "Robert": "Bob", "Elizabeth": "Liz", "Katherine": "Kate",
             "James": "Jim", "Margaret": "Maggie", "Michael": "Mike", "Thomas": "Tom",
             "Samantha": "Sam", "Rebecca": "Becky", "Daniel": "Dan", "Jennifer": "Jen"}


def seed(context):
    if Person.objects.exists():
        for force in context.forces:
            context.people[force.code] = list(Person.objects.filter(force=force)[:500])
        return
    fake, rng = context.fake, context.rng
    for force in context.forces:
        persons = []
        for n in range(context.people_per_force):
            gender = rng.choice("FFM")
            forename = fake.first_name_female() if gender == "F" else fake.first_name_male()
            person = Person.objects.create(
                force=force, forename=forename, surname=fake.last_name(),
                date_of_birth=fake.date_of_birth(minimum_age=17, maximum_age=75), gender=gender,
            )
            record = SourceRecord.objects.create(
                force=force, system="pvp", source_id=f"{force.code}-P{n:05d}", person=person,
                forename=person.forename, surname=person.surname,
                date_of_birth=person.date_of_birth, gender=gender,
                phone=fake.phone_number(), address_line=fake.street_address(),
                town=fake.city(), postcode=fake.postcode(),
            )
            Address.objects.create(person=person, source_record=record,
                                   line=record.address_line, town=record.town,
                                   postcode=record.postcode)
            if n % 10 == 0:
                # A refuge address: seen only by roles with need, never disclosed.
                Address.objects.create(person=person, line=fake.street_address(),
                                       town=fake.city(), postcode=fake.postcode(),
                                       confidential=True)
            record_entry(
                person, occurred_at=context.now - dt.timedelta(days=rng.randint(30, 900)),
                kind="record_created", source_room="people", source_type="source_record",
                source_id=record.pk, summary="Known to the public protection database",
            )
            persons.append(person)
        context.people[force.code] = persons
        _duplicates(context, force, persons)
    _cross_force(context)


def _duplicates(context, force, persons):
    """The same people as other systems hold them: linked at once, or queued for review."""
    admin = context.users.get((force.code, "system_admin"))
    for n, person in enumerate(persons):
        record = person.source_records.first()
        if n % 5 == 1:
            do_add_source_record(force, {
                "forename": NICKNAMES.get(person.forename, person.forename),
                "surname": person.surname, "date_of_birth": person.date_of_birth,
                "gender": person.gender, "phone": record.phone.replace(" ", ""),
                "postcode": record.postcode.lower(), "address_line": record.address_line,
                "town": record.town,
            }, system="command_and_control", source_id=f"{force.code}-CC{n:05d}", actor=admin)
        dob = person.date_of_birth
        if n % 12 == 3 and dob and dob.day <= 12 and dob.day != dob.month:
            do_add_source_record(force, {
                "forename": person.forename, "surname": person.surname,
                "date_of_birth": dob.replace(month=dob.day, day=dob.month),
                "gender": person.gender,
            }, system="crime", source_id=f"{force.code}-CR{n:05d}", actor=admin)
        if n % 15 == 4:
            WarningMarker.objects.create(person=person, kind=context.rng.choice(
                ["weapons", "violence", "self_harm"]), recorded_at=context.now)


def _cross_force(context):
    """A perpetrator recorded by Staffordshire, Warwickshire and West Mercia (a typo in his
    forename there, another town each time), proposed across forces as a national run
    would: for both forces' review, never merged.

    Staffordshire's record is made first, so the Warwickshire–Staffordshire proposal has
    Warwickshire as its second force (`force_b`) and the alliance one has West Mercia there:
    the permission matrix probes the former, where West Mercia is a force not party to it."""
    # Its own random source: the other rooms' demo records stay as they were without it.
    fake, rng = Faker("en_GB"), random.Random(19)
    fake.seed_instance(19)
    by_code = {f.code: f for f in context.forces}
    if not {"WARKS", "WMERC"} <= set(by_code):
        return
    staffs = do_add_force(*OUTSIDE_FORCE).obj
    forename, surname = fake.first_name_male(), fake.last_name()
    him = {"forename": forename, "surname": surname, "gender": "M",
           "date_of_birth": fake.date_of_birth(minimum_age=25, maximum_age=55),
           "pnc_id": f"{rng.randint(80, 99)}/{rng.randint(100000, 999999)}{rng.choice('ABCD')}"}
    records = {}
    for code, force, changes in (
            ("STAFFS", staffs, {}),
            ("WARKS", by_code["WARKS"], {}),
            # West Mercia's control room typed his name with a letter missing.
            ("WMERC", by_code["WMERC"], {"forename": forename[:2] + forename[3:]})):
        admin = context.users.get((code, "system_admin"))
        records[code] = do_add_source_record(force, {
            **him, **changes, "address_line": fake.street_address(), "town": fake.city(),
            "postcode": fake.postcode()}, system="crime", source_id=f"{code}-NX0001",
            actor=admin)

    def scored(a, b):
        first, second = sorted((a, b), key=lambda r: r.pk)
        probability = compare(*(profile({n: getattr(r, n) for n in RAW_FIELDS})
                                for r in (first, second)))[0]
        return (first.pk, second.pk, probability)

    do_queue_cross_force([scored(records["STAFFS"], records["WARKS"]),
                          scored(records["WARKS"], records["WMERC"])], engine="demo")

"""Demo persons: synthetic (Faker en_GB), some at a confidential (refuge) address.

Some persons are also known to the control-room log (a nickname, another phone format)
and linked; a few crime records with a day/month swap wait in the linkage review queue.
"""

import datetime as dt

from haven.chronology.services import record_entry
from haven.people.models import Address, Person, SourceRecord, WarningMarker
from haven.people.services import do_add_source_record

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

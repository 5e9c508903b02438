"""Demo persons: synthetic (Faker en_GB), some at a confidential (refuge) address."""

import datetime as dt

from haven.chronology.services import record_entry
from haven.people.models import Address, Person, SourceRecord


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

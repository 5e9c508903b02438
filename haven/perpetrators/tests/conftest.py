"""Perpetrator fixtures: people at their own addresses, DA incidents with relationships,
crimes with offences, and a ranked force."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

_refs = itertools.count(1)
_houses = itertools.count(1)


@pytest.fixture
def someone(make_person):
    """someone(forename, surname, postcode=None, force_code="WARKS") -> a person at their own
    address (make_person puts everyone at one address: one household)."""
    def make(forename, surname, postcode=None, force_code="WARKS", **fields):
        fields.setdefault("date_of_birth", dt.date(1985, 3, 1))
        person = make_person(force_code, forename=forename, surname=surname, **fields)
        n = next(_houses)
        person.addresses.update(line=f"{n} Own Road", postcode=postcode or f"CV{n % 9 + 1} {n}AB")
        return person

    return make


@pytest.fixture
def incident(forces):
    """incident(victim, suspect, days_ago=…, relationship="partner", others=[(p, role, rel)])"""
    from haven.intake.models import Incident, Involvement

    def make(victim, suspect, *, days_ago=10, relationship="partner", others=(),
             force_code="WARKS", category="domestic"):
        when = timezone.now() - dt.timedelta(days=days_ago)
        inc = Incident.objects.create(force=forces[force_code], reference=f"PP{next(_refs):05d}",
                                      reported_via="call", category=category,
                                      domestic_abuse=category == "domestic",
                                      opened_at=when, occurred_at=when, state="closed")
        Involvement.objects.create(incident=inc, person=victim, role="victim",
                                   relationship=relationship)
        Involvement.objects.create(incident=inc, person=suspect, role="suspect",
                                   relationship=relationship)
        for person, role, rel in others:
            Involvement.objects.create(incident=inc, person=person, role=role, relationship=rel)
        return inc

    return make


@pytest.fixture
def crime(forces):
    from haven.investigation.models import Crime, CrimeOffence

    def make(inc, victim, suspect, offences, force_code="WARKS"):
        c = Crime.objects.create(force=forces[force_code], reference=f"CR{next(_refs):05d}",
                                 incident=inc, victim=victim, suspect=suspect,
                                 recorded_at=inc.opened_at)
        for n, o in enumerate(offences):
            CrimeOffence.objects.create(crime=c, offence=o, principal=n == 0, position=n)
        return c

    return make


@pytest.fixture
def world(someone, incident, crime, forces):
    """Dean: two former partners at different addresses (serial), one with a crime.
    Mark: a mother and her daughter (one household): not serial.
    Ann and Bob: Bob is suspect twice against Ann, Ann once against Bob."""
    dean = someone("Dean", "Cole")
    ex1, ex2 = someone("Erin", "Hale"), someone("Fay", "Gill")
    i1 = incident(ex1, dean, days_ago=400, relationship="ex_partner")
    crime(i1, ex1, dean, ["assault_with_injury", "threats_to_kill"])
    incident(ex2, dean, days_ago=5, relationship="partner")
    mark = someone("Mark", "Tate")
    mother = someone("Mona", "Reed", postcode="CV8 1ZZ")
    daughter = someone("Dana", "Reed", postcode="CV8 1ZZ")
    daughter.addresses.update(line=mother.addresses.first().line)
    incident(mother, mark, days_ago=60)
    incident(daughter, mark, days_ago=30, relationship="family")
    ann, bob = someone("Ann", "Vale"), someone("Bob", "Vale")
    incident(ann, bob, days_ago=90)
    incident(ann, bob, days_ago=70)
    incident(bob, ann, days_ago=69)
    return {"dean": dean, "ex1": ex1, "ex2": ex2, "mark": mark, "mother": mother,
            "daughter": daughter, "ann": ann, "bob": bob, "force": forces["WARKS"]}


@pytest.fixture
def ranked(world):
    from haven.perpetrators.services import do_refresh_ranking

    run = do_refresh_ranking(world["force"], actor=None)
    return {**world, "run": run}

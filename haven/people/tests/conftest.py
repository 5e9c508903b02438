import datetime as dt

import pytest


@pytest.fixture
def add_record(forces, persona):
    """add_record(system, source_id, force_code="WARKS", **fields) via do_add_source_record."""
    from haven.people.services import do_add_source_record

    def add(system, source_id, force_code="WARKS", **fields):
        return do_add_source_record(forces[force_code], fields, system=system,
                                    source_id=source_id, actor=persona("system_admin"))

    return add


@pytest.fixture
def victim_history(forces):
    """victim_history(person, *dates, role="victim") -> DA incidents with this person involved."""
    from haven.intake.models import Incident, Involvement

    counter = {"n": 0}

    def make(person, *dates, role="victim", domestic_abuse=True, state="closed",
             postcode="CV34 4AA", address_line="1 Test Street"):
        incidents = []
        for when in dates:
            counter["n"] += 1
            incident = Incident.objects.create(
                force=person.force, reference=f"T-{person.pk}-{counter['n']}",
                reported_via="call", category="domestic", domestic_abuse=domestic_abuse,
                occurred_at=when, opened_at=when, state=state, postcode=postcode,
                address_line=address_line)
            Involvement.objects.create(incident=incident, person=person, role=role)
            incidents.append(incident)
        return incidents

    return make


def days_ago(n):
    from django.utils import timezone

    return timezone.now() - dt.timedelta(days=n)

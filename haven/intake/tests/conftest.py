"""Intake fixtures: a saved incident log with a victim and a suspect."""

import itertools

import pytest
from django.utils import timezone

_refs = itertools.count(1)


@pytest.fixture
def make_incident(forces, make_person):
    """make_incident(force_code="WARKS", state="opened", victim=None, suspect=None, **fields)."""
    from haven.intake.models import Incident, IncidentProgress, Involvement

    def make(force_code="WARKS", state="opened", victim=None, suspect=None, progress=None,
             **fields):
        fields.setdefault("reported_via", "call")
        fields.setdefault("category", "domestic")
        fields.setdefault("opened_at", timezone.now())
        fields.setdefault("reference", f"T{next(_refs):05d}")
        incident = Incident.objects.create(force=forces[force_code], state=state, **fields)
        IncidentProgress.objects.create(incident=incident, **(progress or {}))
        victim = victim or make_person(force_code, forename="Vic", surname="Tim")
        suspect = suspect or make_person(force_code, forename="Sus", surname="Pect")
        Involvement.objects.create(incident=incident, person=victim, role="victim",
                                   relationship="partner")
        Involvement.objects.create(incident=incident, person=suspect, role="suspect",
                                   relationship="partner")
        return incident

    return make


@pytest.fixture
def findable_person(forces, persona, make_person):
    """findable_person(surname=..., **fields) -> a Person the call-time lookup can find.

    Goes through the people room's `do_add_source_record` when it exists, else `make_person`.
    """
    counter = itertools.count(1)

    def make(force_code="WARKS", **fields):
        try:
            from haven.people.services import do_add_source_record
        except ImportError:
            return make_person(force_code, **fields)
        fields.setdefault("forename", "Alex")
        fields.setdefault("postcode", "CV34 4AA")
        fields.setdefault("address_line", "1 Test Street")
        record = do_add_source_record(forces[force_code], fields, system="niche",
                                      source_id=f"intake-{next(counter)}",
                                      actor=persona("system_admin"))
        return record.person

    return make

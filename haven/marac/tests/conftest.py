"""MARAC fixtures: an area, a referral made by the coordinator, a meeting with its list."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from haven.risk.tests.conftest import complete_dash, make_da_incident  # noqa: F401 (fixtures)

_refs = itertools.count(1)


@pytest.fixture
def area(forces):
    from haven.marac.models import Area

    def make(force_code="WARKS", name="Warwick", **fields):
        found, _made = Area.objects.update_or_create(force=forces[force_code], name=name,
                                                     defaults=fields)
        return found

    return make


@pytest.fixture
def refer(persona, make_person, area):
    """refer(victim=None, perpetrator=None, area=None, **fields) -> a referral the coordinator
    made on professional judgement (consent given)."""
    from haven.marac.services import do_make_referral

    def make(victim=None, perpetrator=None, where=None, force_code="WARKS", actor=None,
             **fields):
        victim = victim or make_person(force_code, forename="Vera", surname="Stone",
                                       date_of_birth=dt.date(1990, 5, 1))
        where = where or area(force_code)
        fields.setdefault("criterion", "professional_judgement")
        fields.setdefault("rationale", "Escalating threats after separation")
        fields.setdefault("consent", "given")
        return do_make_referral(area=where, victim_id=victim.pk,
                                perpetrator_id=perpetrator.pk if perpetrator else None,
                                actor=actor or persona("marac_coordinator", force_code),
                                **fields)

    return make


@pytest.fixture
def listed(persona, refer, make_person, area):
    """A meeting in a week with one listed case, IDVA service and children's services invited,
    the list sent. Returns (meeting, case)."""
    from haven.forces.models import Agency
    from haven.marac import services

    coordinator = persona("marac_coordinator")
    where = area()
    referral = refer(where=where, perpetrator=make_person(forename="Paul", surname="Hart"))
    meeting = services.do_schedule_meeting(
        where, held_at=timezone.now() + dt.timedelta(days=7),
        agencies=Agency.objects.filter(force=where.force), actor=coordinator)
    case = services.do_list_case(meeting, referral, actor=coordinator)
    services.do_send_list(meeting, actor=coordinator)
    return meeting, case


@pytest.fixture
def incident(forces):
    """incident(victim, suspect, at, category="domestic") -> an Incident (intake's table)."""
    from haven.intake.models import Incident, Involvement

    def make(victim, suspect, at, category="domestic"):
        obj = Incident.objects.create(force=victim.force, reference=f"MA{next(_refs):05d}",
                                      reported_via="call", category=category, occurred_at=at,
                                      opened_at=at, state="attended")
        Involvement.objects.create(incident=obj, person=victim, role="victim")
        Involvement.objects.create(incident=obj, person=suspect, role="suspect")
        return obj

    return make

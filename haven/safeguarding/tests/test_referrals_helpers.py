"""Shared helpers for the referrals, letters, meetings and board tests (B2): a case, a DA
incident with a victim and a suspect, a completed DASH with answers that must never leak.

Imported by those test files (`from haven.safeguarding.tests.test_referrals_helpers import
FIXTURES`, names `_<fixture>_fixture`, so a test's parameter does not shadow the import);
it holds no tests itself."""

import datetime as dt
import io
import itertools

import pytest
from django.utils import timezone

_refs = itertools.count(1)
# Words that only a DASH answer or its narrative holds: a letter must never contain them.
DASH_SECRET = "threatened her with a kitchen knife"
DASH_NARRATIVE = "Sleeps at her sister's on Tuesdays"


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(name="case_for")
def _case_for_fixture(forces):
    from haven.safeguarding.models import Case

    def make(person, *, grade="high", area="CV34", opened_at=None, force_code=None, **fields):
        force = forces[force_code] if force_code else person.force
        return Case.objects.create(force=force, person_id=person.pk, grade=grade, area=area,
                                   opened_at=opened_at or timezone.now(), **fields)

    return make


@pytest.fixture(name="make_incident")
def _make_incident_fixture(forces, make_person):
    """make_incident(force_code, victim=, suspect=, opened_at=, postcode=) -> Incident; pass
    suspect=False for an incident without a suspect."""
    from haven.intake.models import Incident, Involvement

    def make(force_code="WARKS", *, victim=None, suspect=None, **fields):
        fields.setdefault("reported_via", "call")
        fields.setdefault("category", "domestic")
        fields.setdefault("opened_at", timezone.now())
        fields.setdefault("postcode", "CV34 5BB")
        fields.setdefault("reference", f"SG{next(_refs):05d}")
        incident = Incident.objects.create(force=forces[force_code], state="attended",
                                           **fields)
        victim = victim or make_person(force_code, forename="Vic", surname="Board")
        Involvement.objects.create(incident=incident, person=victim, role="victim")
        if suspect is not False:
            suspect = suspect or make_person(force_code, forename="Sam", surname="Suspect")
            Involvement.objects.create(incident=incident, person=suspect, role="suspect")
        return incident

    return make


@pytest.fixture(name="victim_case")
def _victim_case_fixture(make_person, case_for, make_incident):
    """A high-risk victim (Dana Victim, 1 Test Street CV34 4AA) with a case and an incident
    naming Perry Harmer (12 Other Road, CV35 9ZZ) as the suspect."""
    from haven.people.models import Address

    victim = make_person(forename="Dana", surname="Victim")
    perp = make_person(forename="Perry", surname="Harmer")
    perp.addresses.all().delete()
    Address.objects.create(person=perp, line="12 Other Road", town="Leamington",
                           postcode="CV35 9ZZ")
    case = case_for(victim)
    incident = make_incident(victim=victim, suspect=perp,
                             opened_at=timezone.now() - dt.timedelta(hours=2))
    return {"victim": victim, "perp": perp, "case": case, "incident": incident}


@pytest.fixture(name="dash_for")
def _dash_for_fixture(persona):
    """dash_for(incident) -> a completed DASH whose answers hold DASH_SECRET."""
    from haven.risk.services import AssessmentInput, do_complete_assessment

    codes = [f"PD{n:02d}" for n in range(1, 28)]
    # Questions that prompt no stalking or HBA screen (haven/risk/tests/conftest.py PLAIN).
    plain = ["PD01", "PD03", "PD05", "PD07", "PD10", "PD11", "PD12", "PD19", "PD20", "PD21",
             "PD22", "PD23", "PD24", "PD25"]

    def complete(incident):
        victim = incident.involvements.get(role="victim").person
        answers = {c: ("yes" if c in plain else "no", "victim",
                       DASH_SECRET if c == "PD01" else "") for c in codes}
        data = AssessmentInput(answers=answers, grade="high", other_information=DASH_NARRATIVE)
        return do_complete_assessment(victim=victim, incident=incident, data=data,
                                      actor=persona("response_officer"))

    return complete

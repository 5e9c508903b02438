"""Risk fixtures: a DA incident with a victim and a suspect, DASH answers, a completed DASH."""

import itertools

import pytest
from django.utils import timezone

_refs = itertools.count(1)
CODES = [f"PD{n:02d}" for n in range(1, 28)]
# Questions without a stalking / HBA / escalation indicator, so yes-counts stay "plain".
PLAIN = ["PD01", "PD03", "PD05", "PD07", "PD10", "PD11", "PD12", "PD19", "PD20", "PD21",
         "PD22", "PD23", "PD24", "PD25", "PD26", "PD27", "PD09", "PD06", "PD16", "PD17",
         "PD18", "PD13", "PD14", "PD02", "PD04", "PD08", "PD15"]


def dash_answers(yes=0, *, codes=None, rest="no", source="victim"):
    """All 27 answers: the first `yes` plain codes (or `codes`) are yes, the rest `rest`."""
    chosen = set(codes if codes is not None else PLAIN[:yes])
    return {c: ("yes" if c in chosen else rest, source, "") for c in CODES}


@pytest.fixture
def make_da_incident(forces, make_person):
    from haven.intake.models import Incident, Involvement

    def make(force_code="WARKS", *, victim=None, suspect=None, state="attended", **fields):
        fields.setdefault("reported_via", "call")
        fields.setdefault("category", "domestic")
        fields.setdefault("opened_at", timezone.now())
        fields.setdefault("reference", f"RK{next(_refs):05d}")
        incident = Incident.objects.create(force=forces[force_code], state=state, **fields)
        victim = victim or make_person(force_code, forename="Vic", surname="Tim")
        suspect = suspect or make_person(force_code, forename="Sus", surname="Pect")
        Involvement.objects.create(incident=incident, person=victim, role="victim")
        Involvement.objects.create(incident=incident, person=suspect, role="suspect")
        return incident

    return make


@pytest.fixture
def complete_dash(persona, make_da_incident):
    """complete_dash(yes=5, grade="standard", incident=None, **input fields) -> Assessment."""
    from haven.risk.services import AssessmentInput, do_complete_assessment

    def complete(yes=5, grade="standard", *, incident=None, actor=None, answers=None, **fields):
        incident = incident or make_da_incident()
        victim = incident.involvements.get(role="victim").person
        data = AssessmentInput(answers=answers or dash_answers(yes), grade=grade, **fields)
        return do_complete_assessment(victim=victim, incident=incident, data=data,
                                      actor=actor or persona("response_officer"))

    return complete

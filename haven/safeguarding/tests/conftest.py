"""Safeguarding fixtures: a victim's case opened the way the HAU review opens it."""

import pytest

from haven.risk.tests.conftest import complete_dash, dash_answers, make_da_incident  # noqa: F401

# A DASH answer no sanitised page or API answer may ever show (the victim's own words).
SECRET_WORDS = "He said he would strangle me with the dog lead"
REFUGE_LINE = "Flat 3, 9 Sanctuary Row"
REFUGE_POSTCODE = "CV32 5QQ"


@pytest.fixture
def make_case(persona, make_person):
    """make_case(grade="high", force_code="WARKS", person=None, confidential=False) -> Case,
    opened by an HAU reviewer through the room's own action."""
    from haven.safeguarding.cases import do_open_or_update_case

    def make(grade="high", force_code="WARKS", *, person=None, confidential=False,
             **person_fields):
        if person is None:
            person = make_person(force_code, **person_fields)
            if confidential:
                from haven.people.models import Address

                Address.objects.create(person=person, line=REFUGE_LINE, town="Leamington Spa",
                                       postcode=REFUGE_POSTCODE, confidential=True)
        hau = persona("hau", force_code)
        return do_open_or_update_case(person.force, person.pk, grade=grade,
                                      why=f"{grade.title()} risk assessment reviewed",
                                      actor=hau)

    return make

"""The log page reads in words: answers, people and roles as a user would say them, not the
codes and usernames stored behind them."""

import pytest
from django.utils import timezone

from haven.intake.models import Grading

pytestmark = pytest.mark.django_db


def test_log_page_shows_answers_roles_and_names_in_words(client_as, persona, make_incident):
    persona("snt_officer").save()
    handler = persona("call_handler")
    handler.first_name, handler.last_name = "Cara", "Hendry"
    handler.save()
    incident = make_incident(progress={"checklist": {
        "injury": {"answer": "not_known", "not_asked": ""},
        "weapons": {"answer": "no", "not_asked": ""}}})
    Grading.objects.create(incident=incident, grade="priority", graded_by=handler,
                           graded_at=timezone.now())

    text = client_as("call_handler").get(f"/intake/{incident.pk}/").content.decode()

    assert "Not known" in text and ">not known<" not in text
    assert ">No<" in text and ">no<" not in text
    assert "Neighbourhood (SNT) officer" in text and "Snt officer" not in text
    assert "Cara Hendry" in text and ">call_handler.warks<" not in text


def test_a_refused_endorsement_marks_the_field_and_keeps_what_was_typed(client_as,
                                                                          make_incident):
    incident = make_incident(state="risk_assessed")
    sergeant = client_as("sergeant")

    empty = sergeant.post(f"/intake/{incident.pk}/step/endorsed/",
                          {"version": incident.version, "supervision": ""})
    assert empty.status_code == 400
    assert b'data-testid="supervision-error"' in empty.content
    assert b"govuk-textarea--error" in empty.content

    stale = sergeant.post(f"/intake/{incident.pk}/step/endorsed/",
                          {"version": incident.version + 7,
                           "supervision": "Arrest made; safety plan agreed with the victim"})
    assert stale.status_code == 400
    assert b"Arrest made; safety plan agreed with the victim</textarea>" in stale.content


def test_the_log_page_leads_on_to_each_persons_page_for_roles_that_may_see_them(
        client_as, make_incident):
    """Not a dead end: the HAU goes from a log to the victim's page."""
    incident = make_incident()
    victim = incident.involvements.get(role="victim").person
    url = f"/intake/{incident.pk}/"
    page = client_as("hau").get(url).content.decode()
    assert f'href="/people/{victim.pk}/" data-testid="person-link"' in page
    assert client_as("hau").get(f"/people/{victim.pk}/").status_code == 200

"""The assessment page names the questionnaire in words, not by its internal code."""

import pytest

pytestmark = pytest.mark.django_db


def test_assessment_page_names_the_form_not_its_code(client_as, complete_dash):
    assessment = complete_dash()
    text = client_as("sergeant").get(f"/risk/{assessment.pk}/").content.decode()
    assert "DASH 2009 police form, version" in text
    assert f"{assessment.questionnaire.instrument} v" not in text

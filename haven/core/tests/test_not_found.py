"""The demo (DEBUG on) shows the GOV.UK 404 page, never Django's list of every URL."""

import pytest
from django.test import Client


@pytest.mark.parametrize("url", ["/no-such-page/", "/people/999999/", "/people/review/1/"])
def test_a_missing_page_is_the_govuk_404_even_with_debug(settings, client_as, url):
    settings.DEBUG = True
    response = client_as("hau").get(url)
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and "govuk-heading-l" in html
    assert "URLconf" not in html and "api/v1/" not in html


def test_signed_out_too(settings, db):
    settings.DEBUG = True
    response = Client().get("/no-such-page/")
    assert response.status_code in (302, 404)
    assert "URLconf" not in response.content.decode()


def test_the_api_still_answers_json(settings, client_as):
    settings.DEBUG = True
    response = client_as("hau").get("/api/v1/people/999999/")
    assert response.status_code == 404 and response["Content-Type"].startswith(
        "application/json")

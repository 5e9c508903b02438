"""API-wide: no route answers 500 to a format suffix, a huge limit or a huge id."""

import re

import pytest
from django.test import Client

from haven.urls import router

ROLES = ["call_handler", "hau", "sergeant", "auditor"]


def api_paths() -> list[str]:
    """Every API route (as registered by the rooms), with 1 for each path parameter."""
    paths = set()
    for pattern in router.urls:
        regex = pattern.pattern.regex.pattern
        path = re.sub(r"\(\?P<[^>]+>[^)]+\)", "1", regex).lstrip("^").rstrip("$")
        path = path.replace("\\Z", "")
        path = path.replace("\\.", ".").replace("\\", "")
        if "(" not in path:
            paths.add("/api/v1/" + path)
    return sorted(paths)


@pytest.fixture
def client_for(persona):
    def make(role):
        client = Client(raise_request_exception=False)
        client.force_login(persona(role))
        return client

    return make


def test_the_walk_covers_every_room():
    paths = api_paths()
    assert {p.split("/")[3] for p in paths} >= {"people", "tasks", "incidents", "risk"}
    assert "/api/v1/" in paths


@pytest.mark.parametrize("role", ROLES)
def test_no_api_route_answers_500_to_a_json_format_suffix(client_for, make_person, role):
    make_person()
    client = client_for(role)
    for path in api_paths():
        for url in (path.rstrip("/") + ".json", path.rstrip("/") + ".json/"):
            for method in (client.get, client.post):
                status = method(url).status_code
                assert status < 500, f"{method.__name__.upper()} {url} answered {status}"


def test_a_limit_or_offset_past_64_bits_is_a_400_naming_the_parameter(client_for, persona):
    from haven.tasks.models import Task

    client = client_for("hau")
    huge = str(2**64)
    for params, name in (({"limit": huge}, "limit"), ({"offset": huge}, "offset"),
                         ({"limit": "-1"}, "limit"), ({"limit": "ten"}, "limit")):
        response = client.get("/api/v1/tasks/", params)
        assert response.status_code == 400, params
        assert name in response.json()
    assert client.get("/api/v1/tasks/", {"limit": "10", "offset": "0"}).status_code == 200
    assert Task is not None


@pytest.mark.parametrize("url", ["/api/v1/people/{}/", "/people/{}/", "/people/review/{}/"])
def test_an_id_past_64_bits_is_not_found_not_a_500(client_for, url):
    response = client_for("hau").get(url.format(2**64))
    assert response.status_code == 404

import pytest
from django.urls import reverse

from haven.access.roles import Role


@pytest.mark.parametrize("role", Role.values)
def test_every_role_gets_its_own_home_page(client_as, role):
    response = client_as(role).get(reverse("home"))
    assert response.status_code == 200
    assert response.context["role_label"] == Role(role).label


def test_navigation_shows_only_what_the_role_may_use(client_as):
    labels = [item["label"] for item in client_as("auditor").get("/").context["nav"]]
    assert "Access log" in labels
    labels = [item["label"] for item in client_as("call_handler").get("/").context["nav"]]
    assert "Access log" not in labels


def test_api_schema_and_docs_need_sign_in(client, client_as):
    assert client.get("/api/schema/").status_code in (401, 403)
    signed_in = client_as("analyst")
    assert signed_in.get("/api/schema/").status_code == 200
    assert signed_in.get("/api/docs/").status_code == 200


def test_pages_carry_a_strict_content_security_policy(client_as):
    policy = client_as("sergeant").get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy

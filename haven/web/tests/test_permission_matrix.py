"""The permission matrix (issue 18 item 8): every URL pattern × every role × own force, other
force and partner agency, against the table in `permission_matrix.py`.

The URL map is walked (every room's pages and every API route the routers make), so a new
pattern without a row fails here by name. Each pattern is probed on one demo world (seeded
once per module, rolled back at the end) with a real record of Warwickshire where the row
names one:

- every user of Warwickshire (18 roles, the two partner roles belonging to its IDVA service
  and children's services): a role the row does not allow gets 404, API included;
  an allowed role reaches it (not 404, never 5xx) unless the row says need-to-know;
- every user of West Mercia: 404 for Warwickshire's record, whatever the role;
- nobody signed in: the sign-in page (pages) or 401/403 (API).
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from haven.access.capabilities import MATRIX as CAPABILITIES
from haven.web.tests import permission_matrix as table
from haven.web.tests.permission_matrix import ANYONE, MATRIX, RECORD, SIGNED_IN, Obj, allowed_roles

GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
ARG = re.compile(r"<(?:\w+:)?(\w+)>")
MISSING_ID = "999999"
FIXED = {"target": "dispatched", "token": "made-up-token", "name": "months",
         "key": "made-up-pseudonym"}


def readable(route: str) -> str:
    """A router's regex route as a path-style one: `^incidents/(?P<pk>[^/.]+)/$` ->
    `incidents/<pk>/`."""
    return GROUP.sub(r"<\1>", route).replace("^", "").replace("$", "").replace("\\Z", "")


def url_patterns(resolver=None, prefix="") -> list[tuple[str, object]]:
    """(route, view) for every pattern of the URL map, static files aside."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += url_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = readable(prefix + str(entry.pattern))
            if not route.startswith("static/"):
                found.append((route, entry.callback))
    return found




ROUTES = url_patterns()


def _view_name(view) -> str:
    view = getattr(view, "cls", view)
    return f"{view.__module__}.{view.__qualname__}"


def test_every_url_pattern_has_an_expectation():
    missing = [f"{route!r} ({_view_name(view)})" for route, view in ROUTES
               if route not in MATRIX]
    assert not missing, ("URL patterns without a row in haven/web/tests/permission_matrix.py "
                         "(say who may reach each): " + ", ".join(missing))


def test_every_row_names_a_pattern_that_exists_and_a_real_capability():
    routes = {route for route, _ in ROUTES}
    assert sorted(set(MATRIX) - routes) == [], "rows for patterns that are gone"
    for route, expect in MATRIX.items():
        if isinstance(expect.who, str) and expect.who not in (ANYONE, SIGNED_IN):
            for capability in expect.who.split(" & "):
                assert capability in CAPABILITIES, (route, capability)
        assert allowed_roles(expect.who), f"{route}: nobody may reach it"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo world for the whole module, rolled back at the end; a signed-in session per
    user (made once: signing in 36 users for every pattern would dominate the run)."""
    from haven.web.demo import seed

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast,
                                                       HAVEN_REQUIRE_OTP=False):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            context, _ = seed(people_per_force=6, password="permission matrix")
            sessions = {}
            for key, user in context.users.items():
                client = Client()
                client.force_login(user)
                sessions[key] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            yield sessions
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _record(obj: Obj | None):
    if obj is None:
        return None
    model = apps.get_model(obj.model)
    # An empty path to the force: the record is the force itself (a force's own pages).
    lookup = f"{obj.force}__code" if obj.force else "code"
    return model.objects.filter(**{lookup: "WARKS"}).order_by("pk").first()


def _path(route: str, obj: Obj | None, record) -> str:
    def fill(match):
        name = match[1]
        if name in FIXED:
            return FIXED[name]
        attr = (obj.kwargs.get(name) or ("pk" if name == "pk" else None)) if obj else None
        if record is None or attr is None:
            return MISSING_ID
        return str(getattr(record, attr))
    return "/" + ARG.sub(fill, route)


def _params(expect) -> dict:
    values = {}
    for name, value in expect.params.items():
        record = _record(value) if isinstance(value, Obj) else value
        values[name] = record.pk if hasattr(record, "pk") else (record or MISSING_ID)
    return values


def _ask(client, expect, path, params):
    if expect.method == "POST":
        return client.post(path, params)
    return client.get(path, params)


@pytest.mark.parametrize("route", [route for route, _ in ROUTES])
def test_who_reaches_the_pattern(route, world, db, settings):
    expect = MATRIX.get(route)
    if expect is None:
        pytest.fail(f"URL pattern {route!r} has no row in haven/web/tests/permission_matrix.py:"
                    " add one saying who may reach it")
    settings.HAVEN_REQUIRE_OTP = False
    record = _record(expect.obj)
    path = _path(route, expect.obj, record)
    params = _params(expect)
    allowed = allowed_roles(expect.who)
    may_refuse = allowed if expect.need_to_know == RECORD else frozenset(expect.need_to_know)
    api = route.startswith("api/")
    wrong = []
    client = Client(raise_request_exception=False)
    for (force, role), session in sorted(world.items()):
        if force != "WARKS" and record is None and expect.obj is None:
            continue  # no record to protect: the other force's answer is its own role's
        # A fresh jar each time: a sign-out answer deletes the cookie it was sent.
        client.cookies = SimpleCookie({django_settings.SESSION_COOKIE_NAME: session})
        status = _ask(client, expect, path, params).status_code
        if status >= 500:
            wrong.append(f"{force} {role}: {status}")
        elif force != "WARKS":
            if status != 404 and expect.who not in (ANYONE,):
                wrong.append(f"{force} {role} (other force) got {status}, not 404")
        elif expect.obj is not None and record is None:
            if status != 404 and expect.who != ANYONE:
                wrong.append(f"{role}: a missing record answered {status}, not 404")
        elif role in allowed:
            if status == 404 and role not in may_refuse and expect.who != ANYONE:
                wrong.append(f"{role} (allowed) got 404")
        elif status != 404:
            wrong.append(f"{role} (not allowed) got {status}, not 404")
    anonymous = _ask(Client(raise_request_exception=False), expect, path, params)
    if expect.who != ANYONE:
        if api:
            ok = anonymous.status_code in (401, 403)
        else:
            ok = (anonymous.status_code == 302
                  and anonymous["Location"].startswith("/account/login/"))
        if not ok:
            wrong.append(f"nobody signed in got {anonymous.status_code}")
    assert wrong == [], f"{expect.method} {path} (row {route!r}): " + "; ".join(wrong)


def test_the_table_is_what_haven_roles_prints(capsys):
    from django.core.management import call_command

    call_command("roles", "--urls")
    printed = capsys.readouterr().out
    for route in MATRIX:
        assert f"`/{route}`" in printed, route
    assert "| Route | Method |" in printed
    published = (Path(__file__).resolve().parents[3] / "docs" / "roles.md").read_text()
    assert printed.strip() in published, "regenerate docs/roles.md with `haven roles`"
    assert len(table.MATRIX) >= 100

"""Shared fixtures: a user per role in each force, partner users, and a client per persona.

Personas follow the healthchecks habit: `persona("sergeant")` is a Warwickshire sergeant;
`persona("snt_officer", "WMERC")` is the other force's officer who must get 404s.
"""

import os
import tempfile

import pytest


def pytest_configure(config):
    """Fixtures wider than one test (a module's seeded demo world) run outside the per-test
    settings below: point the analytics store and its key away from var/ for them too."""
    folder = tempfile.mkdtemp(prefix="haven-insight-test-")
    os.environ.setdefault("HAVEN_INSIGHT_STORE", os.path.join(folder, "insight.duckdb"))
    os.environ.setdefault("HAVEN_INSIGHT_KEY", "test-insight-key")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Tests sign in without a second factor unless a test asks for it (see test_auth).

    Passwords are hashed with the fast MD5 hasher in tests only: the real hasher's
    deliberate slowness cost the suite half a minute and proves nothing here.
    """
    settings.HAVEN_REQUIRE_OTP = False
    # Each test seals the access log into its own anchor file (never the demo's var/).
    settings.HAVEN_AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.jsonl")
    # Domain events reach subscribers after commit in the test's process; the worker's
    # queued delivery is tested on its own (haven/core/tests/test_events_queued.py).
    settings.HAVEN_EVENT_DELIVERY = "after_commit"
    # The access log is sealed right after each commit (deterministic); the per-process
    # sealer thread production uses is tested in haven/access/tests/test_sealing.py.
    settings.HAVEN_AUDIT_SEAL_IN_THREAD = False
    settings.HAVEN_AUDIT_ANCHOR_KEY = "test-anchor-key"
    # The analytics store and its pseudonym key likewise (a refresh must never write var/).
    settings.HAVEN_INSIGHT_STORE = str(tmp_path / "insight.duckdb")
    settings.HAVEN_INSIGHT_KEY = "test-insight-key"
    # The job scheduler remembers when each periodic job last ran; each test starts afresh.
    from haven.core import jobs

    jobs._last_enqueued.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Put back what data migrations installed (the questionnaires) for every database test.

    A transactional (browser) test flushes every table when it ends, and with tests spread
    over parallel workers any later test on that worker may be the one that needs them.
    """
    if request.node.get_closest_marker("django_db") is None:
        if not {"db", "transactional_db", "forces"} & set(request.fixturenames):
            return  # no database in this test
        request.getfixturevalue("db")  # make sure the database is open before we write
    from haven.risk.questionnaires import install_defaults

    install_defaults()


@pytest.fixture
def forces(db):
    from haven.web.demo import ensure_forces

    warks, wmerc = ensure_forces()
    return {"WARKS": warks, "WMERC": wmerc}


@pytest.fixture
def persona(forces):
    """persona(role, force_code="WARKS") -> a saved user of that role in that force/agency."""
    from haven.access.models import User
    from haven.access.roles import PARTNER_ROLES
    from haven.forces.models import Agency

    made = {}

    def make(role, force_code="WARKS"):
        key = (role, force_code)
        if key not in made:
            force = forces[force_code]
            user = User(username=f"{role}.{force_code.lower()}", role=role)
            if role in PARTNER_ROLES:
                kind = Agency.Kind.IDVA if role == "idva" else Agency.Kind.CHILDREN
                user.agency = Agency.objects.get(force=force, kind=kind)
            else:
                user.force = force
            user.set_password("correct horse battery")
            user.save()
            made[key] = user
        return made[key]

    return make


@pytest.fixture
def client_as(client, persona):
    """client_as(role, force_code="WARKS") -> the test client signed in as that persona."""

    def login(role, force_code="WARKS"):
        user = persona(role, force_code)
        client.force_login(user)
        return client

    return login


@pytest.fixture
def make_person(forces):
    """make_person(force_code="WARKS", **fields) -> a saved Person with one address."""
    from haven.people.models import Address, Person

    def make(force_code="WARKS", confidential_address=False, **fields):
        fields.setdefault("forename", "Alex")
        fields.setdefault("surname", "Example")
        person = Person.objects.create(force=forces[force_code], **fields)
        Address.objects.create(person=person, line="1 Test Street", town="Warwick",
                               postcode="CV34 4AA", confidential=confidential_address)
        return person

    return make


BROWSER_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (Playwright cannot download browsers here)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running; the test's own ORM calls are still
    # made synchronously from the test thread, which is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_as(browser, live_server, persona, settings):
    """page_as(role, force_code="WARKS", phone=False, for_axe=False) -> a signed-in
    Playwright page.

    The page collects console errors in `page.console_errors`. `for_axe=True` lets the
    accessibility checker's script into the page (the CSP forbids injected scripts).
    """
    contexts = []

    def open_page(role, force_code="WARKS", phone=False, for_axe=False):
        user = persona(role, force_code)
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=viewport, base_url=live_server.url,
                                      bypass_csp=for_axe)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        page.goto("/account/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "correct horse battery")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_page
    for context in contexts:
        context.close()

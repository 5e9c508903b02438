"""Shared fixtures: a user per role in each force, partner users, and a client per persona.

Personas follow the healthchecks habit: `persona("sergeant")` is a Warwickshire sergeant;
`persona("snt_officer", "WMERC")` is the other force's officer who must get 404s.
"""

import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Tests sign in without a second factor unless a test asks for it (see test_auth)."""
    settings.HAVEN_REQUIRE_OTP = False


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

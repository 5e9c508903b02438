"""Synthetic demo data: two alliance forces, a user for every role, Faker (en_GB) people.

Only synthetic people, ever. Rooms add their own demo records through a `demo.py`
module with `seed(context)`; every installed room that has one is called after the core, in
INSTALLED_APPS order (people, then intake, then risk). An error in a room's demo.py stops the
seed: it is never skipped as "not built yet" (haven.core.rooms).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from faker import Faker

from haven.access.models import User
from haven.access.roles import PARTNER_ROLES, Role
from haven.access.services import do_add_user
from haven.core.rooms import room_modules
from haven.forces.models import Agency, Force
from haven.forces.services import do_add_agency, do_add_force

FORCES = [("WARKS", "Warwickshire Police"), ("WMERC", "West Mercia Police")]


@dataclass
class DemoContext:
    rng: random.Random
    fake: Faker
    forces: list[Force]
    users: dict[tuple[str, str], User] = field(default_factory=dict)  # (force code, role)
    people: dict[str, list] = field(default_factory=dict)  # force code -> persons


def username_for(role: str, force_code: str) -> str:
    return f"{role}.{force_code.lower()}"


ALLIANCE = "Warwickshire and West Mercia alliance"


def ensure_forces() -> list[Force]:
    """The demo's forces and agencies, made by the same code as `haven setup`."""
    forces = []
    for code, name in FORCES:
        force = do_add_force(code, name, alliance=ALLIANCE).obj
        area = name.split()[0]
        do_add_agency(force, Agency.Kind.IDVA, f"{area} IDVA service")
        do_add_agency(force, Agency.Kind.CHILDREN, f"{area} children's services")
        forces.append(force)
    return forces


def ensure_users(forces: list[Force], password: str) -> dict[tuple[str, str], User]:
    """A user per role per force, made by `haven user add`'s code (demo: a shared password)."""
    users = {}
    for force in forces:
        for role in Role:
            username = username_for(role.value, force.code)
            user = User.objects.filter(username=username).first()
            if user is None:
                agency = None
                if role in PARTNER_ROLES:
                    kind = Agency.Kind.IDVA if role == Role.IDVA else Agency.Kind.CHILDREN
                    agency = Agency.objects.filter(force=force, kind=kind).order_by("pk").first()
                user = do_add_user(username, role.value, force=force, agency=agency,
                                   first_name=role.label.split()[0],
                                   last_name=force.code.title(), password=password).user
            users[(force.code, role.value)] = user
    return users


@transaction.atomic
def seed(seed_value: int = 2014, people_per_force: int = 60, password: str | None = None):
    """Create the demo world. Returns (context, password or None if users already existed)."""
    fresh = not User.objects.exists()
    password = password or f"haven-demo-{secrets.token_hex(3)}"
    forces = ensure_forces()
    users = ensure_users(forces, password)
    fake = Faker("en_GB")
    fake.seed_instance(seed_value)
    context = DemoContext(rng=random.Random(seed_value), fake=fake, forces=forces, users=users)
    context.people_per_force = people_per_force
    context.now = timezone.now()
    for _room, module in room_modules("demo", exclude=("web",)):  # web: this module
        module.seed(context)
    return context, (password if fresh else None)

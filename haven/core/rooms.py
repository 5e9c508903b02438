"""The installed rooms and the optional modules they offer (urls.py, api.py, demo.py, events.py).

A room is an installed app under `haven.` (in INSTALLED_APPS order, which is the order rooms
depend on each other). A room offers a module when its file exists: that is checked with
`importlib.util.find_spec`, never by catching an import error, so any error inside an
existing module (a typo, a bad import) propagates and stops start-up.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def installed_rooms() -> list[tuple[str, str]]:
    """(label, package) of every installed room, in INSTALLED_APPS order."""
    return [(config.label, config.name) for config in apps.get_app_configs()
            if config.name.startswith("haven.")]


def room_modules(name: str, *, exclude: tuple[str, ...] = ()) -> list[tuple[str, ModuleType]]:
    """(label, module) for each installed room that has `<room>/<name>.py`, imported."""
    found = []
    for label, package in installed_rooms():
        if label in exclude:
            continue
        if find_spec(f"{package}.{name}") is not None:
            found.append((label, import_module(f"{package}.{name}")))
    return found

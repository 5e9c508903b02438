"""Rooms keep to their own tables (issue 9 item 2): a room does not import another room's
models outside migrations and tests; it calls that room's services or a plug-in it registers.

Two rooms are reference data every room may name: `forces` (Force, Agency) and `access` (the
user model). KNOWN lists tolerated reach-ins (none left: the last thirteen went in issue 9);
the check fails on any new one, and on a listed one that has gone (so the list only shrinks).
"""

import ast
from collections import Counter
from pathlib import Path

HAVEN = Path(__file__).resolve().parents[2]
REFERENCE_ROOMS = {"forces", "access"}

# (room, file, other room) -> how many imports of the other room's models. Never add to this
# list: call the other room's services instead.
KNOWN: dict[tuple[str, str, str], int] = {}


def rooms() -> set[str]:
    return {p.name for p in HAVEN.iterdir() if (p / "apps.py").exists()}


def reach_ins(source: str, room: str, installed: set[str]) -> Counter:
    """other room -> imports of its models (`haven.<other>.models…`) in this source."""
    found: Counter = Counter()
    for node in ast.walk(ast.parse(source)):
        # apps.get_model("other", "Model") is the same reach-in without an import.
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get_model" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            label = node.args[0].value.split(".")[0]
            if label in installed and label not in REFERENCE_ROOMS | {room}:
                found[label] += 1
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if (len(parts) >= 3 and parts[0] == "haven" and parts[1] in installed
                    and parts[1] not in REFERENCE_ROOMS | {room}
                    and parts[2].startswith("models")):
                found[parts[1]] += 1
                break
    return found


def all_reach_ins() -> dict[tuple[str, str, str], int]:
    installed = rooms()
    out = {}
    for path in sorted(HAVEN.rglob("*.py")):
        parts = path.relative_to(HAVEN).parts
        if parts[0] not in installed or "tests" in parts or "migrations" in parts:
            continue
        for other, count in reach_ins(path.read_text(), parts[0], installed).items():
            out[(parts[0], "/".join(parts[1:]), other)] = count
    return out


def test_no_room_reaches_into_another_rooms_models_beyond_the_known_list():
    found = all_reach_ins()
    new = {k: v for k, v in found.items() if v > KNOWN.get(k, 0)}
    gone = {k: v for k, v in KNOWN.items() if found.get(k, 0) < v}
    assert new == {}, "call the other room's services (or register a plug-in) instead"
    assert gone == {}, "a reach-in was removed: take it off KNOWN"


def test_the_check_fails_on_a_planted_reach_in():
    planted = "from haven.tasks.models import Task\n\ndef sneak():\n    return Task.objects.all()\n"
    assert reach_ins(planted, "intake", rooms()) == Counter({"tasks": 1})
    inside = "def later():\n    from haven.people.models import Person  # noqa\n"
    assert reach_ins(inside, "risk", rooms()) == Counter({"people": 1})
    by_label = "from django.apps import apps\nP = apps.get_model('people', 'Person')\n"
    assert reach_ins(by_label, "risk", rooms()) == Counter({"people": 1})
    own_and_reference = ("from haven.intake.models import Incident\n"
                         "from haven.forces.models import Force\n"
                         "from haven.access.models import User\n"
                         "from haven.people.services import do_add_source_record\n")
    assert reach_ins(own_and_reference, "intake", rooms()) == Counter()

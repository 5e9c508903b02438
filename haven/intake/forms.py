"""Parsing the call screen and the grading form into the services' keyword arguments.

Plain functions over a QueryDict-like mapping, so views stay thin and the API can share them.
"""

from __future__ import annotations

import re

from haven.core.api import db_int
from haven.intake import rules
from haven.intake.models import Incident, Involvement

PERSON_ROLES = [("", "Not involved")] + [(r.value, r.label) for r in Involvement.Role]


def question_rows(question_set: str, data=None, errors=None, wording=None) -> list[dict]:
    """The checklist questions with what was typed and any error, for the template."""
    data, errors, wording = data or {}, errors or {}, wording or {}
    rows = []
    for question in rules.questions(question_set):
        code = question["code"]
        rows.append({
            **question,
            "text": wording.get(code, question["label"]),
            "value": data.get(f"q_{code}", ""),
            "not_asked": data.get(f"notasked_{code}", ""),
            "error": errors.get(f"checklist.{code}", ""),
        })
    return rows


def parse_checklist(data, question_set: str) -> dict:
    checklist = {}
    for question in rules.questions(question_set):
        code = question["code"]
        answer = (data.get(f"q_{code}") or "").strip()
        not_asked = (data.get(f"notasked_{code}") or "").strip()
        if answer or not_asked:
            checklist[code] = {"answer": answer, "not_asked": not_asked}
    return checklist


_INDEX = re.compile(r"[0-9]{1,4}")


def chosen_people(data) -> list[tuple[int, str]]:
    """(person id, role) from the `role_<id>` selects beside each candidate."""
    chosen = []
    for key in data:
        # An id is 1-18 ASCII digits (a 64-bit key): anything else is not a person.
        if key.startswith("role_") and db_int(key[5:]) is not None and data.get(key):
            chosen.append((int(key[5:]), data.get(key)))
    return sorted(chosen)


WHO_FIELDS = ("forename", "surname", "date_of_birth", "phone")
NEW_PERSON_FIELDS = ("forename", "surname", "date_of_birth", "phone", "address_line", "town",
                     "postcode")


def new_people(data) -> list[dict]:
    """New people added on the call screen: `new_<n>_role` and `new_<n>_<field>` inputs.

    Each is {"index", "role", "details", "at_address"}; `at_address` means "lives at the
    incident address" (resolved on saving, when that address is known)."""
    indexes = sorted({int(key.split("_")[1]) for key in data
                      if key.startswith("new_") and key.endswith("_role")
                      and _INDEX.fullmatch(key.split("_")[1])})
    rows = []
    for n in indexes:
        role = (data.get(f"new_{n}_role") or "").strip()
        if not role:
            continue
        details = {name: (data.get(f"new_{n}_{name}") or "").strip()
                   for name in NEW_PERSON_FIELDS}
        rows.append({"index": n, "role": role, "details": details,
                     "at_address": data.get(f"new_{n}_at_address") == "yes"})
    return rows


def pending_new_person(data) -> dict | None:
    """What is typed in the "who" fields with a role chosen for a new person, not yet added."""
    role = (data.get("new_role") or "").strip()
    details = {name: (data.get(name) or "").strip() for name in WHO_FIELDS}
    if not role or not any(details.values()):
        return None
    details.update(address_line="", town="", postcode="")
    return {"index": None, "role": role, "details": details,
            "at_address": data.get("new_at_address") == "yes"}


def new_person_involvements(data) -> list[dict]:
    """The new people as `do_create_incident` involvements (details, role)."""
    rows = new_people(data)
    pending = pending_new_person(data)
    if pending:
        rows.append(pending)
    involvements = []
    for row in rows:
        details = dict(row["details"])
        if row["at_address"]:
            for name in ("address_line", "town", "postcode"):
                details[name] = details.get(name) or (data.get(name) or "").strip()
        involvements.append({"details": details, "role": row["role"]})
    return involvements


def with_suspect_relationship(people: list[dict], data) -> list[dict]:
    """The call screen's one "the suspect is the victim's" answer on each suspect named
    (picked or new): what the caller says, which the officer corrects on the log."""
    relationship = (data.get("suspect_relationship") or "").strip()
    return [{**item, "relationship": relationship}
            if item.get("role") == Involvement.Role.SUSPECT and relationship
            and not item.get("relationship") else item for item in people]


def parse_call(data) -> dict:
    category = data.get("category", "") or Incident.Category.DOMESTIC
    question_set = rules.question_set_for(category)
    return {
        "reported_via": data.get("reported_via", ""),
        "category": category,
        "domestic_abuse": data.get("domestic_abuse", "yes") != "no",
        "address_line": data.get("address_line", ""),
        "town": data.get("town", ""),
        "postcode": data.get("postcode", ""),
        "summary": data.get("summary", ""),
        "checklist": parse_checklist(data, question_set),
    }


def parse_grading(data) -> dict:
    return {
        "grade": data.get("grade", ""),
        "thrive": {part: data.get(f"thrive_{part}", "") for part in rules.THRIVE},
        "reason": data.get("reason", ""),
        "supervisor_rationale": data.get("supervisor_rationale", ""),
        "delay_risk_checked": data.get("delay_risk_checked") in ("on", "yes", "true", True),
        "delay_check_note": data.get("delay_check_note", ""),
        "victim_requested": data.get("victim_requested") in ("on", "yes", "true", True),
    }


def version_of(data) -> int | None:
    return db_int(data.get("version"))


# Anchor ids for the error summary: field name -> id of the input it links to.
def field_anchor(field: str) -> str:
    if field.startswith("checklist."):
        return "q_" + field.split(".", 1)[1]
    if field.startswith("involvements"):
        return "on-this-log"
    if field == "thrive":
        return "thrive_threat"
    return field

"""Intake rules as plain functions over plain data (no database): see tests/test_rules.py.

- the lifecycle (which step may follow which),
- the call checklist (every question answered, or a reason it could not be asked),
- what makes an incident serious (raised to the OCC supervisor at once),
- the grade floor (repeat / high risk / MARAC / live order: not below priority),
- the timings the force reports on.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

OPENED, DISPATCHED, ATTENDED = "opened", "dispatched", "attended"
RISK_ASSESSED, ENDORSED, CLOSED = "risk_assessed", "endorsed", "closed"
STATES = [OPENED, DISPATCHED, ATTENDED, RISK_ASSESSED, ENDORSED, CLOSED]

# state -> (next state, capability the actor needs)
NEXT_STATE: dict[str, tuple[str, str]] = {
    OPENED: (DISPATCHED, "incident.dispatch"),
    DISPATCHED: (ATTENDED, "incident.attend"),
    ATTENDED: (RISK_ASSESSED, "risk.complete"),
    RISK_ASSESSED: (ENDORSED, "incident.endorse"),
    ENDORSED: (CLOSED, "incident.close"),
}

#: Personally connected (DA Act 2021 ss.1-2): an incident in which someone is recorded as
#: the victim's partner, ex-partner or family is domestic abuse whatever its category.
CONNECTED_RELATIONSHIPS = ("partner", "ex_partner", "family")

GRADE_ORDER = {"immediate": 0, "priority": 1, "scheduled": 2}
THRIVE = ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]

# Markers that hold the grade at priority or above without an OCC supervisor's rationale.
FLOOR_MARKERS = {
    "repeat_victim": "a repeat victim",
    "high_risk": "a victim assessed as high risk",
    "marac": "a victim heard at MARAC",
    "live_order": "a live order or bail condition",
}

SERIOUS_LABELS = {
    "injury": "Injury",
    "weapons": "Weapon",
    "threats_to_kill": "Threats to kill",
    "strangulation": "Strangulation or choking",
    "children_at_risk": "Children at risk",
    "order_breached": "Live order breached",
}


def next_step(state: str, *, domestic_abuse: bool = True) -> tuple[str, str] | None:
    """(next state, capability) from here; a non-DA log goes from attended to the sergeant."""
    if state == ATTENDED and not domestic_abuse:
        return ENDORSED, "incident.endorse"
    return NEXT_STATE.get(state)


class TransitionRefused(Exception):
    """A lifecycle step that may not happen now; the message says why."""


def check_transition(state: str, target: str, *, domestic_abuse: bool = True) -> None:
    """Refuse any step that is not the next one. A non-DA log may skip the DASH step."""
    step = NEXT_STATE.get(state)
    if step and step[0] == target:
        return
    if state == ATTENDED and target == ENDORSED and not domestic_abuse:
        return
    if target == CLOSED and state != ENDORSED:
        raise TransitionRefused(
            "The log cannot close until a sergeant has reviewed the action taken and the risk "
            "assessment and endorsed it."
        )
    if target == ENDORSED and state == ATTENDED:
        raise TransitionRefused(
            "A sergeant cannot endorse a domestic abuse log before its DASH risk assessment."
        )
    raise TransitionRefused(f"The log is {state.replace('_', ' ')}; it cannot move to "
                            f"{target.replace('_', ' ')} now.")


# ---- question sets -------------------------------------------------------------------------

@cache
def _question_data() -> dict:
    path = Path(__file__).parent / "data" / "question_sets.json"
    return json.loads(path.read_text())


def question_set_for(category: str) -> str:
    return _question_data()["by_category"].get(category, "domestic")


def questions(question_set: str) -> list[dict]:
    return _question_data()["sets"][question_set]["questions"]


def question_set_label(question_set: str) -> str:
    return _question_data()["sets"][question_set]["label"]


def checklist_errors(question_set: str, checklist: dict) -> dict[str, str]:
    """{question code: message} for every question neither answered nor explained."""
    errors = {}
    for question in questions(question_set):
        code = question["code"]
        item = checklist.get(code) or {}
        answer = str(item.get("answer") or "").strip()
        not_asked = str(item.get("not_asked") or "").strip()
        if answer and question["kind"] == "choice" and answer not in question["options"]:
            errors[code] = (f"{question['label']}: choose one of "
                            f"{', '.join(question['options'])}.")
        elif not answer and not not_asked:
            errors[code] = (f"{question['label']}: answer this question, or record why it "
                            "could not be asked.")
    return errors


def infer_answers(question_set: str, checklist: dict) -> dict:
    """Answers that follow from others, so the handler is not asked twice: with no children
    present, "children safe now" is "no children". Only fills a question left blank."""
    codes = {q["code"] for q in questions(question_set)}
    checklist = dict(checklist)
    if {"children_present", "children_safe"} <= codes and answer(
            checklist, "children_present") == "no" and not answer(checklist, "children_safe") \
            and not str((checklist.get("children_safe") or {}).get("not_asked") or "").strip():
        checklist["children_safe"] = {"answer": "no_children", "not_asked": ""}
    return checklist


def unknown_codes(question_set: str, checklist: dict) -> list[str]:
    known = {q["code"] for q in questions(question_set)}
    return sorted(code for code in checklist if code not in known)


def answer(checklist: dict, code: str) -> str:
    return str((checklist.get(code) or {}).get("answer") or "").strip()


# ---- seriousness and grading ---------------------------------------------------------------

def serious_reasons(checklist: dict) -> list[str]:
    """Reasons (codes) this call must go to the OCC supervisor's queue at once."""
    reasons = []
    if answer(checklist, "injury") in {"minor", "serious"}:
        reasons.append("injury")
    for code in ("weapons", "threats_to_kill", "strangulation", "order_breached"):
        if answer(checklist, code) == "yes":
            reasons.append(code)
    if answer(checklist, "children_safe") == "no":
        reasons.append("children_at_risk")
    return reasons


def floor_markers(markers: list[str]) -> list[str]:
    return [m for m in markers if m in FLOOR_MARKERS]


def grading_errors(
    *,
    grade: str,
    thrive: dict,
    markers: list[str],
    supervisor_rationale: str,
    actor_is_supervisor: bool,
    delay_risk_checked: bool,
    delay_check_note: str,
) -> dict[str, str]:
    """{field: message} for a grading that may not be recorded as asked."""
    errors: dict[str, str] = {}
    if grade not in GRADE_ORDER:
        errors["grade"] = "Choose a response grade: immediate, priority or scheduled."
        return errors
    missing = [part for part in THRIVE if not str(thrive.get(part) or "").strip()]
    if missing:
        errors["thrive"] = "Record every part of THRIVE: missing " + ", ".join(missing) + "."
    held = floor_markers(markers)
    if held and GRADE_ORDER[grade] > GRADE_ORDER["priority"]:
        why = " and ".join(FLOOR_MARKERS[m] for m in held)
        if not actor_is_supervisor:
            errors["grade"] = (
                f"This call involves {why}: it cannot be graded below priority without an OCC "
                "supervisor's recorded rationale. Ask the OCC supervisor to grade it."
            )
        elif not supervisor_rationale.strip():
            errors["supervisor_rationale"] = (
                f"This call involves {why}: record your rationale for grading it below priority."
            )
    if grade == "scheduled" and not (delay_risk_checked and delay_check_note.strip()):
        errors["delay_check_note"] = (
            "A scheduled appointment needs your recorded check that the delay does not put the "
            "victim at risk."
        )
    return errors


def timings(opened_at, dispatched_at, attended_at, risk_assessed_at, endorsed_at) -> dict:
    """Minutes for each measured interval, or None where a step has not happened."""

    def minutes(start, end):
        if start is None or end is None:
            return None
        return round((end - start).total_seconds() / 60, 1)

    return {
        "call_to_dispatch": minutes(opened_at, dispatched_at),
        "call_to_arrival": minutes(opened_at, attended_at),
        "arrival_to_dash": minutes(attended_at, risk_assessed_at),
        "dash_to_endorsement": minutes(risk_assessed_at, endorsed_at),
    }


TIMING_LABELS = {
    "call_to_dispatch": "Call to dispatch",
    "call_to_arrival": "Call to arrival",
    "arrival_to_dash": "Arrival to DASH",
    "dash_to_endorsement": "DASH to sergeant endorsement",
}

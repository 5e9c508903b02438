"""Intake rules, table-driven, no database."""

import datetime as dt

import pytest

from haven.intake import rules
from haven.intake.history import markers_from_history
from haven.intake.tests.helpers import THRIVE, full_checklist


@pytest.mark.parametrize("state, target, allowed", [
    ("opened", "dispatched", True),
    ("dispatched", "attended", True),
    ("attended", "risk_assessed", True),
    ("risk_assessed", "endorsed", True),
    ("endorsed", "closed", True),
    ("opened", "closed", False),
    ("risk_assessed", "closed", False),
    ("attended", "endorsed", False),
    ("closed", "opened", False),
])
def test_the_lifecycle_allows_only_the_next_step(state, target, allowed):
    if allowed:
        rules.check_transition(state, target)
    else:
        with pytest.raises(rules.TransitionRefused):
            rules.check_transition(state, target)


def test_a_non_da_log_may_be_endorsed_without_a_dash():
    rules.check_transition("attended", "endorsed", domestic_abuse=False)


@pytest.mark.parametrize("overrides, reasons", [
    ({}, []),
    ({"injury": "minor"}, ["injury"]),
    ({"injury": "not_known"}, []),
    ({"weapons": "yes", "strangulation": "yes"}, ["weapons", "strangulation"]),
    ({"threats_to_kill": "yes"}, ["threats_to_kill"]),
    ({"children_safe": "no"}, ["children_at_risk"]),
    ({"order_breached": "yes"}, ["order_breached"]),
])
def test_serious_calls_are_recognised_from_the_checklist(overrides, reasons):
    assert rules.serious_reasons(full_checklist(**overrides)) == reasons


@pytest.mark.parametrize("item, error", [
    ({"answer": "no"}, None),
    ({"not_asked": "Caller could not speak freely"}, None),
    ({}, "record why"),
    ({"answer": "perhaps"}, "choose one of"),
])
def test_each_question_needs_an_answer_or_a_reason(item, error):
    errors = rules.checklist_errors("domestic", full_checklist(weapons=item))
    if error is None:
        assert errors == {}
    else:
        assert error in errors["weapons"]


def grading(grade, markers=(), supervisor=False, rationale="", checked=False, note=""):
    return rules.grading_errors(grade=grade, thrive=THRIVE, markers=list(markers),
                                supervisor_rationale=rationale, actor_is_supervisor=supervisor,
                                delay_risk_checked=checked, delay_check_note=note)


@pytest.mark.parametrize("marker", ["repeat_victim", "high_risk", "marac", "live_order"])
def test_flagged_calls_are_held_at_priority_for_a_handler(marker):
    assert "cannot be graded below priority" in grading(
        "scheduled", [marker], checked=True, note="ok")["grade"]
    assert grading("priority", [marker]) == {}


def test_a_supervisor_needs_a_rationale_to_go_below_priority():
    assert "supervisor_rationale" in grading("scheduled", ["marac"], supervisor=True,
                                             checked=True, note="ok")
    assert grading("scheduled", ["marac"], supervisor=True, rationale="Suspect remanded",
                   checked=True, note="ok") == {}


def test_an_unflagged_call_may_be_scheduled_with_the_delay_check():
    assert "delay_check_note" in grading("scheduled")
    assert grading("scheduled", checked=True, note="Victim at work until 6pm") == {}


def test_an_unknown_grade_names_the_field():
    assert "grade" in grading("soon")


def test_timings_are_minutes_between_steps():
    t0 = dt.datetime(2026, 1, 1, 10, 0)
    result = rules.timings(t0, t0 + dt.timedelta(minutes=3), t0 + dt.timedelta(minutes=20),
                           None, None)
    assert result == {"call_to_dispatch": 3.0, "call_to_arrival": 20.0,
                      "arrival_to_dash": None, "dash_to_endorsement": None}


@pytest.mark.parametrize("history, expected", [
    ({}, []),
    ({"highest_dash_grade_12m": "high"}, ["high_risk"]),
    ({"marac": {"referred_at": "x"}}, ["marac"]),
    ({"marac_12m": True}, ["marac"]),
    ({"live_orders": [{"kind": "dvpo"}]}, ["live_order"]),
    ({"warning_markers": [{"kind": "firearms"}]}, ["weapons_marker"]),
    ({"warning_markers": ["weapons"]}, ["weapons_marker"]),
])
def test_markers_come_from_the_people_rooms_history(history, expected):
    assert markers_from_history(history) == expected

"""Grading: THRIVE, the priority floor for repeat/high-risk calls, scheduled checks, history."""

import pytest
from django.http import Http404

from haven.intake.creation import IntakeInvalid, do_create_incident
from haven.intake.grading import do_grade_incident, response_due_at
from haven.intake.models import Grading
from haven.intake.tests.helpers import THRIVE, full_checklist


@pytest.fixture
def repeat_call(forces, persona, make_person):
    victim = make_person()
    people = [{"person": victim, "role": "victim"}]
    handler = persona("call_handler")
    do_create_incident(forces["WARKS"], reported_via="call", category="domestic",
                       checklist=full_checklist(), involvements=people, actor=handler)
    return do_create_incident(forces["WARKS"], reported_via="call", category="domestic",
                              checklist=full_checklist(), involvements=people, actor=handler)


def test_a_repeat_victims_call_cannot_be_scheduled_without_supervisor_rationale(
        repeat_call, persona):
    with pytest.raises(IntakeInvalid) as refused:
        do_grade_incident(repeat_call, grade="scheduled", thrive=THRIVE,
                          delay_risk_checked=True, delay_check_note="Victim asked for tomorrow",
                          actor=persona("call_handler"))
    assert "repeat victim" in refused.value.errors["grade"]
    assert "OCC supervisor" in refused.value.errors["grade"]
    assert not Grading.objects.exists()


def test_the_occ_supervisor_may_schedule_it_with_a_recorded_rationale(repeat_call, persona):
    supervisor = persona("occ_supervisor")
    with pytest.raises(IntakeInvalid) as refused:
        do_grade_incident(repeat_call, grade="scheduled", thrive=THRIVE, delay_risk_checked=True,
                          delay_check_note="Victim safe at mother's", actor=supervisor)
    assert "supervisor_rationale" in refused.value.errors
    grading = do_grade_incident(repeat_call, grade="scheduled", thrive=THRIVE,
                                delay_risk_checked=True, victim_requested=True,
                                delay_check_note="Victim safe at mother's",
                                supervisor_rationale="Suspect in custody", actor=supervisor)
    assert grading.supervisor == supervisor


def test_a_scheduled_appointment_needs_the_delay_check(forces, persona):
    incident = do_create_incident(forces["WARKS"], reported_via="call", category="domestic",
                                  checklist=full_checklist(), actor=persona("call_handler"))
    with pytest.raises(IntakeInvalid) as refused:
        do_grade_incident(incident, grade="scheduled", thrive=THRIVE,
                          actor=persona("call_handler"))
    assert "delay_check_note" in refused.value.errors


def test_thrive_must_be_complete(repeat_call, persona):
    with pytest.raises(IntakeInvalid) as refused:
        do_grade_incident(repeat_call, grade="immediate", thrive={"threat": "x"},
                          actor=persona("call_handler"))
    assert "harm" in refused.value.errors["thrive"]


def test_regrading_needs_a_reason_and_keeps_the_history(repeat_call, persona):
    handler = persona("call_handler")
    do_grade_incident(repeat_call, grade="priority", thrive=THRIVE, actor=handler)
    with pytest.raises(IntakeInvalid) as refused:
        do_grade_incident(repeat_call, grade="immediate", thrive=THRIVE, actor=handler)
    assert "reason" in refused.value.errors
    do_grade_incident(repeat_call, grade="immediate", thrive=THRIVE, actor=handler,
                      reason="Suspect has returned")
    assert list(repeat_call.gradings.values_list("grade", flat=True)) == ["priority", "immediate"]


def test_the_response_target_comes_from_force_policy(repeat_call):
    delta = response_due_at(repeat_call, "immediate") - repeat_call.opened_at
    assert delta.total_seconds() == 15 * 60


def test_an_officer_cannot_grade(repeat_call, persona):
    with pytest.raises(Http404):
        do_grade_incident(repeat_call, grade="immediate", thrive=THRIVE,
                          actor=persona("response_officer"))


def test_a_suspects_live_order_holds_the_grade_and_warns_the_officer(
        forces, persona, findable_person, client_as):
    import datetime as dt

    from django.utils import timezone

    from haven.people.models import WarningMarker
    from haven.protection.models import Order  # orders are the protection room's (issue 14)

    suspect = findable_person(forename="Ray", surname="Holt")
    now = timezone.now()
    Order.objects.create(
        force=forces["WARKS"], kind="dvpo", subject=suspect, source_system="niche",
        source_id="O-1", starts_at=now - dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=20))
    WarningMarker.objects.create(person=suspect, kind="firearms", recorded_at=now)
    incident = do_create_incident(
        forces["WARKS"], reported_via="call", category="domestic", checklist=full_checklist(),
        involvements=[{"person": suspect, "role": "suspect"}], actor=persona("call_handler"))
    with pytest.raises(IntakeInvalid) as refused:
        do_grade_incident(incident, grade="scheduled", thrive=THRIVE, delay_risk_checked=True,
                          delay_check_note="Asked", actor=persona("call_handler"))
    assert "a live order or bail condition" in refused.value.errors["grade"]
    briefing = client_as("response_officer").get(f"/intake/{incident.pk}/briefing/").content
    assert b"Weapons or firearms marker" in briefing

"""Completing a DASH: scored, graded, queued for the HAU, on the chronology and the access log."""

import datetime as dt

import pytest
from django.http import Http404

from haven.access.models import AccessLogEntry
from haven.chronology.models import Entry
from haven.forces.models import PolicySetting
from haven.forces.policy import policy
from haven.risk.models import Assessment, GradingEvent
from haven.risk.services import AssessmentInput, GradingRefused, do_complete_assessment
from haven.risk.tests.conftest import dash_answers
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_completing_a_dash_puts_it_in_the_hau_queue_with_a_due_time(complete_dash):
    a = complete_dash(yes=15, grade="high")
    assert (a.score, a.grade, a.grade_basis, a.status) == (15, "high", "score",
                                                            "awaiting_sergeant")
    task = Task.objects.get(kind="hau_review", source_id=str(a.pk))
    assert task.owner_role == "hau" and task.person_id == a.victim_id
    hours = policy(a.force, "hau_review_due_hours")
    assert task.due_at == a.completed_at + dt.timedelta(hours=hours)
    assert GradingEvent.objects.get(assessment=a).to_grade == "high"


def test_the_completion_is_on_the_victims_chronology_and_access_log(complete_dash):
    a = complete_dash(yes=3, grade="standard")
    entry = Entry.objects.get(person=a.victim, kind="dash_completed")
    assert "Standard risk (score 3)" in entry.summary
    log = AccessLogEntry.objects.get(record_type="risk_assessment", action="collection")
    assert log.person_id == a.victim_id
    assert "PD01" not in str(log.detail)  # ids and grades only, never answers


def test_intake_log_moves_to_risk_assessed(complete_dash, make_da_incident):
    incident = make_da_incident(state="attended")
    a = complete_dash(incident=incident)
    incident.refresh_from_db()
    assert incident.state == "risk_assessed"
    assert a.incident_id == incident.pk


def test_a_log_not_yet_attended_still_gets_its_dash(complete_dash, make_da_incident):
    incident = make_da_incident(state="opened")
    assert complete_dash(incident=incident).pk


@pytest.mark.parametrize("state", ["opened", "dispatched"])
def test_a_log_before_attendance_keeps_its_state_without_asking_intake_to_move_it(
        state, complete_dash, make_da_incident, monkeypatch):
    """Intake could only refuse the move (arrival not recorded): the DASH checks the locked
    log's state first and does not run the refused action (a savepoint, two reads and a
    rollback on every such DASH)."""
    def must_not_run(*args, **kwargs):
        raise AssertionError("asked intake to move a log that cannot move")

    monkeypatch.setattr("haven.risk.intake_link.do_record_risk_assessed", must_not_run)
    incident = make_da_incident(state=state)
    assert complete_dash(incident=incident).incident_id == incident.pk
    incident.refresh_from_db()
    assert incident.state == state


def test_every_question_needs_an_answer(complete_dash):
    answers = dash_answers(3)
    answers["PD12"] = ("", "victim", "")
    with pytest.raises(GradingRefused) as exc:
        complete_dash(answers=answers)
    assert exc.value.field == "answer_PD12"
    assert not Assessment.objects.exists()


def test_refused_victim_is_recorded_and_the_grade_explained(complete_dash):
    answers = dash_answers(0, rest="not_asked", source="officer")
    answers["PD01"] = ("yes", "officer", "Visible injury to face")
    with pytest.raises(GradingRefused) as exc:
        complete_dash(answers=answers, grade="medium", victim_response="refused",
                      response_reason="Did not want to talk")
    assert exc.value.field == "rationale"
    a = complete_dash(answers=answers, grade="medium", victim_response="refused",
                      response_reason="Did not want to talk",
                      rationale="Injury seen; three call-outs on record")
    assert (a.victim_response, a.score) == ("refused", 1)
    assert "victim did not answer" in Entry.objects.get(kind="dash_completed").summary


def test_telephone_assessment_is_marked(complete_dash):
    a = complete_dash(method="telephone")
    assert a.needs_review_flag
    assert "by telephone" in Entry.objects.get(kind="dash_completed").summary


def test_officer_cannot_lower_a_score_based_high(complete_dash):
    with pytest.raises(GradingRefused) as exc:
        complete_dash(yes=14, grade="medium", rationale="calm now")
    assert exc.value.field == "grade"


def test_force_policy_sets_the_threshold_per_instrument(complete_dash, forces):
    PolicySetting.objects.create(force=forces["WARKS"], key="dash_high_threshold_by_instrument",
                                 value={"dash-2009-police": 12},
                                 effective_from=dt.date(2020, 1, 1))
    with pytest.raises(GradingRefused):
        complete_dash(yes=12, grade="medium")
    assert complete_dash(yes=12, grade="high").threshold == 12


def test_escalation_is_flagged_at_three_incidents(complete_dash, make_da_incident, make_person):
    victim = make_person()
    now = dt.datetime.now(dt.UTC)
    make_da_incident(victim=victim, opened_at=now - dt.timedelta(days=200))
    make_da_incident(victim=victim, opened_at=now - dt.timedelta(days=10))
    second = complete_dash(incident=make_da_incident(victim=victim, opened_at=now),
                           answers=dash_answers(2) | {"PD08": ("no", "victim", "")}
                           | {f"SD{n:02d}": ("no", "victim", "") for n in range(1, 12)})
    assert second.escalation is True
    assert second.stalking_triggered is True  # 2+ incidents


def test_stalking_screen_must_be_answered_when_triggered(complete_dash):
    answers = dash_answers(0, codes=["PD08"])
    with pytest.raises(GradingRefused) as exc:
        complete_dash(answers=answers)
    # Issue 8 item 6: one error for the screen, saying why it is needed (SD01 is no longer
    # asked: it repeats PD02, whose answer stands for it).
    assert exc.value.field == "screen_stalking"
    assert "PD08 was answered yes" in str(exc.value)
    answers |= {f"SD{n:02d}": ("no", "records", "") for n in range(2, 12)}
    a = complete_dash(answers=answers)
    assert a.stalking_triggered and a.answers.filter(question__code__startswith="SD").count() == 11


def test_children_are_recorded_and_checked(complete_dash):
    with pytest.raises(GradingRefused) as exc:
        complete_dash(children=[{"name": "Sam", "age": "twelve"}])
    assert exc.value.field == "child_1_age"
    a = complete_dash(children=[{"name": "Sam", "age": "9", "school": "Oak Primary",
                                 "present": True}, {"name": "", "age": "", "school": ""}])
    assert list(a.children.values_list("name", "age", "present")) == [("Sam", 9, True)]


def test_other_force_victim_is_refused(persona, make_person):
    victim = make_person("WMERC")
    with pytest.raises(Http404):
        do_complete_assessment(victim=victim, data=AssessmentInput(dash_answers(1), "standard"),
                               actor=persona("response_officer"))


def test_role_without_risk_complete_is_refused(persona, make_person):
    with pytest.raises(Http404):
        do_complete_assessment(victim=make_person(),
                               data=AssessmentInput(dash_answers(1), "standard"),
                               actor=persona("call_handler"))

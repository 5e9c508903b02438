"""Sergeant review and HAU review: regrading rules, immutable history, follow-up tasks."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haven.access.models import AccessLogEntry
from haven.chronology.models import Entry
from haven.forces.policy import policy
from haven.people.models import PersonShare
from haven.risk.models import GradingEvent
from haven.risk.review import do_review_hau
from haven.risk.rules import next_school_day_start
from haven.risk.services import GradingRefused, StaleEdit, do_review_sergeant
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_sergeant_regrades_with_a_rationale_and_it_is_kept(complete_dash, persona):
    a = complete_dash(yes=6, grade="standard")
    do_review_sergeant(a, version=a.version, grade="medium", rationale="Recent separation",
                       guidance="Refer to neighbourhood team", actor=persona("sergeant"))
    a.refresh_from_db()
    assert (a.grade, a.status, a.safeguarding_guidance) == ("medium", "awaiting_hau",
                                                            "Refer to neighbourhood team")
    event = a.grading_events.get(stage="sergeant")
    assert (event.role, event.from_grade, event.to_grade, event.rationale) == (
        "sergeant", "standard", "medium", "Recent separation")
    assert "regraded standard to medium" in Entry.objects.get(
        kind="dash_supervisor_reviewed").summary
    assert AccessLogEntry.objects.filter(action="alteration", person_id=a.victim_id).exists()


def test_sergeant_regrade_without_rationale_is_refused(complete_dash, persona):
    a = complete_dash(yes=6, grade="standard")
    with pytest.raises(GradingRefused) as exc:
        do_review_sergeant(a, version=a.version, grade="high", actor=persona("sergeant"))
    assert exc.value.field == "rationale"


def test_sergeant_cannot_lower_a_score_based_high_but_an_inspector_can(complete_dash, persona):
    a = complete_dash(yes=15, grade="high")
    with pytest.raises(GradingRefused) as exc:
        do_review_sergeant(a, version=a.version, grade="medium", rationale="Calmer",
                           actor=persona("sergeant"))
    assert exc.value.field == "grade"
    do_review_sergeant(a, version=a.version, grade="medium", rationale="Perpetrator remanded",
                       guidance="Safety plan with the IDVA", actor=persona("inspector"))
    assert a.grade == "medium"


def test_a_stale_review_is_refused_not_overwritten(complete_dash, persona):
    a = complete_dash(yes=6, grade="standard")
    stale = a.version
    do_review_sergeant(a, version=stale, grade="standard", actor=persona("sergeant"))
    a.status = "awaiting_sergeant"  # as another sergeant's open page still shows it
    with pytest.raises(StaleEdit):
        do_review_sergeant(a, version=stale, grade="high", rationale="x",
                           actor=persona("inspector"))


def test_grading_history_cannot_be_changed_or_deleted(complete_dash):
    event = GradingEvent.objects.get(assessment=complete_dash())
    event.rationale = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_hau_review_of_a_high_risk_creates_the_next_steps(complete_dash, persona):
    a = complete_dash(yes=15, grade="high",
                      children=[{"name": "Sam", "age": 8, "school": "Oak Primary"}])
    hau = persona("hau")
    tasks = do_review_hau(a, version=a.version, grade="high", response_matched=True, actor=hau)
    kinds = {t.kind: t for t in tasks}
    assert set(kinds) == {"idva_offer", "childrens_referral", "encompass_notification"}
    # The case_update step is the safeguarding room's: the victim's case, routed to the DARMs.
    from haven.safeguarding.services import open_case_for
    case = open_case_for(a.force, a.victim_id)
    assert (case.grade, case.allocated_team) == ("high", "Domestic abuse risk managers")
    # The marac_referral step is the MARAC room's: a referral waiting for the coordinator.
    from haven.marac.models import Referral
    referral = Referral.objects.get(victim_id=a.victim_id, assessment_id=a.pk)
    assert (referral.criterion, referral.dash_yes_count, referral.status) == (
        "visible_high_risk", 15, "awaiting")
    idva_agency = persona("idva").agency
    assert kinds["idva_offer"].owner_agency == idva_agency
    assert PersonShare.objects.filter(person=a.victim, agency=idva_agency).exists()
    assert PersonShare.objects.filter(person=a.victim,
                                      agency=persona("childrens_services").agency).exists()
    assert kinds["encompass_notification"].due_at == next_school_day_start(
        timezone.localtime(a.hau_at), "08:30")
    assert Task.objects.get(kind="hau_review").done_at is not None
    assert a.status == "reviewed"
    assert "MARAC referral" in Entry.objects.get(kind="dash_hau_reviewed").summary


def test_the_idva_can_now_see_the_task(complete_dash, persona):
    from haven.tasks.services import tasks_for

    a = complete_dash(yes=15, grade="high")
    do_review_hau(a, version=a.version, grade="high", response_matched=True,
                  actor=persona("hau"))
    assert [t.kind for t in tasks_for(persona("idva"))] == ["idva_offer"]


def test_hau_review_of_a_standard_risk_opens_only_the_case(complete_dash, persona):
    a = complete_dash(yes=2, grade="standard")
    tasks = do_review_hau(a, version=a.version, grade="standard", response_matched=True,
                          actor=persona("hau"))
    assert tasks == []  # the case itself, not a stand-in task (safeguarding room)
    from haven.safeguarding.services import open_case_for
    case = open_case_for(a.force, a.victim_id)
    assert (case.status, case.grade) == ("open", "standard")
    assert case.next_review_at - case.opened_at == dt.timedelta(
        days=policy(a.force, "safeguarding_review_days")["standard"])


def test_hau_must_say_whether_the_response_matched(complete_dash, persona):
    a = complete_dash()
    with pytest.raises(GradingRefused) as exc:
        do_review_hau(a, version=a.version, grade="standard", response_matched=None,
                      actor=persona("hau"))
    assert exc.value.field == "response_matched"
    with pytest.raises(GradingRefused) as exc:
        do_review_hau(a, version=a.version, grade="standard", response_matched=False,
                      actor=persona("hau"))
    assert exc.value.field == "notes"


def test_hau_cannot_lower_a_score_based_high(complete_dash, persona):
    a = complete_dash(yes=16, grade="high")
    with pytest.raises(GradingRefused):
        do_review_hau(a, version=a.version, grade="medium", rationale="x",
                      response_matched=True, actor=persona("hau"))

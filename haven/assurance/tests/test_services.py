"""Drawing samples, completing audits, blind double marking, feedback, re-audits, trends,
agreement and training needs, through the services (a real database)."""

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from haven.access.teams import do_set_team
from haven.assurance import forms, public, services
from haven.assurance.models import Audit
from haven.assurance.tests.conftest import yes_to_all
from haven.core.concurrency import StaleEdit

pytestmark = pytest.mark.django_db


def test_the_sample_takes_n_per_handler_inside_the_month_and_records_seed_and_config(
        sample, calls, handlers, settings):
    primaries = sample.audits.filter(second_of__isnull=True)
    in_period = {c.pk for c in calls}
    assert set(primaries.values_list("subject_id", flat=True)) <= in_period
    for h in handlers:
        assert primaries.filter(staff=h).count() == 4  # 5 per handler, 4 handled
    assert sample.seed == 42 and sample.config["per_staff"] == 5
    assert sample.config["weights"] == {"repeat": 2.0, "high_risk": 3.0}
    assert sample.candidates == 8
    assert sample.audits.filter(second_of__isnull=False).count() == 1  # ceil(0.1 × 8)


def test_a_redraw_from_the_recorded_seed_gives_the_same_calls(sample):
    assert services.redraw(sample)["same"] is True


def test_a_smaller_n_per_policy_is_honoured(calls, persona, month):
    from haven.forces.models import PolicySetting

    force = calls[0].force
    PolicySetting.objects.create(force=force, key="qa_calls_per_handler", value=2,
                                 effective_from=month.replace(year=month.year - 1))
    sample = services.do_draw_sample(force, kind="call", month=month, seed=1,
                                     actor=persona("auditor"))
    assert sample.audits.filter(second_of__isnull=True).count() == 4


def test_one_sample_per_month_and_not_before_the_month_ends(sample, persona, month):
    with pytest.raises(services.Refused):
        services.do_draw_sample(sample.force, kind="call", month=month, actor=persona("auditor"))
    with pytest.raises(services.Refused):
        services.do_draw_sample(sample.force, kind="call", month=services.next_month(month),
                                actor=persona("auditor"))


def test_the_wrong_role_cannot_draw(calls, persona, month):
    with pytest.raises(Http404):
        services.do_draw_sample(calls[0].force, kind="call", month=month,
                                actor=persona("call_handler"))


def _open(sample, **filters):
    return sample.audits.filter(status="open", **filters).order_by("pk")


def test_completing_scores_passes_and_refuses_a_second_save(sample, persona):
    audit = _open(sample, second_of__isnull=True, second_markings__isnull=True).first()
    version = audit.version
    services.do_complete_audit(audit, version=version, answers=yes_to_all(stalking=1),
                               recording_reference="REC-1", feedback="Good call",
                               actor=persona("auditor"))
    audit.refresh_from_db()
    assert audit.status == "completed" and audit.passed is True
    assert audit.score == pytest.approx(12 / 13)
    again = Audit.objects.get(pk=audit.pk)
    with pytest.raises(StaleEdit):  # the same auditor's second tab, on the old version
        services.do_complete_audit(again, version=version, answers=yes_to_all(),
                                   actor=persona("auditor"))
    assert audit.answers.count() == 12


def test_every_question_must_be_answered(sample, persona):
    audit = _open(sample).first()
    answers = yes_to_all()
    del answers["grade"]
    with pytest.raises(services.Refused) as refused:
        services.do_complete_audit(audit, version=audit.version, answers=answers,
                                   actor=persona("auditor"))
    assert "q-grade" in refused.value.errors


def test_double_marking_is_by_another_auditor_and_blind(sample, persona):
    second = sample.audits.get(second_of__isnull=False)
    first = second.second_of
    auditor, supervisor = persona("auditor"), persona("occ_supervisor")
    services.do_complete_audit(first, version=first.version, answers=yes_to_all(),
                               actor=auditor)
    first.refresh_from_db()
    assert services.open_or_blind(first)  # the pair is not complete: result hidden
    assert second not in services.to_do(auditor)
    second.refresh_from_db()
    with pytest.raises(services.Refused):
        services.do_complete_audit(second, version=second.version, answers=yes_to_all(),
                                   actor=auditor)
    services.do_complete_audit(second, version=second.version,
                               answers=yes_to_all(evidence=1), actor=supervisor)
    first.refresh_from_db()
    assert not services.open_or_blind(first)
    rows = {r["code"]: r for r in services.agreement(sample.force, "call")}
    assert rows["evidence"]["pairs"] == 1 and rows["evidence"]["kappa"] is None
    assert "Not enough pairs" in rows["evidence"]["note"]


def test_feedback_is_acknowledged_by_the_member_of_staff_only(sample, persona, handlers):
    audit = _open(sample, staff=handlers[0], second_markings__isnull=True).first()
    services.do_complete_audit(audit, version=audit.version, answers=yes_to_all(),
                               feedback="Well done", actor=persona("auditor"))
    assert services.feedback_to_read(handlers[0]) == [audit]
    assert audit in services.unacknowledged(audit.force)
    with pytest.raises(Http404):
        services.do_acknowledge_feedback(audit, actor=persona("occ_supervisor"))
    services.do_acknowledge_feedback(audit, actor=handlers[0])
    assert services.feedback_to_read(handlers[0]) == []
    services.do_acknowledge_feedback(audit, actor=handlers[0])  # twice: unchanged


def test_a_failed_audit_brings_a_reaudit_into_the_next_sample(calls, persona, handlers,
                                                               call, month):
    earlier = services.last_month(month)
    start = timezone.make_aware(dt.datetime.combine(earlier, dt.time(8)))
    for k in range(3):
        call(handlers[1], start + dt.timedelta(days=k))
    first = services.do_draw_sample(calls[0].force, kind="call", month=earlier, seed=9,
                                    actor=persona("auditor"))
    audit = _open(first, staff=handlers[1], second_markings__isnull=True).first()
    services.do_complete_audit(audit, version=audit.version,
                               answers=yes_to_all(history=1, grade=1, children=1),
                               actor=persona("auditor"))
    audit.refresh_from_db()
    assert audit.passed is False
    assert services.reaudits_due(first.force, "call", month) == {handlers[1].pk: audit.pk}
    nxt = services.do_draw_sample(first.force, kind="call", month=month, seed=3,
                                  actor=persona("auditor"))
    reaudits = nxt.audits.filter(reason="reaudit", second_of__isnull=True)
    assert reaudits.count() == 1 and reaudits.get().reaudit_of_id == audit.pk
    # 4 calls last month, all taken (5 + 1 extra allowed); the other handler is not re-audited.
    assert not nxt.audits.filter(staff=handlers[0], reason="reaudit").exists()
    assert services.reaudits_due(first.force, "call", services.next_month(month)) == {}


def test_trends_by_handler_team_and_question(sample, persona, handlers):
    do_set_team(handlers[0].force, handlers[0].pk, "Red watch", actor=persona("occ_supervisor"))
    for audit in _open(sample, second_markings__isnull=True)[:3]:
        services.do_complete_audit(audit, version=audit.version,
                                   answers=yes_to_all(stalking=1), actor=persona("auditor"))
    by_handler = services.trends(sample.force, "call", "handler")
    assert sum(r["audits"] for r in by_handler) == 3
    teams = {r["group"] for r in services.trends(sample.force, "call", "team")}
    assert "Red watch" in teams
    stalking = [r for r in services.trends(sample.force, "call", "question")
                if r["group"] == "Stalking and harassment questions asked"]
    assert stalking[0]["failed"] == 3 and stalking[0]["failed_share"] == 100.0


def test_training_needs_for_the_learning_room(sample, persona, handlers):
    audit = _open(sample, staff=handlers[0], second_markings__isnull=True).first()
    services.do_complete_audit(audit, version=audit.version, answers=yes_to_all(stalking=1),
                               actor=persona("auditor"))
    needs = public.training_needs(sample.force)
    assert [(n.user_id, n.module_code, n.audit_ids) for n in needs] == [
        (handlers[0].pk, "stalking", (audit.pk,))]
    assert "Stalking and harassment questions asked" in needs[0].reason
    assert public.training_needs(sample.force,
                                 since=timezone.localdate() + dt.timedelta(days=1)) == []


def test_dash_audits_feed_compliance(forces, persona, month, make_person):
    from haven.risk.models import Assessment, QuestionnaireVersion

    officer = persona("response_officer")
    victim = make_person()
    version = QuestionnaireVersion.objects.filter(instrument="dash-2009-police").first()
    when = timezone.make_aware(dt.datetime.combine(month, dt.time(12)))
    for grade in ("high", "standard"):
        Assessment.objects.create(force=forces["WARKS"], victim=victim, questionnaire=version,
                                  grade=grade, completed_by=officer, completed_at=when,
                                  status="awaiting_sergeant")
    sample = services.do_draw_sample(forces["WARKS"], kind="dash", month=month, seed=5,
                                     actor=persona("auditor"))
    assert sample.audits.filter(second_of__isnull=True).count() == 2  # 2 per officer
    audit = sample.audits.filter(second_of__isnull=True).first()
    answers = {q.code: "yes" for q in forms.current("dash").questions} | {"supervision": "no"}
    services.do_complete_audit(audit, version=audit.version, answers=answers,
                               actor=persona("auditor"))
    found = public.dash_audit_compliance(forces["WARKS"])
    assert found["audits"] == 1 and found["supervision_recorded"] == 0.0
    assert found["completeness"] == 1.0



def test_the_performance_measures_page_shows_dash_audit_compliance(
        forces, persona, month, make_person, client_as):
    test_dash_audits_feed_compliance(forces, persona, month, make_person)
    end = services.next_month(month) - dt.timedelta(days=1)
    page = client_as("senior_leader").get(
        reverse("insight:measures", args=["WARKS"]),
        {"from": month.isoformat(), "to": end.isoformat()}).content.decode()
    section = page[page.index('data-testid="dash-audits"'):]
    assert "Supervision recorded" in section and "0% yes" in section
    assert "Assessment complete" in section and "100% yes" in section
    # Outside the audited month: none.
    before = client_as("senior_leader").get(
        reverse("insight:measures", args=["WARKS"]),
        {"from": (month - dt.timedelta(days=40)).isoformat(),
         "to": (month - dt.timedelta(days=10)).isoformat()}).content.decode()
    assert "No DASH audits completed for assessments in this period" in before

"""Training records, the analysis with audit-driven needs, adopting and tracking the plan,
and lessons learned: publishing, acknowledging, completion by team, recommendations."""

import datetime as dt

import pytest
from django.http import Http404

from haven.access import teams
from haven.access.models import AccessLogEntry
from haven.core.concurrency import StaleEdit
from haven.learning import services
from haven.learning.models import Plan, PlanItem

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_an_audit_finding_puts_the_module_in_the_plan_first(staff, audit_finds):
    audit_finds(staff["handler"], "stalking")
    audit_finds(staff["other_force"], "stalking")  # West Mercia's finding stays there
    found = services.analysis(staff["trainer"].force)
    first = found.plan.items[0]
    assert (first.gap.user_id, first.gap.module, first.gap.kind) == (
        staff["handler"].pk, "stalking", "audit")
    assert first.month == services.rules.add_months(TODAY.replace(day=1), 1)
    assert staff["other_force"].pk not in {g.user_id for g in found.gaps}


def test_adopting_the_plan_stores_it_and_a_completion_closes_its_item(staff, audit_finds):
    audit_finds(staff["handler"], "stalking")
    trainer = staff["trainer"]
    plan = services.do_adopt_plan(trainer.force, actor=trainer)
    item = PlanItem.objects.get(plan=plan, user=staff["handler"], module__code="stalking")
    assert item.kind == "audit" and item.completed_on is None
    services.do_record_completion(trainer.force, staff["handler"].pk, "stalking", TODAY,
                                  "College of Policing", actor=trainer)
    item.refresh_from_db()
    assert item.completed_on == TODAY
    again = services.do_adopt_plan(trainer.force, actor=trainer)
    assert Plan.objects.get(pk=plan.pk).superseded_at is not None
    assert services.current_plan(trainer.force) == again
    assert not again.items.filter(user=staff["handler"], module__code="stalking").exists()


def test_an_overdue_plan_item_is_reported(staff):
    trainer = staff["trainer"]
    plan = services.do_adopt_plan(trainer.force, actor=trainer)
    progress = services.plan_progress(plan, at=TODAY + dt.timedelta(days=800))
    assert progress["total"] == plan.items.count() > 0
    assert len(progress["overdue"]) == progress["total"]


def test_only_a_trainer_records_and_plans(staff):
    with pytest.raises(Http404):
        services.do_adopt_plan(staff["leader"].force, actor=staff["leader"])
    with pytest.raises(Http404):
        services.do_record_completion(staff["handler"].force, staff["handler"].pk, "dash",
                                      TODAY, actor=staff["handler"])


def test_a_completion_for_another_forces_staff_or_in_the_future_is_refused(staff):
    trainer = staff["trainer"]
    with pytest.raises(services.Refused):
        services.do_record_completion(trainer.force, staff["other_force"].pk, "dash", TODAY,
                                      actor=trainer)
    with pytest.raises(services.Refused) as refused:
        services.do_record_completion(trainer.force, staff["handler"].pk, "dash",
                                      TODAY + dt.timedelta(days=1), actor=trainer)
    assert "future" in refused.value.errors["completed_on"]


def test_a_stale_team_edit_is_refused(staff):
    trainer = staff["trainer"]
    row = teams.do_set_team(trainer.force, staff["handler"].pk, "Contact centre B",
                               actor=trainer)
    with pytest.raises(StaleEdit):
        teams.do_set_team(trainer.force, staff["handler"].pk, "Contact centre C",
                             version=row.version - 1, actor=trainer)


@pytest.fixture
def lesson(staff):
    trainer = staff["trainer"]
    review = services.do_record_review(
        trainer.force, kind="dhr", title="DHR: Adult B", published_on=TODAY,
        summary="Synthetic.", actor=trainer)
    return services.do_publish_lesson(trainer.force, review=review, title="Ask about stalking",
                                      text="Ask every time.", roles=["call_handler"],
                                      actor=trainer)


def test_a_lesson_goes_to_the_roles_it_concerns_and_is_acknowledged_once(staff, lesson):
    handler, officer = staff["handler"], staff["officer"]
    assert services.lessons_to_read(handler) == [lesson]
    assert services.lessons_to_read(officer) == []
    assert services.lessons_to_read(staff["other_force"]) == []
    services.do_acknowledge_lesson(lesson, actor=handler)
    services.do_acknowledge_lesson(lesson, actor=handler)  # again: nothing new
    assert lesson.acks.count() == 1
    assert services.lessons_to_read(handler) == []
    rows = services.lesson_completion(lesson)
    assert rows == [{"team": "Contact centre", "staff": 2, "read": 1, "percent": 50}]


def test_another_forces_staff_cannot_acknowledge(staff, lesson):
    with pytest.raises(Http404):
        services.do_acknowledge_lesson(lesson, actor=staff["other_force"])


def test_a_lesson_needs_police_roles_and_text(staff):
    with pytest.raises(services.Refused) as refused:
        services.do_publish_lesson(staff["trainer"].force, title="T", text="", roles=["idva"],
                                   actor=staff["trainer"])
    assert set(refused.value.errors) == {"text", "roles"}


def test_the_panel_tracks_a_recommendation_and_a_stale_update_is_refused(staff, lesson):
    rec = services.do_add_recommendation(lesson.review, text="Revise the call questions.",
                                         owner="Head of contact centre",
                                         due_on=TODAY.isoformat(), actor=staff["trainer"])
    leader = staff["leader"]
    with pytest.raises(services.Refused) as refused:
        services.do_update_recommendation(rec, version=rec.version, status="not_accepted",
                                          note="Panel: no", actor=leader)
    assert "reason" in refused.value.errors
    read_version = rec.version
    services.do_update_recommendation(rec, version=read_version, status="implemented",
                                      note="Panel saw the new questions in use.", actor=leader)
    with pytest.raises(StaleEdit):
        services.do_update_recommendation(rec, version=read_version, status="in_progress",
                                          note="An older page", actor=leader)
    assert [(u.status_from, u.status_to) for u in rec.updates.all()] == [
        ("open", "implemented")]
    with pytest.raises(Http404):
        services.do_update_recommendation(rec, version=rec.version, status="open",
                                          note="Trainer may not", actor=staff["trainer"])


def test_the_log_names_no_one_in_a_lessons_detail(staff, lesson):
    services.do_acknowledge_lesson(lesson, actor=staff["handler"])
    for entry in AccessLogEntry.objects.filter(record_type="lesson"):
        assert "stalking" not in str(entry.detail).lower()


def test_an_imported_completion_closes_the_plan_item(staff, audit_finds):
    audit_finds(staff["handler"], "stalking")
    trainer = staff["trainer"]
    plan = services.do_adopt_plan(trainer.force, actor=trainer)
    data = f"username,module_code,completed_on\r\ncall_handler.warks,stalking,{TODAY}\r\n"
    services.do_import_completions(trainer.force, data.encode(), "lms.csv", actor=trainer)
    item = PlanItem.objects.get(plan=plan, user=staff["handler"], module__code="stalking")
    assert item.completed_on == TODAY and item.completion.source == "import"
    progress = services.plan_progress(plan)
    assert progress["done"] == 1 and progress["overdue"] == []


def test_a_staff_members_record_shows_exactly_their_gaps_in_the_force_analysis(staff,
                                                                                audit_finds):
    audit_finds(staff["handler"], "stalking")
    audit_finds(staff["handler2"], "coercive_control")
    force = staff["trainer"].force
    whole = services.analysis(force).gaps
    for key in ("handler", "handler2", "officer"):
        uid = staff[key].pk
        assert services.record_of(force, uid)["gaps"] == [g for g in whole if g.user_id == uid]
    mine = services.record_of(force, staff["handler"].pk)["gaps"]
    assert ("stalking", "audit") in {(g.module, g.kind) for g in mine}
    assert all(g.user_id == staff["handler"].pk for g in mine)

"""Done when (issue 17 item 4): the training needs analysis of the demo data lists each
role's gaps, and its plan's monthly load respects the configured capacity."""

import datetime as dt

import pytest

from haven.assurance import public as assurance
from haven.forces.models import PolicySetting
from haven.learning import services
from haven.learning.models import Lesson, Recommendation, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world():
    from haven.web import demo

    context, _ = demo.seed(people_per_force=6, password="x")
    return context


def test_the_demo_analysis_lists_each_roles_gaps_and_a_plan_within_capacity(demo_world):
    """One seed for both halves (the demo takes half a minute)."""
    force = demo_world.forces[0]
    # A tight capacity, so that the plan has to spread over months and beyond the horizon.
    PolicySetting.objects.create(force=force, key="training_places_per_month",
                                 value={"dash": 2, "stalking": 1, "coercive_control": 2,
                                        "victim_care": 0},
                                 effective_from=dt.date(2020, 1, 1))
    PolicySetting.objects.create(force=force, key="training_plan_horizon_months", value=3,
                                 effective_from=dt.date(2020, 1, 1))
    found = services.analysis(force)
    required = services.policy_for(force)["training_requirements"]
    by_role = found.by("role")
    assert set(required) <= set(by_role), "every role with required training has gaps"
    kinds = {g.kind for g in found.gaps}
    assert {"missing", "expired", "expiring"} <= kinds
    capacity = found.capacity
    assert (capacity["dash"], capacity["stalking"], capacity["victim_care"]) == (2, 1, 0)
    for counts in found.plan.load().values():
        for module, used in counts.items():
            assert used <= capacity.get(module, 0), module
    assert len(found.plan.months) == 3
    assert len(found.plan.items) + len(found.plan.beyond) == len(found.gaps)
    assert any("no room in the next 3 months" in b.why for b in found.plan.beyond)
    assert any("no places a month" in b.why for b in found.plan.beyond)
    for month, used in found.plan.hours(found.durations).items():
        assert used <= found.hours_per_month, month

    # The assurance room's real door (its demo audits): each need it reports for a member
    # of staff is an audit-driven gap unless the module was completed since.
    since = found.at - dt.timedelta(days=365)
    audit_gaps = {(g.user_id, g.module) for g in found.gaps if g.kind == "audit"}
    latest = services.latest_completions(force)
    for need in assurance.training_needs(force, since=since):
        if latest.get((need.user_id, need.module_code), dt.date.min) < need.found_on:
            assert (need.user_id, need.module_code) in audit_gaps, need

    # Lessons learned: one synthetic review, three recommendations, a published lesson.
    review = Review.objects.get(force=force)
    assert review.recommendations.count() == 3
    assert Recommendation.objects.get(review=review, number=1).status == "in_progress"
    lesson = Lesson.objects.get(force=force)
    assert "call_handler" in lesson.roles
    handler = demo_world.users[(force.code, "call_handler")]
    assert lesson in services.lessons_to_read(handler)
    # Teams are one table (haven.access.teams): the assurance demo's watches show here too.
    teams = {r["team"] for r in services.lesson_completion(lesson)}
    assert teams == {"Contact centre", "Response, south", "Red watch", "Blue watch"}
    assert services.current_plan(force).items.count() > 0

"""The demo shows the victims' cases: allocated, planned, a break-glass to review."""

import pytest

from haven.safeguarding.models import BreakGlass, Case, CaseShare, PlanAction

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_cases_with_plans_and_a_break_glass(settings):
    from haven.web.demo import seed

    seed(people_per_force=8, password="demo-password-1")
    high = Case.objects.filter(grade="high")
    assert high.exists() and all(c.allocated_user is not None for c in high)
    assert PlanAction.objects.filter(case__in=high).exists()
    assert BreakGlass.objects.filter(reviewed_at__isnull=True).count() == 2  # one per force
    before = (Case.objects.count(), PlanAction.objects.count(), CaseShare.objects.count())
    seed(people_per_force=8)
    assert (Case.objects.count(), PlanAction.objects.count(),
            CaseShare.objects.count()) == before  # running again adds nothing

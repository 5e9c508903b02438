"""The demo seeds assessments at every stage, and a live-risk flag."""

import pytest

from haven.risk.models import Assessment, ReassessmentFlag

pytestmark = pytest.mark.django_db


def test_demo_has_assessments_at_each_stage(settings):
    from haven.web.demo import seed

    seed(people_per_force=8, password="demo-password-1")
    statuses = set(Assessment.objects.values_list("status", flat=True))
    assert statuses == {"awaiting_sergeant", "awaiting_hau", "reviewed"}
    assert ReassessmentFlag.objects.filter(cleared_at__isnull=True).count() == 2
    before = Assessment.objects.count()
    seed(people_per_force=8)
    assert Assessment.objects.count() == before  # running again adds nothing

"""The demo seeds crimes allocated by skill, with arrests, bail, a charge, outcomes and the
Victims' Code tasks they make (and seeding again adds nothing)."""

import pytest

from haven.investigation.models import CaseEvent, Crime, EvidenceItem
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_demo_has_crimes_at_each_stage(settings, tmp_path):
    from haven.web.demo import seed

    seed(people_per_force=8, password="demo-password-1")
    crimes = Crime.objects.all()
    assert crimes.count() >= 4
    # Arrested and not (other rooms' demo crimes may have no arrest decision yet).
    assert {c.arrested for c in crimes} >= {True, False}
    assert crimes.filter(outcome__isnull=False).exists()
    assert set(crimes.values_list("team", flat=True)) >= {"detective"}
    assert CaseEvent.objects.filter(kind="bail").exclude(conditions={}).exists()
    assert Task.objects.filter(kind="victim_update").exists()
    assert EvidenceItem.objects.filter(kind="bwv", storage_name="").exists()
    before = Crime.objects.count()
    seed(people_per_force=8)
    assert Crime.objects.count() == before

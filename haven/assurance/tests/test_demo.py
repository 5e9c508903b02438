"""The demo seed shows the room: last month's call sample, audits completed (one failing the
stalking question for the demo call handler), a re-audit due and a double-marked pair."""

import pytest

from haven.assurance import public
from haven.assurance.models import Audit, Sample

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_sample_audits_and_a_pair_for_each_force():
    from haven.web import demo

    context, _ = demo.seed(people_per_force=12, password="x")
    for force in context.forces:
        sample = Sample.objects.get(force=force, kind="call")
        assert sample.audits.filter(second_of__isnull=True).count() >= 12
        assert Audit.objects.filter(sample=sample, status="completed",
                                    second_of__isnull=False).count() == 1
        handler = context.users[(force.code, "call_handler")]
        needs = {(n.user_id, n.module_code) for n in public.training_needs(force)}
        assert (handler.pk, "stalking") in needs
        assert Audit.objects.filter(sample=sample, passed=False).exists()

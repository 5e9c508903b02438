"""The demo seed shows the room: serial and repeat perpetrators, ranked."""

import pytest

from haven.perpetrators.models import Ranked, Run

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_serial_and_repeat_perpetrators_for_each_force():
    from haven.web import demo

    demo.seed(people_per_force=30, password="x")
    for code in ("WARKS", "WMERC"):
        run = Run.objects.filter(force__code=code).first()
        assert run is not None
        assert Ranked.objects.filter(run=run, serial=True).count() >= 3
        assert Ranked.objects.filter(run=run, repeat=True).count() >= 2

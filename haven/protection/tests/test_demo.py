"""The demo seed shows the room: a notice waiting for its hearing, a DVPO, an order ending
soon with its task, and Clare's Law applications with their clocks."""

import pytest

from haven.protection.models import DisclosureApplication, Order
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_protection_work_for_each_force():
    from haven.web import demo

    demo.seed(people_per_force=30, password="x")
    for code in ("WARKS", "WMERC"):
        kinds = set(Order.objects.filter(force__code=code).values_list("kind", flat=True))
        assert {"dvpn", "dvpo", "restraining_order"} <= kinds
        assert DisclosureApplication.objects.filter(force__code=code,
                                                    immediate_risk_at__isnull=False).exists()
    assert Task.objects.filter(kind="order_expiring").count() == 2
    assert Task.objects.filter(kind="dvds_immediate_risk").count() == 2

"""The demo seed shows the room: areas, a held meeting with an overdue action, next week's
meeting with its list sent and research, referrals waiting (one a repeat)."""

import pytest

from haven.marac.models import Action, Area, Meeting, Referral, Research
from haven.marac.services import overdue_actions

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_marac_work_for_each_force():
    from haven.web import demo

    demo.seed(people_per_force=60, password="x")
    for code in ("WARKS", "WMERC"):
        assert Area.objects.filter(force__code=code).count() == 2
        coming = Meeting.objects.filter(force__code=code, closed_at__isnull=True).get()
        assert coming.list_sent_at and coming.cases.count() == 2
        assert [a.description for a in overdue_actions(coming)] == [
            "Flag the address for an immediate response"]
        assert Referral.objects.filter(force__code=code, status="awaiting",
                                       repeat_of__isnull=False).exists()
    assert Research.objects.count() == 2 and Action.objects.count() == 2

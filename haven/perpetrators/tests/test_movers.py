"""One man found twice: merging or relinking two ranked (and adopted) persons keeps one row
per run and one open adoption, instead of failing on the room's uniqueness rules."""

import pytest

from haven.people.merge import do_merge_persons, do_unmerge
from haven.people.movers import bulk_reassign
from haven.perpetrators.models import Adoption, Ranked
from haven.perpetrators.services import do_adopt_perpetrator

pytestmark = pytest.mark.django_db


def adopt(ranked, who, persona):
    row = Ranked.objects.get(run=ranked["run"], person=ranked[who])
    return do_adopt_perpetrator(row, lead_id=persona("detective").pk, reason="Serial",
                                actor=persona("darm"))


def test_merging_two_ranked_adopted_persons_keeps_one_row_per_run_and_one_open_adoption(
        ranked, persona):
    dean, mark = ranked["dean"], ranked["mark"]
    adopt(ranked, "dean", persona)
    absorbed = adopt(ranked, "mark", persona)
    event = do_merge_persons(dean, mark, reason="Same man", actor=persona("hau"))
    assert list(Ranked.objects.filter(run=ranked["run"], person=dean).values_list(
        "person_id", flat=True)) == [dean.pk]
    assert Adoption.objects.filter(person=dean, ended_on__isnull=True).count() == 1
    absorbed.refresh_from_db()
    assert absorbed.person_id == dean.pk and absorbed.ended_on is not None
    assert "same as another" in absorbed.end_reason
    do_unmerge(event, actor=persona("hau"))  # and back, without an error
    assert Adoption.objects.filter(person=mark).count() == 1


def test_relinking_two_ranked_persons_into_one_does_not_fail(ranked, persona):
    dean, mark = ranked["dean"], ranked["mark"]
    adopt(ranked, "dean", persona)
    adopt(ranked, "mark", persona)
    bulk_reassign({mark.pk: dean.pk})
    assert Ranked.objects.filter(run=ranked["run"], person=dean).count() == 1
    assert Ranked.objects.filter(person=mark).count() == 0
    assert Adoption.objects.filter(person=dean, ended_on__isnull=True).count() == 1
    assert Adoption.objects.filter(person=dean).count() == 2

"""A relink moves every row that hangs off an emptied person, whichever SQL the database
can run (UPDATE ... FROM where it can, a correlated sub-select on SQLite before 3.33)."""

import pytest

from haven.people import movers
from haven.people.models import Address

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("update_from", [True, False], ids=["update-from", "sub-select"])
def test_a_relink_moves_the_emptied_persons_addresses_and_leaves_the_rest(
        make_person, monkeypatch, update_from):
    monkeypatch.setattr(movers, "_update_from_supported", lambda: update_from)
    kept, emptied_a, emptied_b, bystander = (make_person(surname=name) for name in
                                             ("Kept", "EmptiedA", "EmptiedB", "Bystander"))
    moved = movers.bulk_reassign({emptied_a.pk: kept.pk, emptied_b.pk: kept.pk})
    assert moved["people.Address.person"] == 2
    assert Address.objects.filter(person=kept).count() == 3
    assert not Address.objects.filter(person__in=[emptied_a, emptied_b]).exists()
    assert Address.objects.filter(person=bystander).count() == 1

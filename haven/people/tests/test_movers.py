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


def test_an_emptied_person_is_deleted_and_one_a_merge_names_is_deleted_as_django_would(
        make_person):
    from django.db.models import ProtectedError

    from haven.people.models import Person

    kept, emptied = make_person(surname="Kept"), make_person(surname="Emptied")
    movers.delete_emptied(emptied, movers.move_person_data(emptied, kept))
    assert not Person.objects.filter(pk=emptied.pk).exists()
    assert Address.objects.filter(person=kept).count() == 2
    # A person another was merged into is PROTECTed: Django's delete refuses, as it did.
    named, tombstone = make_person(surname="Named"), make_person(surname="Tombstone")
    Person.objects.filter(pk=tombstone.pk).update(merged_into=named)
    result = movers.move_person_data(named, kept)
    with pytest.raises(ProtectedError):
        movers.delete_emptied(named, result)
    assert Person.objects.filter(pk=named.pk).exists()

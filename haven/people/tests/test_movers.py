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


def _indexes(table):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                       "AND tbl_name = %s ORDER BY name", [table])
        return cursor.fetchall()


def test_a_large_move_on_sqlite_rebuilds_the_person_indexes_as_they_were(
        make_person, monkeypatch):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("indexes are rebuilt on SQLite only")
    monkeypatch.setattr(movers, "REBUILD_INDEXES_FROM", 1)
    dropped = []
    real = movers._plain_indexes_on

    def watched(cursor, table, column):
        found = real(cursor, table, column)
        dropped.extend(name for name, _ in found)
        return found

    monkeypatch.setattr(movers, "_plain_indexes_on", watched)
    before = _indexes(Address._meta.db_table)
    kept, emptied = make_person(surname="Kept"), make_person(surname="Emptied")
    moved = movers.bulk_reassign({emptied.pk: kept.pk})
    assert moved["people.Address.person"] == 1
    assert Address.objects.filter(person=kept).count() == 2
    # the address's person indexes (the plain one and the confidential one) were rebuilt
    assert {"people_address_person_id_00997e7a", "people_address_confidential"} <= set(dropped)
    assert _indexes(Address._meta.db_table) == before


def test_indexes_that_enforce_uniqueness_are_never_dropped(make_person):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("indexes are rebuilt on SQLite only")
    from haven.intake.models import Involvement

    with connection.cursor() as cursor:
        found = movers._plain_indexes_on(cursor, Involvement._meta.db_table, "person_id")
    assert [name for name, _ in found] == [
        name for name, sql in _indexes(Involvement._meta.db_table)
        if sql and "person_id" in sql and "UNIQUE" not in sql]
    assert all(not sql.startswith("CREATE UNIQUE") for _, sql in found)

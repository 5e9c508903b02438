"""A relink applies with SQLite's row-by-row foreign-key checks off and checks what it could
break once, at its end: a row still naming a deleted person rolls the whole apply back."""

import logging

import pytest
from django.db import IntegrityError, connection

from haven.people import movers, relink
from haven.people.linkage.tests.factories import population
from haven.people.models import Address, Person, SourceRecord
from haven.people.relink import run_relink
from haven.people.tests.test_relink import ingest_all, write_exports

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite",
                                reason="PostgreSQL keeps its own checks on")


@pytest.fixture
def ingested(forces, tmp_path):
    """Forty people's records from three systems, with the address each record gives; the
    ingest joins most of them, and a relink the rest."""
    ingest_all(forces["WARKS"], write_exports(tmp_path, population(n_people=40, seed=7)))
    return forces["WARKS"]


def _indexes(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                       "AND tbl_name = %s ORDER BY name", [table])
        return cursor.fetchall()


def _foreign_keys_on():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        return cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_a_relink_applies_unchecked_checks_at_its_end_and_keeps_every_index(
        ingested, monkeypatch, caplog):
    # a force this small sets the indexes aside too, as one of 50,000 emptied persons would
    monkeypatch.setattr(relink, "REBUILD_INDEXES_FROM", 1)
    monkeypatch.setattr(movers, "REBUILD_INDEXES_FROM", 1)
    before = {t: _indexes(t) for t in ("people_person", "people_sourcerecord", "people_address")}
    persons_before = Person.objects.count()
    with caplog.at_level(logging.INFO, logger="haven.people.relink"):
        run = run_relink(ingested, progress=False)
    assert run.counts["persons_removed"] >= 1
    assert Person.objects.count() == persons_before - run.counts["persons_removed"]
    assert "references_checked" in caplog.text  # the apply ran unchecked, and checked
    assert _foreign_keys_on()  # turned on again for whatever this connection does next
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_key_check")
        assert cursor.fetchall() == []
    assert {t: _indexes(t) for t in before} == before
    # every address followed its record to the person it now belongs to
    assert not Address.objects.exclude(person_id__in=Person.objects.values("pk")).exists()
    assert all(a.person_id == a.source_record.person_id
               for a in Address.objects.select_related("source_record"))


@pytest.mark.django_db(transaction=True)
def test_a_relink_that_would_leave_rows_naming_a_deleted_person_changes_nothing(
        ingested, monkeypatch):
    """As if a room's relation were missed by the moves: its rows would name deleted
    persons. The check at the end refuses, and the whole apply is rolled back."""
    monkeypatch.setattr(relink, "bulk_reassign", lambda mapping, **kwargs: {})
    records_before = dict(SourceRecord.objects.values_list("pk", "person_id"))
    persons_before = set(Person.objects.values_list("pk", flat=True))
    assert Address.objects.exists()
    with pytest.raises(IntegrityError, match="people_address.*person the relink deletes"):
        run_relink(ingested, progress=False)
    assert dict(SourceRecord.objects.values_list("pk", "person_id")) == records_before
    assert set(Person.objects.values_list("pk", flat=True)) == persons_before
    assert _foreign_keys_on()


def test_the_checks_find_a_row_naming_a_deleted_person_from_either_side(forces):
    warks = forces["WARKS"]
    named = Person.objects.create(force=warks, surname="Reyes")
    Address.objects.create(person=named, line="1 High Street", postcode="CV1 1AA")
    alone = Person.objects.create(force=warks, surname="Cole")
    # one person: the address table, larger, is looked up by its index
    with pytest.raises(IntegrityError, match="people_address"):
        movers.check_deleted_persons_unnamed([named.pk])
    # many more persons than addresses: the address table is read whole
    with pytest.raises(IntegrityError, match="people_address"):
        movers.check_deleted_persons_unnamed([named.pk, *range(10**6, 10**6 + 500)])
    movers.check_deleted_persons_unnamed([alone.pk, *range(10**6, 10**6 + 500)])
    movers.check_persons_exist([named.pk, alone.pk])
    with pytest.raises(IntegrityError, match="1 persons"):
        movers.check_persons_exist([named.pk, 10**6])

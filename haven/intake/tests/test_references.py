"""Log references: one per creation, distinct under concurrency (issue 8 item 12)."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from haven.access.log import Action, record_access
from haven.intake.creation import _new_incident, next_reference
from haven.intake.models import Incident


def test_the_next_reference_is_one_past_the_highest_of_the_day(forces):
    force = forces["WARKS"]
    day = timezone.make_aware(dt.datetime(2026, 3, 4, 10, 0))
    for number in ("0001", "0003"):  # 0002 removed
        Incident.objects.create(force=force, reference=f"WARKS-20260304-{number}",
                                opened_at=day, reported_via="call", category="domestic")
    assert _new_incident(force, day, reported_via="call",
                         category="domestic").reference == "WARKS-20260304-0004"
    assert next_reference(force, day) == "WARKS-20260304-0005"  # a number taken is used up


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite has one writer at a time; the race is PostgreSQL's")
def test_parallel_creations_each_get_their_own_reference(forces, persona):
    force, actor = forces["WARKS"], persona("call_handler")
    now = timezone.now()
    made, failed = [], []
    start = threading.Barrier(24)

    def create():
        try:
            start.wait()
            with transaction.atomic():
                incident = _new_incident(force, now, reported_via="call", category="domestic")
                record_access(actor, Action.COLLECTION, record_type="incident",
                              record_id=incident.pk)
            made.append(incident.reference)
        except Exception as error:  # noqa: BLE001 - counted and reported below
            failed.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert len(set(made)) == 24
    assert sorted(made)[-1].endswith("-0024")

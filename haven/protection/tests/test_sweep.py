"""The room's periodic job (never on a page view): a notice past its hearing deadline with
nothing recorded is marked lapsed and shown as "Lapsed"; an order ending soon raises a task.
Also: orders the people room held as legacy records are adopted by migration 0002."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from haven.chronology.models import Entry
from haven.chronology.services import record_entry
from haven.people.history import history_summary
from haven.people.models import LegacyRecord, SourceRecord
from haven.protection import services
from haven.protection.jobs import sweep
from haven.protection.models import Order
from haven.tasks.models import Task


@pytest.fixture
def overdue(notice, persona):
    """A DVPN served three days ago: its 48-hour hearing deadline has passed."""
    return services.do_record_service(
        notice, version=notice.version, served_at=timezone.now() - dt.timedelta(days=3),
        served_where="Custody suite", subject_address_for_notice="",
        actor=persona("response_officer"))


def test_a_notice_past_its_deadline_lapses_by_the_job_not_on_a_page_view(
        overdue, client_as):
    page = client_as("response_officer").get(f"/protection/{overdue.pk}/")
    assert "the notice lapses" in page.content.decode()
    overdue.refresh_from_db()
    assert overdue.status == "live"  # a GET changes nothing
    assert sweep() == {"lapsed": 1, "expiring": 0}
    overdue.refresh_from_db()
    assert (overdue.status, overdue.ends_at) == ("lapsed", overdue.hearing_due_at)
    page = client_as("response_officer").get(f"/protection/{overdue.pk}/").content.decode()
    assert f"{overdue.reference}: Lapsed" in page
    assert "Lapsed: the hearing deadline passed" in page
    # The court's decision can still be recorded on it.
    hau_page = client_as("hau").get(f"/protection/{overdue.pk}/").content.decode()
    assert "The court made the DVPO" in hau_page and "the court refused or adjourned" in hau_page
    assert not Task.objects.filter(kind="protection_hearing", done_at__isnull=True).exists()
    task = Task.objects.get(kind="protection_lapsed")
    assert task.owner_role == "sergeant" and "lapsed" in task.title
    assert not services.live_orders_of([overdue.protected_id]).exists()
    assert sweep() == {"lapsed": 0, "expiring": 0}  # idempotent
    assert Task.objects.filter(kind="protection_lapsed").count() == 1


def test_a_notice_within_its_deadline_or_decided_is_left_alone(served, persona):
    assert sweep()["lapsed"] == 0
    served.refresh_from_db()
    assert served.status == "live"


def test_the_courts_decision_can_still_be_recorded_on_a_lapsed_notice(overdue, persona):
    sweep()
    overdue.refresh_from_db()
    later = timezone.now() + dt.timedelta(days=1)
    services.do_record_hearing_outcome(overdue, version=overdue.version, outcome="adjourned",
                                       note="Court list full", next_hearing_at=later,
                                       actor=persona("hau"))
    overdue.refresh_from_db()
    assert overdue.status == "live" and overdue.hearing_due_at == later
    assert not Task.objects.filter(kind="protection_lapsed", done_at__isnull=True).exists()


def test_the_periodic_job_is_registered_and_raises_expiry_tasks(pair, persona, settings):
    from haven.core.jobs import PERIODIC, enqueue_due

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert "haven.protection.jobs.protection_sweep" in PERIODIC
    services.do_record_court_order(
        pair[0].force, kind="restraining_order", subject=pair[0], protected=pair[1],
        starts_at=timezone.now() - dt.timedelta(days=100),
        ends_at=timezone.now() + dt.timedelta(days=2), conditions="No contact",
        actor=persona("hau"))
    enqueue_due(timezone.now() + dt.timedelta(days=1))
    assert Task.objects.filter(kind="order_expiring").count() == 1


def test_orders_the_people_room_kept_before_are_adopted_by_the_migration(pair, forces):
    force = forces["WARKS"]
    subject_rec = SourceRecord.objects.create(force=force, system="pvp", source_id="S1",
                                              person=pair[0], forename="Mark",
                                              surname="Holloway")
    protected_rec = SourceRecord.objects.create(force=force, system="pvp", source_id="S2",
                                                person=pair[1], forename="Dana",
                                                surname="Holloway")
    start = timezone.now() - dt.timedelta(days=10)
    end = timezone.now() + dt.timedelta(days=60)
    raw = LegacyRecord.objects.create(
        force=force, system="pvp", kind="order", source_id="O1", subject=subject_rec,
        other_party=protected_rec, occurred_at=start, ends_at=end,
        data={"kind": "Restraining_Order", "conditions": "No contact "})
    LegacyRecord.objects.create(
        force=force, system="pvp", kind="order", source_id="O2", subject=subject_rec,
        occurred_at=start, data={"kind": "dvpn"})
    for person in pair:
        record_entry(person, occurred_at=start, kind="legacy_order", source_room="people",
                     source_type="legacy_record", source_id=raw.pk,
                     summary="Order (pvp)")
    migration = importlib.import_module("haven.protection.migrations.0002_adopt_legacy_orders")
    migration.adopt(apps, None)
    migration.adopt(apps, None)  # run twice: nothing doubles
    order = Order.objects.get(source_id="O1")
    assert (order.kind, order.subject, order.protected, order.conditions, order.status) == (
        "restraining_order", pair[0], pair[1], "No contact", "live")
    assert (order.starts_at, order.ends_at, order.reference) == (start, end, "pvp:O1")
    notice = Order.objects.get(source_id="O2")
    assert (notice.regime, notice.status) == ("csa2010", "ended")  # decided long ago
    # The live order is read from this room: the call-time history shows it for both parties.
    for person, role in ((pair[0], "subject"), (pair[1], "protected")):
        assert [(o["kind"], o["role"]) for o in history_summary(person)["live_orders"]] == [
            ("restraining_order", role)]
    entries = Entry.objects.filter(source_room="protection", source_id=str(order.pk))
    assert entries.count() == 2 and entries.first().kind == "order_recorded"
    raw.refresh_from_db()
    assert raw.subject is None and raw.other_party is None  # the archive keeps the raw row
    assert raw.data["kind"] == "Restraining_Order"

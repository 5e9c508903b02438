"""Bail conditions from investigation's custody events (issue 14 item 3, "from #11"): bail
with conditions becomes an order protecting the victim, changes follow, and a charge, a
release, RUI or no prosecution ends it. Idempotent, credited to the officer."""

import datetime as dt

import pytest
from django.utils import timezone

from haven.access.models import AccessLogEntry
from haven.chronology.models import Entry
from haven.investigation.services import do_record_case_event, do_record_crime
from haven.protection import services
from haven.protection.models import Order


@pytest.fixture
def crime(pair, persona):
    return do_record_crime(offences=["assault_with_injury"], victim=pair[1], suspect=pair[0],
                           actor=persona("detective"))


def event(crime, persona, capture, kind, **fields):
    with capture(execute=True):
        return do_record_case_event(crime, kind=kind, actor=persona("detective"), **fields)


def test_bail_with_conditions_becomes_an_order_protecting_the_victim(
        crime, pair, persona, django_capture_on_commit_callbacks):
    back = (timezone.now() + dt.timedelta(days=28)).replace(microsecond=0)
    event(crime, persona, django_capture_on_commit_callbacks, "bail", next_date=back,
          conditions={"protected_person": True, "exclusion_zone": "Leamington town centre"})
    order = Order.objects.get()
    assert (order.kind, order.subject, order.protected, order.status) == (
        "bail_conditions", pair[0], pair[1], "live")
    assert order.conditions == ("Not to contact or approach the victim; Keep out of "
                                "Leamington town centre")
    assert order.ends_at == back  # the bail return date
    assert order.created_by == persona("detective")  # credited to the officer
    assert services.live_orders_of([pair[1].pk]).get() == order
    entry = AccessLogEntry.objects.filter(record_type="protective_order",
                                          record_id=str(order.pk)).get()
    assert entry.detail["triggered_by"] == persona("detective").pk
    assert Entry.objects.filter(source_room="protection", source_id=str(order.pk),
                                person=pair[1]).exists()
    # Delivered again (a replay): nothing changes.
    services.do_sync_bail_conditions(crime.pk, actor=None)
    assert Order.objects.count() == 1


def test_changed_conditions_follow_and_a_charge_ends_the_bail(
        crime, pair, persona, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    event(crime, persona, capture, "bail", conditions={"no_contact": True},
          occurred_at=timezone.now() - dt.timedelta(days=3))
    event(crime, persona, capture, "bail_change", conditions={"other": "Curfew 7pm to 7am"},
          occurred_at=timezone.now() - dt.timedelta(days=2))
    order = Order.objects.get()
    assert order.conditions == "Curfew 7pm to 7am" and order.status == "live"
    charged_at = timezone.now() - dt.timedelta(days=1)
    event(crime, persona, capture, "charge", occurred_at=charged_at)
    order.refresh_from_db()
    assert (order.status, order.ends_at) == ("ended", charged_at)
    assert not services.live_orders_of([pair[1].pk]).exists()
    assert Entry.objects.filter(source_id=str(order.pk), summary="Bail conditions ended: "
                                                                 "charged").exists()
    # Bailed to court with conditions after the charge: a new period, a new order.
    event(crime, persona, capture, "bail_change", conditions={"protected_person": True})
    assert Order.objects.filter(status="live").count() == 1
    assert Order.objects.count() == 2


@pytest.mark.parametrize("kind", ["released_nfa", "rui", "no_prosecution", "remand"])
def test_release_rui_no_prosecution_or_remand_ends_the_bail(
        kind, crime, persona, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    event(crime, persona, capture, "bail", conditions={"protected_person": True},
          occurred_at=timezone.now() - dt.timedelta(hours=5))
    event(crime, persona, capture, kind)
    assert Order.objects.get().status == "ended"


def test_bail_without_conditions_or_other_events_make_no_order(
        crime, persona, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    event(crime, persona, capture, "bail", note="No conditions")
    event(crime, persona, capture, "interview")
    assert not Order.objects.exists()

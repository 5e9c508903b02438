"""Notices and orders: who may authorise, the subject's age, the hearing clock with its
tasks, DVPO/DAPO duration, court orders, breaches and orders ending soon."""

import datetime as dt

import pytest
from django.utils import timezone

from haven.forces.models import PolicySetting
from haven.protection import services
from haven.protection.models import Order
from haven.protection.rules import Refused
from haven.tasks.models import Task


def da2021(force):
    PolicySetting.objects.create(force=force, key="protection_regime",
                                 value={"2014-03-08": "csa2010", "2024-11-27": "da2021"},
                                 effective_from=dt.date(2000, 1, 1))


def issue(pair, persona, authoriser_role, **kw):
    subject, protected = pair
    return services.do_issue_notice(
        subject.force, subject=subject, protected=protected,
        authoriser=persona(authoriser_role), grounds="Punched her", conditions="Not to molest",
        actor=persona("response_officer"), **kw)


def test_a_dvpn_authorised_by_a_superintendent_records_the_authoriser(notice, persona):
    assert notice.kind == "dvpn" and notice.regime == "csa2010"
    assert notice.authorised_by == persona("superintendent")
    assert notice.authoriser_role == "superintendent"


def test_a_dvpn_by_an_inspector_is_refused_naming_the_rank_needed(pair, persona):
    with pytest.raises(Refused) as refused:
        issue(pair, persona, "inspector")
    assert refused.value.field == "authoriser"
    assert "A DVPN must be authorised by a superintendent or above" in refused.value.message
    assert "an inspector" in refused.value.message
    assert not Order.objects.exists()


def test_a_dapn_by_an_inspector_is_accepted_where_the_force_gives_dapns(pair, persona, forces):
    da2021(forces["WARKS"])
    order = issue(pair, persona, "inspector")
    assert order.kind == "dapn" and order.regime == "da2021"
    assert order.authorised_by == persona("inspector")


def test_a_dapn_by_a_sergeant_is_refused_naming_inspector(pair, persona, forces):
    da2021(forces["WARKS"])
    with pytest.raises(Refused, match="must be authorised by an inspector or above"):
        issue(pair, persona, "sergeant")


def test_a_subject_under_18_is_refused(make_person, pair, persona):
    child = make_person(forename="Kai", surname="Holloway",
                        date_of_birth=timezone.localdate() - dt.timedelta(days=17 * 365))
    with pytest.raises(Refused) as refused:
        services.do_issue_notice(child.force, subject=child, protected=pair[1],
                                 authoriser=persona("superintendent"), grounds="x",
                                 conditions="y", actor=persona("response_officer"))
    assert refused.value.field == "subject" and "aged 18 or over" in refused.value.message


def test_an_officer_of_another_force_cannot_give_a_notice_here(pair, persona):
    from django.http import Http404

    with pytest.raises(Http404):
        services.do_issue_notice(pair[0].force, subject=pair[0], protected=pair[1],
                                 authoriser=persona("superintendent"), grounds="x",
                                 conditions="y", actor=persona("response_officer", "WMERC"))


def test_service_starts_the_hearing_clock_with_tasks_for_the_owner_and_supervisor(
        served, persona):
    assert served.hearing_due_at is not None
    assert served.hearing_due_at - served.served_at >= dt.timedelta(hours=48)
    tasks = Task.objects.filter(source_room="protection", kind="protection_hearing")
    assert {(t.owner_role, t.owner_user_id) for t in tasks} == {
        ("response_officer", persona("response_officer").pk), ("sergeant", None)}
    assert all(t.due_at == served.hearing_due_at for t in tasks)
    assert "left: hearing by" in services.hearing_countdown(served)


@pytest.mark.parametrize("days, last", [(14, dt.date(2026, 3, 15)), (28, dt.date(2026, 3, 29))])
def test_a_dvpo_made_expires_at_the_end_of_its_last_day(served, persona, days, last):
    order = services.do_record_order_made(served, made_on=dt.date(2026, 3, 2), days=days,
                                          conditions="Not to molest", actor=persona("hau"))
    assert order.kind == "dvpo" and order.duration_days == days
    assert timezone.localtime(order.ends_at).date() == last
    served.refresh_from_db()
    assert served.status == "determined"
    assert not Task.objects.filter(kind="protection_hearing", done_at__isnull=True).exists()


def test_a_dvpo_for_29_days_is_refused(served, persona):
    with pytest.raises(Refused, match="between 14 and 28 days"):
        services.do_record_order_made(served, made_on=dt.date(2026, 3, 2), days=29,
                                      conditions="x", actor=persona("hau"))


def test_a_dapo_has_any_duration_requirements_and_a_notification_clock(pair, persona, forces):
    da2021(forces["WARKS"])
    notice = issue(pair, persona, "inspector")
    services.do_record_service(notice, version=notice.version, served_at=timezone.now(),
                               served_where="Home", subject_address_for_notice="",
                               actor=persona("response_officer"))
    order = services.do_record_order_made(
        notice, made_on=dt.date(2026, 3, 2), ends_on=dt.date(2027, 3, 1),
        conditions="No contact", requirements=["Electronic monitoring",
                                               "Behaviour-change programme"],
        notification_requirements="Name and address", actor=persona("hau"))
    assert order.kind == "dapo" and order.duration_days == 365
    assert order.requirements == ["Electronic monitoring", "Behaviour-change programme"]
    # Three days beginning with the day made (s.41(2)): 2, 3 and 4 March.
    assert timezone.localtime(order.notification_due_at).date() == dt.date(2026, 3, 4)
    assert order.notification_requirements.startswith("Name (and any other names used)")
    assert Task.objects.filter(kind="dapo_notification", source_id=str(order.pk)).exists()


def test_every_dapo_has_the_statutory_notification_clock_unless_another_dapo_has(
        pair, persona, forces):
    da2021(forces["WARKS"])

    def dapo():
        notice = issue(pair, persona, "inspector")
        services.do_record_service(notice, version=notice.version, served_at=timezone.now(),
                                   served_where="Home", subject_address_for_notice="",
                                   actor=persona("response_officer"))
        return services.do_record_order_made(notice, made_on=timezone.localdate(),
                                             conditions="No contact", actor=persona("hau"))

    first = dapo()  # the court added nothing: s.41 still applies
    assert first.notification_due_at is not None
    assert "Domestic Abuse Act 2021 s.41" in first.notification_requirements
    second = dapo()  # already notifying under the first (s.41(8)(a))
    assert second.notification_due_at is None
    assert Task.objects.filter(kind="dapo_notification").count() == 1


def test_a_breach_publishes_the_event_and_prompts_for_a_crime(
        pair, persona, django_capture_on_commit_callbacks):
    from haven.core.events import subscribe, unsubscribe
    from haven.protection.events import OrderBreached

    seen = []
    subscribe(OrderBreached, seen.append)
    try:
        order = services.do_record_court_order(
            pair[0].force, kind="restraining_order", subject=pair[0], protected=pair[1],
            starts_at=timezone.now() - dt.timedelta(days=10), ends_at=None,
            conditions="No contact", actor=persona("hau"))
        with django_capture_on_commit_callbacks(execute=True):
            breach = services.do_record_breach(order, occurred_at=timezone.now(),
                                               description="Texted her",
                                               actor=persona("response_officer"))
    finally:
        unsubscribe(OrderBreached, seen.append)
    assert "criminal offence" in breach.crime_prompt
    assert [(e.person_id, e.order_ref) for e in seen] == [(pair[0].pk, order.reference)]


def test_orders_ending_soon_raise_one_task_each(pair, persona):
    order = services.do_record_court_order(
        pair[0].force, kind="non_molestation_order", subject=pair[0], protected=pair[1],
        starts_at=timezone.now() - dt.timedelta(days=100),
        ends_at=timezone.now() + dt.timedelta(days=3), conditions="No contact",
        actor=persona("hau"))
    services.do_record_court_order(
        pair[0].force, kind="bail_conditions", subject=pair[0], protected=pair[1],
        starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(days=60),
        conditions="Not to enter Warwick", actor=persona("hau"))
    assert services.do_raise_expiry_tasks(pair[0].force, actor=None) == 1
    assert services.do_raise_expiry_tasks(pair[0].force, actor=None) == 0
    task = Task.objects.get(kind="order_expiring")
    assert task.source_id == str(order.pk) and task.person == pair[1]


def test_live_orders_show_in_the_history_of_both_parties(pair, persona):
    from haven.people.history import history_summary

    services.do_record_court_order(
        pair[0].force, kind="restraining_order", subject=pair[0], protected=pair[1],
        starts_at=timezone.now() - dt.timedelta(days=1), ends_at=None, conditions="No contact",
        actor=persona("hau"))
    assert [(o["kind"], o["role"]) for o in history_summary(pair[0])["live_orders"]] == [
        ("restraining_order", "subject")]
    assert [(o["kind"], o["role"]) for o in history_summary(pair[1])["live_orders"]] == [
        ("restraining_order", "protected")]


def test_an_adjourned_hearing_keeps_the_notice_and_moves_the_tasks(served, persona):
    later = timezone.now() + dt.timedelta(days=5)
    services.do_record_hearing_outcome(served, version=served.version, outcome="adjourned",
                                       note="Victim's statement awaited",
                                       next_hearing_at=later, actor=persona("hau"))
    served.refresh_from_db()
    assert served.status == "live" and served.hearing_due_at == later
    open_tasks = Task.objects.filter(kind="protection_hearing", done_at__isnull=True)
    assert open_tasks.count() == 2 and all(t.due_at == later for t in open_tasks)


def test_a_refused_order_ends_the_notice(served, persona):
    services.do_record_hearing_outcome(served, version=served.version, outcome="refused",
                                       note="Not satisfied on the evidence",
                                       actor=persona("hau"))
    served.refresh_from_db()
    assert served.status == "determined"
    assert not services.live_orders_of([served.subject_id]).exists()
    assert not Task.objects.filter(kind="protection_hearing", done_at__isnull=True).exists()


def test_the_dapo_notification_closes_its_task(pair, persona, forces):
    da2021(forces["WARKS"])
    notice = issue(pair, persona, "inspector")
    services.do_record_service(notice, version=notice.version, served_at=timezone.now(),
                               served_where="Home", subject_address_for_notice="",
                               actor=persona("response_officer"))
    order = services.do_record_order_made(
        notice, made_on=timezone.localdate(), conditions="No contact",
        notification_requirements="Name and address", actor=persona("hau"))
    services.do_record_notification(order, version=order.version, notified_at=timezone.now(),
                                    actor=persona("hau"))
    assert not Task.objects.filter(kind="dapo_notification", done_at__isnull=True).exists()


def test_the_daily_sweep_command_raises_the_expiry_tasks(pair, persona, capsys):
    from django.core.management import call_command

    services.do_record_court_order(
        pair[0].force, kind="restraining_order", subject=pair[0], protected=pair[1],
        starts_at=timezone.now() - dt.timedelta(days=100),
        ends_at=timezone.now() + dt.timedelta(days=2), conditions="No contact",
        actor=persona("hau"))
    call_command("protection_sweep")
    assert "orders ending soon: 1 task(s) raised" in capsys.readouterr().out
    assert Task.objects.filter(kind="order_expiring").count() == 1

"""Clare's Law: the clock from policy, identity, research, the decision's legal tests,
disclosure, and immediate risk that stops the wait."""

import datetime as dt

import pytest
from django.utils import timezone

from haven.protection import rules, services
from haven.protection.rules import Refused
from haven.tasks.models import Task

ALL_MET = dict.fromkeys(rules.DISCLOSURE_TESTS, True)


@pytest.fixture
def app(pair, persona):
    subject, at_risk = pair
    return services.do_open_application(subject.force, route="ask", person_at_risk=at_risk,
                                        subject=subject, applicant=at_risk,
                                        concern="Worried by his temper",
                                        actor=persona("darm"))


def test_the_clock_is_28_days_and_35_for_an_application_before_2023(app, pair, persona):
    assert app.clock_days == 28 and app.due_at - app.received_at == dt.timedelta(days=28)
    assert "28 days left of 28" in services.clock_text(app)
    old = services.do_open_application(
        pair[0].force, route="know", person_at_risk=pair[1], subject=pair[0],
        information_source="Probation", received_at=timezone.make_aware(
            dt.datetime(2022, 6, 1, 10)), actor=persona("darm"))
    assert old.clock_days == 35
    assert "overdue" in services.clock_text(old)


def test_right_to_know_names_where_the_information_came_from(pair, persona):
    with pytest.raises(Refused) as refused:
        services.do_open_application(pair[0].force, route="know", person_at_risk=pair[1],
                                     subject=pair[0], actor=persona("darm"))
    assert refused.value.field == "information_source"


def test_an_application_runs_to_disclosure(app, persona):
    coordinator = persona("darm")
    with pytest.raises(Refused, match="photo ID and one other"):
        services.do_record_identity_check(app, version=app.version, documents="passport",
                                          met_at=timezone.now(), actor=coordinator)
    services.do_record_identity_check(app, version=app.version,
                                      documents="passport, bank statement",
                                      met_at=timezone.now(), actor=coordinator)
    services.do_record_research(app, version=app.version, findings="Two assaults on a former "
                                "partner", actor=coordinator)
    assert "live_orders" in services.subject_research(app)
    with pytest.raises(Refused, match="Not met: .*Rehabilitation"):
        services.do_record_decision(app, version=app.version, decision="disclose",
                                    tests={**ALL_MET, "rehabilitation": False},
                                    rationale="Pressing need", panel="DVDS panel",
                                    actor=coordinator)
    services.do_record_decision(app, version=app.version, decision="disclose", tests=ALL_MET,
                                rationale="Pressing need", panel="DVDS panel",
                                actor=coordinator)
    services.do_record_disclosure(app, version=app.version, disclosed_to="The person at risk",
                                  what="Two convictions for assault on former partners",
                                  disclosed_at=timezone.now(), actor=coordinator)
    app.refresh_from_db()
    assert app.stage == "closed" and app.disclosed_by == coordinator
    assert app.decision_tests == ALL_MET
    assert services.clock_text(app).startswith("closed")


def test_immediate_risk_creates_an_urgent_task_and_stops_the_wait(app, persona):
    services.do_flag_immediate_risk(app, note="He threatened to kill her tonight",
                                    actor=persona("darm"))
    task = Task.objects.get(kind="dvds_immediate_risk")
    assert task.title.startswith("URGENT") and task.person == app.person_at_risk
    assert task.due_at - timezone.now() <= dt.timedelta(hours=1)
    assert services.clock_text(app).startswith("IMMEDIATE RISK")


def test_a_role_without_the_capability_cannot_open_an_application(pair, persona):
    from django.http import Http404

    with pytest.raises(Http404):
        services.do_open_application(pair[0].force, route="ask", person_at_risk=pair[1],
                                     subject=pair[0], actor=persona("response_officer"))


def test_the_decision_waits_for_identity_and_research_unless_immediate_risk(app, persona):
    with pytest.raises(Refused, match="identity check and the research first"):
        services.do_record_decision(app, version=app.version, decision="not_disclose",
                                    tests={}, rationale="r", panel="p",
                                    actor=persona("darm"))


def test_volumes_and_timeliness(app, persona):
    from haven.protection import measures

    services.do_flag_immediate_risk(app, note="Threats", actor=persona("darm"))
    app.refresh_from_db()
    services.do_record_decision(app, version=app.version, decision="not_disclose", tests={},
                                rationale="Nothing disclosable", panel="DVDS panel",
                                actor=persona("darm"))
    m = measures.figures(app.force)
    assert (m["ask"], m["closed"], m["on_time"], m["not_disclosed"]) == (1, 1, 1, 1)


def test_research_reads_the_subjects_linked_records_and_logs_it(app, pair, persona):
    from haven.access.models import AccessLogEntry

    services.do_record_court_order(
        pair[0].force, kind="restraining_order", subject=pair[0], protected=None,
        starts_at=timezone.now() - dt.timedelta(days=400), ends_at=None,
        conditions="No contact with a former partner", actor=persona("hau"))
    assert [o["kind"] for o in services.subject_research(app)["live_orders"]] == [
        "restraining_order"]
    entries = services.subject_timeline(persona("darm"), app)
    assert "Restraining order recorded" in [e.summary for e in entries]
    assert AccessLogEntry.objects.filter(record_type="chronology", person_id=pair[0].pk,
                                         reason="Clare's Law research").exists()

"""The log's lifecycle: each step in order, the sergeant's endorsement before closing."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from haven.access.models import AccessLogEntry
from haven.chronology.models import Entry
from haven.core.concurrency import StaleEdit
from haven.intake import services
from haven.intake.models import StateChange
from haven.tasks.models import Task


def test_access_incident_logs_a_consultation_for_each_person_involved(make_incident, persona):
    incident = make_incident()
    found = services.access_incident(persona("response_officer"), incident.pk)
    assert found == incident
    people = set(incident.involvements.values_list("person_id", flat=True))
    logged = AccessLogEntry.objects.filter(record_type="incident", record_id=str(incident.pk),
                                           action="consultation", outcome="allowed")
    assert set(logged.values_list("person_id", flat=True)) == people


def test_access_incident_is_404_for_other_force_and_missing_and_logs_the_refusal(
        make_incident, persona):
    incident = make_incident()
    with pytest.raises(Http404):
        services.access_incident(persona("response_officer", "WMERC"), incident.pk)
    with pytest.raises(Http404):
        services.access_incident(persona("response_officer"), 999999)
    with pytest.raises(Http404):
        services.access_incident(persona("trainer"), incident.pk)
    assert AccessLogEntry.objects.filter(record_type="incident", outcome="refused").count() == 3


def test_risk_assessed_moves_an_attended_log_on_and_times_arrival_to_dash(make_incident, persona):
    arrived = timezone.now() - dt.timedelta(minutes=40)
    incident = make_incident(state="attended", progress={"attended_at": arrived})
    services.do_record_risk_assessed(incident, assessment_id=77, actor=persona("response_officer"))
    incident.refresh_from_db()
    assert incident.state == "risk_assessed"
    assert incident.progress.risk_assessment_id == 77
    assert incident.progress.risk_assessed_at >= arrived
    assert StateChange.objects.filter(incident=incident, to_state="risk_assessed").exists()
    assert Entry.objects.filter(kind="incident_risk_assessed").count() == 2


def test_a_second_assessment_keeps_the_state_and_the_first_time(make_incident, persona):
    incident = make_incident(state="attended", progress={"attended_at": timezone.now()})
    officer = persona("response_officer")
    services.do_record_risk_assessed(incident, assessment_id=1, actor=officer)
    first = incident.progress.__class__.objects.get(incident=incident).risk_assessed_at
    services.do_record_risk_assessed(incident, assessment_id=2, actor=officer)
    incident.refresh_from_db()
    assert (incident.state, incident.progress.risk_assessment_id) == ("risk_assessed", 2)
    assert incident.progress.risk_assessed_at == first


def test_risk_assessed_before_arrival_is_refused(make_incident, persona):
    incident = make_incident(state="dispatched")
    with pytest.raises(services.TransitionRefused, match="arrival"):
        services.do_record_risk_assessed(incident, assessment_id=1, actor=persona("sergeant"))


def test_a_da_log_cannot_close_unendorsed(make_incident, persona):
    incident = make_incident(state="risk_assessed")
    with pytest.raises(services.TransitionRefused, match="sergeant"):
        services.do_close_incident(incident, actor=persona("sergeant"))
    incident.refresh_from_db()
    assert incident.state == "risk_assessed"


def test_sergeant_endorses_with_supervision_then_the_log_closes(make_incident, persona):
    incident = make_incident(state="risk_assessed",
                             progress={"risk_assessed_at": timezone.now()})
    sergeant = persona("sergeant")
    with pytest.raises(services.TransitionRefused, match="supervision"):
        services.do_endorse_incident(incident, supervision=" ", actor=sergeant)
    services.do_endorse_incident(incident, supervision="Positive action taken; DASH reviewed.",
                                 actor=sergeant)
    services.do_close_incident(incident, actor=sergeant)
    incident.refresh_from_db()
    assert incident.state == "closed"
    assert incident.progress.endorsed_by == sergeant
    kinds = set(Entry.objects.values_list("kind", flat=True))
    assert {"incident_endorsed", "incident_closed"} <= kinds


def test_an_officer_cannot_endorse(make_incident, persona):
    incident = make_incident(state="risk_assessed")
    with pytest.raises(Http404):
        services.do_endorse_incident(incident, supervision="ok",
                                     actor=persona("response_officer"))


def test_a_stale_version_is_refused_not_overwritten(make_incident, persona):
    incident = make_incident(state="dispatched")
    with pytest.raises(StaleEdit, match="Reload"):
        services.do_record_attendance(incident, actor=persona("response_officer"), version=99)


def test_sweep_tags_a_log_attended_without_dash_to_the_hau_once(make_incident):
    late = timezone.now() - dt.timedelta(days=2)
    incident = make_incident(state="attended", progress={"attended_at": late})
    fresh = make_incident(state="attended", progress={"attended_at": timezone.now()})
    assert services.do_sweep_overdue_dash() == [incident]
    assert services.do_sweep_overdue_dash() == []
    task = Task.objects.get(kind="missing_dash")
    assert (task.owner_role, task.source_id) == ("hau", str(incident.pk))
    assert not Task.objects.filter(source_id=str(fresh.pk)).exists()


def test_each_step_writes_the_access_log_for_every_person(make_incident, persona):
    incident = make_incident(state="dispatched")
    services.do_record_attendance(incident, actor=persona("response_officer"))
    changed = AccessLogEntry.objects.filter(action="alteration", record_type="incident",
                                            detail__state="attended")
    assert changed.count() == 2


def test_a_non_da_log_goes_from_attended_to_the_sergeant(make_incident, client_as, persona):
    incident = make_incident(state="attended", domestic_abuse=False)
    page = client_as("sergeant").get(f"/intake/{incident.pk}/").content
    assert b"Endorse the log" in page
    services.do_endorse_incident(incident, supervision="No DA; advice given.",
                                 actor=persona("sergeant"))
    incident.refresh_from_db()
    assert incident.state == "endorsed"


def test_the_force_timing_summary_measures_each_interval(make_incident, forces):
    from haven.intake.measures import timing_summary

    opened = timezone.now() - dt.timedelta(hours=2)
    make_incident(opened_at=opened, progress={
        "dispatched_at": opened + dt.timedelta(minutes=4),
        "attended_at": opened + dt.timedelta(minutes=30)})
    summary = timing_summary(forces["WARKS"])
    assert summary["call_to_dispatch"]["median_minutes"] == 4.0
    assert summary["call_to_arrival"]["median_minutes"] == 30.0
    assert summary["arrival_to_dash"]["count"] == 0


def test_opening_the_list_writes_nothing_the_sweep_runs_as_a_job(make_incident, client_as,
                                                                  settings):
    """Issue 18 item 2: no write on a GET. The overdue-DASH sweep is a periodic job."""
    from haven.core.jobs import PERIODIC, enqueue_due

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    late = timezone.now() - dt.timedelta(days=2)
    incident = make_incident(state="attended", progress={"attended_at": late})
    client = client_as("occ_supervisor")
    assert client.get("/intake/").status_code == 200
    assert client.get(f"/intake/{incident.pk}/").status_code == 200
    assert not Task.objects.filter(kind="missing_dash").exists()
    assert "haven.intake.jobs.sweep_overdue_dash" in PERIODIC
    enqueue_due(timezone.now() + dt.timedelta(days=1))
    assert Task.objects.get(kind="missing_dash").source_id == str(incident.pk)

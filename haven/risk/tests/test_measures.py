"""Compliance measures: DASH coverage, timings, regrade rates."""

import datetime as dt

import pytest
from django.utils import timezone

from haven.intake.models import IncidentProgress
from haven.risk import measures
from haven.risk.models import Assessment
from haven.risk.review import do_review_hau
from haven.risk.services import do_review_sergeant

pytestmark = pytest.mark.django_db


def test_share_of_da_incidents_with_a_dash(complete_dash, make_da_incident, forces):
    complete_dash()
    make_da_incident()
    assert measures.dash_share(forces["WARKS"]) == {"incidents": 2, "with_dash": 1,
                                                    "share": 0.5}
    assert measures.dash_share(forces["WMERC"])["share"] is None


def test_timings_from_arrival_to_dash_and_reviews(complete_dash, make_da_incident, persona,
                                                  forces):
    incident = make_da_incident()
    a = complete_dash(incident=incident)
    IncidentProgress.objects.update_or_create(
        incident=incident, defaults={"attended_at": a.completed_at - dt.timedelta(hours=2)})
    Assessment.objects.filter(pk=a.pk).update(completed_at=timezone.now() - dt.timedelta(hours=5))
    a.refresh_from_db()
    do_review_sergeant(a, version=a.version, grade="standard", actor=persona("sergeant"))
    do_review_hau(a, version=a.version, grade="standard", response_matched=True,
                  actor=persona("hau"))
    m = measures.all_measures(forces["WARKS"])
    assert m["time_to_sergeant_review"]["count"] == 1
    assert 4.9 < m["time_to_sergeant_review"]["median_hours"] < 5.1
    assert 4.9 < m["time_to_hau_review"]["mean_hours"] < 5.1
    assert m["attendance_to_dash"]["count"] == 0  # completed before arrival is ignored


def test_attendance_to_dash(complete_dash, make_da_incident, forces):
    incident = make_da_incident()
    IncidentProgress.objects.update_or_create(
        incident=incident, defaults={"attended_at": timezone.now() - dt.timedelta(hours=3)})
    complete_dash(incident=incident)
    result = measures.attendance_to_dash(forces["WARKS"])
    assert result["count"] == 1 and 2.9 < result["median_hours"] < 3.1


def test_regrade_rates_by_grade_and_by_officer(complete_dash, persona, forces):
    regraded = complete_dash(yes=3, grade="standard")
    complete_dash(yes=3, grade="standard")
    complete_dash(yes=15, grade="high", actor=persona("snt_officer"))
    do_review_sergeant(regraded, version=regraded.version, grade="medium",
                       rationale="Separation", guidance="Refer to the neighbourhood team",
                       actor=persona("sergeant"))
    rates = measures.regrade_rates(forces["WARKS"])
    assert rates["by_grade"]["standard"] == {"assessments": 2, "regraded": 1, "rate": 0.5}
    assert rates["by_grade"]["high"]["rate"] == 0.0
    by_officer = {row["officer"]: row for row in rates["by_officer"].values()}
    assert by_officer["response_officer.warks"]["rate"] == 0.5
    assert by_officer["snt_officer.warks"]["regraded"] == 0

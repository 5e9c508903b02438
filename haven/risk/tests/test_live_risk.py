"""Live risk: a new incident, a custody event or a breach flags the victim's current grade."""

import pytest
from django.utils import timezone

from haven.chronology.models import Entry
from haven.core.events import publish
from haven.intake.events import IncidentRecorded
from haven.investigation.events import CustodyEvent
from haven.protection.events import OrderBreached
from haven.risk.live import do_flag_reassessment
from haven.risk.models import ReassessmentFlag
from haven.risk.tests.conftest import dash_answers
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def recorded(incident, actor):
    return IncidentRecorded(incident_id=incident.pk, force_id=incident.force_id,
                            recorded_at=timezone.now(), actor_id=actor.pk)


def test_a_new_incident_for_the_victim_flags_their_grade(complete_dash, make_da_incident,
                                                         persona,
                                                         django_capture_on_commit_callbacks):
    a = complete_dash(yes=8, grade="medium")
    new = make_da_incident(victim=a.victim)
    with django_capture_on_commit_callbacks(execute=True):
        publish(recorded(new, persona("call_handler")))
    flag = ReassessmentFlag.objects.get(assessment=a)
    assert flag.reason == f"New incident {new.reference}"
    task = Task.objects.get(kind="reassessment")
    assert (task.owner_role, task.person_id) == ("hau", a.victim_id)
    assert Entry.objects.filter(person=a.victim, kind="risk_reassessment_flagged").exists()


def test_the_assessed_incident_itself_does_not_flag(complete_dash, persona,
                                                    django_capture_on_commit_callbacks):
    a = complete_dash()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish(recorded(a.incident, persona("call_handler")))
    assert callbacks  # the subscriber did run
    assert not ReassessmentFlag.objects.exists()


def test_the_abuser_in_a_new_incident_flags_earlier_victims(complete_dash, make_da_incident,
                                                            persona,
                                                            django_capture_on_commit_callbacks):
    a = complete_dash()
    abuser = a.incident.involvements.get(role="suspect").person
    with django_capture_on_commit_callbacks(execute=True):
        publish(recorded(make_da_incident(suspect=abuser), persona("call_handler")))
    assert ReassessmentFlag.objects.get(person=a.victim).reason.startswith(
        "Abuser named in new incident")


def test_release_from_custody_flags_the_victim(complete_dash, persona,
                                               django_capture_on_commit_callbacks):
    a = complete_dash()
    abuser = a.incident.involvements.get(role="suspect").person
    with django_capture_on_commit_callbacks(execute=True):
        publish(CustodyEvent(person_id=abuser.pk, force_id=abuser.force_id, kind="released",
                             occurred_at=timezone.now(), actor_id=persona("detective").pk))
    assert "Abuser custody event: released" in ReassessmentFlag.objects.get(person=a.victim).reason


def test_an_order_breach_flags_once_per_event(complete_dash, persona,
                                              django_capture_on_commit_callbacks):
    a = complete_dash()
    abuser = a.incident.involvements.get(role="suspect").person
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            publish(OrderBreached(person_id=abuser.pk, force_id=abuser.force_id,
                                  order_ref="DVPO-7", occurred_at=timezone.now(),
                                  actor_id=persona("detective").pk))
    assert ReassessmentFlag.objects.get(person=a.victim).reason == "Abuser breached order DVPO-7"


def test_a_new_assessment_clears_the_flags(complete_dash, make_da_incident, persona):
    a = complete_dash()
    do_flag_reassessment(a.victim, reason="Breach", source="order_breached", actor=None)
    stalking = {f"SD{n:02d}": ("no", "victim", "") for n in range(1, 12)}
    complete_dash(incident=make_da_incident(victim=a.victim),
                  answers=dash_answers(2) | stalking)
    assert ReassessmentFlag.objects.get().cleared_at is not None


def test_a_person_without_an_assessment_is_not_flagged(make_person):
    assert do_flag_reassessment(make_person(), reason="x", source="other", actor=None) is None


def test_flag_is_shown_on_the_assessment_and_the_hau_queue(complete_dash, client_as):
    a = complete_dash()
    do_flag_reassessment(a.victim, reason="Abuser released from prison", source="custody_event",
                         actor=None)
    client = client_as("hau")
    assert b"Re-assess: Abuser released from prison" in client.get(f"/risk/{a.pk}/").content
    assert b"Abuser released from prison" in client.get("/risk/hau/").content
    assert b"Abuser released from prison" in client.get("/").content


def test_hau_closes_a_flag_with_a_reason(complete_dash, client_as):
    a = complete_dash()
    flag = do_flag_reassessment(a.victim, reason="Abuser bailed", source="custody_event",
                                actor=None)
    url = f"/risk/{a.pk}/flags/{flag.pk}/clear/"
    assert client_as("sergeant").post(url, {"note": "x"}).status_code == 404
    assert client_as("hau", "WMERC").post(url, {"note": "x"}).status_code == 404
    client = client_as("hau")
    response = client.post(url, {"note": ""})
    assert response.status_code == 400 and f'href="#note-{flag.pk}"'.encode() in response.content
    assert client.post(url, {"note": "Bail conditions keep him away"}).status_code == 302
    flag.refresh_from_db()
    assert flag.cleared_at is not None
    assert Task.objects.get(kind="reassessment").done_at is not None
    assert Entry.objects.filter(kind="risk_reassessment_cleared", person=a.victim).exists()
    assert b"Re-assess: Abuser bailed" not in client.get(f"/risk/{a.pk}/").content

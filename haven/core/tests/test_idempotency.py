"""Idempotency keys (issue 18 item 5): a phone's retried submit gets the first answer and
nothing is stored twice."""

import uuid

from haven.access.models import AccessLogEntry, IdempotentSubmission
from haven.intake.models import Incident
from haven.intake.tests.helpers import full_checklist
from haven.risk.models import Assessment
from haven.risk.tests.conftest import CODES

INCIDENTS = "/api/v1/incidents/"
DASH = "/api/v1/risk/assessments/"


def incident_body(victim, suspect=None):
    people = [{"person": victim.pk, "role": "victim"}]
    if suspect is not None:
        people.append({"person": suspect.pk, "role": "suspect"})
    return {"reported_via": "call", "category": "domestic", "checklist": full_checklist(),
            "postcode": "CV34 4AA", "address_line": "1 Test Street", "involvements": people}


def post(client, url, body, key):
    return client.post(url, body, content_type="application/json",
                       headers={"Idempotency-Key": key})


def test_a_retried_incident_creation_returns_the_first_answer_and_creates_one_log(
        client_as, make_person):
    client = client_as("call_handler")
    key = str(uuid.uuid4())
    body = incident_body(make_person())
    first = post(client, INCIDENTS, body, key)
    assert first.status_code == 201, first.content
    entries = AccessLogEntry.objects.count()
    again = post(client, INCIDENTS, body, key)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Incident.objects.count() == 1
    assert AccessLogEntry.objects.count() == entries  # nothing ran the second time
    # A new key is a new submission.
    assert post(client, INCIDENTS, body, str(uuid.uuid4())).status_code == 201
    assert Incident.objects.count() == 2


def test_a_retried_dash_submission_is_stored_once(client_as, make_person):
    victim, suspect = make_person(), make_person(forename="Sus", surname="Pect")
    incident = post(client_as("call_handler"), INCIDENTS, incident_body(victim, suspect),
                    str(uuid.uuid4())).json()
    officer = client_as("response_officer")
    body = {"incident": incident["id"], "person": victim.pk, "grade": "standard",
            "answers": {code: "no" for code in CODES}}
    key = str(uuid.uuid4())
    first = post(officer, DASH, body, key)
    assert first.status_code == 201, first.content
    second = post(officer, DASH, body, key)
    assert (second.status_code, second.json()) == (201, first.json())
    assert Assessment.objects.count() == 1


def test_the_same_key_for_a_different_submission_is_refused(client_as, make_person):
    client = client_as("call_handler")
    key = str(uuid.uuid4())
    assert post(client, INCIDENTS, incident_body(make_person()), key).status_code == 201
    other = post(client, INCIDENTS, incident_body(make_person(forename="Other")), key)
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]
    assert Incident.objects.count() == 1


def test_a_refused_submission_is_replayed_as_refused_and_keys_are_per_user(
        client_as, make_person):
    victim = make_person()
    key = str(uuid.uuid4())
    bad = incident_body(victim)
    bad["checklist"] = {}
    first = post(client_as("call_handler"), INCIDENTS, bad, key)
    assert first.status_code == 400
    assert post(client_as("call_handler"), INCIDENTS, bad, key).json() == first.json()
    # Another user's identical key is theirs alone: it runs (and is refused on its own).
    assert post(client_as("occ_supervisor"), INCIDENTS, bad, key).status_code == 400
    assert IdempotentSubmission.objects.filter(key=key).count() == 2
    assert Incident.objects.count() == 0


def test_a_submission_without_a_key_works_as_before(client_as, make_person):
    response = client_as("call_handler").post(INCIDENTS, incident_body(make_person()),
                                              content_type="application/json")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert not IdempotentSubmission.objects.exists()


def test_a_key_that_is_not_printable_text_is_a_400(client_as, make_person):
    response = post(client_as("call_handler"), INCIDENTS, incident_body(make_person()),
                    "x" * 256)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"]
    assert Incident.objects.count() == 0


def test_the_key_is_stored_in_one_insert_that_skips_a_used_key(client_as, make_person):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: one statement, no savepoint around it;
    the row is whole (who, what, when, the answer) and a used key inserts nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("call_handler")
    key, body = str(uuid.uuid4()), incident_body(make_person())
    with CaptureQueriesContext(connection) as captured:
        assert post(client, INCIDENTS, body, key).status_code == 201
    sqls = [q["sql"] for q in captured.captured_queries]
    first = next(i for i, sql in enumerate(sqls) if "access_idempotentsubmission" in sql)
    # (The savepoint before it is the submission's own transaction, nested in the test's.)
    assert "ON CONFLICT" in sqls[first] and "SAVEPOINT" not in sqls[first + 1]
    row = IdempotentSubmission.objects.get(key=key)
    assert (row.user.username, row.method, row.path, row.status_code) == (
        "call_handler.warks", "POST", INCIDENTS, 201)
    assert len(row.request_hash) == 64 and row.created_at is not None and bytes(row.body)
    assert post(client, INCIDENTS, body, key)["Idempotent-Replayed"] == "true"
    assert IdempotentSubmission.objects.filter(key=key).count() == 1

"""Helper R's probe: any response that shows a person's name writes an access-log entry for
that person (issue 8 item 4), page or API, for each role that sees it."""

import pytest
from django.db.models import Max

from haven.access.models import AccessLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(complete_dash, persona, make_person):
    victim = make_person(forename="Quentin", surname="Zarathustra")
    suspect = make_person(forename="Ulrika", surname="Vonnegutt")
    from django.utils import timezone

    from haven.intake.models import Incident, IncidentProgress, Involvement
    incident = Incident.objects.create(force=victim.force, reference="NL00001",
                                       reported_via="call", category="domestic",
                                       opened_at=timezone.now(), state="attended")
    IncidentProgress.objects.create(incident=incident,
                                    assigned_officer=persona("response_officer"))
    Involvement.objects.create(incident=incident, person=victim, role="victim")
    Involvement.objects.create(incident=incident, person=suspect, role="suspect")
    assessment = complete_dash(yes=12, grade="high", incident=incident, rationale="Many risks")
    return assessment, victim, suspect


ROLES = ["call_handler", "response_officer", "sergeant", "hau", "snt_officer", "occ_supervisor",
         "detective", "marac_coordinator", "auditor"]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_that_names_a_person_logs_them(client_as, assessed, role):
    a, victim, suspect = assessed
    from haven.tasks.models import Task
    urls = ["/", "/risk/", "/risk/hau/", f"/risk/{a.pk}/", "/intake/",
            f"/intake/{a.incident_id}/", f"/intake/{a.incident_id}/briefing/",
            f"/intake/{a.incident_id}/people/", "/tasks/", "/api/v1/tasks/",
            f"/api/v1/risk/assessments/{a.pk}/", f"/api/v1/incidents/{a.incident_id}/",
            "/api/v1/incidents/", f"/risk/new/?incident={a.incident_id}",
            *[f"/tasks/{t}/" for t in Task.objects.values_list("pk", flat=True)]]
    client = client_as(role)
    unlogged, seen = [], 0
    for url in urls:
        before = AccessLogEntry.objects.aggregate(last=Max("pk"))["last"] or 0
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.content.decode()
        logged = set(AccessLogEntry.objects.filter(pk__gt=before)
                     .values_list("person_id", flat=True))
        for person, name in ((victim, "Zarathustra"), (suspect, "Vonnegutt")):
            if name in body:
                seen += 1
                if person.pk not in logged:
                    unlogged.append((url, name))
    assert unlogged == []
    assert seen or role == "auditor"  # the probe saw names at all

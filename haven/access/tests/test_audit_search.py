from django.urls import reverse

from haven.access.log import Action, record_access
from haven.access.models import AccessLogEntry


def test_auditor_finds_entries_by_person(client_as, persona):
    record_access(persona("hau"), Action.CONSULTATION, record_type="person", record_id=7,
                  person_id=7)
    response = client_as("auditor").get(reverse("access:audit"), {"person_id": 7})
    assert response.status_code == 200
    assert b"hau.warks" in response.content
    # The auditor's own search is itself logged.
    own_search = AccessLogEntry.objects.filter(record_type="access_log", username="auditor.warks")
    assert own_search.exists()


def test_auditor_does_not_see_the_other_forces_users(client_as, persona):
    record_access(persona("hau", "WMERC"), Action.CONSULTATION, record_type="person",
                  record_id=8, person_id=8)
    response = client_as("auditor").get(reverse("access:audit"), {"username": "hau.wmerc"})
    assert b"No entries match." in response.content


def test_other_roles_get_404(client_as):
    assert client_as("sergeant").get(reverse("access:audit")).status_code == 404

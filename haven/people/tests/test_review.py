import pytest

from haven.access.models import AccessLogEntry
from haven.people.models import MergeEvent, ReviewItem


@pytest.fixture
def item(add_record):
    add_record("pvp", "P1", forename="William", surname="Jones", date_of_birth="1970-02-03")
    add_record("crime", "C1", forename="William", surname="Jones", date_of_birth="1970-02-08")
    return ReviewItem.objects.get()


def test_the_hau_sees_the_queue_and_both_records_side_by_side_with_evidence(item, client_as):
    client = client_as("hau")
    queue = client.get("/people/review/").content.decode()
    assert f"Review pair {item.pk}" in queue
    page = client.get(f"/people/review/{item.pk}/").content.decode()
    assert "pvp P1" in page and "crime C1" in page
    assert "one digit different" in page
    assert "Date of birth" in page and "Dateofbirth" not in page
    assert AccessLogEntry.objects.filter(record_type="review_item", action="consultation",
                                         record_id=str(item.pk)).exists()


def test_deciding_link_merges_the_two_persons_and_logs_it(item, client_as):
    client = client_as("hau")
    response = client.post(f"/people/review/{item.pk}/", {"decision": "link", "version": 1})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision == "link" and item.decided_by.username == "hau.warks"
    assert item.record_a.person_id == item.record_b.person_id
    assert MergeEvent.objects.count() == 1
    assert AccessLogEntry.objects.filter(record_type="review_item", action="combination",
                                         username="hau.warks").count() == 1


def test_a_decision_on_a_stale_page_is_refused_not_overwritten(item, client_as):
    client = client_as("hau")
    client.post(f"/people/review/{item.pk}/", {"decision": "not_link", "version": 1})
    page = client.post(f"/people/review/{item.pk}/", {"decision": "link", "version": 1})
    assert b"decided this pair already" in page.content
    item.refresh_from_db()
    assert item.decision == "not_link"


def test_no_decision_chosen_shows_an_error_naming_it(item, client_as):
    page = client_as("hau").post(f"/people/review/{item.pk}/", {"version": 1}).content
    assert b"govuk-error-summary" in page and b"Choose whether" in page


@pytest.mark.parametrize("role", ["call_handler", "sergeant", "idva"])
def test_roles_without_review_get_404(item, client_as, role):
    client = client_as(role)
    assert client.get("/people/review/").status_code == 404
    assert client.get(f"/people/review/{item.pk}/").status_code == 404
    assert client.post(f"/people/review/{item.pk}/", {"decision": "link", "version": 1}
                       ).status_code == 404


def test_the_other_forces_hau_gets_404(item, client_as):
    client = client_as("hau", "WMERC")
    assert f"Review pair {item.pk}".encode() not in client.get("/people/review/").content
    assert client.get(f"/people/review/{item.pk}/").status_code == 404

"""Every read of a person is logged, refusals too (issue 8 item 4, people part)."""

import pytest

from haven.access.models import AccessLogEntry
from haven.people.models import ReviewItem


@pytest.fixture
def item(add_record):
    add_record("pvp", "P1", forename="William", surname="Jones", date_of_birth="1970-02-03")
    add_record("crime", "C1", forename="William", surname="Jones", date_of_birth="1970-02-08")
    return ReviewItem.objects.get()


@pytest.mark.parametrize(("role", "force"), [("snt_officer", "WARKS"), ("call_handler", "WARKS"),
                                             ("hau", "WMERC")])
def test_refused_attempts_on_a_review_item_are_logged(item, client_as, role, force):
    client = client_as(role, force)
    assert client.get(f"/people/review/{item.pk}/").status_code == 404
    assert client.post(f"/people/review/{item.pk}/", {"decision": "link",
                                                       "version": 1}).status_code == 404
    refused = AccessLogEntry.objects.filter(record_type="review_item", outcome="refused",
                                            record_id=str(item.pk))
    assert refused.count() == 2
    assert set(refused.values_list("username", flat=True)) == {f"{role}.{force.lower()}"}
    item.refresh_from_db()
    assert item.decision == ""


def test_reading_the_review_queue_is_logged_with_the_persons_it_names(item, client_as):
    client_as("hau").get("/people/review/")
    entry = AccessLogEntry.objects.get(record_type="review_queue", outcome="allowed")
    assert entry.username == "hau.warks"
    assert entry.detail["items"] == [item.pk]
    assert set(entry.detail["persons"]) == {item.record_a.person_id, item.record_b.person_id}


def test_a_refused_look_at_the_review_queue_is_logged(item, client_as):
    assert client_as("response_officer").get("/people/review/").status_code == 404
    assert AccessLogEntry.objects.filter(record_type="review_queue", outcome="refused",
                                         username="response_officer.warks").count() == 1


def test_a_merge_error_reads_as_words_not_a_field_code(make_person, client_as):
    person = make_person()
    response = client_as("hau").post(f"/people/{person.pk}/merge/", {
        "other_person": "999999", "reason": "same"}, follow=True)
    html = response.content.decode()
    assert "other_person:" not in html
    assert "Enter the number of a person you may see" in html


def test_a_refused_merge_or_unmerge_is_logged(make_person, client_as):
    keep, other = make_person(), make_person(forename="Sam")
    client = client_as("snt_officer")
    assert client.post(f"/people/{keep.pk}/merge/", {"other_person": other.pk,
                                                     "reason": "same"}).status_code == 404
    assert client.post("/people/merges/1/unmerge/").status_code == 404
    refused = AccessLogEntry.objects.filter(outcome="refused", username="snt_officer.warks")
    assert set(refused.values_list("record_type", flat=True)) == {"person", "merge_event"}

"""Helper R's probe: malformed ids and versions on the people room's forms answer 4xx, not 500."""

import pytest

from haven.people.models import ReviewItem

BAD = ["abc", "99999999999999999999999", "²", "-1", "1.5"]


@pytest.fixture
def item(add_record):
    add_record("pvp", "P1", forename="William", surname="Jones", date_of_birth="1970-02-03")
    add_record("crime", "C1", forename="William", surname="Jones", date_of_birth="1970-02-08")
    return ReviewItem.objects.get()


@pytest.mark.parametrize("version", BAD)
def test_a_review_decision_with_a_malformed_version_is_refused(client_as, item, version):
    response = client_as("hau").post(f"/people/review/{item.pk}/",
                                      {"decision": "merge", "version": version})
    assert response.status_code < 500
    item.refresh_from_db()
    assert item.decided_at is None


@pytest.mark.parametrize("value", BAD)
def test_a_merge_with_a_malformed_version_or_person_is_refused(client_as, make_person, value):
    keep, absorb = make_person(), make_person()
    client = client_as("hau")
    for data in ({"other_person": str(absorb.pk), "reason": "same", "version": value},
                 {"other_person": value, "reason": "same", "version": str(keep.version)}):
        response = client.post(f"/people/{keep.pk}/merge/", data)
        assert response.status_code < 500, data
    absorb.refresh_from_db()
    assert absorb.merged_into_id is None

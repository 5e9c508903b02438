"""Vulnerable people meetings: the local medium and standard cases and families to
discuss, and outcomes recorded on the chronology."""

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from haven.chronology.models import Entry
from haven.safeguarding.meetings import MeetingRefused, do_record_meeting_outcome, meeting_list
from haven.safeguarding.models_partners import MeetingItem
from haven.safeguarding.tests.test_referrals_helpers import (  # noqa: F401 (fixtures)
    _case_for_fixture,
    _make_incident_fixture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def local(make_person, case_for, make_incident):
    medium = make_person(forename="Mona", surname="Medium")
    standard = make_person(forename="Stan", surname="Standard")
    high = make_person(forename="Hilda", surname="High")
    elsewhere = make_person(forename="Ellie", surname="Elsewhere")
    old = make_person(forename="Olga", surname="Old")
    other_force = make_person("WMERC", forename="Wendy", surname="Westmerc")
    # Mona's household has a child recorded on an incident at her address.
    from haven.intake.models import Involvement

    incident = make_incident(victim=medium, postcode="CV34 4AA", address_line="1 Test Street")
    child = make_person(forename="Kid", surname="Medium")
    Involvement.objects.create(incident=incident, person=child, role="child")
    return {
        "medium": case_for(medium, grade="medium"),
        "standard": case_for(standard, grade="standard"),
        "high": case_for(high, grade="high"),
        "elsewhere": case_for(elsewhere, grade="medium", area="CV21"),
        "old": case_for(old, grade="medium",
                         opened_at=timezone.now() - dt.timedelta(days=60)),
        "other_force": case_for(other_force, grade="medium", area="WR1"),
    }


def test_the_list_is_the_areas_recent_medium_and_standard_cases(local, persona):
    rows = meeting_list(persona("snt_officer"), "CV34")
    names = [r["person"].display_name for r in rows]
    assert sorted(names) == ["Mona Medium", "Stan Standard"]
    family = next(r for r in rows if r["person"].display_name == "Mona Medium")
    assert family["children"] == 1


def test_an_outcome_goes_on_the_chronology_once(local, persona):
    item = do_record_meeting_outcome(local["medium"], area="CV34",
                                     outcome="Housing to fit new locks",
                                     attendees="Housing, school nurse",
                                     actor=persona("snt_officer"))
    assert item.meeting.attendees == "Housing, school nurse"
    entry = Entry.objects.get(kind="vulnerable_people_meeting")
    assert entry.person_id == local["medium"].person_id
    assert entry.summary == "Vulnerable people meeting (CV34): Housing to fit new locks"
    with pytest.raises(MeetingRefused):
        do_record_meeting_outcome(local["medium"], area="CV34", outcome="again",
                                  actor=persona("snt_officer"))
    with pytest.raises(MeetingRefused):
        do_record_meeting_outcome(local["standard"], area="CV34", outcome=" ",
                                  actor=persona("snt_officer"))


def test_the_other_force_cannot_record_on_this_forces_case(local, persona):
    with pytest.raises(Http404):
        do_record_meeting_outcome(local["medium"], area="CV34", outcome="x",
                                  actor=persona("snt_officer", "WMERC"))


def test_the_meeting_page_lists_and_records(local, client_as):
    client = client_as("snt_officer")
    page = client.get(reverse("safeguarding:meeting") + "?area=CV34").text
    assert "Mona Medium" in page and "family: 1 child known" in page
    assert "Hilda High" not in page and "Wendy Westmerc" not in page
    page = client.post(reverse("safeguarding:meeting_outcome"),
                       {"area": "CV34", "case": local["standard"].pk,
                        "outcome": "School nurse to visit"}, follow=True).text
    assert "School nurse to visit" in page
    assert MeetingItem.objects.filter(case=local["standard"]).exists()


@pytest.mark.parametrize("role,force", [("idva", "WARKS"), ("call_handler", "WARKS"),
                                        ("snt_officer", "WMERC")])
def test_the_meeting_pages_are_404_for_the_wrong_role_or_force(local, client_as, role, force):
    client = client_as(role, force)
    assert client.get(reverse("safeguarding:meeting") + "?area=CV34").status_code == 404
    response = client.post(reverse("safeguarding:meeting_outcome"),
                           {"area": "CV34", "case": local["medium"].pk, "outcome": "x"})
    assert response.status_code == 404
    assert not MeetingItem.objects.exists()


def test_the_other_force_sees_only_its_own_areas_cases(local, client_as):
    page = client_as("snt_officer", "WMERC").get(reverse("safeguarding:meeting") + "?area=WR1")
    assert "Wendy Westmerc" in page.text and "Mona Medium" not in page.text


def test_the_hau_may_read_the_meeting_but_not_record(local, client_as):
    client = client_as("hau")
    assert client.get(reverse("safeguarding:meeting") + "?area=CV34").status_code == 200
    assert client.post(reverse("safeguarding:meeting_outcome"),
                       {"area": "CV34", "case": local["medium"].pk,
                        "outcome": "x"}).status_code == 404

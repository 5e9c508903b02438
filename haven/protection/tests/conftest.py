"""Protection fixtures: an adult subject and the person they harm, and a notice served."""

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def pair(make_person):
    """(subject, protected) adults in Warwickshire."""
    subject = make_person(forename="Mark", surname="Holloway", date_of_birth=dt.date(1985, 9, 30))
    protected = make_person(forename="Dana", surname="Holloway",
                            date_of_birth=dt.date(1988, 4, 12))
    return subject, protected


@pytest.fixture
def notice(pair, persona):
    from haven.protection.services import do_issue_notice

    subject, protected = pair
    return do_issue_notice(
        subject.force, subject=subject, protected=protected,
        authoriser=persona("superintendent"), grounds="Threatened her with a knife",
        conditions="Not to molest; not to enter the home", actor=persona("response_officer"))


@pytest.fixture
def served(notice, persona):
    from haven.protection.services import do_record_service

    return do_record_service(notice, version=notice.version,
                             served_at=timezone.now() - dt.timedelta(hours=1),
                             served_where="Custody suite", subject_address_for_notice="",
                             actor=persona("response_officer"))

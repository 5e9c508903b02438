"""Repeat MARAC (R-MARAC-04..06): a new incident between the same victim and perpetrator within
the window of the last referral makes a repeat referral for the coordinator, after commit,
as the system. Boundaries at 365 / 366 days, over a leap year, and a new perpetrator."""

import datetime as dt

import pytest
from django.utils import timezone

from haven.core.events import publish
from haven.intake.events import IncidentRecorded
from haven.marac.models import Referral

pytestmark = pytest.mark.django_db


def at(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 12, 0))


@pytest.fixture
def pair(make_person):
    return make_person(forename="Vera", surname="Stone"), make_person(forename="Paul",
                                                                      surname="Hart")


@pytest.fixture
def referred(refer, pair):
    def make(when):
        victim, him = pair
        referral = refer(victim=victim, perpetrator=him)
        Referral.objects.filter(pk=referral.pk).update(referred_at=when)
        referral.refresh_from_db()
        return referral
    return make


def record(incident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish(IncidentRecorded(incident_id=incident.pk, force_id=incident.force_id,
                                 recorded_at=incident.opened_at))


def repeats():
    return list(Referral.objects.filter(criterion="repeat"))


@pytest.mark.parametrize(("referred_on", "incident_on", "is_repeat"), [
    ((2025, 6, 1), (2026, 6, 1), True),    # 365 days
    ((2025, 6, 1), (2026, 6, 2), False),   # 366 days
    ((2027, 3, 1), (2028, 2, 29), True),   # over a leap day: 365 days
    ((2027, 3, 1), (2028, 3, 1), False),   # over a leap day: 366 days
])
def test_the_repeat_window_boundaries(referred, pair, incident, referred_on, incident_on,
                                      is_repeat, django_capture_on_commit_callbacks):
    first = referred(at(*referred_on))
    record(incident(*pair, at(*incident_on)), django_capture_on_commit_callbacks)
    made = repeats()
    if is_repeat:
        assert [(r.repeat_of, r.victim, r.perpetrator, r.area, r.status, r.referred_by)
                for r in made] == [(first, *pair, first.area, "awaiting", None)]
    else:
        assert made == []


def test_a_new_perpetrator_is_not_a_repeat(referred, pair, incident, make_person,
                                           django_capture_on_commit_callbacks):
    referred(at(2026, 1, 1))
    stranger = make_person(forename="Nick", surname="New")
    record(incident(pair[0], stranger, at(2026, 2, 1)), django_capture_on_commit_callbacks)
    assert repeats() == []


def test_the_same_incident_delivered_twice_makes_one_repeat(referred, pair, incident,
                                                            django_capture_on_commit_callbacks):
    referred(at(2026, 1, 1))
    new = incident(*pair, at(2026, 2, 1))
    record(new, django_capture_on_commit_callbacks)
    record(new, django_capture_on_commit_callbacks)
    assert len(repeats()) == 1


def test_the_older_definition_ignores_an_incident_of_another_kind(
        referred, pair, incident, forces, django_capture_on_commit_callbacks):
    from haven.forces.models import PolicySetting
    PolicySetting.objects.create(force=forces["WARKS"], key="marac_repeat_definition",
                                 value="violence_stalking_sexual",
                                 effective_from=dt.date(2020, 1, 1))
    referred(at(2026, 1, 1))
    record(incident(*pair, at(2026, 2, 1), category="other"), django_capture_on_commit_callbacks)
    assert repeats() == []
    record(incident(*pair, at(2026, 2, 2), category="stalking"),
           django_capture_on_commit_callbacks)
    assert len(repeats()) == 1


def test_the_repeat_is_made_by_the_system_and_logged(referred, pair, incident,
                                                     django_capture_on_commit_callbacks):
    from haven.access.models import AccessLogEntry
    referred(at(2026, 1, 1))
    record(incident(*pair, at(2026, 3, 1)), django_capture_on_commit_callbacks)
    made = repeats()[0]
    entry = AccessLogEntry.objects.get(record_type="marac_referral", record_id=str(made.pk))
    assert entry.username == "" and entry.person_id == pair[0].pk

"""One meaning per word: "repeat victim" is one rule with one policy key, used by the call
screen, the log and the people room alike; "open case" means a case, never an unclosed log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.forces.models import PolicySetting
from haven.intake import history
from haven.intake.tests.helpers import full_checklist
from haven.intake.tests.test_views import call_post
from haven.people.history import history_summary, repeat_victim
from haven.people.models import LegacyRecord

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
YEAR = dt.timedelta(days=365)


@pytest.mark.parametrize("days_ago, expected", [
    ([], False),            # a first-ever call counts itself only
    ([0], False),           # ... even when its own date is in the list
    ([0, 300], True),       # an earlier one within the window
    ([0, 400], False),      # an earlier one outside the window
    ([800, 780], False),    # two long ago: not a repeat now (recency matters)
    ([20, 300], True),      # two within the window before now
])
def test_the_one_repeat_rule(days_ago, expected):
    dates = [NOW - dt.timedelta(days=d) for d in days_ago]
    assert repeat_victim(dates, at=NOW, window=YEAR) is expected


def _victim_of(make_incident, person, days_ago):
    return make_incident(victim=person, opened_at=timezone.now() - dt.timedelta(days=days_ago))


@pytest.mark.parametrize("days, window, expected", [(800, None, False), (300, None, True),
                                                   (800, 1000, True)])
def test_intake_and_the_people_room_agree_on_who_is_a_repeat_victim(
        make_incident, make_person, forces, days, window, expected):
    person = make_person()
    _victim_of(make_incident, person, days)
    if window:
        PolicySetting.objects.create(force=forces["WARKS"], key="repeat_window_days",
                                     value=window, effective_from=dt.date(2000, 1, 1))
    # At call time: would a call now make them a repeat victim?
    assert history.is_repeat_victim(person) is expected
    assert history_summary(person)["recent_victim_incident"] is expected
    # Once the log is open, it counts itself once and the same answer comes out.
    new_log = _victim_of(make_incident, person, 0)
    assert history.is_repeat_victim(person, incident=new_log) is expected
    assert history_summary(person)["repeat_victim"] is expected


def test_two_incidents_years_ago_do_not_make_a_repeat_victim_today(make_incident, make_person):
    person = make_person()
    _victim_of(make_incident, person, 800)
    _victim_of(make_incident, person, 790)
    assert history_summary(person)["repeat_victim"] is False
    assert history.is_repeat_victim(person) is False


@pytest.mark.parametrize("known", [True, False])
def test_a_first_ever_call_shows_neither_open_case_nor_repeat_victim(client_as, make_person,
                                                                     known):
    if known:  # known to Haven (e.g. from a legacy system) but never a victim before
        data = call_post(full_checklist(), **{f"role_{make_person().pk}": "victim"})
    else:
        data = call_post(full_checklist(), **{"new_0_role": "victim", "new_0_forename": "Maya",
                                              "new_0_surname": "Brennan"})
    client = client_as("call_handler")
    page = client.get(client.post(reverse("intake:new"), data)["Location"]).content.decode()
    assert "Open case" not in page and "Open DA crime" not in page
    assert "Repeat victim" not in page
    assert 'data-testid="earlier-da">0' in page


def test_an_unclosed_log_is_not_a_case_but_an_open_legacy_da_crime_is(
        make_incident, findable_person, forces):
    person = findable_person(forename="Dana", surname="Whitfield")
    make_incident(victim=person)  # open, never closed
    assert history_summary(person)["open_case"] is False
    LegacyRecord.objects.create(force=forces["WARKS"], system="crime", kind="crime",
                                source_id="C1", occurred_at=timezone.now(),
                                subject=person.source_records.first(),
                                data={"domestic_abuse": "1", "outcome": ""})
    assert history_summary(person)["open_case"] is True
    LegacyRecord.objects.filter(source_id="C1").update(data={"domestic_abuse": "1",
                                                             "outcome": "1"})
    assert history_summary(person)["open_case"] is False


def test_the_log_page_marks_a_second_call_within_the_window_as_repeat(
        client_as, make_incident, make_person):
    person = make_person()
    _victim_of(make_incident, person, 30)
    data = call_post(full_checklist(), **{f"role_{person.pk}": "victim"})
    client = client_as("call_handler")
    page = client.get(client.post(reverse("intake:new"), data)["Location"]).content.decode()
    assert "Repeat victim" in page
    assert 'data-testid="earlier-da">1' in page


def test_one_real_incident_recorded_by_three_systems_counts_once(make_incident, make_person):
    """Issue 10: the same call in the control-room log, the crime system and the
    public-protection database, reconciled into one event, is one incident, not a repeat."""
    import datetime as dt

    from django.utils import timezone

    from haven.intake.models import ReconciledIncident
    from haven.people.history import history_summary

    victim, suspect = make_person(forename="Rhea"), make_person(forename="Carl")
    start = timezone.now() - dt.timedelta(days=20)
    copies = [make_incident(victim=victim, suspect=suspect, domestic_abuse=True,
                            opened_at=start + dt.timedelta(hours=hours))
              for hours in (0, 3, 7)]
    before = history_summary(victim)
    assert before["repeat_victim"] and before["da_incidents"]["count"] == 3
    event = min(i.pk for i in copies)
    for incident in copies:
        ReconciledIncident.objects.create(force=incident.force, incident=incident, event=event)
    after = history_summary(victim)
    assert not after["repeat_victim"]
    assert after["da_incidents"] == {"count": 1, "last_at": start}
    # A second real incident within the window still makes her a repeat victim.
    make_incident(victim=victim, suspect=suspect, domestic_abuse=True,
                  opened_at=start + dt.timedelta(days=5))
    assert history_summary(victim)["repeat_victim"]


def test_the_grading_floor_counts_a_reconciled_incident_once(make_incident, make_person):
    import datetime as dt

    from django.utils import timezone

    from haven.intake.history import is_repeat_victim
    from haven.intake.models import ReconciledIncident

    victim, suspect = make_person(forename="Rhea"), make_person(forename="Carl")
    start = timezone.now() - dt.timedelta(days=20)
    first, copy = [make_incident(victim=victim, suspect=suspect, domestic_abuse=True,
                                 opened_at=start + dt.timedelta(hours=h)) for h in (0, 5)]
    assert is_repeat_victim(victim, incident=copy)  # two records look like two incidents
    for incident in (first, copy):
        ReconciledIncident.objects.create(force=incident.force, incident=incident,
                                          event=first.pk)
    assert not is_repeat_victim(victim, incident=copy)  # one real incident
    assert is_repeat_victim(victim)  # a new call now would be her second

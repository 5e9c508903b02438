"""Incident reconciliation: one real event recorded by three systems counts once."""

import datetime as dt

import pytest
from django.core.management import call_command

from haven.intake.models import Incident, Involvement
from haven.intake.reconcile import reconcile_incidents
from haven.intake.reconcile_models import ReconciledIncident
from haven.people.models import Person

UTC = dt.UTC


@pytest.fixture
def recorded(forces):
    warks = forces["WARKS"]
    victim = Person.objects.create(force=warks, forename="Dana", surname="Hewitt")
    suspect = Person.objects.create(force=warks, forename="Lee", surname="Hewitt")
    other = Person.objects.create(force=warks, forename="Sam", surname="Oduya")

    def incident(system, source_id, when, line, postcode, category="domestic", people=()):
        made = Incident.objects.create(
            force=warks, reference=f"{system}:{source_id}", reported_via="call",
            category=category, occurred_at=when, opened_at=when, address_line=line,
            postcode=postcode, state="closed", source_system=system, source_id=source_id)
        for person, role in people:
            Involvement.objects.create(incident=made, person=person, role=role)
        return made

    night = dt.datetime(2024, 3, 1, 22, 10, tzinfo=UTC)
    both = ((victim, "victim"), (suspect, "suspect"))
    return {
        "cad": incident("command_and_control", "CAD1", night, "Flat 2, 14 George Walk",
                        "LE24 2JZ", people=both),
        "crime": incident("crime", "CRI/1/24", night + dt.timedelta(minutes=110),
                          "2/14 George Wlk", "", people=((victim, "victim"),)),
        "pvp": incident("pvp", "PP1", night + dt.timedelta(minutes=55), "14 GEORGE WALK",
                        "le242jz", category="harassment", people=both),
        # a second call from the same flat the same night: the control room logs it apart
        "cad_again": incident("command_and_control", "CAD2",
                              night + dt.timedelta(minutes=30), "Flat 2, 14 George Walk",
                              "LE24 2JZ", people=both),
        "weeks_later": incident("crime", "CRI/2/24", night + dt.timedelta(days=19),
                                "14 George Walk", "LE24 2JZ", people=((victim, "victim"),)),
        "elsewhere": incident("pvp", "PP2", night + dt.timedelta(minutes=20),
                              "3 Mill Lane", "CV34 4AA", people=((other, "victim"),)),
    }


def event_of(incident):
    return ReconciledIncident.objects.get(incident=incident).event


@pytest.mark.django_db
def test_one_event_recorded_by_three_systems_is_one_reconciled_event(forces, recorded):
    counts = reconcile_incidents(forces["WARKS"])
    one = event_of(recorded["cad"])
    assert event_of(recorded["crime"]) == one
    assert event_of(recorded["pvp"]) == one
    # a system records an event once: its second log that night is not folded in
    assert event_of(recorded["cad_again"]) != one
    assert event_of(recorded["weeks_later"]) != one
    assert event_of(recorded["elsewhere"]) != one
    assert counts == {**counts, "incidents": 6, "events": 4}
    # the source incidents stay as they were
    assert Incident.objects.filter(force=forces["WARKS"]).count() == 6
    assert Incident.objects.get(pk=recorded["crime"].pk).source_id == "CRI/1/24"


@pytest.mark.django_db
def test_haven_link_reconciles_and_rerunning_replaces_the_table(forces, recorded, capsys):
    call_command("link", "--force", "WARKS", "--no-progress")
    assert "WARKS: 6 incidents -> 4 reconciled events" in capsys.readouterr().out
    reconcile_incidents(forces["WARKS"])
    assert ReconciledIncident.objects.filter(force=forces["WARKS"]).count() == 6
    assert ReconciledIncident.objects.filter(force=forces["WMERC"]).count() == 0


@pytest.mark.django_db
def test_a_line_that_repeats_its_town_without_a_comma_is_the_same_place(forces, recorded):
    night = recorded["cad"].occurred_at
    typed_with_town = Incident.objects.create(
        force=forces["WARKS"], reference="intel:I1", reported_via="call", category="domestic",
        occurred_at=night + dt.timedelta(minutes=40), opened_at=night,
        address_line="14 George Walk Leicester", town="Leicester", postcode="",
        state="closed", source_system="intel", source_id="I1")
    reconcile_incidents(forces["WARKS"])
    assert event_of(typed_with_town) == event_of(recorded["cad"])


@pytest.mark.django_db
def test_set_wise_weights_equal_the_reference_pair_by_pair(forces):
    """`_scored_pairs` (DuckDB, every incident at once) finds exactly the pairs and weights
    that `_candidates` and `pair_weight` find one pair at a time, on a tangle of incidents:
    shared and blank places, times around midnight, unknown times, people in compatible,
    opposed and other roles, a person twice in one incident."""
    import random

    from haven.intake.reconcile import (
        LINK_WEIGHT,
        _candidates,
        _profiles,
        _scored_pairs,
        pair_weight,
    )

    warks = forces["WARKS"]
    rng = random.Random(5)
    people = [Person.objects.create(force=warks, forename=f"P{k}", surname="Test")
              for k in range(12)]
    lines = ["Flat 2, 14 George Walk", "14 George Wlk", "3 Mill Lane", "", "Flat 1, 14 George Walk",
             "14 George Walk Leicester"]
    codes = ["LE24 2JZ", "le242jz", "CV34 4AA", "", "CV34 4AB"]
    roles = ["victim", "suspect", "child", "witness", "caller"]
    start = dt.datetime(2024, 3, 1, 21, 0, tzinfo=UTC)
    for k in range(160):
        when = None if k % 37 == 0 else start + dt.timedelta(minutes=rng.randrange(0, 3 * 1440))
        made = Incident.objects.create(
            force=warks, reference=f"R{k}", reported_via="call",
            category=rng.choice(["domestic", "harassment"]), occurred_at=when,
            opened_at=when or start, address_line=rng.choice(lines),
            town=rng.choice(["Leicester", ""]), postcode=rng.choice(codes), state="closed",
            source_system=rng.choice(["command_and_control", "crime", "pvp", ""]),
            source_id=f"S{k}")
        for person in rng.sample(people, rng.randrange(0, 3)):
            Involvement.objects.create(incident=made, person=person, role=rng.choice(roles))
        if k % 11 == 0 and made.involvements.exists():
            first = made.involvements.first()
            other = next(r for r in roles if r != first.role)
            Involvement.objects.create(incident=made, person=first.person, role=other)
    profiles = _profiles(warks)
    expected = sorted(
        ((w, a, b) for a, b in _candidates(profiles)
         if (w := pair_weight(profiles[a], profiles[b])) >= LINK_WEIGHT),
        key=lambda t: (-t[0], t[1], t[2]))
    ids, scored, system_of = _scored_pairs(warks)
    assert len(expected) > 20
    assert scored == expected
    assert sorted(ids) == sorted(profiles)
    assert system_of == {pk: p["system"] for pk, p in profiles.items()}


@pytest.mark.django_db
def test_a_force_without_incidents_or_people_reconciles(forces):
    assert reconcile_incidents(forces["WMERC"])["incidents"] == 0
    when = dt.datetime(2024, 3, 1, 22, 10, tzinfo=UTC)
    for system in ("crime", "pvp"):
        Incident.objects.create(
            force=forces["WMERC"], reference=system, reported_via="call", category="domestic",
            occurred_at=when, opened_at=when, address_line="3 Mill Lane", postcode="CV34 4AA",
            state="closed", source_system=system, source_id="1")
    counts = reconcile_incidents(forces["WMERC"])
    assert counts == {**counts, "incidents": 2, "events": 1}


@pytest.mark.django_db
def test_incidents_read_beside_the_relink_are_used_while_they_still_hold(forces, recorded,
                                                                         monkeypatch):
    from haven.intake import reconcile

    warks = forces["WARKS"]
    prefetched = reconcile.prefetch_incidents(warks)
    read_again = []
    monkeypatch.setattr(reconcile, "_incident_frame",
                        lambda force: read_again.append(force) or pytest.fail("read again"))
    counts = reconcile_incidents(warks, prefetched)
    assert read_again == []
    assert counts == {**counts, "incidents": 6, "events": 4}
    assert event_of(recorded["pvp"]) == event_of(recorded["cad"])


@pytest.mark.django_db
def test_an_incident_edited_after_the_prefetch_is_read_again(forces, recorded):
    """The relink takes minutes: an incident moved to another day meanwhile is reconciled
    where it is now, not where the prefetch saw it."""
    from haven.intake.reconcile import prefetch_incidents
    from haven.intake.services import bump_version

    warks = forces["WARKS"]
    prefetched = prefetch_incidents(warks)
    pvp = recorded["pvp"]
    bump_version(pvp, None, occurred_at=pvp.occurred_at + dt.timedelta(days=9))
    counts = reconcile_incidents(warks, prefetched)
    assert event_of(recorded["pvp"]) != event_of(recorded["cad"])
    assert counts == {**counts, "incidents": 6, "events": 5}

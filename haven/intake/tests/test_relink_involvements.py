"""A relink moves a whole force's involvements at once: the same person recorded twice in one
incident, in one role, keeps one involvement; nothing else is lost."""

import pytest

from haven.intake.models import Involvement
from haven.people.movers import bulk_reassign

pytestmark = pytest.mark.django_db


def roles_of(person):
    return sorted(Involvement.objects.filter(person=person).values_list("incident_id", "role"))


def test_moving_persons_keeps_one_involvement_per_incident_and_role(make_incident,
                                                                     make_person):
    kept = make_person("WARKS", forename="Dana", surname="Reed")
    twice = make_person("WARKS", forename="Dana", surname="Reed")
    thrice = make_person("WARKS", forename="D", surname="Reed")
    suspect = make_person("WARKS", forename="Lee", surname="Hart")
    # One incident recorded for all three records of her as victim: one row must stay,
    # the one already on the kept person.
    shared = make_incident(victim=kept, suspect=suspect)
    on_kept = Involvement.objects.get(incident=shared, person=kept)
    for duplicate in (twice, thrice):
        Involvement.objects.create(incident=shared, person=duplicate, role="victim")
    # Two moving records in one incident with nobody on the kept person: the lower id stays.
    both_moving = make_incident(victim=twice, suspect=suspect)
    lower = Involvement.objects.get(incident=both_moving, person=twice)
    Involvement.objects.create(incident=both_moving, person=thrice, role="victim")
    # Another role in the same incident is not a duplicate; an incident of her own moves.
    witness = Involvement.objects.create(incident=shared, person=thrice, role="witness")
    own = make_incident(victim=thrice, suspect=suspect)

    moved = bulk_reassign({twice.pk: kept.pk, thrice.pk: kept.pk})

    assert roles_of(kept) == sorted([(shared.pk, "victim"), (shared.pk, "witness"),
                                     (both_moving.pk, "victim"), (own.pk, "victim")])
    assert Involvement.objects.filter(pk=on_kept.pk, person=kept).exists()
    assert Involvement.objects.filter(pk=lower.pk, person=kept).exists()
    assert Involvement.objects.filter(pk=witness.pk, person=kept).exists()
    assert not Involvement.objects.filter(person__in=[twice, thrice]).exists()
    # The suspect's rows did not move, and what moved is counted.
    assert roles_of(suspect) == sorted([(shared.pk, "suspect"), (both_moving.pk, "suspect"),
                                        (own.pk, "suspect")])
    assert moved["intake.Involvement.person"] == 3


def test_a_person_moving_to_one_who_is_not_in_the_incident_keeps_the_row(make_incident,
                                                                          make_person):
    kept = make_person("WARKS", forename="Sam", surname="Cole")
    other = make_person("WARKS", forename="Sam", surname="Cole")
    incident = make_incident(victim=other)
    bulk_reassign({other.pk: kept.pk})
    assert roles_of(kept) == [(incident.pk, "victim")]


def test_the_linker_is_given_each_victim_and_suspects_incident_fingerprints(make_incident,
                                                                           make_person,
                                                                           forces):
    import datetime as dt

    from haven.intake.movers import incident_evidence
    from haven.people.linkage.normalise import incident_fingerprints

    night = dt.datetime(2024, 1, 1, 22, 40, tzinfo=dt.UTC)
    victim, suspect = make_person("WARKS", forename="Ann"), make_person("WARKS", forename="Bo")
    incident = make_incident(victim=victim, suspect=suspect, occurred_at=night,
                             source_system="crime", address_line="14 Mill Lane",
                             postcode="LS7 3AB")
    Involvement.objects.create(incident=incident, person=make_person("WARKS"), role="witness")
    make_incident(victim=victim, occurred_at=night, source_system="")  # Haven's own: no key

    given = sorted((person, system, tuple(keys))
                   for person, system, keys in incident_evidence(forces["WARKS"]))

    assert given == sorted([
        (victim.pk, "crime", tuple(incident_fingerprints(night, "14 Mill Lane", "LS7 3AB",
                                                         "victim"))),
        (suspect.pk, "crime", tuple(incident_fingerprints(night, "14 Mill Lane", "LS7 3AB",
                                                          "suspect")))])
    assert all(keys for _, _, keys in given)  # 22:40 also keys the next day
    assert len(given[0][2]) == 4

"""Who met whom across an incident, as the people room's counterpart rule reads it
(`movers.incident_parties`): asked for a few persons, the answer is the whole force's
answer for them, read through the person index instead of every incident."""

from haven.intake.models import Involvement
from haven.intake.movers import incident_parties


def _pk(row):
    return row[1], row[2]


def test_who_met_whom_for_some_persons_is_the_whole_forces_answer_for_them(
        forces, make_incident, make_person):
    force = forces["WARKS"]
    ann, fay, bob, carl, dee, ed = (make_person(forename=n, surname="Test") for n in (
        "Ann", "Fay", "Bob", "Carl", "Dee", "Ed"))
    both = make_incident(victim=ann, suspect=bob, source_system="crime", source_id="C1")
    Involvement.objects.create(incident=both, person=fay, role="victim")  # two victims
    make_incident(victim=ann, suspect=carl, source_system="pvp", source_id="P1")
    make_incident(victim=dee, suspect=ed, source_system="crime", source_id="C2")
    make_incident(victim=ann, suspect=ed)  # Haven's own log: no source system
    everyone = list(incident_parties(force))
    assert {_pk(r) for r in everyone} == {(ann.pk, bob.pk), (fay.pk, bob.pk),
                                          (ann.pk, carl.pk), (dee.pk, ed.pk)}
    for asked in ({ann.pk}, {bob.pk}, {fay.pk, ed.pk}, {carl.pk, dee.pk, ann.pk}):
        mine = {r for r in everyone if r[1] in asked or r[2] in asked}
        assert set(incident_parties(force, persons=asked)) == mine
    # Fay met Bob in the incident Ann is asked about, but neither is asked.
    assert (fay.pk, bob.pk) not in {_pk(r) for r in incident_parties(force, persons={ann.pk})}
    assert list(incident_parties(force, persons=set())) == []

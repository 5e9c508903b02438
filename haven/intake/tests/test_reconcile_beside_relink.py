"""`haven link` scores the incidents in its evidence reader while it writes the persons
(`reconcile.prepare_beside_relink`): the same events as scoring afterwards, and scored
afresh whenever what was prepared no longer holds."""

import datetime as dt
import random

import pytest
from django.core.management import call_command

from haven.insight.tests.test_export_to_measures import write
from haven.intake import reconcile
from haven.intake.models import Incident, Involvement
from haven.intake.movers import involvements_after_moves
from haven.intake.reconcile import (
    _involvement_rows,
    _stamp_of,
    involvement_stamp,
    prefetch_beside_relink,
    prepare_beside_relink,
    reconcile_incidents,
)
from haven.intake.reconcile_models import ReconciledIncident
from haven.people import relink_evidence
from haven.people.models import Person, SourceRecord
from haven.people.movers import bulk_reassign

UTC = dt.UTC
ROLES = ["victim", "suspect", "child", "witness", "caller"]


def _tangle(force, seed: int):
    """Persons in incidents with every kind of collision a move can make: two persons in
    one incident in one role that become one person, a person in two roles, rows staying
    where rows move to."""
    rng = random.Random(seed)
    people = [Person.objects.create(force=force, forename=f"P{k}", surname="Test")
              for k in range(10)]
    when = dt.datetime(2024, 3, 1, 21, 0, tzinfo=UTC)
    for k in range(25):
        incident = Incident.objects.create(
            force=force, reference=f"R{seed}-{k}", reported_via="call", category="domestic",
            occurred_at=when, opened_at=when, state="closed", source_system="crime",
            source_id=f"S{seed}-{k}")
        for person in rng.sample(people, rng.randrange(1, 5)):
            for role in rng.sample(ROLES, rng.choice([1, 1, 2])):
                Involvement.objects.create(incident=incident, person=person, role=role)
    # some persons empty into others, some into a person who is empty too... of those kept
    kept = people[:4]
    return {p.pk: rng.choice(kept).pk for p in people[4:]}


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_involvements_after_the_moves_are_what_the_relink_leaves(forces, seed):
    warks = forces["WARKS"]
    moves = _tangle(warks, seed)
    before = _involvement_rows(warks)
    predicted = involvements_after_moves(before, moves)
    bulk_reassign(moves)
    after = _involvement_rows(warks)
    # the tangle did make would-be duplicates for the relink to drop
    assert len(after) < len(before)
    assert predicted.to_dict("list") == after.to_dict("list")
    assert _stamp_of(predicted) == involvement_stamp(warks)


@pytest.mark.django_db
def test_no_moves_leave_the_involvements_as_they_are(forces):
    warks = forces["WARKS"]
    _tangle(warks, 4)
    before = _involvement_rows(warks)
    assert involvements_after_moves(before, {}).to_dict("list") == before.to_dict("list")
    assert _stamp_of(before) == involvement_stamp(warks)


@pytest.mark.django_db
def test_prepared_events_are_written_while_they_hold_and_scored_afresh_when_not(
        forces, monkeypatch):
    warks = forces["WARKS"]
    moves = _tangle(warks, 5)
    prepared = prepare_beside_relink(warks, prefetch_beside_relink(warks), moves)
    bulk_reassign(moves)
    fresh = reconcile_incidents(warks)
    events = dict(ReconciledIncident.objects.values_list("incident_id", "event"))
    assert not fresh["scored_beside_relink"]
    assert {pk: event for pk, (event, _) in prepared["events"].items()} == events

    # while the stamps hold, nothing is scored again
    scored = []
    original = reconcile._scored_pairs
    monkeypatch.setattr(reconcile, "_scored_pairs",
                        lambda *a: scored.append(1) or original(*a))
    counts = reconcile_incidents(warks, prepared)
    assert counts["scored_beside_relink"] and scored == []
    assert counts == {**fresh, "scored_beside_relink": True, "rows_written": 0,
                      "seconds": counts["seconds"]}

    # an involvement given another role after the prepare: scored afresh
    changed = Involvement.objects.filter(incident__force=warks).first()
    changed.role = "other"  # no tangle gives this role: no two rows collide
    changed.save(update_fields=["role"])
    counts = reconcile_incidents(warks, prepared)
    assert not counts["scored_beside_relink"] and scored == [1]


def _export(folder, rows, person=("V", "Hana", "Lowe", "1988-05-04", "F")):
    folder.mkdir()
    write(folder / "people.csv", ["source_id", "forename", "surname", "date_of_birth",
                                  "gender"], [person])
    write(folder / "incidents.csv",
          ["source_id", "occurred_at", "reported_via", "category", "address_line", "postcode"],
          rows)
    write(folder / "involvements.csv", ["incident_source_id", "person_source_id", "role"],
          [(r[0], "V", "victim") for r in rows])


@pytest.mark.django_db(transaction=True)
def test_haven_link_scores_the_incidents_beside_its_writes(forces, tmp_path, capsys,
                                                          monkeypatch):
    """One victim recorded by three systems, one call in each: the relink makes her one
    person and the reader, told so, scores her three records of the call as one event."""
    monkeypatch.setattr(relink_evidence, "FORK_FROM_RECORDS", 1)
    # threads an earlier test left (a sealer, a live server) would stop the fork
    monkeypatch.setattr(relink_evidence, "_other_threads", list)
    same = ("call", "domestic", "4 Mill Lane", "CV34 6PQ")
    _export(tmp_path / "cc", [("A1", "2026-02-01T21:00:00", *same),
                              ("A2", "2026-02-09T10:00:00", *same)])
    _export(tmp_path / "crime", [("B1", "2026-02-01T21:40:00", *same)])
    _export(tmp_path / "pvp", [("C1", "2026-02-01T22:10:00", *same)])
    for system in ("cc", "crime", "pvp"):
        call_command("ingest", str(tmp_path / system), "--force", "WARKS", "--source",
                     system, "--no-progress")
    warks = forces["WARKS"]
    # as a first ingest of a big force leaves them: each system's record a person of its own
    for record in SourceRecord.objects.filter(force=warks).exclude(system="cc"):
        own = Person.objects.create(force=warks, forename="Hana", surname="Lowe")
        Involvement.objects.filter(incident__source_system=record.system).update(person=own)
        SourceRecord.objects.filter(pk=record.pk).update(person=own)
    assert Person.objects.filter(force=warks).count() == 3
    capsys.readouterr()
    call_command("link", "--force", "WARKS", "--no-progress")
    out = capsys.readouterr().out
    assert "4 incidents -> 2 reconciled events" in out
    assert "scored beside the relink" in out
    assert len(set(SourceRecord.objects.filter(force=warks).values_list("person_id",
                                                                         flat=True))) == 1
    beside = dict(ReconciledIncident.objects.values_list("incident_id", "event"))
    again = reconcile_incidents(warks)
    assert not again["scored_beside_relink"] and again["rows_written"] == 0
    assert dict(ReconciledIncident.objects.values_list("incident_id", "event")) == beside

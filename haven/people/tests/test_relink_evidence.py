"""A relink reads other rooms' linkage evidence in a forked process beside the records
(`haven.people.relink_evidence`): the same evidence, the same persons, and the evidence
still read when the child cannot give it."""

import logging
import os
import threading
import time

import pytest

from haven.people import relink_evidence
from haven.people.models import SourceRecord
from haven.people.relink import run_relink
from haven.people.relink_evidence import Evidence, counterpart_persons, evidence_keys
from haven.people.tests.test_relink import (  # noqa: F401 - fixtures used here too
    exported,
    ingest_all,
    persons_by_truth,
    records,
)


def _evidence_from_the_database(force):
    """A provider that reads the database: the child must have a connection of its own.
    Two systems' records of one person share a key, so the evidence changes the links."""
    for person_id, system, surname, dob in SourceRecord.objects.filter(force=force).values_list(
            "person_id", "system", "surname", "date_of_birth"):
        yield person_id, system, [f"victim|{surname}|{dob}", f"suspect|{system}"]


@pytest.fixture
def provider(monkeypatch):
    monkeypatch.setattr(relink_evidence, "linkage_evidence", lambda: [_evidence_from_the_database])


@pytest.fixture
def no_other_threads(monkeypatch):
    """Threads an earlier test left (a sealer, a live server) would stop the fork; the rule
    itself is tested below with a thread of its own."""
    monkeypatch.setattr(relink_evidence, "_other_threads", list)


@pytest.mark.django_db(transaction=True)
def test_the_forked_reader_gives_the_evidence_this_process_would(forces, add_record, provider,
                                                                no_other_threads):
    warks = forces["WARKS"]
    add_record("crime", "C1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")
    add_record("pvp", "P1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")
    evidence = Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS)
    assert evidence.forked
    keys = evidence.keys()
    assert keys == evidence_keys(warks)
    assert sorted(keys.values()) == ["suspect|crime;victim|Reyes|1990-04-02",
                                     "suspect|pvp;victim|Reyes|1990-04-02"]


@pytest.mark.django_db(transaction=True)
def test_the_forked_reader_gives_who_met_whom_in_each_systems_incidents(forces, add_record,
                                                                       no_other_threads):
    """The victim and suspect of a crime system's incident met there, as partners; a
    witness did not meet either as a counterpart, and an incident Haven recorded itself is
    no system's."""
    from django.utils import timezone

    from haven.intake.models import Incident, Involvement

    warks = forces["WARKS"]
    her = add_record("crime", "C1", forename="Dana", surname="Reyes").person
    him = add_record("crime", "C2", forename="Lee", surname="Cole").person
    seen = add_record("crime", "C3", forename="Ola", surname="Bakare").person
    now = timezone.now()
    for system, people in (("crime", ((her, "victim"), (him, "suspect"), (seen, "witness"))),
                           ("", ((seen, "victim"), (him, "suspect")))):
        relationship = {"suspect": "partner"}
        incident = Incident.objects.create(
            force=warks, reference=f"T-{system or 'haven'}", reported_via="call",
            category="domestic", occurred_at=now, opened_at=now, source_system=system,
            source_id="I1" if system else "")
        for person, role in people:
            Involvement.objects.create(incident=incident, person=person, role=role,
                                       relationship=relationship.get(role, ""))
    expected = [("crime", her.pk, him.pk, "partner")]
    assert counterpart_persons(warks) == expected
    evidence = Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS)
    assert evidence.forked
    evidence.keys()
    assert evidence.counterparts() == expected


@pytest.mark.django_db(transaction=True)
def test_a_child_that_fails_leaves_the_evidence_to_this_process(forces, add_record, provider,
                                                                monkeypatch, caplog,
                                                                no_other_threads):
    warks = forces["WARKS"]
    add_record("crime", "C1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")
    parent = os.getpid()

    def only_here(force):
        if os.getpid() != parent:
            raise RuntimeError("the child cannot read")
        return {("x", "y"): "read here"}

    monkeypatch.setattr(relink_evidence, "evidence_keys", only_here)
    evidence = Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS)
    assert evidence.forked
    with caplog.at_level(logging.WARNING, logger="haven.people.relink_evidence"):
        assert evidence.keys() == {("x", "y"): "read here"}
    assert "forked reader failed (RuntimeError)" in caplog.text


def test_inside_a_transaction_or_a_small_force_nothing_is_forked(forces):
    warks = forces["WARKS"]
    # A test's transaction: a child would not see its rows.
    assert not Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS).forked
    assert not Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS - 1).forked


@pytest.mark.django_db(transaction=True)
def test_no_fork_while_another_thread_is_alive(forces):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not Evidence.start(forces["WARKS"],
                                  records=relink_evidence.FORK_FROM_RECORDS).forked
    finally:
        stop.set()
        other.join()


@pytest.mark.django_db(transaction=True)
def test_a_relink_with_the_evidence_forked_links_as_one_read_here(forces, exported, records,  # noqa: F811
                                                                  monkeypatch, no_other_threads):
    warks = forces["WARKS"]
    ingest_all(warks, exported)
    forked = []
    start = Evidence.start.__func__

    def recording(cls, force, records):
        evidence = start(cls, force, records)
        forked.append(evidence.forked)
        return evidence

    monkeypatch.setattr(Evidence, "start", classmethod(recording))
    monkeypatch.setattr(relink_evidence, "FORK_FROM_RECORDS", 1)
    run_relink(warks, progress=False)
    beside = persons_by_truth(records)
    assert forked == [True]

    monkeypatch.setattr(relink_evidence, "FORK_FROM_RECORDS", 10**9)
    run_relink(warks, progress=False)
    assert forked == [True, False]
    # persons keep their ids on a second run when nothing changes: the same grouping
    assert persons_by_truth(records) == beside


@pytest.mark.django_db(transaction=True)
def test_the_forked_reader_also_prefetches_for_the_after_link_steps(forces, add_record,
                                                                    provider, monkeypatch,
                                                                    caplog, no_other_threads):
    warks = forces["WARKS"]
    add_record("crime", "C1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")
    add_record("pvp", "P1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")

    def broken(force):
        raise RuntimeError("cannot")

    monkeypatch.setattr(relink_evidence, "after_link_prefetches", lambda: {
        "count records": lambda force: SourceRecord.objects.filter(force=force).count(),
        "broken": broken})
    evidence = Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS)
    assert evidence.forked
    evidence.keys()
    # the child read the database with its own connection; a failed prefetch is left out
    # (its step reads for itself after the relink)
    assert evidence.after_link_inputs() == {"count records": 2}


@pytest.mark.django_db(transaction=True)
def test_haven_link_hands_each_step_what_was_prefetched_for_it(forces, add_record, provider,
                                                               monkeypatch, no_other_threads,
                                                               capsys):
    from django.core.management import call_command

    from haven.people.management.commands import link as link_command

    add_record("crime", "C1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")
    add_record("pvp", "P1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")
    monkeypatch.setattr(relink_evidence, "FORK_FROM_RECORDS", 1)
    monkeypatch.setattr(relink_evidence, "after_link_prefetches", lambda: {
        "with": lambda force: f"{force.code} read beside"})
    monkeypatch.setattr(link_command, "after_link_steps", lambda: {
        "with": lambda force, prefetched=None: f"given {prefetched}",
        "without": lambda force: "read for itself"})
    call_command("link", "--force", "WARKS", "--no-progress")
    out = capsys.readouterr().out
    assert "WARKS: given WARKS read beside" in out
    assert "WARKS: read for itself" in out


@pytest.mark.django_db(transaction=True)
def test_the_evidence_comes_before_the_after_link_inputs_are_read(forces, add_record, provider,
                                                                  monkeypatch, tmp_path,
                                                                  no_other_threads):
    """The relink gets its evidence while the child is still reading for the after-link
    steps: the prefetch below only finishes once the parent holds the evidence."""
    import time

    warks = forces["WARKS"]
    add_record("crime", "C1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")
    signal = tmp_path / "evidence-received"

    def waits_for_the_parent(force):
        deadline = time.monotonic() + 20
        while not signal.exists():
            if time.monotonic() > deadline:
                return "the parent waited for this prefetch"
            time.sleep(0.05)
        return "read while the parent went on"

    monkeypatch.setattr(relink_evidence, "after_link_prefetches",
                        lambda: {"slow": waits_for_the_parent})
    evidence = Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS)
    assert evidence.forked
    assert evidence.keys() == evidence_keys(warks)
    signal.touch()
    assert evidence.after_link_inputs() == {"slow": "read while the parent went on"}


@pytest.mark.django_db(transaction=True)
def test_a_child_that_dies_after_the_evidence_leaves_the_steps_to_read_for_themselves(
        forces, add_record, provider, monkeypatch, caplog, no_other_threads):
    warks = forces["WARKS"]
    add_record("crime", "C1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")

    def dies(force):
        os._exit(3)

    monkeypatch.setattr(relink_evidence, "after_link_prefetches", lambda: {"dies": dies})
    evidence = Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS)
    assert evidence.keys() == evidence_keys(warks)
    with caplog.at_level(logging.WARNING, logger="haven.people.relink_evidence"):
        assert evidence.after_link_inputs() == {}
    assert "could not prefetch (no answer)" in caplog.text
    evidence.close()  # nothing left to stop


@pytest.mark.django_db(transaction=True)
def test_after_the_evidence_the_child_reads_at_a_lower_priority(forces, add_record, provider,
                                                                monkeypatch, no_other_threads):
    """The prefetch runs beside Splink's training: it yields the cores to it."""
    warks = forces["WARKS"]
    add_record("crime", "C1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")
    monkeypatch.setattr(relink_evidence, "after_link_prefetches",
                        lambda: {"niceness": lambda force: os.nice(0)})
    evidence = Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS)
    evidence.keys()
    assert evidence.after_link_inputs() == {
        "niceness": min(os.nice(0) + relink_evidence.AFTER_EVIDENCE_NICENESS, 19)}


@pytest.mark.django_db(transaction=True)
def test_the_after_link_inputs_come_even_when_the_evidence_was_not_asked_for(
        forces, add_record, provider, monkeypatch, no_other_threads):
    """A relink with nothing to link never asks for the evidence: the inputs are still the
    inputs, not the evidence that came first."""
    warks = forces["WARKS"]
    add_record("crime", "C1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")
    monkeypatch.setattr(relink_evidence, "after_link_prefetches",
                        lambda: {"count records": lambda force: 1})
    evidence = Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS)
    assert evidence.forked
    assert evidence.after_link_inputs() == {"count records": 1}
    evidence.close()


@pytest.fixture
def warks_with_a_record(forces, add_record):
    add_record("crime", "C1", forename="Dana", surname="Reyes", date_of_birth="1990-04-02")
    return forces["WARKS"]


def _preparing(monkeypatch, prepare):
    """One step that prefetches and prepares, one that only prefetches."""
    monkeypatch.setattr(relink_evidence, "after_link_prefetches", lambda: {
        "prepares": lambda force: f"{force.code} read", "plain": lambda force: "as read"})
    monkeypatch.setattr(relink_evidence, "after_link_preparers",
                        lambda: {"prepares": prepare})


@pytest.mark.django_db(transaction=True)
def test_the_child_prepares_from_the_relinks_moves_while_the_parent_writes(
        warks_with_a_record, provider, monkeypatch, no_other_threads):
    warks = warks_with_a_record
    parent = os.getpid()
    _preparing(monkeypatch, lambda force, prefetched, moves: (
        prefetched, sorted(moves.items()), os.getpid() != parent))
    evidence = Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS)
    evidence.keys()
    # before the writes: the plain step's input; the other waits in the child
    assert evidence.after_link_inputs() == {"plain": "as read"}
    evidence.persons_moving({7: 3, 9: 3})
    assert evidence.after_write_inputs() == {
        "plain": "as read", "prepares": ("WARKS read", [(7, 3), (9, 3)], True)}
    evidence.close()  # nothing left to stop


@pytest.mark.django_db(transaction=True)
def test_what_the_child_prepares_is_taken_while_the_relink_still_writes(
        warks_with_a_record, provider, monkeypatch, no_other_threads):
    # More than a pipe holds: the child's send ends only once this process reads it.
    _preparing(monkeypatch, lambda force, prefetched, moves: "x" * 4_000_000)
    evidence = Evidence.start(warks_with_a_record, records=relink_evidence.FORK_FROM_RECORDS)
    evidence.keys()
    evidence.after_link_inputs()
    evidence.persons_moving({7: 3})
    # still "writing": after_write_inputs not asked yet, and the child is done all the same
    process = evidence._process
    process.join(timeout=30)
    assert process.exitcode == 0
    assert evidence.after_write_inputs()["prepares"] == "x" * 4_000_000
    assert not [t for t in threading.enumerate() if t.name == "relink-evidence-receiver"]


@pytest.mark.django_db(transaction=True)
def test_a_relink_that_fails_while_writing_leaves_no_receiver_behind(
        warks_with_a_record, provider, monkeypatch, no_other_threads):
    # the child never answers: it waits on a prepare that does not end
    _preparing(monkeypatch, lambda force, prefetched, moves: time.sleep(600))
    evidence = Evidence.start(warks_with_a_record, records=relink_evidence.FORK_FROM_RECORDS)
    evidence.keys()
    evidence.after_link_inputs()
    evidence.persons_moving({7: 3})
    began = time.perf_counter()
    evidence.close()
    assert time.perf_counter() - began < 30
    assert not [t for t in threading.enumerate() if t.name == "relink-evidence-receiver"]


@pytest.mark.django_db(transaction=True)
def test_without_moves_or_with_a_failed_prepare_the_step_reads_for_itself(
        warks_with_a_record, provider, monkeypatch, no_other_threads):
    warks = warks_with_a_record

    def broken(force, prefetched, moves):
        raise RuntimeError("cannot")

    for prepare, moves in ((broken, {1: 2}), (lambda *args: "prepared", None)):
        _preparing(monkeypatch, prepare)
        evidence = Evidence.start(warks, records=relink_evidence.FORK_FROM_RECORDS)
        evidence.keys()
        evidence.after_link_inputs()
        if moves is not None:
            evidence.persons_moving(moves)
        # a relink with nothing to apply never says who moves: nothing is prepared, and the
        # parent is not left waiting
        assert evidence.after_write_inputs() == {"plain": "as read"}


@pytest.mark.django_db(transaction=True)
def test_a_child_that_dies_while_preparing_leaves_the_step_to_read_for_itself(
        warks_with_a_record, provider, monkeypatch, caplog, no_other_threads):
    _preparing(monkeypatch, lambda force, prefetched, moves: os._exit(3))
    evidence = Evidence.start(warks_with_a_record, records=relink_evidence.FORK_FROM_RECORDS)
    evidence.keys()
    evidence.after_link_inputs()
    evidence.persons_moving({1: 2})
    with caplog.at_level(logging.WARNING, logger="haven.people.relink_evidence"):
        assert evidence.after_write_inputs() == {"plain": "as read"}
    assert "could not prepare (no answer)" in caplog.text


def test_a_prepare_needs_a_prefetch():
    from haven.people.linking import register_after_link

    with pytest.raises(ValueError, match="a prepare works from a prefetch"):
        register_after_link("nothing to prepare from", lambda force: "",
                            prepare=lambda force, prefetched, moves: None)

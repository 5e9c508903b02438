"""The access log without a lock on its head (issue 18 item 3; ADR 0005): entries are
written unsealed with no shared row touched, and a sealing step chains them afterwards.

These tests commit for real (transaction=True): sealing happens after commit, and the
concurrency tests need two connections."""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from haven.access import log
from haven.access.log import GENESIS, Action, compute_hash, record_access, seal, verify_chain
from haven.access.models import AccessLogEntry, AccessLogHead

pytestmark = pytest.mark.django_db(transaction=True)

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite has one writer at a time: two logging transactions cannot overlap there")


def _unsealed():
    return AccessLogEntry.objects.filter(seq__isnull=True)


def _in_thread(target):
    """Run target in a thread with its own database connection (closed at the end)."""
    errors = []

    def run():
        try:
            target()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


@pytest.fixture
def no_seal_at_commit(monkeypatch):
    """Entries left unsealed after commit, as when another sealer was at work."""
    monkeypatch.setattr(log, "seal_after_commit", lambda: None)


@postgresql_only
def test_two_logging_transactions_do_not_wait_for_each_other(persona):
    hau, officer = persona("hau"), persona("response_officer")
    logged, release = threading.Event(), threading.Event()

    def long_action():
        with transaction.atomic():
            record_access(hau, Action.CONSULTATION, record_type="person", record_id="slow")
            logged.set()
            assert release.wait(20)

    thread, errors = _in_thread(long_action)
    try:
        assert logged.wait(10)
        started = time.monotonic()
        with transaction.atomic():  # this thread's own connection
            fast = record_access(officer, Action.CONSULTATION, record_type="person",
                                 record_id="fast")
        waited = time.monotonic() - started
        # Under the old head lock this waited for the slow transaction (20 s).
        assert waited < 5, f"a logged read waited {waited:.1f} s for another transaction"
        fast_row = AccessLogEntry.objects.get(pk=fast.pk)
        assert fast_row.seq is not None  # sealed after its commit, the slow one still open
        assert verify_chain().ok  # the open transaction's entry is invisible, not a gap
    finally:
        release.set()
        thread.join(20)
    assert not errors, errors
    slow_row = AccessLogEntry.objects.get(record_id="slow")
    # The slow entry took the lower id but committed later: it is chained after the fast one.
    assert slow_row.pk < fast_row.pk and slow_row.seq > fast_row.seq
    assert not _unsealed().exists()
    report = verify_chain()
    assert report.ok and report.unsealed == 0


@postgresql_only
def test_a_seal_gives_way_when_another_sealer_is_at_work(persona):
    hau = persona("hau")
    holding, release = threading.Event(), threading.Event()

    def other_sealer():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [log.SEAL_LOCK])
            holding.set()
            assert release.wait(20)

    thread, errors = _in_thread(other_sealer)
    try:
        assert holding.wait(10)
        started = time.monotonic()
        entry = record_access(hau, Action.CONSULTATION, record_type="person")
        assert time.monotonic() - started < 5  # the after-commit seal did not wait
        assert seal() is None
        assert AccessLogEntry.objects.get(pk=entry.pk).seq is None
    finally:
        release.set()
        thread.join(20)
    assert not errors, errors
    assert seal()["last_id"] == entry.pk
    assert verify_chain().ok


def test_sealing_passes_over_a_rolled_back_gap(persona):
    hau = persona("hau")
    before = record_access(hau, Action.CONSULTATION, record_type="person", record_id="kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        record_access(hau, Action.CONSULTATION, record_type="person", record_id="lost")
        raise RuntimeError("the action failed")
    after = record_access(hau, Action.CONSULTATION, record_type="person", record_id="kept2")
    assert not AccessLogEntry.objects.filter(record_id="lost").exists()
    if connection.vendor == "postgresql":
        assert after.pk > before.pk + 1  # the sequence left a gap where the rollback was
    rows = {e.record_id: e for e in AccessLogEntry.objects.filter(record_id__startswith="kept")}
    assert rows["kept2"].prev_hash == rows["kept"].entry_hash
    assert rows["kept2"].seq == rows["kept"].seq + 1
    assert verify_chain().ok


def test_the_seal_command_chains_what_waited_and_verify_never_writes(persona, capsys,
                                                                     no_seal_at_commit):
    hau = persona("hau")
    for n in range(3):
        record_access(hau, Action.CONSULTATION, record_type="person", record_id=n)
    waiting = _unsealed().count()
    assert waiting >= 3
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "chain intact" in out and f"{waiting} newer entries not yet sealed" in out
    assert _unsealed().count() == waiting  # verify wrote nothing
    call_command("audit", "seal")
    assert "Sealed up to entry" in capsys.readouterr().out
    assert not _unsealed().exists()
    call_command("audit", "verify")
    assert "not yet sealed" not in capsys.readouterr().out


@pytest.fixture
def batch_sealed(persona, no_seal_at_commit):
    """Entries sealed in one batch by the seal step (not one by one after each commit)."""
    hau = persona("hau")
    for n in range(5):
        record_access(hau, Action.CONSULTATION, record_type="person", record_id=n)
    assert seal() is not None
    return list(AccessLogEntry.objects.order_by("seq"))


def test_truncation_after_a_batch_seal_is_detected(batch_sealed):
    keep = batch_sealed[-3]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry WHERE seq > %s", [keep.seq])
    AccessLogHead.objects.filter(pk=1).update(last_id=keep.pk, last_hash=keep.entry_hash,
                                              last_seq=keep.seq)
    report = verify_chain()
    assert not report.ok and "entries were removed" in report.problem
    with pytest.raises(CommandError, match="removed"):
        call_command("audit", "verify")


def test_a_recomputed_chain_after_a_batch_seal_is_detected(batch_sealed):
    target = batch_sealed[-2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE access_accesslogentry SET reason='nothing to see' WHERE id=%s",
                       [target.pk])
    prev = target.prev_hash
    for entry in AccessLogEntry.objects.filter(seq__gte=target.seq).order_by("seq"):
        new_hash = compute_hash(prev, entry)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE access_accesslogentry SET prev_hash=%s, entry_hash=%s "
                           "WHERE id=%s", [prev, new_hash, entry.pk])
        prev = new_hash
    AccessLogHead.objects.filter(pk=1).update(last_hash=prev)
    report = verify_chain()
    assert not report.ok and "recomputed" in report.problem


def test_an_entry_unsealed_inside_the_sealed_range_is_tampering(batch_sealed):
    middle = batch_sealed[-3]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE access_accesslogentry SET seq=NULL, prev_hash=NULL, "
                       "entry_hash=NULL, reason='edited' WHERE id=%s", [middle.pk])
    report = verify_chain()
    assert not report.ok
    if connection.vendor == "postgresql" and report.first_broken_id != middle.pk:
        # PostgreSQL's horizon is the oldest transaction open anywhere on the server when
        # the seal ran: with another test worker's transaction older than this test's, the
        # edited entry is not provably below it, and the break is found one entry later,
        # where the chain no longer links (still reported, never "intact").
        after = batch_sealed[-2]
        assert report.first_broken_id == after.pk
        assert "does not link to the entry before it" in report.problem
        with pytest.raises(CommandError, match="does not link"):
            call_command("audit", "verify")
        return
    assert report.first_broken_id == middle.pk and "inside the sealed range" in report.problem
    with pytest.raises(CommandError, match="inside the sealed range"):
        call_command("audit", "verify")


def test_the_newest_entry_unsealed_and_the_head_moved_back_is_tampering(batch_sealed):
    newest, before = batch_sealed[-1], batch_sealed[-2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE access_accesslogentry SET seq=NULL, prev_hash=NULL, "
                       "entry_hash=NULL WHERE id=%s", [newest.pk])
    AccessLogHead.objects.filter(pk=1).update(last_id=before.pk, last_hash=before.entry_hash,
                                              last_seq=before.seq)
    report = verify_chain()
    assert not report.ok and report.first_broken_id == newest.pk


@postgresql_only
def test_an_unsealed_entry_slipped_in_with_an_old_transaction_id_is_tampering(batch_sealed):
    first = batch_sealed[0]
    # A transaction id the seal had already seen finish (just under its horizon). Copying
    # the sealed entry's own id would test nothing fixed on a shared server: the horizon is
    # the oldest transaction open anywhere when the seal ran, and with another test
    # worker's older transaction open this test's own id is not below it (that entry is then
    # caught by a later seal, whose horizon has moved past it).
    old_txid = AccessLogHead.objects.get(pk=1).horizon - 1
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO access_accesslogentry (at, user_id_at, username, role, organisation, "
            "action, record_type, record_id, person_id, reason, outcome, detail, txid) "
            "SELECT at, user_id_at, username, role, organisation, action, record_type, "
            "'forged', person_id, reason, outcome, detail, %s FROM access_accesslogentry "
            "WHERE id=%s", [old_txid, first.pk])
    report = verify_chain()
    assert not report.ok and "inside the sealed range" in report.problem


def test_entries_written_after_a_seal_in_the_same_transaction_are_not_tampering(
        batch_sealed, persona):
    hau = persona("hau")
    record_access(hau, Action.CONSULTATION, record_type="person", record_id="waiting")
    with transaction.atomic():
        record_access(hau, Action.CONSULTATION, record_type="person", record_id="before")
        assert seal() is not None
        record_access(hau, Action.CONSULTATION, record_type="person", record_id="after")
    assert set(_unsealed().values_list("record_id", flat=True)) == {"after"}
    report = verify_chain()
    assert report.ok and report.unsealed == 1


def test_the_first_seal_starts_from_genesis(persona, no_seal_at_commit):
    AccessLogHead.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry")
    record_access(persona("hau"), Action.CONSULTATION, record_type="person")
    seal()
    first = AccessLogEntry.objects.get()
    assert (first.seq, first.prev_hash) == (1, GENESIS)


def test_logging_cannot_be_switched_off_outside_the_benchmark(persona, settings):
    settings.HAVEN_BENCH_ACCESS_LOG_OFF = True
    with pytest.raises(ImproperlyConfigured, match="never switched off"):
        record_access(persona("hau"), Action.CONSULTATION, record_type="person")


def test_verify_warns_when_entries_have_waited_long_to_be_sealed(persona, capsys,
                                                                 no_seal_at_commit):
    entry = record_access(persona("hau"), Action.CONSULTATION, record_type="person")
    with connection.cursor() as cursor:  # written ten minutes ago, never sealed
        cursor.execute("UPDATE access_accesslogentry SET at = %s WHERE id = %s",
                       [entry.at - dt.timedelta(minutes=10), entry.pk])
    call_command("audit", "verify")
    captured = capsys.readouterr()
    assert "chain intact" in captured.out and "not yet sealed" in captured.out
    assert "WARNING" in captured.err and "haven worker" in captured.err


def test_anchors_are_checked_in_batches_and_a_removal_in_a_later_batch_is_found(
        persona, monkeypatch):
    from haven.access import anchors

    monkeypatch.setattr(anchors, "ANCHOR_BATCH", 2)
    hau = persona("hau")
    for n in range(5):  # one seal, so one anchor, per committed entry
        record_access(hau, Action.CONSULTATION, record_type="person", record_id=n)
    report = verify_chain()
    assert report.ok and report.anchors >= 5
    newest = AccessLogEntry.objects.order_by("-seq").first()
    before = AccessLogEntry.objects.get(seq=newest.seq - 1)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry WHERE id = %s", [newest.pk])
    AccessLogHead.objects.filter(pk=1).update(last_id=before.pk, last_hash=before.entry_hash,
                                              last_seq=before.seq)
    report = verify_chain()
    assert not report.ok and "entries were removed" in report.problem
    assert report.first_broken_id == newest.pk


def test_a_sealer_thread_can_seal_off_the_request_path(persona, settings):
    settings.HAVEN_AUDIT_SEAL_IN_THREAD = True
    entry = record_access(persona("hau"), Action.CONSULTATION, record_type="person")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if AccessLogEntry.objects.get(pk=entry.pk).seq is not None:
            break
        time.sleep(0.05)
    assert AccessLogEntry.objects.get(pk=entry.pk).seq is not None
    report = verify_chain()
    assert report.ok and report.unsealed == 0
    deadline = time.monotonic() + 5  # the thread lets its connection go when idle
    while log._sealer["wake"].is_set() and time.monotonic() < deadline:
        time.sleep(0.05)

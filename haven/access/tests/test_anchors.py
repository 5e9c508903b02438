"""The access log cannot be rewritten quietly (issue 18 item 3): signed anchors kept outside
the database catch a truncated log and a recomputed chain, which the chain alone cannot."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from haven.access.anchors import anchor_file
from haven.access.log import GENESIS, Action, compute_hash, record_access, verify_chain
from haven.access.models import AccessLogEntry, AccessLogHead

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sealed_log(persona):
    """Each entry committed on its own and sealed after its commit (no worker needed)."""
    hau = persona("hau")
    for n in range(4):
        record_access(hau, Action.CONSULTATION, record_type="person", record_id=n)
    assert not AccessLogEntry.objects.filter(seq__isnull=True).exists()
    return list(AccessLogEntry.objects.order_by("seq"))


def _rewrite_chain_from(first_id):
    """What an insider with database rights could do: recompute every hash after an edit
    and move the head, so that the chain agrees with itself."""
    prev = GENESIS
    for entry in AccessLogEntry.objects.filter(seq__isnull=False).order_by("seq"):
        if entry.pk >= first_id:
            entry.prev_hash = prev
            entry.entry_hash = compute_hash(prev, entry)
            with connection.cursor() as cursor:
                cursor.execute("UPDATE access_accesslogentry SET prev_hash=%s, entry_hash=%s "
                               "WHERE id=%s", [entry.prev_hash, entry.entry_hash, entry.pk])
        prev = entry.entry_hash
    AccessLogHead.objects.filter(pk=1).update(last_hash=prev)


def test_each_committed_append_is_sealed_and_verify_checks_the_anchors(sealed_log, capsys):
    lines = anchor_file().read_text().splitlines()
    assert json.loads(lines[-1])["last_id"] == sealed_log[-1].pk
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "chain intact" in out and f"matches {len(lines)} signed anchors" in out


def test_removing_the_newest_entries_and_moving_the_head_back_is_detected(sealed_log):
    keep = sealed_log[-3]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry WHERE id > %s", [keep.pk])
    AccessLogHead.objects.filter(pk=1).update(last_id=keep.pk, last_hash=keep.entry_hash,
                                              last_seq=keep.seq)
    report = verify_chain()
    assert not report.ok and "entries were removed" in report.problem
    with pytest.raises(CommandError, match="removed"):
        call_command("audit", "verify")


def test_an_edit_with_the_chain_recomputed_after_it_is_detected(sealed_log):
    target = sealed_log[1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE access_accesslogentry SET reason='nothing to see' WHERE id=%s",
                       [target.pk])
    _rewrite_chain_from(target.pk)
    report = verify_chain()
    assert not report.ok and "recomputed" in report.problem


def test_an_edited_anchor_file_is_detected(sealed_log):
    path = anchor_file()
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1])
    forged["last_id"] = sealed_log[0].pk  # pretend less was sealed
    path.write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    report = verify_chain()
    assert not report.ok and "not signed" in report.problem


def test_a_rolled_back_action_leaves_no_anchor(persona):
    from django.db import transaction

    hau = persona("hau")
    record_access(hau, Action.CONSULTATION, record_type="person")
    before = anchor_file().read_text()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_access(hau, Action.CONSULTATION, record_type="person")
        raise RuntimeError("the action failed")
    assert anchor_file().read_text() == before
    assert verify_chain().ok

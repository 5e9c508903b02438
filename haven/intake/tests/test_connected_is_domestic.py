"""An incident filed as stalking or harassment, in which the suspect is recorded as the
victim's partner, ex-partner or family, is domestic abuse (DA Act 2021 ss.1-2): it counts
towards the victim's "Repeat victim" flag, as the perpetrators room already counted it."""

from django.core.management import call_command

from haven.insight.tests.test_export_to_measures import write
from haven.intake.history import is_repeat_victim
from haven.intake.models import Incident, Involvement


def _export(folder):
    folder.mkdir()
    write(folder / "people.csv", ["source_id", "forename", "surname", "gender"],
          [("V", "Hana", "Lowe", "F"), ("S", "Carl", "Lowe", "M"), ("X", "Ann", "Reed", "F")])
    write(folder / "incidents.csv",
          ["source_id", "occurred_at", "reported_via", "category", "address_line", "postcode"],
          [("A1", "2026-01-10T21:00:00", "call", "domestic", "4 Mill Lane", "CV34 6PQ"),
           ("A2", "2026-04-02T10:00:00", "call", "stalking", "9 Oak Road", "CV31 1AA"),
           ("A3", "2026-05-02T10:00:00", "call", "harassment", "9 Oak Road", "CV31 1AA")])
    write(folder / "involvements.csv",
          ["incident_source_id", "person_source_id", "role", "relationship"],
          [("A1", "V", "victim", ""), ("A1", "S", "suspect", "partner"),
           ("A2", "V", "victim", ""), ("A2", "S", "suspect", "ex_partner"),
           # a neighbour's harassment: not personally connected, not domestic abuse
           ("A3", "V", "victim", ""), ("A3", "X", "suspect", "other")])


def _ingest(folder):
    call_command("ingest", str(folder), "--force", "WARKS", "--source", "cc", "--no-progress")


def test_stalking_by_an_ex_partner_is_domestic_abuse_and_makes_a_repeat_victim(forces,
                                                                               tmp_path):
    _export(tmp_path / "cc")
    _ingest(tmp_path / "cc")
    flags = dict(Incident.objects.values_list("source_id", "domestic_abuse"))
    assert flags == {"A1": True, "A2": True, "A3": False}
    stalking = Incident.objects.get(source_id="A2")
    victim = Involvement.objects.get(incident=stalking, role="victim").person
    # the stalking log, twelve weeks after the domestic incident: a repeat victim
    assert is_repeat_victim(victim, at=stalking.occurred_at, incident=stalking) is True


def test_ingesting_the_same_export_again_changes_no_flag(forces, tmp_path, capsys):
    _export(tmp_path / "cc")
    _ingest(tmp_path / "cc")
    capsys.readouterr()
    _ingest(tmp_path / "cc")
    assert "updated 0" in capsys.readouterr().out
    flags = dict(Incident.objects.values_list("source_id", "domestic_abuse"))
    assert flags == {"A1": True, "A2": True, "A3": False}


def test_a_re_ingest_that_changes_an_incident_bumps_its_version(forces, tmp_path):
    """A re-ingest's change is an edit: an officer's form open on the incident meets a stale
    version instead of overwriting it, and `haven link`'s prefetched incidents are re-read."""
    _export(tmp_path / "cc")
    _ingest(tmp_path / "cc")
    before = dict(Incident.objects.values_list("source_id", "version"))
    incidents = (tmp_path / "cc" / "incidents.csv").read_text(encoding="utf-8")
    (tmp_path / "cc" / "incidents.csv").write_text(
        incidents.replace("4 Mill Lane", "6 Mill Lane"), encoding="utf-8")
    _ingest(tmp_path / "cc")
    after = dict(Incident.objects.values_list("source_id", "version"))
    assert after == {**before, "A1": before["A1"] + 1}
    assert Incident.objects.get(source_id="A1").address_line == "6 Mill Lane"

"""One real incident recorded in three systems counts once (reconciled events)."""

import json

from django.core.management import call_command

from haven.insight.tests.test_export_to_measures import write
from haven.intake.reconcile import reconcile_incidents


def export(folder, system, rows):
    folder.mkdir()
    write(folder / "people.csv", ["source_id", "forename", "surname", "gender"],
          [("V", "Hana", "Lowe", "F")])
    write(folder / "incidents.csv",
          ["source_id", "occurred_at", "reported_via", "category", "address_line", "postcode"],
          rows)
    write(folder / "involvements.csv", ["incident_source_id", "person_source_id", "role"],
          [(r[0], "V", "victim") for r in rows])


def test_the_same_call_in_three_systems_is_one_call_and_one_victim_event(forces, tmp_path,
                                                                         capsys):
    same = ("2026-02-01T21:00:00", "call", "domestic", "4 Mill Lane", "CV34 6PQ")
    export(tmp_path / "cc", "cc", [("A1", *same),
                                   ("A2", "2026-02-02T10:00:00", "call", "other", "9 Oak Road",
                                    "CV31 1AA")])
    export(tmp_path / "crime", "crime", [("B1", "2026-02-01T21:40:00", *same[1:])])
    export(tmp_path / "pvp", "pvp", [("C1", "2026-02-01T22:10:00", *same[1:])])
    for system in ("cc", "crime", "pvp"):
        call_command("ingest", str(tmp_path / system), "--force", "WARKS", "--source", system,
                     "--no-progress")
    reconcile_incidents(forces["WARKS"])
    call_command("insight", "refresh", "--no-progress")
    capsys.readouterr()
    call_command("insight", "measures", "--force", "WARKS", "--from", "2026-02-01",
                 "--to", "2026-02-28")
    result = json.loads(capsys.readouterr().out)
    # 4 source incidents, 2 real events (the DA call recorded three times, the other call)
    assert result["counts"]["call_events"] == 2
    assert result["da_share_of_calls"] == 1 / 2
    # three records of one event are not three incidents: no repeat victimisation
    assert result["repeat_victim_rate"] == 0.0

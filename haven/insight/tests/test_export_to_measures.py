"""The done-when: an export whose rows are known, through `haven ingest`, `haven insight
refresh` and `haven insight measures`, gives exactly the shares worked out by hand below.

The period is 2026-01-01 to 2026-03-31. Worked by hand from the CSV rows:

calls (reconciled events reported by a call, in the period): I1 I2 I3 I4 I7 I8 I10 = 7;
  domestic (category domestic or honour_based): I1 I2 I7 I10 = 4   -> 4/7
  (I5 came in at the station; I6 is before the period, I9 after; I8 is harassment: not DA)
crimes recorded in the period: C1-C9 and C11 = 10; DA flag: C1 C2 C4 C7 C9 C11 = 6 -> 6/10
by principal offence: assault_with_injury C1 C2 (DA) C3 -> 2/3; harassment C4 (DA) C5 C6
  -> 1/3; sexual_offence C7 -> 1/1; criminal_damage C8 -> 0/1; controlling C9 -> 1/1;
  stalking C11 -> 1/1; the others have no crime -> null
arrests: DA crimes arrested C1 C4 C9 = 3 of 6 -> 50 per 100
outcomes of the 6 DA crimes: charge (1) C1 -> 1/6; caution (3) C4 -> 1/6;
  out of court (8) C7 -> 1/6; evidential difficulties (15, 16) C2 C11 -> 2/6
victims of DA events in the period: P1 (I1, I2), P4 (I5), P2 (I7), P3 and P5 (I10) = 5;
  repeat within 365 days: P1 (I2 after I1), P2 (I7 after I6 in December) = 2 -> 2/5
"""

import csv
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

PEOPLE = [
    ("P1", "Amy", "Hill", "1990-02-01", "F", "CV34 4AA"),
    ("P2", "Beth", "Stone", "1985-06-11", "F", "CV35 1BB"),
    ("P3", "Cara", "Wood", "1979-09-21", "F", "CV31 2CC"),
    ("P4", "Dina", "Moss", "2001-01-15", "F", "CV34 5DD"),
    ("P5", "Evan", "Reed", "1995-03-30", "M", "CV31 2CC"),
    ("S1", "Gary", "Hill", "1988-07-07", "M", "CV34 4AA"),
]
INCIDENTS = [  # source_id, occurred_at, reported_via, category, postcode
    ("I1", "2026-01-05T21:00:00", "call", "domestic", "CV34 4AA"),
    ("I2", "2026-01-20T22:30:00", "call", "domestic", "CV34 4AA"),
    ("I3", "2026-02-01T10:00:00", "call", "other", "CV32 9ZZ"),
    ("I4", "2026-02-03T11:00:00", "call", "other", "CV32 9ZY"),
    ("I5", "2026-02-10T12:00:00", "station", "domestic", "CV34 5DD"),
    ("I6", "2025-12-20T20:00:00", "call", "domestic", "CV35 1BB"),
    ("I7", "2026-02-15T23:00:00", "call", "honour_based", "CV35 1BB"),
    ("I8", "2026-03-01T09:00:00", "call", "harassment", "CV33 7XX"),
    ("I9", "2026-04-02T09:00:00", "call", "domestic", "CV34 4AA"),
    ("I10", "2026-03-10T19:00:00", "call", "domestic", "CV31 2CC"),
]
VICTIMS = [("I1", "P1"), ("I2", "P1"), ("I5", "P4"), ("I6", "P2"), ("I7", "P2"),
           ("I10", "P3"), ("I10", "P5"), ("I9", "P1")]
CRIMES = [  # source_id, recorded_at, domestic_abuse, offence, arrested, outcome
    ("C1", "2026-01-06T09:00:00", "1", "assault_with_injury", "1", "1"),
    ("C2", "2026-01-21T09:00:00", "1", "assault_with_injury", "0", "15"),
    ("C3", "2026-01-25T09:00:00", "0", "assault_with_injury", "1", "1"),
    ("C4", "2026-02-16T09:00:00", "1", "harassment", "1", "3"),
    ("C5", "2026-02-17T09:00:00", "0", "harassment", "0", ""),
    ("C6", "2026-02-18T09:00:00", "0", "harassment", "0", "18"),
    ("C7", "2026-02-19T09:00:00", "1", "sexual_offence", "0", "8"),
    ("C8", "2026-03-02T09:00:00", "0", "criminal_damage", "0", ""),
    ("C9", "2026-03-11T09:00:00", "1", "controlling_coercive_behaviour", "1", ""),
    ("C10", "2025-12-01T09:00:00", "1", "assault_with_injury", "1", "1"),
    ("C11", "2026-03-20T09:00:00", "1", "stalking", "0", "16"),
]


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def export(tmp_path):
    folder = tmp_path / "crime_export"
    folder.mkdir()
    write(folder / "people.csv",
          ["source_id", "forename", "surname", "date_of_birth", "gender", "postcode"], PEOPLE)
    write(folder / "incidents.csv",
          ["source_id", "occurred_at", "reported_via", "category", "address_line", "postcode"],
          [(s, at, via, cat, f"{n} High Street", pc)
           for n, (s, at, via, cat, pc) in enumerate(INCIDENTS, start=1)])
    write(folder / "involvements.csv", ["incident_source_id", "person_source_id", "role"],
          [(i, p, "victim") for i, p in VICTIMS] + [("I1", "S1", "suspect")])
    write(folder / "crimes.csv",
          ["source_id", "incident_source_id", "recorded_at", "domestic_abuse", "offence",
           "victim_source_id", "suspect_source_id", "arrested", "outcome", "outcome_at"],
          [(s, "", at, da, off, "P1", "S1", arr, out, "2026-03-25T09:00:00" if out else "")
           for s, at, da, off, arr, out in CRIMES])
    return folder


def measures_json(capsys, *extra):
    capsys.readouterr()
    call_command("insight", "measures", "--force", "WARKS", "--from", "2026-01-01",
                 "--to", "2026-03-31", *extra)
    return json.loads(capsys.readouterr().out)


def test_an_export_gives_exactly_the_hand_worked_shares(forces, export, capsys):
    call_command("ingest", str(export), "--force", "WARKS", "--source", "crime",
                 "--no-progress")
    call_command("insight", "refresh", "--no-progress")
    assert "rows/s" in capsys.readouterr().out
    result = measures_json(capsys)
    assert result["da_share_of_calls"] == 4 / 7
    assert result["da_share_of_crime"] == 6 / 10
    assert result["da_share_by_offence"] == {
        "assault_with_injury": 2 / 3, "assault_intent_serious_harm": None,
        "harassment": 1 / 3, "stalking": 1.0, "sexual_offence": 1.0,
        "controlling_coercive_behaviour": 1.0, "criminal_damage": 0.0,
        "threats_to_kill": None, "homicide": None, "breach_of_order": None, "other": None}
    assert result["arrests_per_100_da_crimes"] == 50.0
    assert result["outcome_shares"] == {"charge": 1 / 6, "caution": 1 / 6,
                                        "out_of_court": 1 / 6,
                                        "evidential_difficulties": 2 / 6}
    assert result["repeat_victim_rate"] == 2 / 5


def test_csv_format_and_an_area(forces, export, capsys):
    call_command("ingest", str(export), "--force", "WARKS", "--source", "crime",
                 "--no-progress")
    call_command("insight", "refresh", "--no-progress")
    capsys.readouterr()
    call_command("insight", "measures", "--force", "WARKS", "--from", "2026-01-01",
                 "--to", "2026-03-31", "--format", "csv")
    rows = dict(csv.reader(capsys.readouterr().out.splitlines()))
    assert float(rows["da_share_of_calls"]) == 4 / 7
    assert rows["da_share_by_offence.homicide"] == ""
    # CV34: calls I1, I2 (both DA; I5 came to the station); victims P1 (repeat) and P4
    # (I5, first time) -> 1/2
    area = measures_json(capsys, "--area", "CV34")
    assert area["da_share_of_calls"] == 1.0
    assert area["repeat_victim_rate"] == 1 / 2


def test_measures_before_a_refresh_and_bad_arguments_say_what_is_wrong(forces):
    with pytest.raises(CommandError, match="has not been built"):
        call_command("insight", "measures", "--force", "WARKS", "--from", "2026-01-01",
                     "--to", "2026-03-31")
    with pytest.raises(CommandError, match="--force"):
        call_command("insight", "measures", "--force", "NOPE", "--from", "2026-01-01",
                     "--to", "2026-03-31")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("insight", "measures", "--force", "WARKS", "--from", "1/1/2026",
                     "--to", "2026-03-31")


def test_the_store_holds_no_names_or_addresses(forces, export, settings):
    import duckdb  # the store itself, read directly

    call_command("ingest", str(export), "--force", "WARKS", "--source", "crime",
                 "--no-progress")
    call_command("insight", "refresh", "--no-progress")
    con = duckdb.connect(settings.HAVEN_INSIGHT_STORE, read_only=True)
    text = ""
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
        text += repr(con.execute(f'SELECT * FROM "{table}"').fetchall())  # noqa: S608
    for forename, surname in (("Amy", "Hill"), ("Gary", "Hill")):
        assert forename not in text and surname not in text
    assert "High Street" not in text and "CV34 4AA" not in text
    assert "CV34" in text  # the district is the finest place the store holds

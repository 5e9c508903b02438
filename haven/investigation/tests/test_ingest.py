"""crimes.csv of a legacy export becomes this room's crimes; the inspection's figures
computed by Haven equal those computed directly from the CSV."""

import csv
import datetime as dt
import random
from collections import Counter

import pytest
from django.utils import timezone

from haven.investigation import measures
from haven.investigation.models import Crime
from haven.people.ingest import ingest_export
from haven.people.ingest.registry import legacy_file
from haven.people.tests.export_files import FILES, write_export

pytestmark = pytest.mark.django_db
HEADER = FILES["crimes.csv"][0]
OUTCOMES = ["", "", "1", "1", "3", "2", "6", "8", "14", "15", "16", "18", "21"]
OFFENCES = ["assault_with_injury", "harassment", "stalking;harassment", "criminal_damage",
            "controlling_coercive_behaviour|threats_to_kill", "breach_of_order"]


def _crimes(n=120, seed=13):
    rng = random.Random(seed)
    rows = [HEADER]
    for i in range(1, n + 1):
        outcome = rng.choice(OUTCOMES)
        rows.append([f"C{i}", rng.choice(["I1", "I2", ""]),
                     f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}T10:00:00",
                     rng.choice(["1", "1", "1", "0"]), rng.choice(OFFENCES),
                     rng.choice(["P1", "P4", ""]), rng.choice(["P2", ""]),
                     rng.choice(["1", "0", "0", ""]), outcome,
                     "2026-11-01T09:00:00" if outcome else ""])
    return rows


@pytest.fixture
def export(tmp_path):
    return write_export(tmp_path / "export", {**FILES, "crimes.csv": _crimes()})


def _from_csv(path):
    with (path / "crimes.csv").open(newline="", encoding="utf-8") as handle:
        da = [r for r in csv.DictReader(handle) if r["domestic_abuse"] == "1"]
    per_100 = 100 * sum(1 for r in da if r["arrested"] == "1") / len(da)
    shares = {(int(k) if k else "open"): 100 * v / len(da)
              for k, v in Counter(r["outcome"] for r in da).items()}
    return per_100, shares


def test_the_investigation_room_claims_crimes_csv():
    assert legacy_file("crimes.csv").room == "investigation"


def test_arrests_and_outcome_shares_equal_those_computed_from_the_csv(forces, export):
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    crimes_file = next(f for f in report.files if f.file == "crimes.csv")
    assert crimes_file.stored == 120 and crimes_file.rejected == 0
    per_100, shares = _from_csv(export)
    figures = measures.figures(forces["WARKS"], since=timezone.make_aware(dt.datetime(2025, 1, 1)))
    assert figures["arrests_per_100"] == pytest.approx(per_100)
    assert {row["outcome"]: row["percent"] for row in figures["shares"]} == pytest.approx(shares)
    assert figures["rates"]["charge"] == pytest.approx(shares.get(1, 0))
    assert figures["rates"]["caution"] == pytest.approx(shares.get(2, 0) + shares.get(3, 0))


def test_every_offence_is_kept_and_the_first_is_the_principal(forces, export):
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    rows = {r[0]: r for r in _crimes()[1:]}
    for crime in Crime.objects.prefetch_related("offences"):
        listed = rows[crime.source_id][4].replace("|", ";").split(";")
        assert [o.offence for o in crime.offences.all()] == listed
        assert crime.principal.offence == listed[0]
        assert crime.legacy_row["offence"] == rows[crime.source_id][4]


def test_a_second_ingest_changes_nothing_and_links_people_and_incidents(forces, export):
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    again = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    crimes_file = next(f for f in again.files if f.file == "crimes.csv")
    assert (crimes_file.stored, crimes_file.unchanged) == (0, 120)
    c1 = Crime.objects.get(source_id="C1")
    row = _crimes()[1]
    assert (c1.incident is not None) == bool(row[1])
    assert c1.reference == "pvp:C1" and c1.team == "local"


def test_a_crime_naming_an_unknown_person_is_rejected_naming_the_column(forces, tmp_path):
    rows = [HEADER, ["C1", "", "2026-01-01T10:00:00", "1", "harassment", "P404", "", "0", "",
                     ""], ["C2", "", "2026-01-01T10:00:00", "1", "shouting", "P1", "", "0", "",
                           ""]]
    path = write_export(tmp_path / "bad", {"people.csv": FILES["people.csv"], "crimes.csv": rows})
    report = ingest_export(forces["WARKS"], "pvp", path, progress=False)
    crimes_file = next(f for f in report.files if f.file == "crimes.csv")
    assert crimes_file.rejected == 2 and not Crime.objects.exists()

"""A small four-file legacy export with deliberate bad rows, for ingest tests."""

import csv
from pathlib import Path

PEOPLE = [
    ["source_id", "forename", "surname", "date_of_birth", "gender", "phone", "postcode",
     "address_line", "confidential_address", "warning_markers", "custody_ref"],
    ["P1", "Danielle", "Whitfield", "1988-04-12", "F", "07700 900123", "CV34 4AA",
     "1 Test Street", "0", "", "K1"],
    ["P2", "Mark", "Whitfield", "1985-09-30", "M", "07700900456", "CV34 4AA", "1 Test Street",
     "", "weapons", ""],
    ["P3", "Kai", "Whitfield", "2015-01-02", "M", "", "CV34 4AA", "1 Test Street", "", "", ""],
    ["P4", "Refuge", "Resident", "1990-01-01", "F", "", "CV1 1AA", "2 Safe Row", "1", "", ""],
    ["", "No", "Id", "1990-01-01", "F", "", "", "", "", "", ""],
    ["P5", "Bad", "Date", "1990-13-45", "F", "", "", "", "", "", ""],
    ["P1", "Dup", "Licate", "", "", "", "", "", "", "", ""],
]
INCIDENTS = [
    ["source_id", "occurred_at", "reported_via", "category", "postcode", "address_line",
     "children_present", "latitude", "response_grade"],
    ["I1", "2026-01-10T21:00:00", "call", "domestic", "CV34 4AA", "1 Test Street", "1",
     "52.28", "immediate"],
    ["I2", "2026-06-01T22:30:00", "call", "domestic", "CV34 4AA", "1 Test Street", "0", "", ""],
    ["I3", "yesterday", "call", "domestic", "", "", "", "", ""],
]
INVOLVEMENTS = [
    ["incident_source_id", "person_source_id", "role", "relationship"],
    ["I1", "P1", "victim", ""], ["I1", "P2", "suspect", "partner"], ["I1", "P3", "child", ""],
    ["I2", "P1", "victim", ""], ["I9", "P1", "victim", ""], ["I2", "P99", "suspect", ""],
]
ORDERS = [
    ["source_id", "subject_source_id", "protected_source_id", "kind", "starts_at", "ends_at",
     "conditions"],
    ["O1", "P2", "P1", "dvpo", "2026-06-02T10:00:00", "2099-01-01T00:00:00", "no contact"],
    ["O2", "P2", "P1", "dvpo", "2026-06-02T10:00:00", "2026-05-01T00:00:00", ""],
]
RISK = [
    ["source_id", "incident_source_id", "victim_source_id", "completed_at", "answers",
     "officer_grade", "supervisor_grade"],
    ["R1", "I2", "P1", "2026-06-01T23:30:00", "Y" * 10 + "N" * 17, "medium", "high"],
    ["R2", "I2", "P1", "2026-06-01T23:30:00", "Y" * 5, "medium", ""],
]
MARAC = [["source_id", "victim_source_id", "referred_at", "heard_at", "marac_area", "criteria"],
         ["M1", "P1", "2026-06-03T09:00:00", "", "south", "visible_high_risk"]]
CRIMES = [["source_id", "incident_source_id", "recorded_at", "domestic_abuse", "offence",
           "victim_source_id", "suspect_source_id", "arrested", "outcome", "outcome_at"],
          ["C1", "I1", "2026-01-11T09:00:00", "1", "assault_with_injury", "P1", "P2", "1", "",
           ""]]
INTEL = [["source_id", "person_source_id", "recorded_at", "grading", "text"],
         ["N1", "P2", "2026-02-01T10:00:00", "B2", "synthetic note"]]

FILES = {"people.csv": PEOPLE, "incidents.csv": INCIDENTS, "involvements.csv": INVOLVEMENTS,
         "orders.csv": ORDERS, "risk_assessments.csv": RISK, "marac.csv": MARAC,
         "crimes.csv": CRIMES, "intel.csv": INTEL}


def write_export(directory: Path, files=None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in (files or FILES).items():
        with (directory / name).open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    return directory

"""The export files the people room stores, in the ingest registry (PeopleConfig.ready).

people.csv becomes source records and persons; crimes, DASH, MARAC, orders and
intelligence are kept whole in `people.LegacyRecord` until their rooms exist, and a room
that comes later claims its file by registering the same name. Stores are given as dotted
paths: `store` loads the linkage keys, which start-up need not import.
"""

from __future__ import annotations

from haven.people.ingest import validate
from haven.people.ingest.registry import register_legacy_file

STORE = "haven.people.ingest.store."
# (file, kind, validator, store, reading order)
PEOPLE_FILES = [
    ("people.csv", "people", validate.person_row, "store_people", 0),
    # crimes.csv: claimed by the investigation room (haven/investigation/ingest.py)
    ("risk_assessments.csv", "risk_assessment", validate.risk_row, "store_risk_assessments",
     40),
    # marac.csv: claimed by the MARAC room (haven/marac/ingest.py)
    # orders.csv: claimed by the protection room (haven/protection/ingest.py)
    # intel.csv is the safeguarding room's (haven/safeguarding/intel.py registers it).
]


def register() -> None:
    for name, kind, validator, store, order in PEOPLE_FILES:
        register_legacy_file(name, kind=kind, room="people", validator=validator,
                             store=STORE + store, order=order,
                             columns=validate.FILE_COLUMNS[name],
                             required=validate.REQUIRED_COLUMNS[name])

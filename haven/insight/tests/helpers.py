"""Build a store straight from extract rows (the rooms' declared columns), for tests that
check the SQL by hand without going through the database."""

import datetime as dt

import duckdb

from haven.insight import store
from haven.intake.extracts import TABLES as INTAKE
from haven.investigation.extracts import TABLES as INVESTIGATION
from haven.marac.extracts import TABLES as MARAC
from haven.people.extracts import TABLES as PEOPLE
from haven.protection.extracts import TABLES as PROTECTION
from haven.risk.extracts import TABLES as RISK
from haven.safeguarding.extracts import TABLES as SAFEGUARDING

TABLES = {**PEOPLE, **INTAKE, **INVESTIGATION, **RISK, **SAFEGUARDING, **MARAC, **PROTECTION}


def incident(pk, at, *, event=None, da=True, via="call", district="CV34", place=None,
             children=None, force="WARKS", grade=None, attend=None):
    return (force, pk, event or pk, "test", dt.datetime.fromisoformat(at), via,
            "domestic" if da else "other", da, children, district, place, grade, attend)


def crime(pk, at, *, da=True, offence="assault_with_injury", arrested=False, outcome=None,
          incident_id=None, force="WARKS"):
    return (force, pk, incident_id, dt.datetime.fromisoformat(at), da, offence, "v", "s",
            arrested, outcome, None)


def build(path, *, only=None, **rows):
    """A store from the given rows; `only` limits it to some tables (a room not installed)."""
    con = duckdb.connect(str(path))
    for name, columns in TABLES.items():
        if only is not None and name not in only:
            continue
        store.load_table(con, name, columns, rows.get(name, []))
    store.build_derived(con)
    return con

"""Run the room's SQL files (haven/insight/sql/*.sql) against the store.

Only the parameters a file names (`$force`, `$start_day`, …) are bound; the SQL itself has
no Python in it, so the same files can run on Spark later.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent / "sql"
_PARAM = re.compile(r"\$([a-z_]+)")


@cache
def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def run(con, name: str, params: dict) -> list[dict]:
    """The rows of `name`.sql as dicts (column name -> value)."""
    text = sql(name)
    wanted = set(_PARAM.findall(text))
    missing = wanted - set(params)
    if missing:
        raise KeyError(f"{name}.sql needs parameters {sorted(missing)}")
    cursor = con.execute(text, {k: params[k] for k in wanted})
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def one(con, name: str, params: dict) -> dict:
    rows = run(con, name, params)
    return rows[0] if rows else {}

"""The insight SQL on Spark SQL (issue 19): the same files, the same figures.

`SparkStore(spark)` quacks like the DuckDB connection the room's code is handed
(`execute(sql, params)` -> cursor with `description`, `fetchall`, `fetchone`), so
`queries.run`, `measures.headline`, `profile.profile` and `casework.summary` run on Spark
unchanged. Each statement is transpiled from DuckDB to Spark SQL with sqlglot (Splink's own
dependency); parameters (`$force`, `$start_day` …) are bound by Spark as named parameters
(`:force`), never pasted into the text.

Where the store's tables come from: `load_from_duckdb(spark, con)` copies a built DuckDB
store into Spark temporary views (tests, a trial run). A national centre would instead
register the same tables from Parquet files the forces' refreshes write (one
`spark.read.parquet(...).createOrReplaceTempView(name)` per table; docs/scale.md).
Only pseudonymous keys and districts are in the store; nothing here logs rows.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from pyspark.sql.pandas.types import from_arrow_schema

_PARAM = re.compile(r"\$([a-z_]+)")
_MARKED = re.compile(r"`?__haven_param_([a-z_]+)`?")
_TABLES_QUERY = re.compile(r"^\s*select\s+table_name\s+from\s+information_schema\.tables\s*$",
                           re.IGNORECASE)


@lru_cache(maxsize=256)
def to_spark_sql(text: str) -> str:
    """DuckDB SQL (with `$name` parameters) as Spark SQL (with `:name` parameters)."""
    # Parameters travel through sqlglot as plain column names, and come out as `:name`.
    marked = _PARAM.sub(r"__haven_param_\1", text)
    statements = [s for s in sqlglot.transpile(marked, read="duckdb", write="spark") if s]
    if len(statements) != 1:
        raise ValueError("one statement at a time")
    return _MARKED.sub(r":\1", statements[0])


class _Cursor:
    def __init__(self, columns: list[str], rows: list[tuple]):
        self.description = [(name,) for name in columns]
        self._rows = rows

    def fetchall(self) -> list[tuple]:
        return list(self._rows)

    def fetchone(self):
        return self._rows[0] if self._rows else None


class SparkStore:
    """The analytics store on Spark, for the room's read code (see module docstring)."""

    def __init__(self, spark):
        self.spark = spark

    def execute(self, text: str, params: dict | None = None) -> _Cursor:
        if _TABLES_QUERY.match(text):  # store.tables(): the session's views
            return _Cursor(["table_name"],
                           [(t.name,) for t in self.spark.catalog.listTables()])
        frame = self.spark.sql(to_spark_sql(text), args=dict(params or {}))
        rows = [tuple(row) for row in frame.collect()]
        return _Cursor(frame.columns, rows)

    def close(self) -> None:
        """Nothing to close: the views live as long as the Spark session."""


def load_from_duckdb(spark, con, tables: list[str] | None = None) -> list[str]:
    """Copy a DuckDB store's tables into Spark temporary views of the same names."""
    names = tables or [row[0] for row in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()]
    for name in names:
        arrow = con.execute(f'SELECT * FROM "{name}"').to_arrow_table()  # noqa: S608
        _arrow_to_spark(spark, arrow).createOrReplaceTempView(name)
    return names


def _arrow_to_spark(spark, table):
    """A Spark DataFrame with the Arrow table's column types (an empty table keeps them)."""
    frame = table.to_pandas()
    frame = frame.astype(object).where(frame.notna(), None)
    return spark.createDataFrame(frame, schema=from_arrow_schema(table.schema))

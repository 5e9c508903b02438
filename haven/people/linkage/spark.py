"""The same linkage on Apache Spark: Haven's Splink model through Splink's Spark backend.

Nothing about the model is copied here. `engine.train` builds the linker from the one
`comparisons._splink_settings()` and trains it (or applies `default_parameters.json`) exactly
as on DuckDB; this module only hands it a Spark database API (`train(..., db_api=...)`), reads
the scored pairs back from Spark, and clusters them with the same `clustering` code. So a
force's run and a national run give the same persons for the same records.

Dialect: the comparison levels are written in DuckDB SQL. Two of the functions they call have
other names in Spark SQL, and `HavenSparkAPI` maps them just before Splink runs each
statement on Spark:

* ``jaro_winkler_similarity(a, b)`` is the Jaro-Winkler UDF shipped in Splink's jar
  (registered under DuckDB's name, so the SQL text is unchanged);
* ``list_has_any(a, b)`` is Spark's built-in ``arrays_overlap(a, b)`` (same result for the
  string lists Haven stores: no null elements).

``levenshtein``, ``split_part``, ``length``, ``abs`` and casts exist under the same names.

A Spark session: `spark_session()` makes a local one (``local[2]`` unless told otherwise) with
Splink's jar; on a cluster pass your own session (see docs/scale.md). Nothing here logs names
or addresses: only counts.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from typing import Any

import pandas as pd
import pyarrow as pa
from pyspark.sql import SparkSession
from pyspark.sql.pandas.types import from_arrow_schema
from pyspark.sql.types import DoubleType
from splink.backends.spark import SparkAPI, similarity_jar_location

from .clustering import _cluster, _uncertain
from .engine import (
    LinkageModel,
    LinkageSettings,
    LinkResult,
    _apply_parameters,
    _floor_m_probabilities,
    _swap_counted_once,
    kept_from,
    train,
)

logger = logging.getLogger(__name__)

_LIST_HAS_ANY = re.compile(r"\blist_has_any\s*\(", re.IGNORECASE)


def spark_session(master: str | None = None, *, driver_memory: str | None = None,
                  shuffle_partitions: int | None = None, app_name: str = "haven-linkage"):
    """A Spark session with Splink's similarity jar (the Jaro-Winkler UDF).

    master: ``local[2]`` by default (``HAVEN_SPARK_MASTER`` overrides); on a cluster give
    ``spark://host:7077``, ``yarn`` or ``k8s://https://api:6443`` (docs/scale.md).
    """
    master = master or os.environ.get("HAVEN_SPARK_MASTER", "local[2]")
    memory = driver_memory or os.environ.get("HAVEN_SPARK_DRIVER_MEMORY", "1g")
    partitions = shuffle_partitions or int(os.environ.get("HAVEN_SPARK_PARTITIONS", "8"))
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    _ensure_checkpoint_dir(spark)
    return spark


def _ensure_checkpoint_dir(spark) -> None:
    """Splink breaks long lineages with checkpoints; a local session needs a directory
    (``HAVEN_SPARK_CHECKPOINT_DIR``, else a temporary one). A cluster sets its own (HDFS, S3)."""
    if spark.sparkContext.getCheckpointDir():
        return
    where = os.environ.get("HAVEN_SPARK_CHECKPOINT_DIR")
    if not where:
        # Checkpoints hold prepared person records: a temporary directory goes at exit.
        where = tempfile.mkdtemp(prefix="haven-spark-checkpoints-")
        atexit.register(shutil.rmtree, where, ignore_errors=True)
    spark.sparkContext.setCheckpointDir(where)


class HavenSparkAPI(SparkAPI):
    """Splink's SparkAPI that accepts Haven's typed Arrow tables and runs its DuckDB SQL."""

    def __init__(self, *, spark_session, **kwargs):
        kwargs.setdefault("num_partitions_on_repartition",
                          int(spark_session.conf.get("spark.sql.shuffle.partitions")))
        _ensure_checkpoint_dir(spark_session)
        super().__init__(spark_session=spark_session, **kwargs)
        self._suffix = uuid.uuid4().hex[:12]
        # Same UDF Splink registers as jaro_winkler, under the name the comparisons use.
        self.spark.udf.registerJavaFunction(
            "jaro_winkler_similarity", "uk.gov.moj.dash.linkage.JaroWinklerSimilarity",
            DoubleType())

    def register(self, table, *, dataset_display_name=None, table_name=None):
        # Spark temp views live as long as the session, which outlives this API (a test
        # session, a notebook, a national job linking twice): give each API its own name.
        if table_name is not None:
            dataset_display_name = dataset_display_name or table_name
            table_name = f"{table_name}_{self._suffix}"
        return super().register(table, dataset_display_name=dataset_display_name,
                                table_name=table_name)

    def _table_registration(self, input: Any, table_name: str) -> None:
        if isinstance(input, pa.Table):
            input = _arrow_to_spark(self.spark, input)
        super()._table_registration(input, table_name)

    def _setup_for_execute_sql(self, sql: str, physical_name: str) -> str:
        return super()._setup_for_execute_sql(_LIST_HAS_ANY.sub("arrays_overlap(", sql),
                                              physical_name)


def _arrow_to_spark(spark, table: pa.Table):
    """A Spark DataFrame with the Arrow table's types (blank columns stay strings/lists)."""
    frame = table.to_pandas()
    frame = frame.astype(object).where(frame.notna(), None)
    for column in frame.columns:  # numpy arrays from Arrow lists -> plain lists
        if pa.types.is_list(table.schema.field(column).type):
            frame[column] = [None if v is None else list(v) for v in frame[column]]
    return spark.createDataFrame(frame, schema=from_arrow_schema(table.schema))


def train_spark(df: Any, settings: LinkageSettings | None = None, *, spark=None,
                parameters: dict | None = None) -> LinkageModel:
    """`engine.train` on Spark: the same settings, training and default parameters.

    parameters: a model already trained elsewhere (`engine.model_parameters`, e.g. the
    DuckDB run of a force, or `LinkRun.counts["model"]`): no training on Spark, the given
    m/u and prior are applied, so both engines score every pair the same.
    """
    spark = spark or spark_session()
    settings = settings or LinkageSettings()
    api = HavenSparkAPI(spark_session=spark)
    if parameters is None:
        return train(df, settings, db_api=api)
    # engine.train skips training below min_train_records: ask it to, then apply the model.
    model = train(df, replace(settings, min_train_records=sys.maxsize), db_api=api)
    _apply_parameters(model.linker, parameters)
    _floor_m_probabilities(model.linker, settings.min_m_probability)
    _swap_counted_once(model.linker)
    model.settings, model.parameters = settings, "given parameters"
    return model


def predict_pairs_spark(model: LinkageModel, threshold: float | None = None) -> pd.DataFrame:
    """`engine.predict_pairs` for a model trained on Spark (the pairs come back from Spark)."""
    threshold = model.settings.predict_threshold if threshold is None else threshold
    started = time.perf_counter()
    scored = model.linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never")
    pairs = (scored.as_spark_dataframe()
             .select("uid_l", "uid_r", "match_probability", "match_weight").toPandas())
    scored.drop_table_from_database_and_remove_from_cache()
    logger.info("linkage (spark) predicted pairs=%d seconds=%.1f", len(pairs),
                time.perf_counter() - started)
    return pairs


def link_records_spark(records: Any, settings: LinkageSettings | None = None, *,
                       spark=None, parameters: dict | None = None) -> LinkResult:
    """`engine.link_records` on Spark: prepare, train (or take `parameters`, see
    `train_spark`), predict on Spark; cluster as ever."""
    settings = settings or LinkageSettings()
    model = train_spark(records, settings, spark=spark, parameters=parameters)
    pairs = predict_pairs_spark(model, threshold=kept_from(settings))
    clusters, refused, prepared = _cluster(model, pairs, settings.link_threshold)
    uncertain = _uncertain(
        pairs, clusters, refused, settings, prepared, model.prepared["uid"].tolist())
    return LinkResult(clusters=clusters, uncertain_pairs=uncertain, pairs=pairs, model=model)

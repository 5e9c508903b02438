"""The Spark path gives the same linkage as the DuckDB path (issue 19).

The model (settings, comparisons, training, default parameters) is the one of
`engine.py`; only the database Splink runs on differs. Trained on both engines, the
probabilities may differ in the last digits (EM's floating point is summed in another
order), so the test compares clusters and review pairs exactly and probabilities closely.
"""

import pytest

from haven.people.linkage import LinkageSettings, link_records
from haven.people.linkage.spark import link_records_spark
from haven.people.linkage.tests.factories import population
from haven.people.linkage.tests.spark_fixture import spark  # noqa: F401 - fixture

pytestmark = pytest.mark.spark


def _pairs(result):
    return {(a, b): p for a, b, p in zip(result.pairs["uid_l"], result.pairs["uid_r"],
                                         result.pairs["match_probability"], strict=True)}


def test_trained_model_gives_the_same_clusters_and_review_pairs(spark):  # noqa: F811
    records = population()
    duck = link_records(records, LinkageSettings())
    on_spark = link_records_spark(records, LinkageSettings(), spark=spark)
    assert duck.model.parameters == on_spark.model.parameters == "trained"
    assert on_spark.clusters == duck.clusters
    assert len(set(duck.clusters.values())) < len(records)  # something was linked
    assert [(a, b) for a, b, _ in on_spark.uncertain_pairs] == \
        [(a, b) for a, b, _ in duck.uncertain_pairs]
    duck_pairs, spark_pairs = _pairs(duck), _pairs(on_spark)
    assert spark_pairs.keys() == duck_pairs.keys()
    assert max(abs(spark_pairs[k] - duck_pairs[k]) for k in duck_pairs) < 1e-3


def test_default_parameters_score_identically(spark):  # noqa: F811
    """Too few records to train: both engines use default_parameters.json."""
    records = population(n_people=30, seed=5)[:80]
    duck = link_records(records, LinkageSettings())
    on_spark = link_records_spark(records, LinkageSettings(), spark=spark)
    assert duck.model.parameters.startswith("default parameters")
    assert on_spark.model.parameters == duck.model.parameters
    assert on_spark.clusters == duck.clusters
    duck_pairs, spark_pairs = _pairs(duck), _pairs(on_spark)
    assert spark_pairs.keys() == duck_pairs.keys()
    assert max((abs(spark_pairs[k] - duck_pairs[k]) for k in duck_pairs), default=0) < 1e-9


def test_a_model_trained_on_duckdb_scores_identically_on_spark(spark):  # noqa: F811
    """The trained model is shared: DuckDB's parameters, applied on Spark, give the same
    probability for every pair (what a national run does with each force's model)."""
    from haven.people.linkage.engine import model_parameters

    records = population(n_people=150, seed=9)
    duck = link_records(records, LinkageSettings())
    assert duck.model.parameters == "trained"
    on_spark = link_records_spark(records, LinkageSettings(), spark=spark,
                                  parameters=model_parameters(duck.model.linker))
    assert on_spark.model.parameters == "given parameters"
    assert on_spark.clusters == duck.clusters
    assert [p[:2] for p in on_spark.uncertain_pairs] == [p[:2] for p in duck.uncertain_pairs]
    duck_pairs, spark_pairs = _pairs(duck), _pairs(on_spark)
    assert spark_pairs.keys() == duck_pairs.keys()
    assert max(abs(spark_pairs[k] - duck_pairs[k]) for k in duck_pairs) < 1e-9

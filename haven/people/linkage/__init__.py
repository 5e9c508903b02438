"""Person linkage: which police-system person records are the same person.

Pure Python + DuckDB (via Splink 5); no Django. See `engine` for the design,
`comparisons` for the Splink model, `conflicts` and `clustering` for the precision
rules, and `normalise` for how raw fields are cleaned. Stable public API::

    from haven.people.linkage import (
        LinkageSettings, prepare_records, train, predict_pairs, cluster,
        link_records, explain_pair, score_against,
    )
"""

from .conflicts import hard_conflict
from .normalise import prepare_records

# The engine and clustering load Splink and DuckDB (seconds): imported on first use (PEP 562),
# so that the light parts (normalise, nicknames, conflicts) cost nothing at start-up.
_ENGINE = {"LinkageModel", "LinkageSettings", "LinkResult", "PairExplanation", "explain_pair",
           "link_records", "predict_pairs", "score_against", "train"}


def __getattr__(name):
    if name in _ENGINE:
        from . import engine  # on first use (see above)

        return getattr(engine, name)
    if name == "cluster":
        from .clustering import cluster  # on first use (see above)

        return cluster
    raise AttributeError(name)


__all__ = [
    "LinkResult",
    "LinkageModel",
    "LinkageSettings",
    "PairExplanation",
    "cluster",
    "explain_pair",
    "hard_conflict",
    "link_records",
    "predict_pairs",
    "prepare_records",
    "score_against",
    "train",
]

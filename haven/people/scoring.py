"""A light Fellegi-Sunter scorer for one query against a few hundred candidate records.

It uses the same comparison levels as the Splink model in `haven.people.linkage.engine`
(exact / nickname or alias / Jaro-Winkler / sounds alike / initial; DOB swapped / one
digit / year within one ...), with fixed weights (log2 Bayes factors) chosen
conservatively, so it runs in microseconds per pair at call time without a trained model.
A full `haven link` run re-scores everything with the trained model.
"""

from __future__ import annotations

import math
from typing import Any

import jellyfish

# Comparison-level weights (log2 Bayes factors). These are model parameters, not policy:
# the thresholds that decide links and reviews come from `policy()`.
WEIGHTS: dict[str, dict[str, float]] = {
    "forename": {"exact": 5.0, "nickname or alias": 4.0, "jaro-winkler >= 0.92": 2.5,
                 "jaro-winkler >= 0.88": 1.5, "sounds alike": 1.5, "initial only": 0.5,
                 "forename is the other's middle name": 1.0, "different": -3.0},
    "surname": {"exact": 6.0, "alias or former surname": 4.5, "jaro-winkler >= 0.92": 3.0,
                "jaro-winkler >= 0.88": 2.0, "sounds alike": 1.5, "different": -4.0},
    "date_of_birth": {"exact": 10.0, "day and month swapped": 6.0, "one digit different": 5.0,
                      "same day and month, year within 1": 3.0, "year only": -1.0,
                      "different": -6.0},
    "gender": {"exact": 0.5, "different": -3.0},
    "postcode": {"full postcode": 5.0, "same sector": 2.5, "same district": 1.0,
                 "different": -0.5},
    "phone": {"exact": 8.0, "different": -1.0},
    "email": {"exact": 8.0, "different": -0.5},
    "pnc_id": {"same PNC id": 14.0, "different": -10.0},
}
# log2 prior odds that a query and a random record are the same person.
PRIOR_WEIGHT = -13.0
JW_HIGH, JW_LOW = 0.92, 0.88


def _forename(a: dict, b: dict) -> str | None:
    fa, fb = a.get("fn"), b.get("fn")
    if not fa or not fb:
        return None
    if fa == fb:
        return "exact"
    if a.get("fn_all") and b.get("fn_all") and set(a["fn_all"]) & set(b["fn_all"]):
        return "nickname or alias"
    jw = jellyfish.jaro_winkler_similarity(fa, fb)
    if jw >= JW_HIGH:
        return "jaro-winkler >= 0.92"
    if jw >= JW_LOW:
        return "jaro-winkler >= 0.88"
    if a.get("fn_mp") and a.get("fn_mp") == b.get("fn_mp"):
        return "sounds alike"
    if (len(fa) == 1 or len(fb) == 1) and fa[0] == fb[0]:
        return "initial only"
    if fa == b.get("mn") or fb == a.get("mn"):
        return "forename is the other's middle name"
    return "different"


def _surname(a: dict, b: dict) -> str | None:
    sa, sb = a.get("sn"), b.get("sn")
    if not sa or not sb:
        return None
    if sa == sb:
        return "exact"
    if set(a.get("sn_all") or ()) & set(b.get("sn_all") or ()):
        return "alias or former surname"
    jw = jellyfish.jaro_winkler_similarity(sa, sb)
    if jw >= JW_HIGH:
        return "jaro-winkler >= 0.92"
    if jw >= JW_LOW:
        return "jaro-winkler >= 0.88"
    if (a.get("sn_mp") and a.get("sn_mp") == b.get("sn_mp")) or (
        a.get("sn_sx") and a.get("sn_sx") == b.get("sn_sx")
    ):
        return "sounds alike"
    return "different"


def _dob(a: dict, b: dict) -> str | None:
    da, db = a.get("dob"), b.get("dob")
    if not da or not db:
        return None
    if da == db:
        return "exact"
    ya, ma, dda = da[0:4], da[5:7], da[8:10]
    yb, mb, ddb = db[0:4], db[5:7], db[8:10]
    if ya == yb and ma == ddb and dda == mb:
        return "day and month swapped"
    if sum(x != y for x, y in zip(da, db, strict=True)) == 1:
        return "one digit different"
    if ma == mb and dda == ddb and abs(int(ya) - int(yb)) <= 1:
        return "same day and month, year within 1"
    if ya == yb:
        return "year only"
    return "different"


def _simple(key: str, same: str = "exact"):
    def compare(a: dict, b: dict) -> str | None:
        va, vb = a.get(key), b.get(key)
        if not va or not vb:
            return None
        return same if va == vb else "different"
    return compare


def _postcode(a: dict, b: dict) -> str | None:
    if not a.get("pc") or not b.get("pc"):
        return None
    if a["pc"] == b["pc"]:
        return "full postcode"
    if a.get("pc_sector") and a["pc_sector"] == b.get("pc_sector"):
        return "same sector"
    if a.get("pc_district") and a["pc_district"] == b.get("pc_district"):
        return "same district"
    return "different"


COMPARISONS = [
    ("forename", _forename),
    ("surname", _surname),
    ("date_of_birth", _dob),
    ("gender", _simple("gender")),
    ("postcode", _postcode),
    ("phone", _simple("phone")),
    ("email", _simple("email")),
    ("pnc_id", _simple("pnc", "same PNC id")),
]


def compare(query: dict[str, Any], record: dict[str, Any], *,
            weights: dict[str, dict[str, float]] | None = None,
            prior_weight: float | None = None) -> tuple[float, list[dict]]:
    """(probability 0..1, explanation [{field, level, weight}]) for two profiles.

    `weights` / `prior_weight` default to the fixed ones above; pass those of
    `trained_weights(force)` to score with the force's last trained model.
    """
    weights = weights or WEIGHTS
    explanation = []
    total = PRIOR_WEIGHT if prior_weight is None else prior_weight
    for name, func in COMPARISONS:
        level = func(query, record)
        if level is None:
            continue
        weight = weights[name].get(level, WEIGHTS[name][level])
        total += weight
        explanation.append({"field": name, "level": level, "weight": weight})
    return probability(total), explanation


# Levels that count as the same date of birth (or PNC id) for an automatic incremental link.
CORROBORATING = {("date_of_birth", "exact"), ("date_of_birth", "day and month swapped"),
                 ("date_of_birth", "one digit different"), ("pnc_id", "same PNC id")}


def corroborated(explanation: list[dict]) -> bool:
    """An automatic link needs a matching date of birth or PNC id, not household evidence."""
    return any((e["field"], e["level"]) in CORROBORATING for e in explanation)


def probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-weight))


# The Splink model's (comparison, level) where they differ from this scorer's. The model
# compares address line, postcode and town as one "address" comparison whose postcode
# levels mean "same postcode, another building": they do not fit this scorer's
# postcode-only comparison, which keeps its fixed weights.
_MODEL_LEVELS = {
    ("forename", "sounds alike"): ("forename", "sounds alike (metaphone)"),
    ("postcode", "full postcode"): None, ("postcode", "same sector"): None,
    ("postcode", "same district"): None, ("postcode", "different"): None,
}


def weights_from_parameters(parameters: dict[str, Any]) -> tuple[dict[str, dict[str, float]],
                                                                 float]:
    """(weights, prior weight) of this scorer from a trained model's m/u parameters.

    `parameters` is `haven.people.linkage.engine.model_parameters(linker)` (kept by each
    full relink in `LinkRun.counts["model"]`, or the documented defaults): each level's
    weight is log2(m/u) of the model's level of the same name, the prior weight log2 of the
    model's prior. A level the model does not have keeps its fixed weight above.
    """
    weights: dict[str, dict[str, float]] = {}
    model = parameters.get("comparisons", {})
    for name, levels in WEIGHTS.items():
        weights[name] = dict(levels)
        for level in levels:
            mapped = _MODEL_LEVELS.get((name, level), (name, level))
            m_u = model.get(mapped[0], {}).get(mapped[1]) if mapped else None
            if m_u and m_u[0] and m_u[1]:
                weights[name][level] = round(math.log2(m_u[0] / m_u[1]), 2)
    prior = parameters.get("prior")
    return weights, (round(math.log2(prior), 2) if prior else PRIOR_WEIGHT)


def trained_weights(force) -> tuple[dict[str, dict[str, float]], float] | None:
    """Weights derived from the force's latest full relink that kept its trained model
    (None when there is none: callers then use the fixed weights)."""
    from haven.people.models import LinkRun

    for counts in LinkRun.objects.filter(force=force, finished_at__isnull=False).order_by(
            "-finished_at").values_list("counts", flat=True)[:5]:
        if counts and counts.get("model"):
            return weights_from_parameters(counts["model"])
    return None

"""A light Fellegi-Sunter scorer for one query against a few hundred candidate records.

It uses the same comparison levels as the Splink model in `haven.people.linkage.engine`
(exact / swapped / nickname or alias / Jaro-Winkler / sounds alike / initial; DOB swapped
/ one digit / year-only entry ...) and that model's weights (log2 m/u), so it runs in
microseconds per pair at call time. `weights_for(force)` gives the weights of the force's
last trained model (kept by `haven link` in `LinkRun.counts["model"]`) or, for a force
with no trained model yet, those of the documented default parameters
(`haven/people/linkage/default_parameters.json`), and says which. A full `haven link`
run re-scores everything with the trained model itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jellyfish

from haven.people.linkage.conflicts import contradicted
from haven.people.linkage.conflicts import corroborated as records_corroborate
from haven.people.linkage.nicknames import canonical_key
from haven.people.linkage.normalise import one_persons_names
from haven.people.models import LinkRun

# Dates a system enters when the real one is not known, as the model reads them
# (`haven.people.linkage.normalise.PLACEHOLDER_DATES`; a test checks the two agree).
PLACEHOLDER_DATES = frozenset({"1900-01-01", "1901-01-01", "1899-12-31", "1970-01-01"})


def year_only(iso: str | None) -> bool:
    """1 January: a year-only entry, as `haven.people.linkage.normalise.year_only`."""
    return bool(iso) and iso[5:] == "01-01"


# Hand-set comparison-level weights (log2 Bayes factors), used only for a level the model
# has no counterpart for (postcode district) and as the last resort if the documented
# defaults cannot be read. Model parameters, not policy: the thresholds that decide links
# and reviews come from `policy()`.
WEIGHTS: dict[str, dict[str, float]] = {
    "forename": {"exact": 5.0, "swapped with surname": 5.0, "swapped, with a slip": 4.0,
                 "nickname or alias": 4.0,
                 "jaro-winkler >= 0.92": 2.5,
                 "jaro-winkler >= 0.88": 1.5, "sounds alike": 1.5, "initial only": 0.5,
                 "forename is the other's middle name": 1.0, "different": -3.0},
    "surname": {"exact": 6.0, "swapped with forename": 6.0, "alias or former surname": 4.5,
                "jaro-winkler >= 0.92": 3.0,
                "jaro-winkler >= 0.88": 2.0, "sounds alike": 1.5, "different": -4.0},
    "date_of_birth": {"exact": 10.0, "year-only entry, same year": 2.0,
                      "day and month swapped": 6.0, "one digit different": 5.0,
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
    if fa == b.get("sn") and a.get("sn") == fb:
        return "swapped with surname"
    if _swapped_with_slip(a, b):
        return "swapped, with a slip"
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


def _half_swapped(a: dict, b: dict) -> bool:
    """A's forename is B's surname and A's surname is a form of B's forename."""
    fa, sa, fb = a.get("fn"), a.get("sn"), b.get("fn")
    if not fa or not sa or not fb or len(fa) < 2 or fa != b.get("sn"):
        return False
    return canonical_key(sa) == canonical_key(fb) or (
        jellyfish.jaro_winkler_similarity(sa, fb) >= JW_LOW)


def _swapped_with_slip(a: dict, b: dict) -> bool:
    """The model's level "swapped, with a slip" (`linkage.comparisons.SWAPPED_WITH_SLIP`):
    names in each other's fields, one of them a nickname or misspelt ("Hargreaves Steve"
    for Stephen Hargreaves)."""
    return _half_swapped(a, b) or _half_swapped(b, a)


def _surname(a: dict, b: dict) -> str | None:
    sa, sb = a.get("sn"), b.get("sn")
    if not sa or not sb:
        return None
    if sa == sb:
        return "exact"
    if (sa == b.get("fn") and a.get("fn") == sb) or _swapped_with_slip(a, b):
        # one piece of evidence, scored once by the forename comparison (the model's two
        # comparisons each count it, which makes a swapped pair certain whatever else
        # disagrees)
        return None
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
    """As the model: a placeholder (1900-01-01) is missing, 1 January a year-only entry."""
    da, db = a.get("dob"), b.get("dob")
    if not da or not db or da in PLACEHOLDER_DATES or db in PLACEHOLDER_DATES:
        return None
    if year_only(da) or year_only(db):
        if da[:4] == db[:4]:
            return "year-only entry, same year"
        return "different"
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

    `weights` / `prior_weight` default to those of the documented default parameters
    (`default_weights()`); pass a force's `weights_for(force)` to score with its last
    trained model.
    """
    if weights is None or prior_weight is None:
        default = default_weights()
        weights = weights or default.weights
        prior_weight = default.prior if prior_weight is None else prior_weight
    explanation = []
    total = prior_weight
    for name, func in COMPARISONS:
        level = func(query, record)
        if level is None:
            continue
        weight = weights.get(name, {}).get(level, WEIGHTS[name][level])
        total += weight
        explanation.append({"field": name, "level": level, "weight": weight})
    return probability(total), explanation


# Levels that count as the same date of birth (or PNC id) for an automatic incremental link.
CORROBORATING = {("date_of_birth", "exact"), ("date_of_birth", "day and month swapped"),
                 ("date_of_birth", "one digit different"), ("pnc_id", "same PNC id")}


def corroborated(explanation: list[dict], query: dict | None = None,
                 others: list[dict] | None = None, *, shared_phone: bool = False) -> bool:
    """Whether an automatic incremental link may be made, asked as the full relink's
    clustering asks it (`linkage.clustering._edge_refusal`).

    A PNC id, or a date of birth that agrees (the same, or one slip apart), is enough.
    Where either side has no full date of birth (blank, a placeholder, a year-only entry),
    the query `query` needs, with the person's records `others` (the best-scoring first,
    profiles with a landline marked `phone_hh`): something a relative would not share
    with any of them (`conflicts.corroborated`: e-mail, PNC id, own phone (not one when
    `shared_phone`), full middle name), or, for a query without a date of birth and a person
    whose records give one, the same home (building, `addr_bld`) as the best-scoring
    record, with both names agreeing (`_names_agree`), while no record of the person gives
    a different phone or e-mail
    (`conflicts.contradicted`). Name and home alone also fit a father and son: the caller
    links only when exactly one person scores this high, so where both are known a
    reviewer is asked.
    """
    if any((e["field"], e["level"]) in CORROBORATING for e in explanation):
        return True
    if query is None or not others:
        return False
    dob = next((e["level"] for e in explanation if e["field"] == "date_of_birth"), None)
    if dob not in (None, "year-only entry, same year"):
        # Two full dates that are not alike: only the date could have said yes.
        return False
    # a phone several people give is no one's own (it still tells two mobiles apart)
    own = {**query, "phone_hh": query.get("phone")} if shared_phone else query
    if any(records_corroborate(own, other) for other in others):
        return True
    # Home joins a record without a date of birth to a person whose records give one; a
    # person with none is as likely the son as the father of one name at that home (on
    # the benchmark's harsher export every wrong incremental link by home was that).
    # Name and home: a surname alone, or an initial, at a home is anyone who lives there.
    home = query.get("addr_bld")
    return bool(home) and _names_agree(explanation) and not _full_date(query) and any(
        map(_full_date, others)) and home == others[0].get("addr_bld") and not any(
        contradicted(query, other) for other in others)


def _names_agree(explanation: list[dict]) -> bool:
    """Both records give a forename and a surname, and neither differs (an initial is not
    a forename: "G Taylor" at a home is anyone of that initial there)."""
    levels = {e["field"]: e["level"] for e in explanation}
    return levels.get("forename") not in (None, "initial only", "different") and levels.get(
        "surname") not in (None, "different")


def names_only(explanation: list[dict], query: dict, other: dict) -> bool:
    """The two records share nothing but their names (`clustering._Records.names_only`):
    no date of birth on one side, and no building, postcode, phone, e-mail or PNC id in
    common."""
    if any(e["field"] == "date_of_birth" and e["level"] != "year-only entry, same year"
           for e in explanation):
        return False
    for key in ("addr_bld", "pc", "phone", "email", "pnc"):
        if query.get(key) and query[key] == other.get(key):
            return False
    return True


def _full_date(profile: dict) -> bool:
    """A date of birth the model reads as one (not blank, a placeholder or 1 January)."""
    dob = profile.get("dob")
    return bool(dob) and dob not in PLACEHOLDER_DATES and not year_only(dob)


def shared_phone(query: dict, holders: list[dict]) -> bool:
    """The query's phone is one several people give, as the model reads a household's
    phone (`normalise.frame._household_phones`) from the records giving it: forenames of
    other initials (nicknames made canonical; a name typed into the other field or clipped
    at the front is not another person, `normalise.one_persons_names`) or years of birth
    more than two apart."""
    phone = query.get("phone")
    if not phone:
        return False
    rows = [query, *(h for h in holders if h.get("phone") == phone)]
    names = [(canonical_key(r["fn"])[:1], r["fn"][:1], (r.get("sn") or "")[:1],
              (r["fn"], canonical_key(r["fn"]))) for r in rows if r.get("fn")]
    if len({n[0] for n in names}) > 1 and not one_persons_names(names):
        return True
    years = [int(r["dob"][:4]) for r in rows
             if r.get("dob") and r["dob"] not in PLACEHOLDER_DATES]
    return bool(years) and max(years) - min(years) > 2


def as_model_sees(record: dict[str, Any]) -> dict[str, Any]:
    """A profile's date of birth as the model reads it, for `hard_conflict`: a placeholder
    is blank, 1 January a year-only entry (no full date, year kept in `dob_y`)."""
    dob = record.get("dob")
    if dob and (dob in PLACEHOLDER_DATES or year_only(dob)):
        return {**record, "dob": None,
                "dob_y": None if dob in PLACEHOLDER_DATES else dob[:4]}
    return {**record, "dob_y": dob[:4] if dob else None}


def probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-weight))


# The Splink model's (comparison, level) where they differ from this scorer's. The model
# compares address line, postcode and town as one "address" comparison; this scorer
# compares the postcode alone (a caller gives a postcode, not an address line), so each
# postcode level takes the m and u summed over the address levels it stands for: the
# same full postcode is the same flat, the same building or the same postcode (another
# building); "different" is a similar address, the same town or different. The model
# has no district level: it keeps its fixed weight.
_MODEL_LEVELS: dict[tuple[str, str], tuple[str, tuple[str, ...]] | None] = {
    ("forename", "sounds alike"): ("forename", ("sounds alike (metaphone)",)),
    ("postcode", "full postcode"): ("address", ("same flat or house", "same building",
                                                "same postcode")),
    ("postcode", "same sector"): ("address", ("same postcode sector",)),
    ("postcode", "same district"): None,
    ("postcode", "different"): ("address", ("similar address", "same town", "different")),
}


@dataclass(frozen=True)
class ScorerWeights:
    """The light scorer's weights, the prior weight and where they come from."""

    weights: dict[str, dict[str, float]]
    prior: float
    trained: bool  # False: the documented default parameters
    note: str      # what a user reads about where the score comes from


def weights_from_parameters(parameters: dict[str, Any]) -> tuple[dict[str, dict[str, float]],
                                                                 float]:
    """(weights, prior weight) of this scorer from a trained model's m/u parameters.

    `parameters` is `haven.people.linkage.engine.model_parameters(linker)` (kept by each
    full relink in `LinkRun.counts["model"]`, or the documented defaults): each level's
    weight is log2(m/u) of the model's level of the same name (summed m and u where one
    scorer level stands for several, see `_MODEL_LEVELS`), the prior weight log2 of the
    model's prior. A level the model does not have keeps its fixed weight above.
    """
    weights: dict[str, dict[str, float]] = {}
    model = parameters.get("comparisons", {})
    for name, levels in WEIGHTS.items():
        weights[name] = dict(levels)
        for level in levels:
            mapped = _MODEL_LEVELS.get((name, level), (name, (level,)))
            if mapped is None:
                continue
            pairs = [model.get(mapped[0], {}).get(label) for label in mapped[1]]
            pairs = [p for p in pairs if p and p[0] is not None and p[1] is not None]
            m, u = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
            if m > 0 and u > 0:
                weights[name][level] = round(math.log2(m / u), 2)
    prior = parameters.get("prior")
    return weights, (round(math.log2(prior), 2) if prior else PRIOR_WEIGHT)


@lru_cache(maxsize=1)
def default_weights() -> ScorerWeights:
    """Weights of the documented default parameters (what `haven link` uses for a force
    too small to train on), for a force with no trained model."""
    # The engine loads Splink: only for a force without a trained model.
    from haven.people.linkage.engine import default_parameters

    try:
        weights, prior = weights_from_parameters(default_parameters())
    except (OSError, ValueError):  # unreadable defaults: the fixed table
        weights, prior = {k: dict(v) for k, v in WEIGHTS.items()}, PRIOR_WEIGHT
    return ScorerWeights(weights, prior, False,
                         "Scored with the default linkage weights: this force has no "
                         "trained linkage model yet")


def _latest_model(force) -> tuple[Any, dict] | None:
    for finished, counts in LinkRun.objects.filter(
            force=force, finished_at__isnull=False).order_by("-finished_at").values_list(
            "finished_at", "counts")[:5]:
        if counts and counts.get("model"):
            return finished, counts["model"]
    return None


def trained_weights(force) -> tuple[dict[str, dict[str, float]], float] | None:
    """Weights derived from the force's latest full relink that kept its trained model
    (None when there is none: `weights_for` then uses the documented defaults)."""
    latest = _latest_model(force)
    return weights_from_parameters(latest[1]) if latest else None


_TRAINED_CACHE: dict[tuple[int, str], ScorerWeights] = {}


def weights_for(force) -> ScorerWeights:
    """The weights the lookup and the incremental linker score `force`'s records with:
    its last trained model's, else the documented defaults (`note` says which)."""
    latest = _latest_model(force)
    if latest is None:
        return default_weights()
    finished, parameters = latest
    key = (getattr(force, "pk", force), finished.isoformat())
    if key not in _TRAINED_CACHE:
        weights, prior = weights_from_parameters(parameters)
        when = finished.strftime("%-d %b %Y")
        _TRAINED_CACHE.clear()  # one entry per force is plenty; keep it bounded
        _TRAINED_CACHE[key] = ScorerWeights(
            weights, prior, True,
            f"Scored with this force's linkage model (trained {when})")
    return _TRAINED_CACHE[key]

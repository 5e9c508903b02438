"""Person-linkage engine: Splink (DuckDB backend) plus constrained clustering.

Why this shape
--------------
* Splink gives an unsupervised Fellegi-Sunter model: m/u probabilities come
  from random sampling (u) and EM (m), so no labelled pairs are needed.
* Naive Bayes over-counts household evidence (same surname, address, phone):
  twins, or a father and son of the same name, can score as one person. A
  wrong link is worse than a missed one, so the *clustering* refuses to join
  groups that hold a hard conflict (irreconcilable dates of birth, different
  PNC ids, male vs female, unrelated forenames) and honours clerical
  ``cannot_link`` decisions even through transitive links.
* Nothing here logs names or addresses: only ids and counts.

Public API (stable; used by ingest and the review screens)::

    prepare_records(records) -> DataFrame
    train(df, settings) -> LinkageModel
    predict_pairs(model, threshold=None) -> DataFrame[uid_l, uid_r, match_probability, match_weight]
    cluster(model, pairs, threshold=None) -> dict[uid, cluster_id]
    link_records(records, settings) -> LinkResult
    explain_pair(model, rec_a, rec_b) -> PairExplanation (list of field dicts + probability)
    score_against(model, new_record, candidates) -> list[(uid, probability)]
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jellyfish
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.comparison_library import CustomComparison

from .normalise import PREPARED_SCHEMA, prepare_records

logger = logging.getLogger(__name__)


@dataclass
class LinkageSettings:
    """Tunable knobs of a linkage run.

    link_threshold: match probability at/above which two records are linked.
    review_band: (lower, upper) probabilities of pairs sent to clerical review.
    predict_threshold: pairs below this probability are not kept at all.
    must_link / cannot_link: clerical decisions as frozensets of two uids.
    use_hard_conflicts: refuse links across hard conflicts (see `hard_conflict`).
    u_max_pairs / em_max_pairs: sample sizes for training (bounds cost at 1M).
    min_m_probability: floor for EM-estimated m probabilities (no accidental vetoes).
    sparse_needs_corroboration: an edge where one side lacks a DOB links only if
        the two groups share a phone, e-mail, PNC id or middle name; one where a
        side lacks a forename is refused if their phones or e-mails differ.
    prior_recall: assumed recall of the deterministic rules used for the prior.
    seed: fixes u sampling so runs are reproducible.
    """

    link_threshold: float = 0.99
    review_band: tuple[float, float] = (0.5, 0.99)
    predict_threshold: float = 0.2
    must_link: set[frozenset[str]] = field(default_factory=set)
    cannot_link: set[frozenset[str]] = field(default_factory=set)
    use_hard_conflicts: bool = True
    u_max_pairs: float = 2e6
    em_max_pairs: float = 2e6
    prior_recall: float = 0.7
    min_m_probability: float = 1e-3
    sparse_needs_corroboration: bool = True
    seed: int = 42


@dataclass
class LinkageModel:
    """A trained Splink linker plus the prepared records it was trained on."""

    linker: Linker
    db_api: DuckDBAPI
    prepared: pd.DataFrame
    settings: LinkageSettings

    def record(self, uid: str) -> Mapping[str, Any]:
        """Prepared record by uid (used for conflict checks)."""
        return self._by_uid.loc[uid].to_dict()

    @property
    def _by_uid(self) -> pd.DataFrame:
        cached = self.__dict__.get("_by_uid_cache")
        if cached is None:
            cached = self.prepared.set_index("uid", drop=False)
            self.__dict__["_by_uid_cache"] = cached
        return cached


@dataclass
class LinkResult:
    """Outcome of `link_records`.

    clusters: uid -> cluster id (the smallest uid in the cluster; stable across runs).
    uncertain_pairs: (uid_l, uid_r, probability) for clerical review: pairs in the
        review band left unlinked, and above-threshold pairs refused by a conflict.
    pairs: every scored pair at/above settings.predict_threshold.
    model: the trained model, for explain_pair / score_against after a full run.
    """

    clusters: dict[str, str]
    uncertain_pairs: list[tuple[str, str, float]]
    pairs: pd.DataFrame
    model: LinkageModel | None = None


class PairExplanation(list):
    """Per-field explanation (a list of dicts) with the overall score attached.

    Each item: {field, comparison_level, gamma, match_weight, bayes_factor,
    values_l, values_r}. Attributes: match_probability, match_weight, conflict
    (reason string when a hard conflict forbids linking, else None).
    """

    match_probability: float
    match_weight: float
    conflict: str | None


# --------------------------------------------------------------------------
# Comparisons. Levels are custom SQL (DuckDB) so that every level is exactly
# the rule in the design notes and its label is readable in explanations.
# --------------------------------------------------------------------------

#: prepared columns shown by explain_pair for each comparison
COLUMNS_FOR: dict[str, tuple[str, ...]] = {
    "forename": ("fn", "fn_all"),
    "middle_name": ("mn",),
    "surname": ("sn", "sn_all"),
    "date_of_birth": ("dob",),
    "gender": ("gender",),
    "postcode": ("pc",),
    "phone": ("phone",),
    "email": ("email",),
    "pnc_id": ("pnc",),
    "incident": ("incident_keys",),
}


def _null(*cols: str) -> dict[str, Any]:
    cond = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)
    return {"sql_condition": cond, "label_for_charts": "missing", "is_null_level": True}


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


_ELSE = {"sql_condition": "ELSE", "label_for_charts": "different"}


def _forename() -> CustomComparison:
    return CustomComparison(
        [
            _null("fn"),
            _level("fn_l = fn_r", "exact", tf_adjustment_column="fn", tf_adjustment_weight=0.5),
            _level("list_has_any(fn_all_l, fn_all_r)", "nickname or alias"),
            _level("jaro_winkler_similarity(fn_l, fn_r) >= 0.92", "jaro-winkler >= 0.92"),
            _level("jaro_winkler_similarity(fn_l, fn_r) >= 0.88", "jaro-winkler >= 0.88"),
            _level("fn_mp_l = fn_mp_r", "sounds alike (metaphone)"),
            _level(
                "(length(fn_l) = 1 OR length(fn_r) = 1) AND fn_initial_l = fn_initial_r",
                "initial only",
            ),
            _level("fn_l = mn_r OR mn_l = fn_r", "forename is the other's middle name"),
            _ELSE,
        ],
        output_column_name="forename",
    )


def _middle() -> CustomComparison:
    return CustomComparison(
        [
            _null("mn"),
            _level("mn_l = mn_r", "exact"),
            _level("mn_initial_l = mn_initial_r", "same initial"),
            _ELSE,
        ],
        output_column_name="middle_name",
    )


def _surname() -> CustomComparison:
    return CustomComparison(
        [
            _null("sn"),
            _level("sn_l = sn_r", "exact", tf_adjustment_column="sn", tf_adjustment_weight=0.5),
            _level("list_has_any(sn_all_l, sn_all_r)", "alias or former surname"),
            _level("jaro_winkler_similarity(sn_l, sn_r) >= 0.92", "jaro-winkler >= 0.92"),
            _level("jaro_winkler_similarity(sn_l, sn_r) >= 0.88", "jaro-winkler >= 0.88"),
            _level("sn_mp_l = sn_mp_r OR sn_sx_l = sn_sx_r", "sounds alike"),
            _ELSE,
        ],
        output_column_name="surname",
    )


def _dob() -> CustomComparison:
    year_gap = "abs(cast(dob_y_l AS INTEGER) - cast(dob_y_r AS INTEGER))"
    return CustomComparison(
        [
            _null("dob"),
            _level("dob_l = dob_r", "exact"),
            _level(
                "dob_y_l = dob_y_r AND dob_m_l = dob_d_r AND dob_d_l = dob_m_r",
                "day and month swapped",
            ),
            _level("levenshtein(dob_l, dob_r) = 1", "one digit different"),
            _level(
                f"dob_m_l = dob_m_r AND dob_d_l = dob_d_r AND {year_gap} <= 1",
                "same day and month, year within 1",
            ),
            _level("dob_y_l = dob_y_r", "year only"),
            _ELSE,
        ],
        output_column_name="date_of_birth",
    )


def _simple(name: str, col: str) -> CustomComparison:
    return CustomComparison(
        [_null(col), _level(f"{col}_l = {col}_r", "exact"), _ELSE], output_column_name=name
    )


def _postcode() -> CustomComparison:
    return CustomComparison(
        [
            _null("pc"),
            _level("pc_l = pc_r", "full postcode"),
            _level("pc_sector_l = pc_sector_r", "same sector"),
            _level("pc_district_l = pc_district_r", "same district"),
            _ELSE,
        ],
        output_column_name="postcode",
    )


def _email() -> CustomComparison:
    return CustomComparison(
        [
            _null("email"),
            _level("email_l = email_r", "exact"),
            _level("split_part(email_l, '@', 1) = split_part(email_r, '@', 1)", "same username"),
            _ELSE,
        ],
        output_column_name="email",
    )


def _pnc() -> CustomComparison:
    """PNC ids are curated: equal is near-certain, different is strong evidence against.

    Fixed, not trained: PNC ids are too sparse for EM to estimate well.
    """
    fixed = {"fix_m_probability": True, "fix_u_probability": True}
    return CustomComparison(
        [
            _null("pnc"),
            _level(
                "pnc_l = pnc_r", "same PNC id", m_probability=0.995, u_probability=1e-7, **fixed
            ),
            {**_ELSE, "m_probability": 0.005, "u_probability": 0.9999999, **fixed},
        ],
        output_column_name="pnc_id",
    )


def _incident() -> CustomComparison:
    """Recorded on the same incident in two systems.

    u is fixed: random pairs almost never share an incident, so sampling cannot
    estimate it, and a too-small u would let a shared incident (which
    relatives also share) swamp the name evidence.
    """
    return CustomComparison(
        [
            {
                "sql_condition": "incident_keys_l IS NULL OR incident_keys_r IS NULL",
                "label_for_charts": "missing",
                "is_null_level": True,
            },
            _level(
                "list_has_any(incident_keys_l, incident_keys_r)",
                "shared incident",
                u_probability=1e-3,
                fix_u_probability=True,
            ),
            _ELSE,
        ],
        output_column_name="incident",
    )


def all_comparisons() -> list[CustomComparison]:
    """Every comparison the model scores (order is the order in explanations)."""
    return [
        _forename(),
        _middle(),
        _surname(),
        _dob(),
        _simple("gender", "gender"),
        _postcode(),
        _simple("phone", "phone"),
        _email(),
        _pnc(),
        _incident(),
    ]


# --------------------------------------------------------------------------
# Hard conflicts: facts that forbid two records being one person, whatever
# the shared household evidence says.
# --------------------------------------------------------------------------


def _dob_compatible(a: str, b: str) -> bool:
    """Same DOB up to the data-entry errors we tolerate.

    Tolerated: day/month swapped; one digit wrong anywhere; two digits wrong
    when the years are within two (each record may carry its own slip). Not
    tolerated: a decade-digit change plus another difference, which is what a
    parent and child of the same name look like (1956-07-28 vs 1976-01-28).
    """
    if a == b:
        return True
    ya, ma, da = a[0:4], a[5:7], a[8:10]
    yb, mb, db = b[0:4], b[5:7], b[8:10]
    if ya == yb and ma == db and da == mb:
        return True
    differing = sum(x != y for x, y in zip(a, b, strict=True))
    if differing == 1:
        return True
    return differing == 2 and abs(int(ya) - int(yb)) <= 2


def _similar_names(a: str, b: str) -> bool:
    """Spellings one or two keystrokes apart (two records may each carry a typo)."""
    if jellyfish.jaro_winkler_similarity(a, b) >= 0.85:
        return True
    limit = 2 if min(len(a), len(b)) >= 6 else 1
    return jellyfish.damerau_levenshtein_distance(a, b) <= limit


def _initial_alike(x: str, y: str) -> bool:
    """An initial agrees with any name starting with it."""
    return (len(x) == 1 or len(y) == 1) and x[0] == y[0]


def _forenames_alike(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Forenames that one person could have been recorded under (aligned fields)."""
    fa, fb = a.get("fn"), b.get("fn")
    if not fa or not fb or fa == fb:
        return True
    forms_a = {fa, *(a.get("fn_all") or ())}
    forms_b = {fb, *(b.get("fn_all") or ())}
    if forms_a & forms_b:
        return True
    if len(fa) == 1 or len(fb) == 1:
        return fa[0] == fb[0]
    if a.get("fn_mp") and a.get("fn_mp") == b.get("fn_mp"):
        return True
    # nickname and typo together: "Rob" vs "Roert" (-> robert)
    return any(_similar_names(x, y) for x in forms_a for y in forms_b)


def _middles_alike(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    ma, mb = a.get("mn"), b.get("mn")
    if not ma or not mb or ma == mb:
        return True
    return _initial_alike(ma, mb) or _similar_names(ma, mb)


def _goes_by_middle_name(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """A is recorded under B's middle name ("Sarah" for "Amelia Sarah").

    Only if A's own other given name does not contradict B's forename:
    "Samuel Phillip" and "Phillip Kieran" are two people (e.g. twins).
    """
    fa, ma, fb = a.get("fn"), a.get("mn"), b.get("fn")
    if not fa or fa != b.get("mn"):
        return False
    return not ma or not fb or ma == fb or _initial_alike(ma, fb) or _similar_names(ma, fb)


def _given_names_conflict(a: Mapping[str, Any], b: Mapping[str, Any]) -> str | None:
    """'forename' / 'middle_name' when the given names cannot be one person's."""
    if _goes_by_middle_name(a, b) or _goes_by_middle_name(b, a):
        return None
    if not _forenames_alike(a, b):
        return "forename"
    if not _middles_alike(a, b):
        return "middle_name"
    return None


def hard_conflict(a: Mapping[str, Any], b: Mapping[str, Any]) -> str | None:
    """Reason two prepared records cannot be one person, or None.

    Different PNC ids; dates of birth that no tolerated typo explains (father
    and son "Jr/Sr", mother and daughter); male vs female; unrelated forenames
    (twins at one address). Missing values never conflict.
    """
    if a.get("pnc") and b.get("pnc") and a["pnc"] != b["pnc"]:
        return "pnc_id"
    if a.get("dob") and b.get("dob") and not _dob_compatible(a["dob"], b["dob"]):
        return "date_of_birth"
    if {a.get("gender"), b.get("gender")} == {"M", "F"}:
        return "gender"
    return _given_names_conflict(a, b)


def _blocking_rules() -> list:
    """Candidate-pair rules: each keeps blocks small so 1M records stay bounded."""
    return [
        block_on("dob", "sn_mp"),
        block_on("dob", "fn_key"),
        block_on("dob", "pc_district"),
        block_on("fn_key", "sn", "dob_y"),
        block_on("fn_key", "sn", "pc_district"),
        block_on("fn_mp", "sn_mp", "dob_y"),
        block_on("dob_y", "dob_dm", "fn_initial"),
        block_on("pc", "fn_initial"),
        block_on("phone"),
        block_on("email"),
        block_on("pnc"),
        block_on("incident_keys", arrays_to_explode=["incident_keys"]),
    ]


def _splink_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="uid",
        comparisons=all_comparisons(),
        blocking_rules_to_generate_predictions=_blocking_rules(),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=20,
        em_convergence=0.001,
    )


def _to_arrow(prepared: pd.DataFrame) -> pa.Table:
    """Typed Arrow table, so all-blank columns still have string/list types in DuckDB."""
    return pa.Table.from_pandas(
        prepared[list(PREPARED_SCHEMA.names)], schema=PREPARED_SCHEMA, preserve_index=False
    )


def _as_prepared(records: Any) -> pd.DataFrame:
    """Accept raw records or an already prepared frame."""
    if isinstance(records, pd.DataFrame) and "fn_key" in records.columns:
        return records
    return prepare_records(records)


def _floor_m_probabilities(linker: Linker, floor: float) -> None:
    """Stop a level EM never saw (m ~ 0) from acting as a near-veto.

    E.g. "same postcode district" is rare among matches in one data set, and an
    m of 1e-11 would turn it into -26 bits. Hard vetoes belong in hard_conflict,
    where they are explicit and explainable.
    """
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level or level._fix_m_probability:
                continue
            if level.m_probability is not None and level.m_probability < floor:
                level.m_probability = floor


def train(df: Any, settings: LinkageSettings | None = None) -> LinkageModel:
    """Train an unsupervised model on (prepared or raw) records; no labels needed.

    Steps: prior from deterministic rules, u by seeded random sampling, m by EM
    on two blocking rules (date of birth; forename+surname) so every
    comparison is estimated in at least one session.
    """
    settings = settings or LinkageSettings()
    prepared = _as_prepared(df)
    started = time.perf_counter()
    db_api = DuckDBAPI()
    table = db_api.register(_to_arrow(prepared), table_name="haven_people")
    linker = Linker(table, _splink_settings(), log_level=None)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("fn", "sn", "dob"), block_on("pnc"), block_on("email", "dob")],
        recall=settings.prior_recall,
    )
    training.estimate_u_using_random_sampling(max_pairs=settings.u_max_pairs, seed=settings.seed)
    for rule in (block_on("dob"), block_on("fn", "sn")):
        training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=settings.em_max_pairs
        )
    _floor_m_probabilities(linker, settings.min_m_probability)
    logger.info(
        "linkage trained records=%d seconds=%.1f", len(prepared), time.perf_counter() - started
    )
    return LinkageModel(linker=linker, db_api=db_api, prepared=prepared, settings=settings)


def predict_pairs(model: LinkageModel, threshold: float | None = None) -> pd.DataFrame:
    """Score all blocked candidate pairs; keep those with probability >= threshold.

    Returns DataFrame[uid_l, uid_r, match_probability, match_weight].
    """
    threshold = model.settings.predict_threshold if threshold is None else threshold
    started = time.perf_counter()
    scored = model.linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    # physical_name is Splink's own generated table name, never user input
    sql = f"select uid_l, uid_r, match_probability, match_weight from {scored.physical_name}"  # noqa: S608
    pairs = model.db_api.duckdb_con.sql(sql).df()
    scored.drop_table_from_database_and_remove_from_cache()
    logger.info(
        "linkage predicted pairs=%d seconds=%.1f", len(pairs), time.perf_counter() - started
    )
    return pairs


_CONFLICT_FIELDS = ("dob", "pnc", "gender", "fn", "fn_all", "mn", "fn_mp")
_CORROBORATION_FIELDS = ("phone", "email", "pnc", "mn")


class _Records:
    """Column lists of the fields clustering reads, plus interned conflict signatures.

    Records of one person mostly share (dob, pnc, gender, names), so hard
    conflicts are computed between distinct signatures and memoised; nothing
    is built per record beyond plain lists, which keeps 1M records cheap.
    """

    def __init__(self, prepared: pd.DataFrame):
        fields = list(dict.fromkeys(_CONFLICT_FIELDS + _CORROBORATION_FIELDS))
        self.cols = {c: prepared[c].tolist() for c in fields}
        key = prepared["fn_all"].map(lambda v: ";".join(v) if v else "")
        for column in ("dob", "pnc", "gender", "fn", "mn", "fn_mp"):
            key = key + "|" + prepared[column].fillna("").astype(str)
        codes, uniques = pd.factorize(key)
        self.sig_of: list[int] = codes.tolist()
        first = pd.Series(range(len(codes))).groupby(codes).first().tolist()
        self.sig_profiles = [self.profile(i, _CONFLICT_FIELDS) for i in first]
        self._memo: dict[tuple[int, int], str | None] = {}

    def profile(self, i: int, fields: Sequence[str] = _CONFLICT_FIELDS) -> dict[str, Any]:
        return {f: self.cols[f][i] for f in fields}

    def sig_conflict(self, a: int, b: int) -> str | None:
        key = (a, b) if a < b else (b, a)
        if key not in self._memo:
            self._memo[key] = hard_conflict(self.sig_profiles[a], self.sig_profiles[b])
        return self._memo[key]

    def conflict(self, i: int, j: int) -> str | None:
        return self.sig_conflict(self.sig_of[i], self.sig_of[j])

    def lacks_dob(self, i: int) -> bool:
        return not self.cols["dob"][i]

    def lacks_forename(self, i: int) -> bool:
        forename = self.cols["fn"][i]
        return not forename or len(forename) == 1

    def corroborated(self, i: int, j: int) -> bool:
        return _corroborated(
            self.profile(i, _CORROBORATION_FIELDS), self.profile(j, _CORROBORATION_FIELDS)
        )

    def contradicted(self, i: int, j: int) -> bool:
        return _contradicted(
            self.profile(i, _CORROBORATION_FIELDS), self.profile(j, _CORROBORATION_FIELDS)
        )


class _Groups:
    """Union-find whose groups remember what forbids them from joining others.

    Singletons carry no per-group state (members/signatures are created on the
    first union), so a million mostly-unlinked records stay cheap.
    """

    def __init__(self, uids: Sequence[str], records: _Records | None):
        self.index = {uid: i for i, uid in enumerate(uids)}
        self.parent = list(range(len(uids)))
        self.records = records
        self.unions = 0
        self._members: dict[int, list[int]] = {}
        self._sigs: dict[int, set[int]] = {}
        self.forbidden: dict[int, set[int]] = {}

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def members(self, root: int) -> list[int]:
        return self._members.get(root) or [root]

    def sigs(self, root: int) -> set[int]:
        return self._sigs.get(root) or {self.records.sig_of[root]}

    def forbid(self, a: int, b: int) -> None:
        self.forbidden.setdefault(a, set()).add(b)
        self.forbidden.setdefault(b, set()).add(a)

    def explicit_block(self, ra: int, rb: int) -> bool:
        """True when a clerical cannot-link separates the two groups."""
        if not self.forbidden:
            return False
        members_b = set(self.members(rb))
        return any(self.forbidden.get(m, set()) & members_b for m in self.members(ra))

    def conflict(self, ra: int, rb: int) -> str | None:
        """First hard conflict between any member of one group and any of the other."""
        if self.records is None:
            return None
        for a in self.sigs(ra):
            for b in self.sigs(rb):
                reason = self.records.sig_conflict(a, b)
                if reason:
                    return reason
        return None

    def corroborated(self, ra: int, rb: int) -> bool:
        """Some member of each group shares a personal identifier (see _corroborated)."""
        return any(
            self.records.corroborated(a, b) for a in self.members(ra) for b in self.members(rb)
        )

    def contradicted(self, ra: int, rb: int) -> bool:
        """Some member of each group carries a different phone or e-mail."""
        return any(
            self.records.contradicted(a, b) for a in self.members(ra) for b in self.members(rb)
        )

    def union(self, ra: int, rb: int) -> None:
        members_a, members_b = self.members(ra), self.members(rb)
        if len(members_a) < len(members_b):
            ra, rb, members_a, members_b = rb, ra, members_b, members_a
        self.parent[rb] = ra
        self._members[ra] = members_a + members_b
        self._members.pop(rb, None)
        if self.records is not None:
            self._sigs[ra] = self.sigs(ra) | self.sigs(rb)
            self._sigs.pop(rb, None)
        self.unions += 1

    def labels(self, uids: Sequence[str]) -> dict[str, str]:
        """uid -> smallest uid of its group (stable across runs)."""
        best: dict[int, str] = {}
        roots = [self.find(i) for i in range(len(uids))]
        for root, uid in zip(roots, uids, strict=True):
            if root not in best or uid < best[root]:
                best[root] = uid
        return {uid: best[root] for root, uid in zip(roots, uids, strict=True)}


def _ordered_edges(pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    strong = pairs[pairs["match_probability"] >= threshold]
    return strong.sort_values(
        ["match_weight", "uid_l", "uid_r"], ascending=[False, True, True], kind="stable"
    )


def _apply_clerical(groups: _Groups, settings: LinkageSettings) -> None:
    for pair in settings.cannot_link:
        a, b = tuple(pair)
        if a in groups.index and b in groups.index:
            groups.forbid(groups.index[a], groups.index[b])
    for pair in sorted(settings.must_link, key=sorted):
        a, b = sorted(pair)
        if a not in groups.index or b not in groups.index:
            continue
        ra, rb = groups.find(groups.index[a]), groups.find(groups.index[b])
        if ra != rb and not groups.explicit_block(ra, rb):
            groups.union(ra, rb)


def _lacks_dob(profile: Mapping[str, Any]) -> bool:
    return not profile.get("dob")


def _lacks_forename(profile: Mapping[str, Any]) -> bool:
    forename = profile.get("fn")
    return not forename or len(forename) == 1


def _contradicted(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Both records carry a phone or e-mail, and they differ."""
    return any(
        a.get(column) and b.get(column) and a.get(column) != b.get(column)
        for column in ("phone", "email")
    )


def _corroborated(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """An identifier a relative would not share: phone, e-mail, PNC id or full middle name.

    A record without a date of birth joins a group only when some record of
    each side shares one of these: name and address alone are exactly what a
    father and son "Jr" have in common. A record without a forename (twins
    risk) is refused only when phones or e-mails actively differ.
    """
    for column in ("phone", "email", "pnc"):
        if a.get(column) and a.get(column) == b.get(column):
            return True
    middle = a.get("mn")
    return bool(middle and len(middle) > 1 and middle == b.get("mn"))


def _ambiguous_records(
    left: Sequence[int], right: Sequence[int], records: _Records | None, max_degree: int = 30
) -> set[int]:
    """Records whose strong matches contradict each other.

    A record with no date of birth matching both "John Smith b.1960" and
    "John Smith b.1987" at one address could be father or son: greedy
    clustering would pick one arbitrarily. Precision first: such a record is
    linked to neither and its pairs go to clerical review. Only neighbours the
    record itself is compatible with count, and only records missing a date of
    birth or forename can be ambiguous this way (complete records are
    separated by the hard conflicts themselves).
    """
    if records is None:
        return set()
    sparse = {
        i for i in set(left) | set(right) if records.lacks_dob(i) or not records.cols["fn"][i]
    }
    neighbours: dict[int, list[int]] = {}
    for a, b in zip(left, right, strict=True):
        if a in sparse:
            neighbours.setdefault(a, []).append(b)
        if b in sparse:
            neighbours.setdefault(b, []).append(a)
    ambiguous = set()
    for x, near in neighbours.items():
        near = [y for y in near[:max_degree] if not records.conflict(x, y)]
        if any(records.conflict(y, z) for k, y in enumerate(near) for z in near[k + 1 :]):
            ambiguous.add(x)
    return ambiguous


def _edge_refusal(
    groups: _Groups,
    i: int,
    j: int,
    ra: int,
    rb: int,
    ambiguous: set[int],
    settings: LinkageSettings,
) -> str | None:
    """Why an above-threshold edge may not join its two groups (None: it may)."""
    if i in ambiguous or j in ambiguous:
        return "ambiguous"
    if groups.explicit_block(ra, rb):
        return "cannot_link"
    if groups.conflict(ra, rb):
        return "conflict"
    records = groups.records
    if records is None or not settings.sparse_needs_corroboration:
        return None
    if (records.lacks_dob(i) or records.lacks_dob(j)) and not groups.corroborated(ra, rb):
        return "uncorroborated"
    if (
        (records.lacks_forename(i) or records.lacks_forename(j))
        and groups.contradicted(ra, rb)
        and not groups.corroborated(ra, rb)
    ):
        return "uncorroborated"
    return None


def _cluster(model: LinkageModel, pairs: pd.DataFrame, threshold: float):
    uids = model.prepared["uid"].tolist()
    settings = model.settings
    records = _Records(model.prepared) if settings.use_hard_conflicts else None
    groups = _Groups(uids, records)
    _apply_clerical(groups, settings)
    edges = _ordered_edges(pairs, threshold)
    position = pd.Index(uids)
    left = position.get_indexer(edges["uid_l"]).tolist()
    right = position.get_indexer(edges["uid_r"]).tolist()
    ambiguous = _ambiguous_records(left, right, records)
    pending = list(zip(left, right, edges["match_probability"].tolist(), strict=True))
    refusals: dict[tuple[int, int], tuple[str, float]] = {}
    # Later passes retry edges refused only for want of corroboration: the group
    # may since have gained the record that carries the shared phone or e-mail.
    for _ in range(3):
        retry, joined = [], 0
        for i, j, prob in pending:
            ra, rb = groups.find(i), groups.find(j)
            if ra == rb:
                refusals.pop((i, j), None)
                continue
            reason = _edge_refusal(groups, i, j, ra, rb, ambiguous, settings)
            if reason is None:
                groups.union(ra, rb)
                joined += 1
                refusals.pop((i, j), None)
                continue
            refusals[(i, j)] = (reason, float(prob))
            if reason == "uncorroborated":
                retry.append((i, j, prob))
        if not joined or not retry:
            break
        pending = retry
    refused = [(uids[i], uids[j], prob) for (i, j), (_, prob) in refusals.items()]
    reasons = Counter(reason for reason, _ in refusals.values())
    logger.info(
        "linkage clustered edges=%d refused=%s ambiguous=%d links=%d",
        len(edges),
        dict(reasons),
        len(ambiguous),
        groups.unions,
    )
    return groups.labels(uids), refused


def cluster(
    model: LinkageModel, pairs: pd.DataFrame, threshold: float | None = None
) -> dict[str, str]:
    """Group records into persons: uid -> cluster id (smallest uid of the cluster).

    Greedy constrained clustering: must-links are joined first; then edges at or
    above `threshold` are added strongest first, and an edge is refused when it
    would put a cannot-link pair, or a hard conflict, into one cluster. So a
    cannot-link holds even through transitive links: the weakest edge on the
    path is the one dropped. A record whose strong matches conflict with each
    other (father or son?) is linked to neither (see `_ambiguous_records`).
    """
    threshold = model.settings.link_threshold if threshold is None else threshold
    clusters, _ = _cluster(model, pairs, threshold)
    return clusters


def _uncertain(
    pairs: pd.DataFrame, clusters: Mapping[str, str], refused: Iterable, settings: LinkageSettings
) -> list[tuple[str, str, float]]:
    lower, upper = settings.review_band
    decided = settings.must_link | settings.cannot_link
    band = pairs[(pairs["match_probability"] >= lower) & (pairs["match_probability"] < upper)]
    out: dict[frozenset, tuple[str, str, float]] = {}
    for uid_l, uid_r, prob in zip(
        band["uid_l"], band["uid_r"], band["match_probability"], strict=True
    ):
        if clusters[uid_l] != clusters[uid_r]:
            out[frozenset((uid_l, uid_r))] = (uid_l, uid_r, float(prob))
    for uid_l, uid_r, prob in refused:
        out[frozenset((uid_l, uid_r))] = (uid_l, uid_r, prob)
    kept = [v for k, v in out.items() if k not in decided]
    return sorted(kept, key=lambda t: (-t[2], t[0], t[1]))


def link_records(records: Any, settings: LinkageSettings | None = None) -> LinkResult:
    """Full run: prepare, train, predict, cluster. See `LinkResult`."""
    settings = settings or LinkageSettings()
    model = train(records, settings)
    pairs = predict_pairs(model, threshold=min(settings.predict_threshold, settings.review_band[0]))
    clusters, refused = _cluster(model, pairs, settings.link_threshold)
    uncertain = _uncertain(pairs, clusters, refused, settings)
    return LinkResult(clusters=clusters, uncertain_pairs=uncertain, pairs=pairs, model=model)


def _score(model: LinkageModel, left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Score every left x right pair with the trained model (no blocking).

    Inputs are registered as typed Arrow tables (blank columns keep their
    string/list types) and dropped afterwards, so a long-lived model used for
    many incremental look-ups does not accumulate tables.
    """
    tables = [model.db_api.register(_to_arrow(frame)) for frame in (left, right)]
    scored = model.linker.inference.score_pairs(*tables)
    frame = scored.as_pandas_dataframe()
    scored.drop_table_from_database_and_remove_from_cache()
    for table in tables:
        table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    return frame


def explain_pair(
    model: LinkageModel, rec_a: Mapping[str, Any], rec_b: Mapping[str, Any]
) -> PairExplanation:
    """Why the model scores two raw records as it does, field by field.

    Returns a list of {field, comparison_level (Splink label), gamma,
    match_weight (log2 Bayes factor), bayes_factor, values_l, values_r}, with
    `.match_probability`, `.match_weight` and `.conflict` attributes.
    """
    prepared = prepare_records([rec_a, rec_b])
    left, right = prepared.to_dict("records")
    row = _score(model, prepared.iloc[[0]], prepared.iloc[[1]]).iloc[0]
    explanation = PairExplanation()
    for comparison in model.linker._settings_obj.comparisons:
        name = comparison.output_column_name
        gamma = int(row[f"gamma_{name}"])
        level = next(
            lv for lv in comparison.comparison_levels if lv.comparison_vector_value == gamma
        )
        weight = float(row.get(f"mw_{name}", 0.0)) + float(row.get(f"mw_tf_adj_{name}", 0.0))
        columns = COLUMNS_FOR[name]
        explanation.append(
            {
                "field": name,
                "comparison_level": level.label_for_charts,
                "gamma": gamma,
                "match_weight": weight,
                "bayes_factor": 2.0**weight,
                "values_l": {c: left.get(c) for c in columns},
                "values_r": {c: right.get(c) for c in columns},
            }
        )
    explanation.match_probability = float(row["match_probability"])
    explanation.match_weight = float(row["match_weight"])
    explanation.conflict = hard_conflict(left, right)
    return explanation


def score_against(
    model: LinkageModel, new_record: Mapping[str, Any], candidates: Sequence[Mapping[str, Any]]
) -> list[tuple[str, float]]:
    """Score one new raw record against existing raw records, best first.

    Incremental: uses the trained model via Splink's `score_pairs` (no re-run of
    blocking, training or clustering). A candidate with a hard conflict
    (different PNC, irreconcilable DOB, ...) scores 0.0.
    """
    if not candidates:
        return []
    prepared = prepare_records([new_record, *candidates])
    rows = prepared.to_dict("records")
    new, others = rows[0], rows[1:]
    frame = _score(model, prepared.iloc[[0]], prepared.iloc[1:])
    probs = dict(zip(frame["uid_r"], frame["match_probability"], strict=True))
    results = []
    for other in others:
        prob = 0.0 if hard_conflict(new, other) else float(probs[other["uid"]])
        results.append((other["uid"], prob))
    return sorted(results, key=lambda t: (-t[1], t[0]))

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

import json
import logging
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker, block_on

from . import clustering
from .clustering import _cluster, _uncertain
from .comparisons import INCIDENT_LEVEL, INCIDENT_U_CEILING, _splink_settings
from .conflicts import hard_conflict
from .normalise import PREPARED_SCHEMA, combined_codes, prepare_records

logger = logging.getLogger(__name__)

@dataclass
class LinkageSettings:
    """Tunable knobs of a linkage run.

    link_threshold: match probability at/above which two records are linked.
    review_band: (lower, upper) probabilities of pairs sent to clerical review.
    predict_threshold: pairs below this probability, the review band's floor and
        `counterpart_link_threshold` are not kept at all (`kept_from`).
    must_link / cannot_link: clerical decisions as frozensets of two uids.
    use_hard_conflicts: refuse links across hard conflicts (see `hard_conflict`).
    u_max_pairs / em_max_pairs: sample sizes for training (bounds cost at 1M).
    min_m_probability: floor for EM-estimated m probabilities (no accidental vetoes).
    min_train_records: below this many records the model is not trained (EM has too
        few pairs to learn from) and the documented default parameters are used
        (`default_parameters.json`, see `default_parameters`); training that fails on
        odd data falls back to them too.
    sparse_needs_corroboration: an edge where one side lacks a DOB links only if
        the two groups share a phone, e-mail, PNC id or middle name; one where a
        side lacks a forename is refused if their phones or e-mails differ.
    prior_recall: assumed recall of the deterministic rules used for the prior.
    seed: fixes u sampling so runs are reproducible.
    """

    link_threshold: float = 0.98
    review_band: tuple[float, float] = (0.5, 0.98)
    predict_threshold: float = 0.2
    must_link: set[frozenset[str]] = field(default_factory=set)
    cannot_link: set[frozenset[str]] = field(default_factory=set)
    use_hard_conflicts: bool = True
    u_max_pairs: float = 2e6
    em_max_pairs: float = 2e6
    prior_recall: float = 0.7
    min_m_probability: float = 1e-3
    sparse_needs_corroboration: bool = True
    #: after clustering, join two persons whose scored pair fell short of the threshold
    #: only for an identifier its records lack and the persons' other records share
    #: (`clustering._join_on_persons_evidence`)
    persons_evidence: bool = True
    #: a pair whose two records give one phone that no one else gives links from this
    #: probability, below `link_threshold` (None: no lower threshold; a force sets it as
    #: policy `linkage_own_phone_threshold`). A mobile is one
    #: person's; a phone given under two forename initials or two generations is a
    #: household's and counts for nothing here. On both benchmark exports the pairs it
    #: adds between 0.8 and the threshold were all one person (docs/benchmarks.md,
    #: "Names swapped with a slip; persons' evidence").
    own_phone_link_threshold: float | None = 0.8
    #: a pair whose two records both give a full date of birth, the same or one slip apart
    #: (day and month swapped, a digit of the day, the month or the year's last digit),
    #: links from this probability, below `link_threshold` (None: no lower threshold; a
    #: force sets it as policy `linkage_dated_threshold`). The model marks such a pair
    #: down for a new address, phone or incident and left it to a reviewer; from 0.9 they
    #: were one person in 92 % of pairs, between 0.8 and 0.9 in 80 %, about the review
    #: queue's share, so those stay with the reviewer (docs/benchmarks.md, "Both dates of
    #: birth alike").
    dated_link_threshold: float | None = 0.9
    #: Who met whom on the other side of an incident, in the system that recorded it (a
    #: victim record's suspects, a suspect record's victims): a frame of pairs (uid_l,
    #: uid_r, relationship: the suspect's to the victim, "partner", "ex_partner",
    #: "family", "other" or ""). Two persons whose pair scored at or above
    #: `counterpart_link_threshold` (None: never) and who met one person this way are
    #: joined (`clustering._join_on_counterparts`; a force sets it as policy
    #: `linkage_counterpart_threshold`); one person's partner and the same person's family
    #: are not joined on an edge where a record lacks its date of birth and nothing else
    #: ties the two records (`clustering._Groups.relationship_conflict`). It sits below
    #: the 0.2 every other pair is kept from: that two records of one name harmed one
    #: woman (or were harmed by one man) is evidence the model does not see. At 0.05 the
    #: two harsher benchmark exports each kept 4 more serial perpetrators whole than at
    #: 0.2, for 1 and 3 more false pairs among 90,000 records and 5 % more pairs kept
    #: (docs/benchmarks.md, "Met one person, scored low").
    counterparts: pd.DataFrame | None = None
    counterpart_link_threshold: float | None = 0.05
    #: also ask, after the scored pairs, records of one surname and one forename (or
    #: nickname) that met one person, however they scored or whether any blocking rule
    #: kept them (`clustering._named_alike_across`; a force sets it as policy
    #: `linkage_counterpart_names_alone`); off too with the threshold at None
    counterpart_names_alone: bool = True
    seed: int = 42
    min_train_records: int = 100
    #: DuckDB's memory cap (beyond it DuckDB spills to a temporary directory); None:
    #: DuckDB's own default, 80 % of the machine's memory. 1 M benchmark records peaked
    #: at 8.70 GiB uncapped, 8.02 GiB at "4GB", 7.33 GiB at "3GB", same result and time
    #: (docs/benchmarks.md).
    duckdb_memory_limit: str | None = "3GB"
    #: Largest "same forename and surname, either order" block (the rule that catches
    #: swapped names and records without a date of birth). A name more records share is
    #: blocked within its postcode district instead: at 3 M benchmark records JOHN|SMITH
    #: alone was 791 records (312,000 pairs) and this one rule made 90 M of the 119 M
    #: candidate pairs, which DuckDB could not de-duplicate in 6 GB (docs/scale.md).
    #: Records with a common name still meet through every other rule (date of birth,
    #: postcode, address, phone, e-mail, PNC, incidents).
    name_block_limit: int = 50
    #: Most records that one phone, e-mail or PNC id, or one postcode or building with one
    #: forename initial, may bring together as a block of candidate pairs. More records
    #: sharing one is a placeholder, a switchboard or a hostel, not one person or household
    #: (at 1 M benchmark records the largest such group is 37). An export of 108,000
    #: records where half the blank values were typed as placeholders Haven does not know
    #: made DuckDB run out of memory in blocking without this limit (docs/benchmarks.md,
    #: "Placeholders, and identifiers too many records share"). Those records still meet
    #: through every other rule, and the identifier is still compared.
    identifier_block_limit: int = 100
    #: u of "same role in the same incident" is this number divided by the records
    #: linked, and never above 1e-5: how many unrelated records share a role in one real
    #: incident with a given record does not grow with the force, so the chance that a
    #: random pair shares one falls as the force grows, like the prior. 0.44 makes the
    #: 1e-5 that was fixed for every size before hold up to the 43,722 records of the
    #: tuning export; fixed at every size it weakened incidents as evidence at 1 M records
    #: and left serial perpetrators split (docs/benchmarks.md, "Incidents at 1 M").
    incident_u_per_record: float = 0.44


@dataclass
class LinkageModel:
    """A trained Splink linker plus the prepared records it was trained on."""

    linker: Linker
    db_api: DuckDBAPI
    prepared: pd.DataFrame
    settings: LinkageSettings
    #: "trained", or why the default parameters were used instead
    parameters: str = "trained"

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
    uncertain_pairs: (uid_l, uid_r, probability) for clerical review, one per two
        persons: pairs in the review band left unlinked, and above-threshold pairs refused
        as ambiguous or uncorroborated (never those with a hard conflict).
    pairs: every scored pair at/above `kept_from(settings)`.
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
    "address": ("addr", "pc", "town"),
    "phone": ("phone",),
    "email": ("email",),
    "pnc_id": ("pnc",),
    "incident": ("incident_keys",),
}



def _to_arrow(prepared: pd.DataFrame) -> pa.Table:
    """Typed Arrow table, so all-blank columns still have string/list types in DuckDB."""
    missing = {c: None for c in _IDENTIFIER_BLOCKS if c not in prepared.columns}
    if missing:  # records scored without blocking (`_score`) have no blocking columns
        prepared = prepared.assign(**missing)
    return pa.Table.from_pandas(
        prepared[list(PREPARED_SCHEMA.names)], schema=PREPARED_SCHEMA, preserve_index=False
    )


def _as_prepared(records: Any) -> pd.DataFrame:
    """Accept raw records or an already prepared frame."""
    if isinstance(records, pd.DataFrame) and "fn_key" in records.columns:
        return records
    return prepare_records(records)


def _bounded_name_blocks(prepared: pd.DataFrame, limit: int) -> pd.DataFrame:
    """`name_pair` (only a blocking key) narrowed to "name|postcode district" where more
    than `limit` records share the name, so candidate pairs grow with the records, not
    with their square; blank where such a record has no district. The caller's frame is
    not changed."""
    names = prepared["name_pair"]
    # counted on integer codes: mapping each record's name to its count (1.0 s at 1 M
    # records, 0.5 s so)
    codes, uniques = _codes(prepared, "name_pair")
    named = codes >= 0
    common = np.zeros(len(codes), dtype=bool)
    common[named] = np.bincount(codes[named], minlength=len(uniques))[codes[named]] > limit
    if not common.any():
        return prepared
    narrowed = [
        (f"{name}|{district}" if district is not None else None) if is_common else name
        for name, district, is_common in zip(
            names.tolist(), prepared["pc_district"].tolist(), common.tolist(), strict=True)
    ]
    return prepared.assign(name_pair=narrowed)


#: Blocking-only column -> the identifier it bounds (with the forename initial it is
#: blocked with, where there is one).
_IDENTIFIER_BLOCKS = {"phone_blk": ("phone",), "email_blk": ("email",), "pnc_blk": ("pnc",),
                      "pc_blk": ("pc", "fn_initial"), "bld_blk": ("addr_bld", "fn_initial")}


def _bounded_identifier_blocks(prepared: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The blocking-only columns of `_IDENTIFIER_BLOCKS`: the identifier where at most
    `limit` records share it (with the initial, where blocked with one), else blank. The
    caller's frame is not changed."""
    columns = {}
    coded: dict[str, np.ndarray] = {}  # the forename initial serves two
    for column, keys in _IDENTIFIER_BLOCKS.items():
        # Integer codes counted with numpy: joining and counting strings took 3 s at 1 M.
        for key in keys:
            if key not in coded:
                coded[key] = _codes(prepared, key)[0]
        codes = [coded[key] for key in keys]
        blank = np.logical_or.reduce([c < 0 for c in codes])
        combined = combined_codes(*codes)
        keep = (np.bincount(combined)[combined] <= limit) & ~blank
        columns[column] = prepared[keys[0]].where(keep, None)
    return prepared.assign(**columns)


def _codes(prepared: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize` of a prepared column (blank: -1), read as plain objects."""
    return pd.factorize(prepared[column].to_numpy(dtype=object))


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


def _scale_incident_u(linker: Linker, records: int, per_record: float) -> None:
    """Set the fixed u of "same role in the same incident" for this many records (see
    `LinkageSettings.incident_u_per_record`). Never above the 1e-5 that was tuned and
    tested on forces up to the tuning export's size: below it, the chance is left as it
    was, and only a larger force gets the smaller u its size implies."""
    u = min(INCIDENT_U_CEILING, per_record / max(records, 1))
    for comparison in linker._settings_obj.comparisons:
        if comparison.output_column_name != "incident":
            continue
        for level in comparison.comparison_levels:
            if level.label_for_charts == INCIDENT_LEVEL:
                level.u_probability = u


def _swap_counted_once(linker: Linker) -> None:
    """Weigh forename and surname swapped as one piece of evidence: the two names agree.

    Both name comparisons see a swap, and each had its own trained u of about 1.5e-6 (a
    swap is almost never seen among random pairs), so a swapped pair scored about 29 bits
    from its names where the same names in order scored about 15: a swapped record
    linked to anyone else of that name on its names alone. The chance that two different
    people agree in both names is the chance that they share both, so the forename's
    swap level takes the u of the two exact levels together (u_forename x u_surname /
    m_surname, keeping its own m, how often one person's record is swapped) and the
    surname's swap level counts for nothing beyond its term-frequency adjustment (m = u).
    Each level keeps the term-frequency adjustment of its names, as an exact match does.
    The call-time lookup reads the forename's swap level as both names' weight
    (`haven.people.scoring`). Idempotent: it sets, from the exact levels, never scales.
    """
    levels = {(comparison.output_column_name, level.label_for_charts): level
              for comparison in linker._settings_obj.comparisons
              for level in comparison.comparison_levels}
    forename, surname = levels[("forename", "exact")], levels[("surname", "exact")]
    levels[("forename", "swapped with surname")].u_probability = (
        forename.u_probability * surname.u_probability / surname.m_probability)
    swap = levels[("surname", "swapped with forename")]
    swap.m_probability = swap.u_probability = surname.u_probability
    # Swapped with a slip: one name agrees, the other as a nickname or typo would, so two
    # people agree so by chance as often as in one name exactly and the other at any of
    # the forename's nickname and spelling levels. Counted once, like the plain swap.
    alike = sum(levels[("forename", label)].u_probability
                for label in ("nickname or alias", "jaro-winkler >= 0.92",
                              "jaro-winkler >= 0.88"))
    slip = levels[("forename", "swapped, with a slip")]
    slip.u_probability = alike * surname.u_probability / surname.m_probability
    slip_surname = levels[("surname", "swapped, with a slip")]
    slip_surname.m_probability = slip_surname.u_probability = surname.u_probability


DEFAULT_PARAMETERS = Path(__file__).with_name("default_parameters.json")


def model_parameters(linker: Linker) -> dict[str, Any]:
    """{"prior": p, "comparisons": {name: {level label: [m, u]}}} of a model."""
    settings = linker._settings_obj
    out: dict[str, Any] = {
        "prior": float(settings._probability_two_random_records_match), "comparisons": {}}
    for comparison in settings.comparisons:
        levels = {}
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            levels[level.label_for_charts] = [
                None if v is None or v != v else float(v)  # NaN is not JSON
                for v in (level.m_probability, level.u_probability)
            ]
        out["comparisons"][comparison.output_column_name] = levels
    return out


def default_parameters() -> dict[str, Any]:
    """The documented defaults: m/u per comparison level and the prior, as trained by
    `bench/linkage_quick.py --save-defaults` on the synthetic benchmark export (seed 7).
    Used for a force too small to train on (or whose training fails)."""
    return json.loads(DEFAULT_PARAMETERS.read_text())


def _apply_parameters(linker: Linker, parameters: Mapping[str, Any]) -> None:
    settings = linker._settings_obj
    settings._probability_two_random_records_match = float(parameters["prior"])
    for comparison in settings.comparisons:
        levels = parameters["comparisons"].get(comparison.output_column_name, {})
        for level in comparison.comparison_levels:
            if level.is_null_level or level.label_for_charts not in levels:
                continue
            m, u = levels[level.label_for_charts]
            if m is not None and not level._fix_m_probability:
                level.m_probability = m
            if u is not None and not level._fix_u_probability:
                level.u_probability = u


def _fit(linker: Linker, settings: LinkageSettings) -> None:
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


def _duckdb_api(settings: LinkageSettings) -> DuckDBAPI:
    """An in-memory DuckDB for Splink, capped at `settings.duckdb_memory_limit` (spilling
    to a directory under the system's temporary directory, never the working directory)."""
    if not settings.duckdb_memory_limit:
        return DuckDBAPI()
    # One spill directory per process: two links running at once never share temp files.
    spill = Path(tempfile.gettempdir()) / f"haven-duckdb-{os.getpid()}"
    connection = duckdb.connect(":memory:", config={
        "memory_limit": settings.duckdb_memory_limit, "temp_directory": str(spill)})
    return DuckDBAPI(connection=connection)


def train(df: Any, settings: LinkageSettings | None = None, db_api: Any = None) -> LinkageModel:
    """Train an unsupervised model on (prepared or raw) records; no labels needed.

    Steps: prior from deterministic rules, u by seeded random sampling, m by EM
    on two blocking rules (date of birth; forename+surname) so every
    comparison is estimated in at least one session. With fewer than
    `settings.min_train_records` records, or when Splink cannot train on the data
    (e.g. "more observed matches than is consistent with supplied recall" on a
    handful of records), the documented default parameters are used and
    `model.parameters` says why.
    """
    settings = settings or LinkageSettings()
    prepared = _bounded_identifier_blocks(
        _bounded_name_blocks(_as_prepared(df), settings.name_block_limit),
        settings.identifier_block_limit)
    started = time.perf_counter()
    # db_api: e.g. a SparkAPI (linkage/spark.py); by default a capped in-memory DuckDB
    db_api = _duckdb_api(settings) if db_api is None else db_api
    table = db_api.register(_to_arrow(prepared), table_name="haven_people")
    linker = Linker(table, _splink_settings(), log_level=None)
    parameters = "trained"
    if len(prepared) < settings.min_train_records:
        parameters = (f"default parameters: {len(prepared)} records is too few to train on "
                      f"(fewer than {settings.min_train_records})")
    else:
        try:
            _fit(linker, settings)
        except Exception as error:  # noqa: BLE001 - any training failure falls back
            parameters = f"default parameters: training failed ({type(error).__name__})"
            linker = Linker(table, _splink_settings(), log_level=None)
    if parameters != "trained":
        _apply_parameters(linker, default_parameters())
        logger.warning("linkage %s", parameters)
    _floor_m_probabilities(linker, settings.min_m_probability)
    _swap_counted_once(linker)
    _scale_incident_u(linker, len(prepared), settings.incident_u_per_record)
    logger.info(
        "linkage trained records=%d seconds=%.1f", len(prepared), time.perf_counter() - started
    )
    return LinkageModel(linker=linker, db_api=db_api, prepared=prepared, settings=settings,
                        parameters=parameters)


def predict_pairs(model: LinkageModel, threshold: float | None = None) -> pd.DataFrame:
    """Score all blocked candidate pairs; keep those with probability >= threshold.

    Returns DataFrame[uid_l, uid_r, match_probability, match_weight, pos_l, pos_r], pos_*
    being the record's row in `model.prepared`.
    """
    threshold = model.settings.predict_threshold if threshold is None else threshold
    started = time.perf_counter()
    scored = model.linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    # Each record's row in `model.prepared` joined on in DuckDB, on both cores: looked up
    # by uid in pandas afterwards, it took clustering 1.5 s at 1 M records on one.
    con = model.db_api.duckdb_con
    con.register("haven_positions", pa.table({
        "uid": pa.array(model.prepared["uid"].tolist(), pa.string()),
        "pos": np.arange(len(model.prepared), dtype=np.int64)}))
    # physical_name is Splink's own generated table name, never user input
    joined = ("p join haven_positions l on l.uid = p.uid_l "
              "join haven_positions r on r.uid = p.uid_r")
    sql = f"select p.uid_l, p.uid_r, p.match_probability, p.match_weight, l.pos as pos_l, r.pos as pos_r from {scored.physical_name} {joined}"  # noqa: S608, E501
    pairs = con.sql(sql).df()
    con.unregister("haven_positions")
    scored.drop_table_from_database_and_remove_from_cache()
    logger.info(
        "linkage predicted pairs=%d seconds=%.1f", len(pairs), time.perf_counter() - started
    )
    return pairs



def kept_from(settings: LinkageSettings) -> float:
    """The lowest probability a full run keeps a pair at: what a reviewer is asked about,
    and what met one person across an incident, are kept beneath `predict_threshold`."""
    lowest = [settings.predict_threshold, settings.review_band[0]]
    if settings.counterparts is not None and settings.counterpart_link_threshold is not None:
        lowest.append(settings.counterpart_link_threshold)
    return min(lowest)


def link_records(records: Any, settings: LinkageSettings | None = None) -> LinkResult:
    """Full run: prepare, train, predict, cluster. See `LinkResult`."""
    settings = settings or LinkageSettings()
    model = train(records, settings)
    # Clustering's groundwork is plain Python on one core, and DuckDB lets go of the GIL
    # while it scores: laid beside the scoring, it costs the run little (at 1 M records
    # 6 s of the one after the other).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="clustering-groundwork") as pool:
        groundwork = pool.submit(clustering.groundwork, model.prepared, settings)
        pairs = predict_pairs(model, threshold=kept_from(settings))
        groups = groundwork.result()
    clusters, refused, records = _cluster(model, pairs, settings.link_threshold, groups)
    uncertain = _uncertain(
        pairs, clusters, refused, settings, records, model.prepared["uid"].tolist()
    )
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

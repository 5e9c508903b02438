"""Splink comparisons, blocking rules and settings for UK police person records."""

from __future__ import annotations

import logging
from typing import Any

from splink import SettingsCreator, block_on
from splink.comparison_library import CustomComparison

logger = logging.getLogger(__name__)

def _null(*cols: str) -> dict[str, Any]:
    cond = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)
    return {"sql_condition": cond, "label_for_charts": "missing", "is_null_level": True}


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


_ELSE = {"sql_condition": "ELSE", "label_for_charts": "different"}


# Forename and surname typed into each other's fields, and one of them with a nickname or
# a slip besides ("Hargreaves Steve" for Stephen Hargreaves, "Davies Mariusz" for Marius
# Davies): one half agrees exactly, the other as a forename the model would have accepted
# in its own field. Scored once, by the forename (`engine._swap_counted_once`).
SWAPPED_WITH_SLIP = (
    "(fn_l = sn_r AND length(fn_l) > 1 AND (sn_fn_key_l = fn_key_r"
    " OR jaro_winkler_similarity(sn_l, fn_r) >= 0.88))"
    " OR (sn_l = fn_r AND length(sn_l) > 1 AND (fn_key_l = sn_fn_key_r"
    " OR jaro_winkler_similarity(fn_l, sn_r) >= 0.88))"
)


def _forename() -> CustomComparison:
    return CustomComparison(
        [
            _null("fn"),
            _level("fn_l = fn_r", "exact", tf_adjustment_column="fn", tf_adjustment_weight=0.5),
            _level("fn_l = sn_r AND sn_l = fn_r", "swapped with surname",
                   tf_adjustment_column="fn", tf_adjustment_weight=0.5),
            _level(SWAPPED_WITH_SLIP, "swapped, with a slip"),
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
            _level("fn_l = sn_r AND sn_l = fn_r", "swapped with forename",
                   tf_adjustment_column="sn", tf_adjustment_weight=0.5),
            _level(SWAPPED_WITH_SLIP, "swapped, with a slip"),
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
    # dob_y is kept for a year-only entry (1 January) whose dob is blank; placeholder
    # dates (1900-01-01) are blank altogether, so they score as missing, never as different.
    return CustomComparison(
        [
            _null("dob_y"),
            _level("dob_l = dob_r", "exact"),
            _level(
                "(dob_l IS NULL OR dob_r IS NULL) AND dob_y_l = dob_y_r",
                "year-only entry, same year",
            ),
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


def _phone() -> CustomComparison:
    """A phone several people give (household landline, borrowed) is its own, weaker level."""
    return CustomComparison(
        [
            _null("phone"),
            _level("phone_l = phone_r AND phone_hh_l IS NULL", "exact"),
            _level("phone_l = phone_r", "shared household phone"),
            _ELSE,
        ],
        output_column_name="phone",
    )


def _location() -> CustomComparison:
    """Where the record says the person lives: address line, postcode and town as one
    comparison, so that one move counts once (three separate "different" levels would
    count it three times). Address lines are normalised (flat and house number, street
    abbreviations expanded); the full postcode level has a term-frequency adjustment.
    """
    none = "(addr_bld_{s} IS NULL AND pc_{s} IS NULL AND town_{s} IS NULL)"
    return CustomComparison(
        [
            {
                "sql_condition": f"{none.format(s='l')} OR {none.format(s='r')}",
                "label_for_charts": "missing",
                "is_null_level": True,
            },
            _level("addr_l = addr_r", "same flat or house"),
            _level("addr_bld_l = addr_bld_r", "same building"),
            _level("pc_l = pc_r", "same postcode", tf_adjustment_column="pc",
                   tf_adjustment_weight=0.5),
            _level("jaro_winkler_similarity(addr_bld_l, addr_bld_r) >= 0.92", "similar address"),
            _level("pc_sector_l = pc_sector_r", "same postcode sector"),
            _level("town_l = town_r", "same town"),
            _ELSE,
        ],
        output_column_name="address",
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


INCIDENT_LEVEL = "same role in the same incident"
#: u of INCIDENT_LEVEL as tuned on the 43,722-record tuning export; `engine.train` lowers it
#: for larger forces (`LinkageSettings.incident_u_per_record`), never raises it.
INCIDENT_U_CEILING = 1e-5


def _incident() -> CustomComparison:
    """The same role (victim or suspect) in the same real incident, recorded by two systems.

    Keys are incident fingerprints (role, place, date: `normalise.incident_fingerprints`),
    not a system's own incident ids, which differ between systems. u is not trained:
    random pairs almost never share one (sampling cannot estimate it). INCIDENT_U_CEILING
    here is a placeholder: `engine.train` sets it for the number of records linked
    (`LinkageSettings.incident_u_per_record`), since what is rare among 40,000 records
    is rarer still among a million.
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
                INCIDENT_LEVEL,
                u_probability=INCIDENT_U_CEILING,
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
        _location(),
        _phone(),
        _email(),
        _pnc(),
        _incident(),
    ]


# --------------------------------------------------------------------------
# Hard conflicts: facts that forbid two records being one person, whatever
# the shared household evidence says.
# --------------------------------------------------------------------------



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
        block_on("pc_blk", "fn_initial"),
        block_on("bld_blk", "fn_initial"),
        block_on("name_pair"),
        block_on("phone_blk"),
        block_on("email_blk"),
        block_on("pnc_blk"),
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



"""The prepared frame: raw person records in, the columns the linkage model compares out.

Works column-wise (pandas) and maps each field's per-value function (`names`, `dates`,
`identifiers`, `places`, `incidents`) over *unique* values only, which keeps preparation
of a million records to seconds. What needs several fields of the frame at once (a phone
several people give) is decided here.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..nicknames import canonical_key
from .dates import parse_dob, year_only
from .identifiers import (
    LANDLINE_PREFIXES,
    normalise_email,
    normalise_gender,
    normalise_phone,
    normalise_pnc,
)
from .incidents import split_keys
from .names import (
    _squash,
    _text,
    alias_names,
    forename_set,
    forename_tokens,
    former_without_forename,
    metaphone,
    name_fields,
    name_tokens,
    one_persons_names,
    soundex,
    surname_holds_more,
    surname_set,
    surname_tokens,
    with_former_surname,
)
from .places import normalise_address, normalise_postcode, normalise_town

#: Input columns every record may carry (missing ones are treated as blank).
INPUT_COLUMNS = (
    "uid",
    "system",
    "source_id",
    "forename",
    "middle_names",
    "surname",
    "aliases",
    "date_of_birth",
    "gender",
    "phone",
    "email",
    "address_line",
    "town",
    "postcode",
    "pnc_id",
    "incident_keys",
)


def _as_str(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)


@contextmanager
def python_strings() -> Iterator[None]:
    """Plain Python strings (object columns) from pandas inside the block.

    pandas 3 makes every string column it infers Arrow-backed; code that maps values
    through Python functions and reads them back pays a conversion each way (a third of
    `prepare_records` at 1 M records). The option is deprecated for pandas 4 (pandas is
    pinned to 3.1; when upgrading, build these columns with dtype=object instead)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The 'future.infer_string' option")
        with pd.option_context("future.infer_string", False):
            yield


def _to_frame(records: pd.DataFrame | Sequence[Mapping[str, Any]] | Iterable) -> pd.DataFrame:
    frame = records.copy() if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    for column in INPUT_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    if frame["uid"].isna().any():
        frame["uid"] = frame["system"].astype(str) + ":" + frame["source_id"].astype(str)
    frame["uid"] = frame["uid"].astype(str)
    if frame["uid"].duplicated().any():
        raise ValueError("uid must be unique across records")
    # Plain Python objects: iterating pandas' Arrow-backed strings row by row is slow.
    return frame[list(INPUT_COLUMNS)].astype(object)


def _map_unique(series: pd.Series, func) -> pd.Series:
    """Apply `func` once per distinct value (names repeat a lot)."""
    return pd.Series(_per_distinct(series, func), index=series.index, dtype=object)


def _per_distinct(series: pd.Series, func, parts: int = 0) -> np.ndarray | list[np.ndarray]:
    """`func` of each record's value, called once per distinct value; with `parts`, `func`
    gives a tuple and each of its first `parts` items comes back as its own column.

    Codes from one `pd.factorize` index the answers; drop_duplicates, a dict and
    `Series.map` hashed every value twice (`prepare_records` at 1 M records: 29.2 s before,
    24.2 s with this, the names and the addresses read once per distinct value; in
    docs/benchmarks.md). Blanks (None or NaN: every normaliser reads both as blank) are
    answered once, by `func` of the first."""
    values = series.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values)
    blank = codes < 0
    first_blank = values[blank.argmax()] if blank.any() else None
    answers = [func(value) for value in uniques]
    answers.append(func(first_blank))  # code -1 reads the last answer
    return _by_code(answers, codes, parts)


def _by_code(answers: list, codes: np.ndarray, parts: int = 0) -> np.ndarray | list[np.ndarray]:
    """Each record's answer, `answers` being one per code; with `parts`, each of the
    answers' first `parts` items as its own column."""
    if not parts:
        return _objects(answers)[codes]
    return [_objects([answer[k] for answer in answers])[codes] for k in range(parts)]


def combined_codes(*codes: np.ndarray) -> np.ndarray:
    """One code per row for the combination of several columns' codes (`pd.factorize`'s,
    blank -1 and a value like any other here), numbered in order of first appearance.
    Combined a column at a time and numbered again after each, so the numbers stay small
    however many columns there are."""
    combined = np.zeros(len(codes[0]), dtype=np.int64)
    for column in codes:
        combined, _ = pd.factorize(combined * (int(column.max(initial=-1)) + 2) + column + 1)
    return combined


def _objects(values: list) -> np.ndarray:
    """An object array of the values as they are (numpy would unpack tuples and lists)."""
    out = np.empty(len(values), dtype=object)
    for k, value in enumerate(values):
        out[k] = value
    return out


def _cached(cache: dict, key: Any, compute) -> Any:
    """Memoise per call of prepare_records (the value lists are shared, never mutated)."""
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _name_columns(frame: pd.DataFrame, out: pd.DataFrame) -> None:
    formers = _read_name_fields(frame)
    fore_tokens = _map_unique(frame["forename"].astype(object), forename_tokens)
    middle_tokens = _map_unique(frame["middle_names"].astype(object), name_tokens)
    # A forename field holding "John Paul" keeps "paul" as a middle name.
    out["fn"] = _map_unique(frame["forename"], _first_squashed)
    # (the first of the forename's other tokens, else of the middle names; no list is built
    # per record: a million records)
    out["mn"] = [_squash(f[1]) if len(f) > 1 else (_squash(m[0]) if m else None)
                 for f, m in zip(fore_tokens.tolist(), middle_tokens.tolist(), strict=True)]
    out["sn"] = _map_unique(frame["surname"], _surname_squashed)
    fn_str = out["fn"].fillna("")
    out["fn_key"] = _map_unique(fn_str, canonical_key)
    # The surname field read as a forename: "Hargreaves Steve" is Stephen Hargreaves with
    # the names swapped and a nickname besides (comparisons, "swapped, with a slip").
    out["sn_fn_key"] = _map_unique(out["sn"].fillna(""), canonical_key)
    out["fn_initial"] = out["fn"].str[:1]
    out["mn_initial"] = out["mn"].str[:1]
    out["fn_mp"] = _map_unique(fn_str, metaphone)
    out["sn_mp"] = _map_unique(out["sn"].fillna(""), metaphone)
    out["sn_sx"] = _map_unique(out["sn"].fillna(""), soundex)
    # Computed once per distinct (name, aliases) pair: most records repeat both.
    raw_aliases = frame["aliases"].map(_text).tolist()
    fn_all: dict[tuple[str, str], list[str] | None] = {}
    sn_all: dict[tuple[str, str], list[str] | None] = {}
    first_names = [t[0] if t else "" for t in fore_tokens.tolist()]  # hyphens kept
    out["fn_all"] = [
        _cached(fn_all, (f, a), lambda f=f, a=a: forename_set(f, alias_names(a)))
        for f, a in zip(first_names, raw_aliases, strict=True)
    ]
    out["sn_all"] = [
        _cached(sn_all, (s, a, f), lambda s=s, a=a, f=f: surname_set(
            surname_tokens(s), alias_names(a), f))
        for s, a, f in zip(frame["surname"].map(_text).tolist(), raw_aliases,
                           formers or [""] * len(frame), strict=True)
    ]


def _first_squashed(forename: Any) -> str | None:
    tokens = forename_tokens(forename)
    return _squash(tokens[0]) if tokens else None


def _surname_squashed(surname: Any) -> str | None:
    tokens = surname_tokens(surname)
    return "".join(_squash(x) for x in tokens) if tokens else None


def _read_name_fields(frame: pd.DataFrame) -> list[str] | None:
    """`name_fields` on the frame (in place): only rows whose surname holds a comma or a
    former surname change. Returns each row's former surname given without a forename
    (`former_without_forename`, "" for none), or None where no row has one."""
    surnames = frame["surname"]
    odd = [name for name in surnames.unique() if surname_holds_more(name)]  # each once
    if not odd:
        return None
    rows = frame.index[surnames.isin(odd).to_numpy()]
    read = [name_fields(_text(f), s) for f, s in zip(frame.loc[rows, "forename"],
                                                     frame.loc[rows, "surname"], strict=True)]
    frame.loc[rows, "forename"] = [forename for forename, _, _ in read]
    frame.loc[rows, "surname"] = [surname for _, surname, _ in read]
    frame.loc[rows, "aliases"] = [
        with_former_surname(aliases, forename, former)
        for aliases, (forename, _, former) in zip(frame.loc[rows, "aliases"], read, strict=True)]
    left = {k: former_without_forename(forename, former)
            for k, (forename, _, former) in zip(rows, read, strict=True)}
    if not any(left.values()):
        return None
    positions = frame.index.get_indexer(list(left))
    formers = [""] * len(frame)
    for position, former in zip(positions, left.values(), strict=True):
        formers[position] = former
    return formers


def _dob_columns(frame: pd.DataFrame, out: pd.DataFrame) -> None:
    today = date.today()
    full = _map_unique(frame["date_of_birth"].astype(object), lambda v: parse_dob(v, today))
    out["dob_y"] = full.str[0:4]
    # A year-only entry (1 January) keeps its year but has no full date of birth.
    out["dob"] = full.map(lambda d: None if d is None or d != d or year_only(d) else d)
    out["dob_m"] = out["dob"].str[5:7]
    out["dob_d"] = out["dob"].str[8:10]
    # Order-free day/month key: "03-12" and "12-03" block together (swapped entry).
    out["dob_dm"] = [
        None if d is None or d != d else "-".join(sorted((d[5:7], d[8:10]))) for d in out["dob"]
    ]


def prepare_records(records: pd.DataFrame | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Normalise raw person records into the columns the linkage model compares.

    Input: list of dicts or DataFrame with the columns in `INPUT_COLUMNS`
    (missing columns are treated as blank; `uid` defaults to "system:source_id").
    Output columns (one row per record, same order):
    uid, system, source_id, fn, mn, sn, fn_key (nickname-canonical), sn_fn_key (the
    surname read as a forename, nickname-canonical), fn_initial,
    mn_initial, fn_mp/sn_mp (metaphone), sn_sx (soundex), fn_all/sn_all (lists incl.
    aliases), dob (ISO), dob_y/dob_m/dob_d, dob_dm, gender, pc/pc_sector/pc_district,
    phone (E.164), email, pnc, incident_keys (list).
    """
    with python_strings():
        return _prepare(records)


def _prepare(records: pd.DataFrame | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    frame = _to_frame(records).reset_index(drop=True)
    out = pd.DataFrame({"uid": frame["uid"]})
    out["system"] = frame["system"].astype(object).map(_as_str)
    out["source_id"] = frame["source_id"].astype(object).map(_as_str)
    _name_columns(frame, out)
    _dob_columns(frame, out)
    out["gender"] = _map_unique(frame["gender"].astype(object), normalise_gender)
    out["pc"], out["pc_sector"], out["pc_district"] = _per_distinct(
        frame["postcode"], normalise_postcode, parts=3)
    out["phone"] = _map_unique(frame["phone"], normalise_phone)
    out["phone_hh"] = _household_phones(out)
    out["addr"], out["addr_bld"] = _addresses(frame)
    out["town"] = _map_unique(frame["town"].astype(object), normalise_town)
    out["email"] = _map_unique(frame["email"], normalise_email)
    out["pnc"] = _map_unique(frame["pnc_id"], normalise_pnc)
    out["incident_keys"] = [split_keys(v) for v in frame["incident_keys"]]
    out["name_pair"] = [
        "|".join(sorted((f, s))) if isinstance(f, str) and isinstance(s, str) else None
        for f, s in zip(out["fn"], out["sn"], strict=True)
    ]
    return out.astype(object).where(out.notna(), None)


def _addresses(frame: pd.DataFrame) -> list[np.ndarray]:
    """(addr, addr_bld) of each record, `normalise_address` asked once per distinct
    (line, town): both repeat across a household."""
    lines, towns = (frame[column].to_numpy(dtype=object) for column in ("address_line", "town"))
    codes = combined_codes(pd.factorize(lines)[0], pd.factorize(towns)[0])
    first = np.unique(codes, return_index=True)[1]  # codes count up in order of appearance
    return _by_code([normalise_address(_as_str(lines[k]), _as_str(towns[k]))
                     for k in first.tolist()], codes, parts=2)


def _household_phones(out: pd.DataFrame) -> list[str | None]:
    """The phone again when several people give it (a household landline, a borrowed
    phone), else None: records carrying it have different forename initials (nicknames
    made canonical; not a name swapped or clipped, `names.one_persons_names`) or years
    of birth more than two apart.

    Such a phone, and any landline, says "same household", not "same person"; the model
    scores it at its own level and clustering does not count it as corroboration.
    """
    frame = pd.DataFrame({"phone": out["phone"], "i": out["fn_key"].str[:1],
                          "f": out["fn"].str[:1], "s": out["sn"].str[:1], "fn": out["fn"],
                          "k": out["fn_key"],
                          "y": pd.to_numeric(out["dob_y"], errors="coerce")})
    frame = frame[frame["phone"].notna()]
    grouped = frame.groupby("phone")
    initials = grouped["i"].nunique()
    spread = grouped["y"].max() - grouped["y"].min()
    several = frame[frame["phone"].isin(initials[initials > 1].index)]
    names: dict[str, list[tuple]] = defaultdict(list)
    for phone, i, f, s, forename, key in zip(several["phone"], several["i"], several["f"],
                                             several["s"], several["fn"], several["k"],
                                             strict=True):
        names[phone].append((i, f, s, (forename, key)))
    shared = {phone for phone, rows in names.items() if not one_persons_names(rows)}
    shared |= set(spread[spread > 2].index)
    # a UK landline (01, 02, 03 numbers) rings in a home, not in one person's pocket
    return [p if p in shared or (isinstance(p, str) and p.startswith(LANDLINE_PREFIXES)) else None
            for p in out["phone"]]


_LIST_COLUMNS = ("fn_all", "sn_all", "incident_keys")
_STRING_COLUMNS = (
    "uid",
    "system",
    "source_id",
    "fn",
    "mn",
    "sn",
    "fn_key",
    "sn_fn_key",
    "fn_initial",
    "mn_initial",
    "fn_mp",
    "sn_mp",
    "sn_sx",
    "dob",
    "dob_y",
    "dob_m",
    "dob_d",
    "dob_dm",
    "gender",
    "pc",
    "pc_sector",
    "pc_district",
    "phone",
    "phone_hh",
    "email",
    "pnc",
    "addr",
    "addr_bld",
    "town",
    "name_pair",
    # blocking only, set by engine.train (`_bounded_identifier_blocks`); blank elsewhere
    "phone_blk",
    "email_blk",
    "pnc_blk",
    "pc_blk",
    "bld_blk",
)

#: Arrow schema of `prepare_records` output (DuckDB needs types even for blank columns).
PREPARED_SCHEMA = pa.schema(
    [(c, pa.string()) for c in _STRING_COLUMNS]
    + [(c, pa.list_(pa.string())) for c in _LIST_COLUMNS]
)

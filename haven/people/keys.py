"""Normalised keys of one record, per record (no pandas), consistent with the linkage engine.

The linkage engine (`haven.people.linkage.normalise`) prepares whole frames for Splink;
the call-time lookup and incremental linkage need the same normal forms for one record
at a time, in microseconds. Both use the engine's own normalisers, so "(07700) 900 123"
and "+447700900123" or "cv34 4aa" and "CV34 4AA" agree here exactly as they do there.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from haven.core.calendar import typed_date
from haven.people.linkage.nicknames import canonical_key
from haven.people.linkage.normalise import (
    alias_names,
    forename_set,
    forename_tokens,
    former_without_forename,
    metaphone,
    name_fields,
    name_tokens,
    normalise_email,
    normalise_gender,
    normalise_phone,
    normalise_pnc,
    normalise_postcode,
    soundex,
    surname_holds_more,
    surname_set,
    surname_tokens,
    with_former_surname,
)

KEY_FIELDS = ("sn_key", "sn_phonetic", "fn_key", "phone_norm", "postcode_norm")


def _squash(token: str) -> str:
    return token.replace("-", "")


def surname_key(value: Any) -> str:
    return "".join(_squash(t) for t in surname_tokens(value))


def forename_key(value: Any) -> str:
    tokens = forename_tokens(value)
    return _squash(tokens[0]) if tokens else ""


def iso_date(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        typed = typed_date(text)  # "27/03/1984", as a handler types it
        return typed.isoformat() if typed else None


def _surname_keys(value: Any) -> tuple[str, str]:
    sn = surname_key(value)
    return sn[:100], (metaphone(sn) or "")[:32] if sn else ""


def _forename_block_key(value: Any) -> str:
    fn = forename_key(value)
    return (canonical_key(fn) or "")[:100] if fn else ""


def _phone_key(value: Any) -> str:
    return (normalise_phone(value) or "")[:20]


def _postcode_key(value: Any) -> str:
    return (normalise_postcode(value)[0] or "")[:10]


# Names (and postcodes) repeat a lot across a force's records: each distinct text is
# normalised once. Pure functions of the text, so a cached answer is always the same answer.
_CACHED = {f: lru_cache(maxsize=131072)(f)
           for f in (_surname_keys, _forename_block_key, _phone_key, _postcode_key)}


def _key(function, value: Any):
    if value.__class__ is str:
        return _CACHED[function](value)
    return function(value)  # None, numbers or anything else: as before, uncached


def blocking_key_values(surname: Any, forename: Any, phone: Any,
                        postcode: Any) -> tuple[str, str, str, str, str]:
    """The blocking keys as a tuple in `KEY_FIELDS` order (the bulk form for ingest)."""
    if surname_holds_more(surname):
        forename, surname, _ = name_fields(forename, surname)
    sn_key, sn_phonetic = _key(_surname_keys, surname)
    return (sn_key, sn_phonetic, _key(_forename_block_key, forename), _key(_phone_key, phone),
            _key(_postcode_key, postcode))


def blocking_keys(fields: dict) -> dict[str, str]:
    """The indexed blocking columns of a SourceRecord, from its raw fields."""
    return dict(zip(KEY_FIELDS, blocking_key_values(
        fields.get("surname"), fields.get("forename"), fields.get("phone"),
        fields.get("postcode")), strict=True))


def profile(fields: dict) -> dict[str, Any]:
    """Comparison-ready values of one record (a light mirror of `prepare_records`)."""
    forename, surname, former = name_fields(fields.get("forename"), fields.get("surname"))
    fore = forename_tokens(forename)
    middle = [*fore[1:], *name_tokens(fields.get("middle_names"))]
    sn = surname_key(surname)
    fn = _squash(fore[0]) if fore else ""
    aliases = alias_names(with_former_surname(fields.get("aliases"), forename, former))
    fn_all = set(forename_set(fore[0] if fore else "", aliases) or ())
    # As the engine: the surname, each part of a double-barrelled one, alias surnames, so
    # "Marshall-Collier" and "Marshall" share a surname here as they do in the model.
    sn_all = set(surname_set(surname_tokens(surname), aliases,
                             former_without_forename(forename, former)) or ())
    pc, sector, district = normalise_postcode(fields.get("postcode"))
    return {
        "fn": fn or None,
        "mn": _squash(middle[0]) if middle else None,
        "sn": sn or None,
        "fn_all": fn_all,
        "sn_all": sn_all,
        "fn_mp": metaphone(fn) if fn else None,
        "sn_mp": metaphone(sn) if sn else None,
        "sn_sx": soundex(sn) if sn else None,
        "dob": iso_date(fields.get("date_of_birth")),
        "gender": normalise_gender(fields.get("gender")),
        "pc": pc,
        "pc_sector": sector,
        "pc_district": district,
        "phone": normalise_phone(fields.get("phone")),
        "email": normalise_email(fields.get("email")),
        "pnc": normalise_pnc(fields.get("pnc_id")),
    }

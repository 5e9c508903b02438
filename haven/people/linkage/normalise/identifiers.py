"""Fields read whole, one value each: phone, e-mail, PNC id and gender.

Each system types these its own way ("(07700) 900 123" and "+447700900123"); the
functions here give the one form two records must share to agree, or None for a blank or
a placeholder. (A phone shared by a household is decided on the whole frame: `frame`.)
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import phonenumbers

from .placeholders import _PLACEHOLDER_EMAIL_DOMAINS, _PLACEHOLDER_EMAIL_USERS

#: A UK landline (01, 02, 03 numbers, as `normalise_phone` writes them) rings in a home,
#: not in one person's pocket: the model reads it as a household's phone.
LANDLINE_PREFIXES = ("+441", "+442", "+443")
_PNC_RE = re.compile(r"^(?:\d{2})?(\d{2})/?0*(\d{1,7})([A-Z])$")
_UK_MOBILE_OR_GEO_RE = re.compile(r"^(?:0|44|0044)([1-9]\d{8,9})$")
_UK_TRUNK_ZERO_RE = re.compile(r"^440([1-9]\d{9})$")


@lru_cache(maxsize=65536)
def _phone_via_library(raw: str) -> str | None:
    try:
        parsed = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(value: Any) -> str | None:
    """E.164 form of a phone number typed in any UK format, or None.

    Common UK shapes (0..., 44..., 0044...) are handled by a digit fast path
    that gives the same answer as `phonenumbers` (tested); anything else goes
    through `phonenumbers.parse(..., "GB")`. A cell holding several numbers gives the
    first real one.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    raw = str(value).strip()
    if not raw:
        return None
    e164 = _real_number(_e164(raw))
    if e164 is None and len(runs := _PHONE_RUN_RE.findall(raw)) > 1:
        # Systems keep one phone field and users type every number they are given into
        # it: the first that reads is the one the user put first (the record keeps all).
        e164 = next(filter(None, (_real_number(_e164(run.strip())) for run in runs)), None)
    if e164 is None:
        e164 = _first_of_two(re.sub(r"\D", "", raw))
    return e164


def _first_of_two(digits: str) -> str | None:
    """The first real number of two UK numbers typed with only spaces between them
    ("07700 900123 01926 415000" is one run of 22 digits): split where the second's
    trunk 0 starts, the first taking the 11 digits nearly every UK number has (or 10)."""
    if not 20 <= len(digits) <= 22 or digits[0] != "0":
        return None
    for cut in (11, 10):
        if digits[cut] == "0" and 10 <= len(digits) - cut <= 11:
            found = _real_number(_e164(digits[:cut])) or _real_number(_e164(digits[cut:]))
            if found:
                return found
    return None


# A phone-shaped run in a cell that holds several ("07700 900123 / 01926 415000",
# "mob 07700 900123 home 01926 415000").
_PHONE_RUN_RE = re.compile(r"\+?\(?\d[\d \-()]{7,}\d")


def _real_number(e164: str | None) -> str | None:
    """None for a number typed when the real one was not known: every digit after the
    first one alike ("07000 000000", "07777 777777") or counting up ("07123 456789")."""
    if e164 is None:
        return None
    rest = e164[3:] if e164.startswith("+44") else e164.lstrip("+")
    if len(set(rest[1:])) <= 1 or rest[1:] in ("123456789", "234567890", "987654321"):
        return None
    return e164


def _e164(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    match = _UK_MOBILE_OR_GEO_RE.match(digits)
    if match and (raw.startswith(("0", "+44", "(0", "44", "0044"))):
        return "+44" + match.group(1)
    # "+44 (0)7700 900123": the international form with the trunk 0 kept in brackets
    match = _UK_TRUNK_ZERO_RE.match(digits)
    if match and raw.startswith("+44"):
        return "+44" + match.group(1)
    return _phone_via_library(raw)


# One address in a cell: "a@x.com; b@y.com", "mailto:a@x.com", "Ann <a@x.com>".
_EMAIL_RE = re.compile(r"[^\s;,<>()\[\]:/\\\"]+@[^\s;,<>()\[\]/\\\"']+")


def normalise_email(value: Any) -> str | None:
    """Lower-cased, trimmed e-mail; None when blank or without an '@'."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().lower()
    if "@" not in text or text.startswith("@"):
        return None
    if text.count("@") == 1 and _EMAIL_RE.fullmatch(text):
        return _real_email(text)
    # Several addresses, or one with a label or brackets round it: the first real one.
    return next(filter(None, (_real_email(found.group(0).rstrip("."))
                              for found in _EMAIL_RE.finditer(text))), None)


def _real_email(text: str) -> str | None:
    user, _, domain = text.rpartition("@")
    if user in _PLACEHOLDER_EMAIL_USERS or domain in _PLACEHOLDER_EMAIL_DOMAINS:
        return None
    return text


def normalise_pnc(value: Any) -> str | None:
    """PNC id as YY/NNNNNNNL ("2012/345678a" and "12/0345678A" agree)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = re.sub(r"\s", "", str(value).upper())
    if not text:
        return None
    match = _PNC_RE.match(text)
    if not match:
        return text
    year, serial, letter = match.groups()
    return f"{year}/{int(serial):07d}{letter}"


def normalise_gender(value: Any) -> str | None:
    """'M', 'F', 'X' or None (anything else is treated as not recorded)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().upper()[:1]
    return text if text in {"M", "F", "X"} else None

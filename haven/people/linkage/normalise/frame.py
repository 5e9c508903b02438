"""Normalisation of raw person records into comparison-ready columns.

Every source system types names, dates, phones and postcodes its own way.
The model only ever compares the normalised columns built here, so that
"(07700) 900 123" and "+447700900123", or "sw1a1aa" and "SW1A 1AA", agree
exactly. Functions work column-wise (pandas) and map expensive per-value
work (phonetics, nicknames) over *unique* values only, which keeps
preparation of a million records to seconds.
"""

from __future__ import annotations

import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import jellyfish
import pandas as pd
import phonenumbers
import pyarrow as pa
from anyascii import anyascii

from ..nicknames import canonical_forenames, canonical_key

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

# What records hold when the real value was not known ("Unknown", "N/K", "No fixed abode",
# "ZZ99 3VZ", "07000 000000", "none@none.com"): the same words on two records say nothing
# about whether they are one person (two homeless men of one name are not one man because
# both are "NFA"), so linkage reads them as blank. The record keeps what was given.
_NOT_KNOWN = frozenset({"unknown", "not known", "nk", "none", "refused", "withheld",
                        "not given", "tbc", "tba", "xx", "xxx"})
PLACEHOLDER_NAMES = _NOT_KNOWN | {
    "unk", "notknown", "anon", "anonymous", "no name", "noname", "person unknown",
    "unknown person", "unknown male", "unknown female"}
PLACEHOLDER_PLACES = _NOT_KNOWN | {
    "no fixed abode", "of no fixed abode", "nfa", "n f a", "no fixed address", "homeless",
    "address unknown", "unknown address", "n k", "no address"}
#: Postcodes (upper case, no spaces) that are not a place; every "ZZ99" code is one of the
#: NHS pseudo-postcodes ("ZZ99 3VZ": no fixed abode).
PLACEHOLDER_POSTCODES = frozenset({
    "NFA", "NK", "NA", "UNKNOWN", "NOTKNOWN", "NONE", "NIL", "TBC", "TBA", "XX", "XXX",
    "REFUSED", "WITHHELD"})
_PLACEHOLDER_EMAIL_USERS = frozenset({
    "none", "noemail", "no.email", "no-email", "no_email", "nomail", "unknown", "notknown",
    "not.known", "na", "n/a", "nil", "noreply", "no-reply", "refused", "test", "x", "xx",
    "xxx"})
_PLACEHOLDER_EMAIL_DOMAINS = frozenset({
    "none.com", "noemail.com", "nomail.com", "unknown.com", "notknown.com", "na.com"})

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "rev", "sir", "dame", "lady", "lord"})
# Titles that are also surnames; "Mr" or "Dr" alone is a placeholder, never a name.
_TITLES_THAT_ARE_NAMES = frozenset({"lord", "lady", "sir", "dame"})
_SUFFIXES = frozenset({"jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv"})
_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_PNC_RE = re.compile(r"^(?:\d{2})?(\d{2})/?0*(\d{1,7})([A-Z])$")
_NON_LETTER_RE = re.compile(r"[^a-z\s-]")
_UK_MOBILE_OR_GEO_RE = re.compile(r"^(?:0|44|0044)([1-9]\d{8,9})$")
_UK_TRUNK_ZERO_RE = re.compile(r"^440([1-9]\d{9})$")


def latin(text: str) -> str:
    """The text in plain Latin letters: accents taken off and letters that have no
    accent to take off written as English spells them ("Paweł" -> "Pawel", "Strauß" ->
    "Strauss", "Александр" -> "Aleksandr"). Dropping them instead made "Paweł" "pawe",
    a different name from the "Pawel" another system typed, and a name in Cyrillic blank.
    (`anyascii`: a maintained table for every script, where a hand list would miss some.)"""
    return text if text.isascii() else anyascii(text)


@lru_cache(maxsize=262144)
def clean_name(value: str | None) -> str:
    """Lower-case, strip accents, apostrophes and punctuation; keep spaces and hyphens; a
    full stop parts words.

    "O'Brien" -> "obrien", "  Zoë " -> "zoe", "Łukasz" -> "lukasz", "J.P." -> "j p",
    "St.John" -> "st john". Returns "" for blanks. (A full stop dropped like the other
    marks made "J.P." one name "jp", which agreed with no John Paul.)
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = latin(str(value)).lower().replace("'", "").replace(".", " ")
    text = _NON_LETTER_RE.sub("", text)
    return " ".join(text.replace("-", " - ").split()).replace(" - ", "-").strip("-")


def name_tokens(value: str | None) -> list[str]:
    """Name tokens without titles and generational suffixes ("Mr John Smith Jr" -> john, smith).

    A title-word that is the whole name is the name: the surname "Lord" (a common English
    surname) was read as a title and left blank, so every Lord was a person without a
    surname to the matcher and could not be found by it at call time."""
    cleaned = clean_name(value)
    if cleaned in PLACEHOLDER_NAMES or cleaned.replace(" ", "") in PLACEHOLDER_NAMES:
        return []  # "N.K." as well as "NK"
    tokens = [t for t in cleaned.split() if t not in _SUFFIXES]
    named = [t for t in tokens if t not in _TITLES]
    return named or [t for t in tokens if t in _TITLES_THAT_ARE_NAMES]


_VOWELS = frozenset("aeiouy")
_NOT_INITIALS = frozenset({"ng"})  # a surname exported in the forename field, as often


def forename_tokens(value: str | None) -> list[str]:
    """`name_tokens` of a forename field, initials typed together read as initials: "JP"
    is J. P., as "J P" and "J.P." are. A forename of two letters with no vowel is initials
    unless the table knows it ("Wm" is William); "Al" and "Jo" stay names. Three letters
    with no vowel are far more often a name typed without its vowel ("Jhn") than three
    initials, and stay as typed. Read as one name, "jp" agreed with no record of John
    Paul, not even on its initial."""
    out = []
    for token in name_tokens(value):
        if (len(token) == 2 and token.isalpha() and _VOWELS.isdisjoint(token)
                and token not in _NOT_INITIALS and canonical_forenames(token) == (token,)):
            out.extend(token)
        else:
            out.append(token)
    return out


# "Saint John", "St John", "St. John", "St-John" and "StJohn" are one surname.
_SAINT_RE = re.compile(r"^saint(?=$|-)")
# Words that begin a surname rather than make one: "van" alone is no one's surname in
# "Van Dijk", so the parts of a surname of several words leave them out.
_SURNAME_PARTICLES = frozenset({
    "st", "van", "von", "vander", "de", "der", "den", "du", "da", "di", "del", "della",
    "dos", "das", "la", "le", "al", "el", "bin", "ben", "ibn", "ap", "mac", "mc", "ten", "ter"})


def surname_tokens(value: str | None) -> list[str]:
    """`name_tokens` of a surname field, "Saint" written "st" as most systems abbreviate it."""
    return [_SAINT_RE.sub("st", token) for token in name_tokens(value)]


def _squash(token: str) -> str:
    """Drop hyphens so "smith-jones" and "smithjones" compare equal."""
    return token.replace("-", "")


@lru_cache(maxsize=262144)
def metaphone(token: str) -> str | None:
    """Metaphone code of a cleaned token (None for blanks)."""
    return jellyfish.metaphone(token) or None if token else None


@lru_cache(maxsize=262144)
def soundex(token: str) -> str | None:
    """Soundex code of a cleaned token (None for blanks)."""
    return jellyfish.soundex(token) or None if token else None


def normalise_postcode(value: Any) -> tuple[str | None, str | None, str | None]:
    """(full, sector, district) of a UK postcode in any case/spacing.

    "sw1a 1aa" -> ("SW1A1AA", "SW1A1", "SW1A"). Unparseable postcodes keep the
    cleaned full value (so identical junk still agrees) but no sector/district.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None, None, None
    cleaned = re.sub(r"[^A-Z0-9]", "", str(value).upper())
    if not cleaned or cleaned in PLACEHOLDER_POSTCODES or cleaned.startswith("ZZ99"):
        return None, None, None
    match = _POSTCODE_RE.match(cleaned)
    if not match:
        return cleaned, None, None
    outward, inward = match.groups()
    return cleaned, outward + inward[0], outward


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


#: Dates systems put in when the real one is not known ("1900-01-01").
PLACEHOLDER_DATES = frozenset({"1900-01-01", "1901-01-01", "1899-12-31", "1970-01-01"})


def parse_dob(value: Any, today: date | None = None) -> str | None:
    """ISO date string, or None if blank, unparseable, a placeholder or in the future."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()[:10]
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        return None
    if parsed > (today or date.today()) or parsed.year <= 1900:
        return None
    iso = parsed.isoformat()
    return None if iso in PLACEHOLDER_DATES else iso


def year_only(iso: str | None) -> bool:
    """1 January is what a system stores when only the year was known: treat the day and
    month as not recorded (a person truly born on 1 January loses a little evidence)."""
    return bool(iso) and iso[5:] == "01-01"


_ABBREVIATIONS = {
    "st": "street", "rd": "road", "ave": "avenue", "av": "avenue", "ln": "lane",
    "cl": "close", "dr": "drive", "cres": "crescent", "ct": "court", "pl": "place",
    "gdns": "gardens", "terr": "terrace", "ter": "terrace", "sq": "square", "gr": "grove",
    "hse": "house", "pk": "park", "wy": "way", "mt": "mount", "sth": "south", "nth": "north",
}
_FLAT_WORDS = ("flat", "apartment", "apt", "unit", "room")
_FLAT_RE = re.compile(r"^(?:flat|apartment|apt|unit|room)\s*(\w+)[\s,]+(.*)$")
# "14 High Street, Flat 2": the flat written after the street
# ("12 Beverley Flats" is a building's name, not flat "s")
_FLAT_LAST_RE = re.compile(r"^(\d+[a-z]?\s+.*?)\s+(?:flat|apartment|apt|unit|room)\s+(\d+[a-z]?)$")
_SLASH_RE = re.compile(r"^(\w+)\s*/\s*(\d+\w?)\s+(.*)$")
_NUMBER_RE = re.compile(r"^(\d+[a-z]?)\s+(.*)$")


# Words that end a street's name in England (for telling the street from the town after it).
_STREET_TYPES = frozenset({
    "street", "road", "lane", "avenue", "close", "drive", "way", "crescent", "court", "place",
    "terrace", "grove", "gardens", "walk", "row", "square", "mews", "parade", "rise", "hill",
    "view", "green", "park", "vale", "gate", "croft", "meadow", "meadows", "fields", "mount",
    "wharf", "quay", "yard", "chase", "glade", "hollow", "path", "passage", "cottages"})
_NOT_A_WORD_RE = re.compile(r"[^a-z0-9 /]")
_NOT_A_TOWN_LETTER_RE = re.compile(r"[^a-z ]")
_HOUSE_NUMBER_RE = re.compile(r"(?:^|\s)\d+[a-z]?(?:/\d+[a-z]?)?\s+[a-z]")  # "14 high", "2/14 h"
_TRAILING_POSTCODE_RE = re.compile(r"\s*\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\s*$")


def _names_a_street(words: list[str]) -> bool:
    """A street type after the first word ("church st", "high street"; not "st albans")."""
    return bool(words) and bool(_STREET_TYPES.intersection(words[1:])
                                or _ABBREVIATIONS.get(words[-1]) in _STREET_TYPES)


def _without_locality(line: str) -> str:
    """The address line without the town, county or postcode typed after the street
    ("14 high street, warwick, cv34 4aa" -> "14 high street"): the contract has columns for
    those, and a record that repeats them in the line would otherwise not be the same
    house as one that does not. The street is the later of the first part with a house
    number and the last part naming a street type ("church st", not "st albans"); after it,
    parts with no digit once a trailing postcode is taken off go ("flat 2" stays). A line
    with neither is left whole."""
    if "," not in line:
        return line
    parts = line.split(",")
    street_at = None
    for index, part in enumerate(parts):
        cleaned = _NOT_A_WORD_RE.sub(" ", part)
        words = cleaned.split()
        house = street_at is None and _HOUSE_NUMBER_RE.search(cleaned)
        street = _names_a_street(words)
        if house or street:
            street_at = index
    if street_at is None or street_at == len(parts) - 1:
        return line
    after = [part for part in parts[street_at + 1:]
             if any(c.isdigit() for c in _TRAILING_POSTCODE_RE.sub("", part))]
    return ",".join(parts[:street_at + 1] + after)


def _without_town(text: str, town: str | None) -> str:
    """The line without the record's own town typed after the street with no comma
    ("14 high street warwick cv34 4aa", town Warwick -> "14 high street"): a trailing
    postcode goes, and then the town when what is left still names a house (a number or
    a street type). Without the town column nothing else is taken: "14 Hill Top" is a
    street, not "14 Hill" in a town called Top."""
    if len(text) >= 5 and text[-3].isdigit():  # a trailing postcode ends digit, two letters
        text = _TRAILING_POSTCODE_RE.sub("", text)
    town = _town(town) if town else None
    if town and text.endswith(" " + town):
        rest = text[:-len(town) - 1].split()
        if len(rest) >= 2 and (any(c.isdigit() for c in rest[0]) or _names_a_street(rest)):
            return " ".join(rest)
    return text


@lru_cache(maxsize=262144)
def normalise_address(value: str | None, town: str | None = None
                      ) -> tuple[str | None, str | None]:
    """(flat-aware key, building key) of an address line; `town`, the record's own town
    column, is taken off the end of a line that repeats it.

    "Flat 3, 12 High St." and "3/12 HIGH STREET" -> ("3/12 high street", "12 high street");
    "12, High Street" -> ("12 high street", "12 high street"). None for blanks.
    """
    if not value:
        return None, None
    text = _NOT_A_WORD_RE.sub(" ", _without_locality(latin(str(value)).lower()).replace(",", " "))
    text = _without_town(" ".join(text.split()), town)
    if not text or text in PLACEHOLDER_PLACES:
        return None, None
    flat = None
    # (each pattern tried only where its word or mark is there: a relink reads a million
    # lines, most of them a number and a street)
    has_flat_word = any(word in text for word in _FLAT_WORDS)
    if has_flat_word and (match := _FLAT_RE.match(text)):
        flat, text = match.groups()
    elif has_flat_word and (match := _FLAT_LAST_RE.match(text)):
        text, flat = match.groups()
    elif "/" in text and (match := _SLASH_RE.match(text)):
        flat, number, rest = match.groups()
        text = f"{number} {rest}"
    tokens = [_ABBREVIATIONS.get(t, t) for t in text.split()]
    building = " ".join(tokens)
    return (f"{flat}/{building}" if flat else building), building


def normalise_town(value: Any) -> str | None:
    """Lower-case town without punctuation; None when blank."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return _town(str(value))


@lru_cache(maxsize=4096)  # a force has few towns, and each line of an address asks again
def _town(value: str) -> str | None:
    text = " ".join(_NOT_A_TOWN_LETTER_RE.sub(" ", latin(value).lower()).split())
    return text if text and text not in PLACEHOLDER_PLACES else None


def split_keys(value: Any) -> list[str] | None:
    """';'-separated keys as a sorted list, None when there are none."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, list | tuple | set):
        keys = {str(v).strip() for v in value if str(v).strip()}
    else:
        keys = {part.strip() for part in str(value).split(";") if part.strip()}
    return sorted(keys) or None


# "Smith (nee Jones)", "SMITH NÉE JONES", "Smith formerly Jones": a former surname typed
# into the surname field (the surname "Nee" alone is a surname, so both sides must be there)
_FORMER_SURNAME_RE = re.compile(
    r"^(.*?\w.*?)[\s,]*[(\[]?\s*\b(?:nee|formerly|maiden name)\b[\s.:]*([^)\]]*\w[^)\]]*)"
    r"[)\]]?\s*$", re.IGNORECASE)


_FORMER_WORD = re.compile(r"(?i)\b(?:nee|née|formerly|maiden name)\b").search


def surname_holds_more(surname: Any) -> bool:
    """A cheap test for a surname field `name_fields` may read differently (a comma, or a
    word that introduces a former surname)."""
    return isinstance(surname, str) and ("," in surname or bool(_FORMER_WORD(surname)))


@lru_cache(maxsize=262144)
def name_fields(forename: str | None, surname: str | None) -> tuple[str, str, str]:
    """(forename, surname, former surname) as the fields mean them, where a system's users
    typed more into the surname: "Smith (nee Jones)" is Smith, formerly Jones; "Smith, Ann"
    with no forename is Ann Smith (a control room's one name field exported as surname).
    Read whole, "smithneejones" agreed with no record of Ann Smith or Ann Jones."""
    forename, surname = forename or "", surname or ""
    if not isinstance(surname, str) or not surname:
        return forename, surname, ""
    former = ""
    if match := _FORMER_SURNAME_RE.match(latin(surname)):
        surname, former = match.group(1).strip(" ,"), match.group(2).strip()
    if not forename and surname.count(",") == 1:
        last, _, first = surname.partition(",")
        if last.strip() and first.strip():
            forename, surname = first.strip(), last.strip()
    return forename, surname, former


def with_former_surname(aliases: Any, forename: str, former: str) -> Any:
    """The aliases with the former surname as one more ("Ann Jones"): an alias is a forename
    and surname, so without a forename the former surname is left to the record as typed."""
    if not former or not name_tokens(forename):
        return aliases
    text = _text(aliases)
    return f"{text}; {forename} {former}" if text.strip() else f"{forename} {former}"


def alias_names(aliases: Any) -> list[list[str]]:
    """Each ';'-separated alias as its list of name tokens."""
    if aliases is None or (isinstance(aliases, float) and aliases != aliases):
        return []
    return [toks for part in str(aliases).split(";") if (toks := name_tokens(part))]


def surname_set(tokens: list[str], aliases: list[list[str]]) -> list[str] | None:
    """All surnames a person is known by (`tokens`: the surname's, from `surname_tokens`):
    surname, its hyphen parts, alias surnames."""
    out: set[str] = set()
    several = len(tokens) > 1
    for token in tokens:
        if not (several and token in _SURNAME_PARTICLES):
            out.add(_squash(token))
        out.update(p for p in token.split("-") if len(p) > 1 and p not in _SURNAME_PARTICLES)
    if tokens:
        out.add("".join(_squash(t) for t in tokens))
    for alias in aliases:
        if len(alias) >= 2:
            out.add(_squash(alias[-1]))
            out.update(p for p in alias[-1].split("-") if len(p) > 1)
    return sorted(out) or None


def forename_set(forename: str, aliases: list[list[str]]) -> list[str] | None:
    """Canonical forenames a person is known by, including alias forenames and each part
    of a hyphenated forename (Mary-Jane is also known as Mary)."""
    out: set[str] = set(canonical_forenames(_squash(forename))) if forename else set()
    if "-" in forename:
        for part in forename.split("-"):
            if len(part) > 1:
                out.update(canonical_forenames(part))
    for alias in aliases:
        if len(alias) >= 2:
            out.update(canonical_forenames(_squash(alias[0])))
    return sorted(out) or None


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
    uniques = series.drop_duplicates()
    mapping = {v: func(v) for v in uniques}
    return series.map(mapping)


def _text(value: Any) -> str:
    """A cell as text, "" for None/NaN."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _cached(cache: dict, key: Any, compute) -> Any:
    """Memoise per call of prepare_records (the value lists are shared, never mutated)."""
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _name_columns(frame: pd.DataFrame, out: pd.DataFrame) -> None:
    _read_name_fields(frame)
    fore_tokens = _map_unique(frame["forename"].astype(object), forename_tokens)
    middle_tokens = _map_unique(frame["middle_names"].astype(object), name_tokens)
    sur_tokens = _map_unique(frame["surname"].astype(object), surname_tokens)
    # A forename field holding "John Paul" keeps "paul" as a middle name.
    out["fn"] = fore_tokens.map(lambda t: _squash(t[0]) if t else None)
    # (the first of the forename's other tokens, else of the middle names; no list is built
    # per record: a million records)
    out["mn"] = [_squash(f[1]) if len(f) > 1 else (_squash(m[0]) if m else None)
                 for f, m in zip(fore_tokens.tolist(), middle_tokens.tolist(), strict=True)]
    out["sn"] = sur_tokens.map(lambda t: "".join(_squash(x) for x in t) if t else None)
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
        _cached(sn_all, (s, a), lambda s=s, a=a: surname_set(surname_tokens(s), alias_names(a)))
        for s, a in zip(frame["surname"].map(_text).tolist(), raw_aliases, strict=True)
    ]


def _read_name_fields(frame: pd.DataFrame) -> None:
    """`name_fields` on the frame (in place): only rows whose surname holds a comma or a
    former surname change."""
    surnames = frame["surname"]
    odd = [name for name in surnames.unique() if surname_holds_more(name)]  # each once
    if not odd:
        return
    rows = frame.index[surnames.isin(odd).to_numpy()]
    read = [name_fields(_text(f), s) for f, s in zip(frame.loc[rows, "forename"],
                                                     frame.loc[rows, "surname"], strict=True)]
    frame.loc[rows, "forename"] = [forename for forename, _, _ in read]
    frame.loc[rows, "surname"] = [surname for _, surname, _ in read]
    frame.loc[rows, "aliases"] = [
        with_former_surname(aliases, forename, former)
        for aliases, (forename, _, former) in zip(frame.loc[rows, "aliases"], read, strict=True)]


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
    postcodes = _map_unique(frame["postcode"].astype(object), normalise_postcode)
    out["pc"] = postcodes.map(lambda t: t[0])
    out["pc_sector"] = postcodes.map(lambda t: t[1])
    out["pc_district"] = postcodes.map(lambda t: t[2])
    out["phone"] = _map_unique(frame["phone"], normalise_phone)
    out["phone_hh"] = _household_phones(out)
    seen: dict[tuple, tuple] = {}  # each (line, town) once: both repeat across a household
    addresses = pd.Series([
        seen[key] if key in seen else seen.setdefault(key, normalise_address(*key))
        for key in zip(frame["address_line"].map(_as_str), frame["town"].map(_as_str),
                       strict=True)], dtype=object)
    out["addr"] = addresses.map(lambda t: t[0])
    out["addr_bld"] = addresses.map(lambda t: t[1])
    out["town"] = _map_unique(frame["town"].astype(object), normalise_town)
    out["email"] = _map_unique(frame["email"], normalise_email)
    out["pnc"] = _map_unique(frame["pnc_id"], normalise_pnc)
    out["incident_keys"] = [split_keys(v) for v in frame["incident_keys"]]
    out["name_pair"] = [
        "|".join(sorted((f, s))) if isinstance(f, str) and isinstance(s, str) else None
        for f, s in zip(out["fn"], out["sn"], strict=True)
    ]
    return out.astype(object).where(out.notna(), None)


def _household_phones(out: pd.DataFrame) -> list[str | None]:
    """The phone again when several people give it (a household landline, a borrowed
    phone), else None: records carrying it have different forename initials (nicknames
    made canonical) or years of birth more than two apart.

    Such a phone, and any landline, says "same household", not "same person"; the model
    scores it at its own level and clustering does not count it as corroboration.
    """
    frame = pd.DataFrame({"phone": out["phone"], "i": out["fn_key"].str[:1],
                          "f": out["fn"].str[:1], "s": out["sn"].str[:1],
                          "y": pd.to_numeric(out["dob_y"], errors="coerce")})
    frame = frame[frame["phone"].notna()]
    grouped = frame.groupby("phone")
    initials = grouped["i"].nunique()
    spread = grouped["y"].max() - grouped["y"].min()
    several = frame[frame["phone"].isin(initials[initials > 1].index)]
    names: dict[str, list[tuple]] = defaultdict(list)
    for phone, *initials_of in zip(several["phone"], several["i"], several["f"], several["s"],
                                   strict=True):
        names[phone].append(tuple(initials_of))
    shared = {phone for phone, rows in names.items() if not _one_name_swapped(rows)}
    shared |= set(spread[spread > 2].index)
    # a UK landline (01, 02, 03 numbers) rings in a home, not in one person's pocket
    return [p if p in shared or (isinstance(p, str) and p.startswith(_LANDLINE_PREFIXES)) else None
            for p in out["phone"]]


_LANDLINE_PREFIXES = ("+441", "+442", "+443")


def _one_name_swapped(initials: list[tuple]) -> bool:
    """The forename initials (canonical, as given; surname initial) of the records giving
    one phone differ only where a record has forename and surname typed into each other's
    fields ("Webb Kenneth" beside "Kenneth Webb"): one person, not a household."""
    rows = [r for r in initials if isinstance(r[0], str)]
    return all(a[0] == b[0] or (a[1] == b[2] and a[2] == b[1])
               for k, a in enumerate(rows) for b in rows[k + 1:])


#: Roles whose holder is one person per incident in practice (children and witnesses are
#: often several).
FINGERPRINT_ROLES = frozenset({"victim", "suspect"})


def incident_fingerprints(occurred_at: Any, address_line: Any, postcode: Any,
                          role: str) -> list[str]:
    """Keys that one real incident gets in every system that recorded it.

    Systems give an incident their own ids and record its time loosely, so the key is
    the role, the place (building from the address line, and the full postcode) and the
    date; a time within four hours of midnight also gives the neighbouring date. Two
    records with one fingerprint were the victim (or the suspect) of one event.

    `occurred_at` may also be a database's stored text in UTC ("2024-05-01 23:10:00"): a
    relink reads a million of them, and turning each into a datetime first cost more than
    the fingerprints.
    """
    if role not in FINGERPRINT_ROLES or occurred_at is None:
        return []
    places = _incident_places(address_line or None, postcode or None)
    if not places:
        return []
    if isinstance(occurred_at, str):
        days = _incident_days_text(occurred_at)
    else:
        days = _incident_days(occurred_at, occurred_at.utcoffset())
    return [f"{role}|{place}|{day}" for place in places for day in days]


@lru_cache(maxsize=262144)
def _incident_places(address_line: str | None, postcode: str | None) -> tuple[str, ...]:
    """The place keys of an incident (each incident has a victim and a suspect, and a
    full relink asks for every involvement: computed once per place)."""
    places = []
    _, building = normalise_address(address_line)
    if building:
        places.append("a:" + building)
    pc, _, _ = normalise_postcode(postcode)
    if pc and _POSTCODE_RE.match(pc):
        places.append("p:" + pc)
    return tuple(places)


@lru_cache(maxsize=262144)
def _incident_days(occurred_at: Any, offset: Any) -> tuple[str, ...]:
    """The incident's date, and the neighbouring date within four hours of midnight.
    (`offset` is part of the key: one instant in two time zones has two wall times.)"""
    return _days_around(occurred_at)


def _incident_days_text(occurred_at: str) -> tuple[str, ...]:
    """`_incident_days` of a stored ISO 8601 text: UTC when it has no offset (SQLite keeps
    Django's datetimes that way), else turned into UTC first, as the database would."""
    if len(occurred_at) in (16, 19, 26) and occurred_at[10] in " T":
        # "YYYY-MM-DD HH:MM[:SS[.ffffff]]" without an offset: only the date and the hour
        # decide, and a force's million incidents fall in far fewer hours.
        return _days_of_hour(occurred_at[:13])
    moment = datetime.fromisoformat(occurred_at)
    return _days_around(moment if moment.tzinfo is None else moment.astimezone(UTC))


@lru_cache(maxsize=262144)
def _days_of_hour(date_and_hour: str) -> tuple[str, ...]:
    return _days_around(datetime.fromisoformat(date_and_hour + ":00"))


def _days_around(moment) -> tuple[str, ...]:
    day = moment.date()
    hour = moment.hour + moment.minute / 60
    if hour < 4:
        return (day.isoformat(), (day - timedelta(days=1)).isoformat())
    if hour >= 20:
        return (day.isoformat(), (day + timedelta(days=1)).isoformat())
    return (day.isoformat(),)


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

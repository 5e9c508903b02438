"""Places: postcode, address line and town.

The three are compared as one location, and intake's incident reconciliation and
fingerprints (`incidents`) key places with the same functions, so a house is the same
house to both.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .names import latin
from .placeholders import PLACEHOLDER_PLACES, PLACEHOLDER_POSTCODES

_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


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

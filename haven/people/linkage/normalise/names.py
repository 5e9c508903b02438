"""Names: forenames, middle names, surnames and aliases.

Latin letters, cleaning, tokens (titles, suffixes, initials typed together, "Saint",
particles), phonetic codes, a surname field that holds more than the surname (a former
surname, "Smith, Ann"), aliases, and the sets of forenames and surnames a person is known
by. The linkage frame (`frame`) and the call-time keys (`haven.people.keys`) both read
names through these.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import jellyfish
from anyascii import anyascii

from ..nicknames import canonical_forenames, front_clipped
from .placeholders import PLACEHOLDER_NAMES

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "rev", "sir", "dame", "lady", "lord"})
# Titles that are also surnames; "Mr" or "Dr" alone is a placeholder, never a name.
_TITLES_THAT_ARE_NAMES = frozenset({"lord", "lady", "sir", "dame"})
_SUFFIXES = frozenset({"jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv"})
_NON_LETTER_RE = re.compile(r"[^a-z\s-]")


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
    and surname, so without a forename the former surname is left out here and counted by
    `surname_set` (`former_without_forename`)."""
    if not former or not name_tokens(forename):
        return aliases
    text = _text(aliases)
    return f"{text}; {forename} {former}" if text.strip() else f"{forename} {former}"


def former_without_forename(forename: str, former: str) -> str:
    """The former surname `with_former_surname` cannot make an alias of, the record having
    no forename ("Smith (nee Jones)" alone): still one of the person's surnames."""
    return former if former and not name_tokens(forename) else ""


def alias_names(aliases: Any) -> list[list[str]]:
    """Each ';'-separated alias as its list of name tokens."""
    if aliases is None or (isinstance(aliases, float) and aliases != aliases):
        return []
    return [toks for part in str(aliases).split(";") if (toks := name_tokens(part))]


def surname_set(tokens: list[str], aliases: list[list[str]], former: str = ""
                ) -> list[str] | None:
    """All surnames a person is known by (`tokens`: the surname's, from `surname_tokens`):
    surname, its hyphen parts, alias surnames, and `former`, a former surname the record
    gives without a forename (`former_without_forename`)."""
    out: set[str] = set()
    if former_tokens := surname_tokens(former):
        out.add("".join(_squash(t) for t in former_tokens))
        out.update(p for t in former_tokens for p in t.split("-") if len(p) > 1)
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


def _text(value: Any) -> str:
    """A cell as text, "" for None/NaN."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def one_persons_names(names: list[tuple]) -> bool:
    """The names on the records giving one phone, each as (canonical forename initial,
    forename initial as given, surname initial, forenames: as given and canonical), could
    all be one person's: every two agree in their canonical forename initials, or one
    has forename and surname typed into each other's fields ("Webb Kenneth" beside
    "Kenneth Webb"), or under one surname a forename is the other clipped at the front
    ("Xander Mason" beside "Alexander Mason", "Topher" beside "Kit", canonically
    Christopher: `nicknames.front_clipped`). Otherwise the phone is a household's. Every
    two, not a chain: "Wilson Gordon" is Gordon Wilson, and shares an initial with Wendy
    Wilson, who is not him. Read by the model's household phones
    (`frame._household_phones`) and the incremental linker's (`scoring.shared_phone`)."""
    rows = [r for r in names if isinstance(r[0], str)]
    return all(a[0] == b[0] or (a[1] == b[2] and a[2] == b[1])
               or (a[2] == b[2] and any(front_clipped(x, y) for x in a[3] for y in b[3]))
               for k, a in enumerate(rows) for b in rows[k + 1:])

"""Hard conflicts: evidence that two records cannot be one person, whatever Splink scores."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import jellyfish

from .nicknames import canonical_forenames, front_clipped

logger = logging.getLogger(__name__)

def _dob_compatible(a: str, b: str) -> bool:
    """Same DOB up to the data-entry errors we tolerate.

    Tolerated: day/month swapped; one digit wrong anywhere; two digits wrong
    when the years are within two (each record may carry its own slip). Not
    tolerated: a decade-digit change plus another difference, which is what a
    parent and child of the same name look like (1956-07-28 vs 1976-01-28).
    """
    if a == b or _day_and_month_swapped(a, b):
        return True
    differing = sum(x != y for x, y in zip(a, b, strict=True))
    if differing == 1:
        return True
    return differing == 2 and abs(int(a[:4]) - int(b[:4])) <= 2


def dates_alike(a: str | None, b: str | None) -> bool:
    """Two full dates of birth (ISO) that are one, or one slip apart: day and month
    swapped, or one digit different in the day, the month or the year's last digit.
    Stricter than `_dob_compatible` (what clustering accepts on lower evidence): a digit
    different in the year's decade or century is not taken for a slip, since 1963 and
    1983 are also a mother and a daughter of one name (on the benchmark such a pair,
    accepted, joined a mother's and a daughter's records)."""
    if not a or not b or len(a) != 10 or len(b) != 10:
        return False
    if a == b or _day_and_month_swapped(a, b):
        return True
    differ = [k for k in range(10) if a[k] != b[k]]
    return len(differ) == 1 and differ[0] >= 3


def _day_and_month_swapped(a: str, b: str) -> bool:
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


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
    # or a pet name clipped at the front: "Xander" (Alexander), "Topher" (Kit -> christopher)
    return any(_similar_names(x, y) or front_clipped(x, y) for x in forms_a for y in forms_b)


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


def _swapped(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Forename and surname typed into each other's fields."""
    return bool(a.get("fn") and a.get("sn") and a["fn"] == b.get("sn") and a["sn"] == b.get("fn"))


def _surnames_alike(x: str, y: str) -> bool:
    """One surname spelt with a slip, or one part of a double-barrelled name."""
    return _similar_names(x, y) or (min(len(x), len(y)) >= 4 and (x in y or y in x))


def _forename_in_surname_field(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """A's names typed into each other's fields with a slip besides: A's surname field
    holds a forename B could be known by and A's forename field B's surname ("Webb Kennth"
    for Kenneth Webb, "Pugh Muhammed" for Mohammed Pugh); or A's only name is B's surname
    ("Bevan" for Andrew Bevan). Both halves must fit: a twin's record swapped, "Thompson
    Harrison", holds Harrison's forename, so it still conflicts with Oliver Thompson."""
    fa, sa, fb, sb = a.get("fn"), a.get("sn"), b.get("fn"), b.get("sn")
    if not fa or not fb or not sb or not _surnames_alike(fa, sb):
        return False
    if not sa:
        return True
    as_forename = {"fn": sa, "fn_all": canonical_forenames(sa)}
    return _forenames_alike(as_forename, {"fn": fb, "fn_all": b.get("fn_all")})


def _given_names_conflict(a: Mapping[str, Any], b: Mapping[str, Any]) -> str | None:
    """'forename' / 'middle_name' when the given names cannot be one person's."""
    # Names alike is by far the commonest answer, and the exceptions below only ever
    # take a conflict away: asked first, it spares them (clustering asks this of nearly
    # a million pairs of records at 1 M records).
    if not _forenames_alike(a, b):
        reason = "forename"
    elif not _middles_alike(a, b):
        reason = "middle_name"
    else:
        return None
    if _goes_by_middle_name(a, b) or _goes_by_middle_name(b, a) or _swapped(a, b):
        return None
    if _forename_in_surname_field(a, b) or _forename_in_surname_field(b, a):
        # Swapped names with another slip: a forename field holds a surname, so it says
        # nothing against the forename (docs/benchmarks.md, "Names swapped with a slip").
        return None
    return reason


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
    # a year-only entry (no full date, year kept) still rules out a different generation
    ya, yb = a.get("dob_y"), b.get("dob_y")
    if ya and yb and not (a.get("dob") and b.get("dob")) and abs(int(ya) - int(yb)) > 1:
        return "date_of_birth"
    if {a.get("gender"), b.get("gender")} == {"M", "F"}:
        return "gender"
    return _given_names_conflict(a, b)


def given_names(profile: Mapping[str, Any]) -> tuple[Any, Any]:
    """Forename and middle name as the conflict test reads them: two records with the same
    given names conflict, on the forename, with exactly the same others."""
    return profile.get("fn"), profile.get("mn")


def forename_conflicts_held(conflicting: list[tuple[Mapping[str, Any], Mapping[str, Any]]],
                            side_a: list[Mapping[str, Any]],
                            side_b: list[Mapping[str, Any]]) -> bool:
    """Each forename conflict between one person's records (`side_a`) and another's
    (`side_b`), `conflicting` pairs (a, b), is one a side holds already: b's given names
    are among side_a's, or a's among side_b's. "I Hussein" sits with "YURI HUSAIN" on one
    phone and one real incident (the initial of "Iouri", a spelling no table here holds);
    "Yuri Hussein" of YURI's date of birth conflicts with I only as YURI does, so joining
    them puts no given name beside another that was not beside it before."""
    names_a = {given_names(p) for p in side_a}
    names_b = {given_names(p) for p in side_b}
    return all(given_names(b) in names_a or given_names(a) in names_b
               for a, b in conflicting)


def contradicted(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Both records carry a phone or e-mail, and they differ (a phone several people give,
    `phone_hh`, contradicts nothing). Clustering reads it from its columns
    (`clustering._Records.contradicted`); the incremental linker from profiles."""
    if a.get("email") and b.get("email") and a["email"] != b["email"]:
        return True
    return bool(
        a.get("phone") and b.get("phone") and a["phone"] != b["phone"]
        and not a.get("phone_hh") and not b.get("phone_hh")
    )


def corroborated(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """An identifier a relative would not share: phone (not a household one, `phone_hh`),
    e-mail, PNC id, full middle name, or the same role in the same real incident.
    Clustering reads it from its columns (`clustering._Records.corroborated`); the
    incremental linker from profiles (`scoring.corroborated`).

    A record without a date of birth joins a group only when some record of
    each side shares one of these: name and address alone are exactly what a
    father and son "Jr" have in common. A record without a forename (twins
    risk) is refused only when phones or e-mails actively differ.
    """
    for column in ("email", "pnc"):
        if a.get(column) and a.get(column) == b.get(column):
            return True
    # a household landline or borrowed phone is shared by relatives: not corroboration
    if a.get("phone") and a["phone"] == b.get("phone") and not a.get("phone_hh"):
        return True
    # the victim (or suspect) of one real incident, recorded by two systems
    keys_a, keys_b = a.get("incident_keys"), b.get("incident_keys")
    if keys_a and keys_b and not set(keys_a).isdisjoint(keys_b):
        return True
    middle = a.get("mn")
    return bool(middle and len(middle) > 1 and middle == b.get("mn"))

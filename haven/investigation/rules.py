"""Investigation rules as plain functions over plain data (policy values passed in).

- `allocate`: which team investigates (per-force rules from policy);
- `add_working_days`: the England & Wales working-day clock for the Victims' Code;
- `arrests_per_100`, `outcome_shares`, `rates`: the inspection's figures;
- `check_upload`: what an uploaded file really is (by its content, not its name).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from haven.core import calendar

# Home Office outcome types (1-22). Group names from the outcomes framework; numbering [R].
OUTCOME_TYPES = {
    1: "Charge or summons", 2: "Caution (youth)", 3: "Caution (adult)",
    4: "Taken into consideration", 5: "Offender died", 6: "Penalty notice for disorder",
    7: "Cannabis or khat warning", 8: "Community resolution",
    9: "Prosecution not in the public interest (CPS)",
    10: "Formal action not in the public interest (police)",
    11: "Prosecution prevented: suspect under age", 12: "Prosecution prevented: suspect too ill",
    13: "Prosecution prevented: victim or key witness dead or too ill",
    14: "Evidential difficulties: suspect not identified, victim does not support",
    15: "Evidential difficulties: named suspect, victim supports",
    16: "Evidential difficulties: named suspect, victim does not support",
    17: "Prosecution time limit expired", 18: "Investigation complete: no suspect identified",
    19: "National Fraud Intelligence Bureau filed", 20: "Action by another body or agency",
    21: "Further investigation not in the public interest (police)",
    22: "Diversionary, educational or intervention activity",
}
# How the inspection groups them (Figure 2): charge, caution, other out-of-court disposal.
CHARGE = frozenset({1})
CAUTION = frozenset({2, 3})
OUT_OF_COURT = frozenset({6, 7, 8})
# Outcomes a supervisor must sign off with a rationale on a DA crime (R-HOCR-05 [D]).
NEEDS_SIGN_OFF = frozenset({8, 16, 21})

# Events the Victims' Code says the victim must be told of (R-VC-02).
QUALIFYING_EVENTS = frozenset({"arrest", "interview", "released_nfa", "rui", "bail",
                               "bail_change", "charge", "out_of_court", "no_prosecution"})
# Events that change the risk to the victim: published for live risk (risk re-opens).
RISK_EVENTS = frozenset({"bail_breach", "order_breach"})


def outcome_label(number) -> str:
    return OUTCOME_TYPES.get(int(number), "Unknown outcome") if number else "Open"


# --- allocation by skill -----------------------------------------------------------------------

TEAM_RANK = {"local": 0, "detective": 1, "hau": 2}


@dataclass(frozen=True)
class Allocation:
    team: str
    reason: str


def allocate(offences: Iterable[str], *, victim_grade: str | None, offence_teams: dict,
             high_risk_team: str, high_risk_grades: Iterable[str],
             labels: dict | None = None) -> Allocation:
    """The team for a crime: high-risk victims' crimes to `high_risk_team` (the HAU's
    detectives); offences the force's rules send to detectives; the rest to local officers."""
    labels = labels or {}
    if victim_grade and victim_grade in set(high_risk_grades):
        return Allocation(high_risk_team, f"The victim is assessed as {victim_grade} risk")
    best = Allocation("local", "No offence needs a specialist investigation")
    for offence in offences:
        team = offence_teams.get(offence, "local")
        if TEAM_RANK.get(team, 0) > TEAM_RANK.get(best.team, 0):
            best = Allocation(team, f"{labels.get(offence, offence)} needs a more skilled "
                                    "investigation")
    return best


# --- working days --------------------------------------------------------------------------------

# One England & Wales calendar for every clock (haven.core.calendar).
is_working_day = calendar.is_working_day
add_working_days = calendar.add_working_days
victim_due = calendar.end_of_working_day


# --- the inspection's figures -----------------------------------------------------------------

@dataclass(frozen=True)
class CrimeFacts:
    domestic_abuse: bool
    arrested: bool | None
    outcome: int | None


def arrests_per_100(crimes: Iterable[CrimeFacts]) -> float | None:
    """Arrests per 100 crimes with the DA flag (None when there are none)."""
    da = [c for c in crimes if c.domestic_abuse]
    if not da:
        return None
    return 100 * sum(1 for c in da if c.arrested) / len(da)


def outcome_shares(crimes: Iterable[CrimeFacts]) -> dict:
    """Of DA crimes recorded: outcome type -> percentage ("open" for none yet)."""
    da = [c for c in crimes if c.domestic_abuse]
    if not da:
        return {}
    counts = Counter(c.outcome if c.outcome else "open" for c in da)
    return {key: 100 * n / len(da) for key, n in counts.items()}


def rates(crimes: Iterable[CrimeFacts]) -> dict:
    """Charge, caution and other out-of-court rates as percentages of DA crimes recorded
    (the inspection: "of these crimes 19% resulted in a charge, 16% a caution ...")."""
    da = [c for c in crimes if c.domestic_abuse]
    if not da:
        return {"charge": None, "caution": None, "out_of_court": None, "crimes": 0}

    def share(group):
        return 100 * sum(1 for c in da if c.outcome in group) / len(da)

    return {"charge": share(CHARGE), "caution": share(CAUTION),
            "out_of_court": share(OUT_OF_COURT), "crimes": len(da)}


def within_range(value: float | None, band) -> str:
    """'below', 'within' or 'above' the national range, '' when unknown."""
    if value is None or not band:
        return ""
    low, high = band
    return "below" if value < low else "above" if value > high else "within"


# --- uploads ------------------------------------------------------------------------------

ALLOWED = {
    "image/jpeg": "photo", "image/png": "photo", "image/webp": "photo", "image/heic": "photo",
    "image/heif": "photo", "image/gif": "photo",
    "video/mp4": "video", "video/quicktime": "video", "video/webm": "video",
    "video/3gpp": "video", "application/pdf": "document",
}
PROGRAMS = {"application/x-msdownload", "application/x-executable", "application/x-elf",
            "application/x-mach-binary", "application/x-sh", "application/x-shellscript",
            "application/vnd.microsoft.portable-executable", "application/x-dosexec"}


class UploadRefused(ValueError):
    """A file that cannot be evidence; the message says why, in words."""


def check_upload(head: bytes, size: int, max_bytes: int) -> tuple[str, str]:
    """(mime type, evidence kind) judged from the file's first bytes, or UploadRefused."""
    import filetype  # only when a file is uploaded

    if size <= 0:
        raise UploadRefused("The file is empty. Choose the photo again.")
    if size > max_bytes:
        raise UploadRefused(f"The file is {size / 1_000_000:.0f} MB; the most Haven accepts is "
                            f"{max_bytes / 1_000_000:.0f} MB.")
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if head[:2] == b"MZ" or head[:4] == b"\x7fELF" or head[:2] == b"#!" or mime in PROGRAMS:
        raise UploadRefused("This file is a program, not a photo, video or PDF, whatever its "
                            "name says. It was not stored.")
    if mime not in ALLOWED:
        raise UploadRefused("This file is not a photo, video or PDF (Haven checks what is "
                            "inside the file, not its name). It was not stored.")
    return mime, ALLOWED[mime]

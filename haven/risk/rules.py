"""Risk grading rules: plain functions over plain data (no database, no Django models).

Policy numbers (threshold, medium band, escalation window …) are passed in by the caller,
who reads them with `haven.forces.policy.policy()`. Sources: domain-rules §2.4–2.6, §3, §11.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

STANDARD, MEDIUM, HIGH = "standard", "medium", "high"
GRADES = (STANDARD, MEDIUM, HIGH)
RANK = {STANDARD: 0, MEDIUM: 1, HIGH: 2}
YES, NO, NOT_KNOWN, NOT_ASKED = "yes", "no", "not_known", "not_asked"
VALUES = (YES, NO, NOT_KNOWN, NOT_ASKED)
ANSWERED, REFUSED, UNABLE = "answered", "refused", "unable"

DEFINITIONS = {
    STANDARD: "Current evidence does not indicate that serious harm is likely.",
    MEDIUM: "Identifiable indicators of risk of serious harm; serious harm is unlikely unless "
            "circumstances change (e.g. loss of accommodation, relationship breakdown, drink "
            "or drugs).",
    HIGH: "Identifiable indicators of risk of serious harm; it could happen at any time and "
          "the impact would be serious.",
}

# High-risk indicators prompted whatever the score (R-DASH-13), in the order shown.
PROMPTS = {
    "strangulation": "Strangulation, choking or smothering",
    "threats_to_kill": "Threats to kill",
    "stalking": "Stalking or harassment",
    "separation": "Separation or planned separation",
    "escalation": "Escalation in frequency or severity",
    "pregnancy": "Pregnancy or a new baby",
    "weapons": "Weapons used or threatened",
    "hba": "Honour-based abuse or forced marriage",
}


class GradingRefused(ValueError):
    """A grading decision the rules do not allow. `field` names the form field to fix."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Score:
    score: int
    asked: int
    threshold: int
    visible_high: bool
    # The victim did not answer (refused or unable): the score comes from observation and
    # records only and must never be read as "nothing wrong".
    partial: bool
    guidance: str  # "high", "medium" or "" (judgement by the definitions)
    review_reasons: list[str] = field(default_factory=list)


def score_answers(answers: dict[str, str]) -> int:
    """Score = the number of 'yes' answers. No, not known and not asked never score."""
    for code, value in answers.items():
        if value not in VALUES:
            raise GradingRefused(f"answer_{code}",
                                 f"{code}: choose yes, no, not known or not asked")
    return sum(1 for value in answers.values() if value == YES)


def assess_score(
    answers: dict[str, str],
    *,
    threshold: int,
    medium_band=None,
    victim_response: str = ANSWERED,
    response_reason: str = "",
    method: str = "in_person",
) -> Score:
    """Score the answers and say what the rules make of them (guidance, partial, review)."""
    if victim_response not in (ANSWERED, REFUSED, UNABLE):
        raise GradingRefused("victim_response", "Say whether the victim answered, refused or "
                                                "could not answer")
    score = score_answers(answers)
    asked = sum(1 for value in answers.values() if value != NOT_ASKED)
    partial = victim_response != ANSWERED
    if partial and not response_reason.strip():
        raise GradingRefused("response_reason", "Say why the victim refused or could not answer")
    if not partial and asked == 0:
        raise GradingRefused(
            "victim_response",
            "No question was asked. If the victim refused or could not answer, record that and "
            "complete the assessment from your observation and records.",
        )
    visible_high = score >= threshold
    guidance = HIGH if visible_high else (MEDIUM if in_band(score, medium_band) else "")
    review = []
    if method == "telephone":
        review.append("Not done in person (telephone): review")
    if partial:
        review.append("Victim did not answer: score from observation and records only")
    return Score(score, asked, threshold, visible_high, partial, guidance, review)


def in_band(score: int, band) -> bool:
    if not band:
        return False
    low, high = band
    return low <= score <= high


def initial_grade(result: Score, proposed: str, rationale: str) -> tuple[str, str]:
    """The attending officer's grade. Returns (grade, basis): basis 'score' or 'judgement'.

    - score at or over the threshold: high; the officer cannot lower it (R-DASH-12);
    - a grade above the guidance (professional judgement) needs a written rationale;
    - a grade below the medium-band guidance needs a rationale;
    - when the victim did not answer, every grade needs a rationale (never a silent zero).
    """
    if proposed not in GRADES:
        raise GradingRefused("grade", "Choose standard, medium or high")
    if result.visible_high and proposed != HIGH:
        raise GradingRefused(
            "grade",
            f"A score of {result.score} reaches the high-risk threshold ({result.threshold}). "
            "Only an inspector or above can lower it, with a rationale.",
        )
    needs_reason = result.partial
    basis = "score" if result.visible_high else "judgement"
    if not result.visible_high and proposed == HIGH:
        needs_reason = True  # judgement raise at any score
    if result.guidance == MEDIUM and proposed == STANDARD:
        needs_reason = True
    if needs_reason and not rationale.strip():
        if result.partial:
            message = "The victim did not answer: explain the grade from observation and records"
        else:
            message = f"Explain why you graded {proposed} with a score of {result.score}"
        raise GradingRefused("rationale", message)
    return proposed, basis


def regrade(
    *,
    current: str,
    proposed: str,
    score: int | None,
    threshold: int,
    rationale: str,
    may_downgrade_high: bool,
) -> bool:
    """May a reviewer (sergeant, inspector, HAU) move `current` to `proposed`?

    Returns True when the grade changes. Any change needs a rationale; lowering a
    score-based high (score ≥ threshold) needs an inspector or above (R-DASH-12).
    """
    if proposed not in GRADES:
        raise GradingRefused("grade", "Choose standard, medium or high")
    if proposed == current:
        return False
    if not rationale.strip():
        raise GradingRefused("rationale", f"Explain why the grade changes from {current} "
                                          f"to {proposed}")
    score_based_high = score is not None and score >= threshold
    if score_based_high and RANK[proposed] < RANK[HIGH] and not may_downgrade_high:
        raise GradingRefused(
            "grade",
            f"A score of {score} is a score-based high. Only an inspector or above may lower it.",
        )
    return True


def escalation(incident_times: list[dt.datetime], *, at: dt.datetime, window_days: int,
               incidents: int) -> bool:
    """Potential escalation: `incidents` or more DA incidents in the window ending at `at`."""
    start = at - dt.timedelta(days=window_days)
    return sum(1 for t in incident_times if start <= t <= at) >= incidents


def indicator_values(answers: dict[str, str], indicators: dict[str, str]) -> set[str]:
    """The indicator keys of questions answered yes."""
    return {indicators[code] for code, value in answers.items()
            if value == YES and indicators.get(code)}


def stalking_triggered(answers, indicators, *, incident_count: int, min_incidents: int) -> bool:
    """Ask the stalking screen: stalking question yes, 2+ incidents, or the victim very
    frightened (domain-rules §2.5)."""
    found = indicator_values(answers, indicators)
    return bool(found & {"stalking", "very_frightened"}) or incident_count >= min_incidents


def hba_triggered(answers, indicators, *, hba_concern: bool) -> bool:
    """Ask the HBA screen: isolation or control answered yes, or HBA indicated (§2.6)."""
    return hba_concern or bool(indicator_values(answers, indicators) & {"isolation", "control"})


def prompts(answers, indicators, *, escalation_flag: bool, hba_concern: bool) -> list[str]:
    """High-risk indicators present, shown to every grader whatever the score."""
    found = indicator_values(answers, indicators)
    if escalation_flag:
        found.add("escalation")
    if hba_concern:
        found.add("hba")
    return [key for key in PROMPTS if key in found]


@dataclass(frozen=True)
class Step:
    kind: str
    why: str


def next_steps(*, grade: str, escalation_flag: bool, children: list[dict],
               idva_grades: list[str]) -> list[Step]:
    """What the HAU review sets in motion (issue 5 §5; R-MARAC-01/07, R-CHILD-02/04)."""
    steps = [Step("case_update", f"{grade.title()} risk assessment reviewed")]
    if grade == HIGH:
        steps.append(Step("marac_referral", "High risk"))
    elif escalation_flag:
        steps.append(Step("marac_referral", "Potential escalation"))
    if grade in idva_grades:
        steps.append(Step("idva_offer", f"{grade.title()} risk"))
    if children:
        steps.append(Step("childrens_referral", "Children in the household"))
    if any(child.get("school") for child in children):
        steps.append(Step("encompass_notification", "Child attends school"))
    return steps


def next_school_day_start(now: dt.datetime, start: str) -> dt.datetime:
    """The first weekday school-day start strictly after `now` (same timezone as `now`)."""
    hour, minute = (int(part) for part in start.split(":"))
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate <= now:
        candidate += dt.timedelta(days=1)
    while candidate.weekday() >= 5:
        candidate += dt.timedelta(days=1)
    return candidate

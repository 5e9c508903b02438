"""MARAC rules as plain functions over plain data (policy values passed in).

- `check_referral`: the four referral criteria (R-MARAC-01..03) and consent (R-MARAC-08);
- `is_repeat`: the repeat MARAC rule (R-MARAC-04..06): same victim and perpetrator, within
  the window of the last referral, counted in whole days;
- `agenda_times`: each case's slot on the agenda (R-MARAC-10);
- `list_due_on`: when the case list must go to the agencies;
- measures: `cases_per_10000`, `rate` (R-MARAC-13/14).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

VISIBLE, JUDGEMENT, ESCALATION, REPEAT = (
    "visible_high_risk", "professional_judgement", "potential_escalation", "repeat")
CRITERIA = (VISIBLE, JUDGEMENT, ESCALATION, REPEAT)
ANY_INSTANCE, NARROW = "any_instance", "violence_stalking_sexual"

# The older definition counts violence or threats, stalking or harassment and sexual abuse.
# An incident's category is all a call records: a domestic abuse call is taken as violence or
# threats; "other" is not counted until someone says what happened.
NARROW_CATEGORIES = frozenset({"domestic", "stalking", "harassment", "honour_based"})


class Refused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ReferralFacts:
    criterion: str
    dash_yes_count: int | None = None
    incidents_in_window: int | None = None
    rationale: str = ""
    consent: str = ""
    consent_basis: str = ""
    has_recent_referral: bool = False


def check_referral(facts: ReferralFacts, *, threshold: int, escalation_incidents: int) -> None:
    """Refuse a referral that meets none of its stated criterion, naming the field."""
    if facts.criterion not in CRITERIA:
        raise Refused("criterion", "Choose the referral criterion")
    if facts.criterion == VISIBLE:
        if facts.dash_yes_count is None:
            raise Refused("dash_yes_count", "Give the number of 'yes' answers on the DASH")
        if facts.dash_yes_count < threshold:
            raise Refused("dash_yes_count",
                          f"Visible high risk needs {threshold} or more 'yes' answers; "
                          f"{facts.dash_yes_count} were given. Refer on professional "
                          "judgement and say why.")
    if facts.criterion == JUDGEMENT and not facts.rationale.strip():
        raise Refused("rationale", "Say what concerns you and why: professional judgement "
                                   "needs its reasons")
    if facts.criterion == ESCALATION and (facts.incidents_in_window or 0) < escalation_incidents:
        raise Refused("incidents_in_window",
                      f"Potential escalation needs {escalation_incidents} or more "
                      "incidents (any agency) in the window")
    if facts.criterion == REPEAT and not facts.has_recent_referral:
        raise Refused("criterion", "No referral of this victim and perpetrator within the "
                                   "repeat window: this is a new referral")
    if facts.consent not in ("given", "refused", "not_sought"):
        raise Refused("consent", "Say whether the victim consented")
    if facts.consent != "given" and not facts.consent_basis.strip():
        raise Refused("consent_basis", "Give the basis for sharing without consent")


def is_repeat(*, incident_on: dt.date, referred_on: dt.date, window_days: int,
              definition: str = ANY_INSTANCE, category: str = "domestic") -> bool:
    """A new incident between the same victim and perpetrator is a repeat when it falls on
    or after the day of the last referral and no more than `window_days` days after it
    (365: the 365th day is a repeat, the 366th a new referral, leap day or not)."""
    days = (incident_on - referred_on).days
    if days < 0 or days > window_days:
        return False
    if definition == NARROW:
        return category in NARROW_CATEGORIES
    return True


def agenda_times(start: dt.datetime, count: int, minutes: int) -> list[dt.datetime]:
    return [start + dt.timedelta(minutes=minutes * i) for i in range(count)]


def list_due_on(meeting_on: dt.date, days: int) -> dt.date:
    return meeting_on - dt.timedelta(days=days)


def cases_per_10000(cases: int, population: int | None) -> float | None:
    if not population:
        return None
    return round(cases / population * 10000, 1)


def rate(part: int, whole: int) -> float | None:
    """A percentage to one decimal place, or None when there is nothing to divide by."""
    if not whole:
        return None
    return round(part / whole * 100, 1)

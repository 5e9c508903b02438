"""The headline measures (`haven insight measures`), each computed by one SQL file over the
store. Shares are fractions (0-1); a measure with nothing to count is None (not 0).

Denominators (docs/insight.md):
- da_share_of_crime: all crimes recorded in the period;
- da_share_of_calls: reconciled events in the period that came in by a call;
- da_share_by_offence: crimes recorded in the period with that principal offence;
- arrests_per_100_da_crimes, outcome_shares: DA crimes recorded in the period (open
  crimes included, as the inspection counts);
- repeat_victim_rate: people who were the victim in a DA event in the period.
"""

from __future__ import annotations

import datetime as dt

from haven.forces.policy import policy
from haven.insight import queries, store

#: The offence names of the legacy export contract (crimes.csv `offence`), in its order.
CONTRACT_OFFENCES = (
    "assault_with_injury", "assault_intent_serious_harm", "harassment", "stalking",
    "sexual_offence", "controlling_coercive_behaviour", "criminal_damage", "threats_to_kill",
    "homicide", "breach_of_order", "other",
)
OUTCOME_GROUPS = ("charge", "caution", "out_of_court", "evidential_difficulties")


def ratio(numerator, denominator, scale=1):
    if not denominator:
        return None
    return scale * (numerator or 0) / denominator


def params(force, start: dt.date, end: dt.date, district: str | None = None) -> dict:
    """SQL parameters for a period from `start` to `end` inclusive."""
    return {"force": force.code, "start_day": store.day_number(start),
            "end_day": store.day_number(end) + 1, "district": district or None,
            "window": policy(force, "repeat_window_days", at=end)}


def headline(con, force, start: dt.date, end: dt.date, district: str | None = None) -> dict:
    p = params(force, start, end, district)
    crime = queries.one(con, "da_share_of_crime", p)
    calls = queries.one(con, "da_share_of_calls", p)
    by_offence = {row["offence"]: row for row in queries.run(con, "da_share_by_offence", p)}
    arrests = queries.one(con, "arrests_per_100_da_crimes", p)
    outcomes = queries.one(con, "outcome_shares", p)
    repeat = queries.one(con, "repeat_victim_rate", p)
    return {
        "force": force.code, "from": start.isoformat(), "to": end.isoformat(),
        "area": district or "all",
        "da_share_of_crime": ratio(crime.get("numerator"), crime.get("denominator")),
        "da_share_of_calls": ratio(calls.get("numerator"), calls.get("denominator")),
        "da_share_by_offence": {
            name: ratio(by_offence[name]["numerator"], by_offence[name]["denominator"])
            if name in by_offence else None for name in CONTRACT_OFFENCES},
        "arrests_per_100_da_crimes": ratio(arrests.get("numerator"),
                                           arrests.get("denominator"), 100),
        "outcome_shares": {key: ratio(outcomes.get(key), outcomes.get("denominator"))
                           for key in OUTCOME_GROUPS},
        "repeat_victim_rate": ratio(repeat.get("numerator"), repeat.get("denominator")),
        "counts": {
            "crimes": crime.get("denominator") or 0,
            "da_crimes": crime.get("numerator") or 0,
            "call_events": calls.get("denominator") or 0,
            "da_call_events": calls.get("numerator") or 0,
            "arrests": arrests.get("numerator") or 0,
            "da_victims": repeat.get("denominator") or 0,
            "repeat_victims": repeat.get("numerator") or 0,
            "open_da_crimes": outcomes.get("open") or 0,
        },
    }


def flat_rows(result: dict, prefix: str = "") -> list[tuple[str, object]]:
    """(measure, value) pairs for CSV: nested keys joined with a dot, at any depth
    (`casework.what_works.marac_heard.rate`)."""
    rows = []
    for key, value in result.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(flat_rows(value, f"{name}."))
        else:
            rows.append((name, value))
    return rows

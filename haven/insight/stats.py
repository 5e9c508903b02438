"""The profile's statistics as plain functions over plain counts (no database).

Rate ratios compare events per day in one set of days with another. With E events over
n_e days and C events over n_c days, RR = (E / n_e) / (C / n_c) and, counts being Poisson,
log RR has standard error sqrt(1/E + 1/C); the interval is exp(log RR ± z·se). An effect is
*reported* only when the whole interval lies on one side of 1.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True)
class RateRatio:
    label: str
    event_days: int
    event_count: int
    control_days: int
    control_count: int
    ratio: float | None
    low: float | None
    high: float | None

    @property
    def reported(self) -> bool:
        """True when the interval excludes 1 (a rise or a fall)."""
        return self.low is not None and (self.low > 1 or self.high < 1)

    @property
    def percent(self) -> float | None:
        return None if self.ratio is None else 100 * (self.ratio - 1)

    def as_dict(self) -> dict:
        return {"label": self.label, "event_days": self.event_days,
                "event_count": self.event_count, "control_days": self.control_days,
                "control_count": self.control_count, "ratio": self.ratio, "low": self.low,
                "high": self.high, "reported": self.reported}


def rate_ratio(label: str, event_counts: list[int], control_counts: list[int],
               confidence: float) -> RateRatio:
    e, c = sum(event_counts), sum(control_counts)
    n_e, n_c = len(event_counts), len(control_counts)
    if not n_e or not n_c or not e or not c:
        return RateRatio(label, n_e, e, n_c, c, None, None, None)
    ratio = (e / n_e) / (c / n_c)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    se = math.sqrt(1 / e + 1 / c)
    return RateRatio(label, n_e, e, n_c, c, ratio, ratio * math.exp(-z * se),
                     ratio * math.exp(z * se))


def daily_series(counts: dict[dt.date, int], start: dt.date, end: dt.date) -> dict:
    """date -> count for every day from start to end inclusive (zeros filled)."""
    days = (end - start).days + 1
    return {start + dt.timedelta(d): counts.get(start + dt.timedelta(d), 0)
            for d in range(days)}


def event_effects(series: dict[dt.date, int], event_days: dict[str, str], *,
                  control_weeks: int, summer_months: set[int],
                  confidence: float) -> list[RateRatio]:
    """Event days against matched control days: the same weekday 1..control_weeks weeks
    either side, inside the period, not an event day, and in the same season (summer or
    not) as the event day, so that a seasonal rise is not taken for an event effect.
    One ratio for all event days, then one per kind (won, drew, lost, event)."""
    events = {}
    for text, kind in event_days.items():
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            continue
        if day in series:
            events[day] = kind
    results = []
    kinds = sorted(set(events.values()))
    for label, chosen in [("all event days", set(events)),
                          *[(kind, {d for d, k in events.items() if k == kind})
                            for kind in kinds]]:
        if not chosen:
            continue
        controls = set()
        for day in chosen:
            summer = day.month in summer_months
            for weeks in range(1, control_weeks + 1):
                for sign in (-1, 1):
                    other = day + dt.timedelta(weeks=sign * weeks)
                    if (other in series and other not in events
                            and (other.month in summer_months) == summer):
                        controls.add(other)
        results.append(rate_ratio(label, [series[d] for d in sorted(chosen)],
                                  [series[d] for d in sorted(controls)], confidence))
    return results


def seasonality(series: dict[dt.date, int], *, summer_months: set[int],
                confidence: float, event_days=()) -> RateRatio:
    """Summer days against the other days of the period (events per day), leaving out the
    configured event days (match days cluster in summer and would inflate it)."""
    skip = {str(d) for d in event_days}
    summer = [n for d, n in series.items()
              if d.month in summer_months and d.isoformat() not in skip]
    rest = [n for d, n in series.items()
            if d.month not in summer_months and d.isoformat() not in skip]
    return rate_ratio("summer", summer, rest, confidence)


def by_month_of_year(series: dict[dt.date, int]) -> list[dict]:
    """Mean events per day for each calendar month present (seasonality chart)."""
    totals: dict[int, list[int]] = {}
    for day, count in series.items():
        totals.setdefault(day.month, []).append(count)
    return [{"month": m, "per_day": sum(v) / len(v), "days": len(v)}
            for m, v in sorted(totals.items())]


def wilson(successes: int, trials: int, confidence: float) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion k/n (neither scipy nor statsmodels is
    installed, so the formula is written out). With p = k/n and z the normal quantile,

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z / (1 + z²/n) · sqrt(p(1 - p)/n + z²/4n²)

    and the interval is centre ± half, which stays inside 0..1 and behaves at k = 0 or k = n
    and for small n (unlike p ± z·sqrt(p(1-p)/n)). None when n is 0."""
    if not trials:
        return None
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    n, p = trials, successes / trials
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)

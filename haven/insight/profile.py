"""The domestic abuse problem profile for a force (or one area) and a period: every figure
from the room's SQL files over the store, the statistics from `stats`. Pseudonymous
throughout: people are counted, never named; places are postcode districts, and a
confidential place is never ranked or listed."""

from __future__ import annotations

import datetime as dt

from haven.forces.policy import policy
from haven.insight import measures, queries, stats, store

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _date_of(day_number: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=day_number)


def profile(con, force, start: dt.date, end: dt.date, district: str | None = None) -> dict:
    p = measures.params(force, start, end, district)
    confidence = policy(force, "insight_confidence", at=end)
    summer = set(policy(force, "insight_summer_months", at=end))
    monthly = queries.run(con, "profile_monthly", p)
    crimes_monthly = queries.run(con, "profile_crimes_monthly", p)
    daily = {_date_of(r["day"]): r["da_events"] for r in queries.run(con, "profile_daily", p)}
    series = stats.daily_series(daily, start, end)
    length = (end - start).days + 1
    before = measures.params(force, start - dt.timedelta(days=length),
                             start - dt.timedelta(days=1), district)
    previous = sum(r["da_events"] for r in queries.run(con, "profile_daily", before))
    heat = queries.run(con, "profile_heatmap", p)
    areas = queries.run(con, "profile_areas", p)
    withheld = sum(r["da_events"] for r in areas if r["district"] == store.WITHHELD)
    unknown = sum(r["da_events"] for r in areas if r["district"] is None)
    ranked = [r for r in areas if r["district"] not in (None, store.WITHHELD)]
    repeat_places = queries.run(con, "profile_repeat_locations", p)
    offenders = queries.one(con, "profile_offenders", p)
    children = queries.one(con, "profile_children", p)
    event_days = policy(force, "insight_event_days", at=end)
    effects = stats.event_effects(series, event_days,
                                  control_weeks=policy(force, "insight_control_weeks", at=end),
                                  summer_months=summer, confidence=confidence)
    season = stats.seasonality(series, summer_months=summer, confidence=confidence,
                               event_days=event_days)
    total = sum(series.values())
    return {
        "force": force.code, "force_name": force.name, "from": start, "to": end,
        "area": district or "", "confidence": confidence,
        "suppress_below": policy(force, "insight_suppress_below", at=end),
        "headline": measures.headline(con, force, start, end, district),
        "volume": {
            "da_events": total, "previous_da_events": previous,
            "change": measures.ratio(total - previous, previous),
            "monthly": [{"month": f"{r['year']}-{r['month']:02d}", "da_events": r["da_events"],
                         "events": r["events"]} for r in monthly],
            "crimes_monthly": [{"month": f"{r['year']}-{r['month']:02d}",
                                "da_crimes": r["da_crimes"], "crimes": r["crimes"]}
                               for r in crimes_monthly],
        },
        "victims": {
            "age_sex": queries.run(con, "profile_victims", p),
            # a store built before risk_grades existed has none until its next rebuild
            "risk_mix": (queries.run(con, "profile_risk_mix", p)
                         if store.has_tables(con, "risk_grades") else []),
            "children": children,
            "top_repeat": [{"person_key": r["person_key"], "da_events": r["da_events"],
                            "last": _date_of(r["last_day"])}
                           for r in queries.run(con, "profile_top_victims", p)],
        },
        "offenders": {**offenders,
                      "repeat_share": measures.ratio(offenders.get("repeat_offenders"),
                                                     offenders.get("offenders")),
                      "serial_share": measures.ratio(offenders.get("serial_offenders"),
                                                     offenders.get("offenders")),
                      "repeat_event_share": measures.ratio(offenders.get("events_by_repeat"),
                                                           offenders.get("events_with_suspect"))},
        "places": {
            "areas": [{"rank": n, "district": r["district"], "da_events": r["da_events"],
                       "victims": r["victims"]} for n, r in enumerate(ranked, start=1)],
            "withheld_events": withheld, "unknown_events": unknown,
            "repeat_locations": [{"rank": n, "district": r["district"] or "unknown",
                                  "da_events": r["da_events"]}
                                 for n, r in enumerate(repeat_places[:20], start=1)],
            "repeat_location_count": len(repeat_places),
        },
        "time": {
            "heatmap": [{"day": DAYS[r["dow"]], "dow": r["dow"], "hour": r["hour"],
                         "da_events": r["da_events"]} for r in heat],
            "by_month": [{**m, "name": MONTHS[m["month"] - 1]}
                         for m in stats.by_month_of_year(series)],
            "seasonality": season.as_dict(),
            "event_effects": [e.as_dict() for e in effects],
        },
    }

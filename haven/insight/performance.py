"""The performance measures page: live figures per force (and area, where the store can cut
by area) with the previous period beside each for the trend and the ranges the inspection
quotes. Store measures come from the insight SQL; live ones through each room's own public
measures functions (risk, intake, investigation, MARAC, protection) for the same period."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haven.forces.policy import policy
from haven.insight import measures, queries, store
from haven.intake import measures as intake_measures
from haven.investigation import measures as investigation_measures
from haven.marac import measures as marac_measures
from haven.protection import measures as protection_measures
from haven.risk import measures as risk_measures


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _trend(now, before) -> str:
    if now is None or before is None:
        return "no earlier figure"
    if abs(now - before) < 1e-9:
        return "no change"
    return "up" if now > before else "down"


def _row(label, now, before, *, unit="share", band=None, basis=""):
    within = None
    if band and now is not None:
        within = band[0] <= now <= band[1]
    return {"label": label, "value": now, "previous": before, "unit": unit,
            "trend": _trend(now, before), "band": band, "within": within, "basis": basis}


def figures(force, start: dt.date, end: dt.date, district: str | None = None) -> dict:
    length = (end - start).days + 1
    prev_start, prev_end = start - dt.timedelta(days=length), start - dt.timedelta(days=1)
    rows, attendance, targets, store_built = [], [], {}, True
    try:
        con = store.connect()
    except FileNotFoundError:
        con, store_built = None, False
    if con is not None:
        try:
            now = measures.headline(con, force, start, end, district)
            before = measures.headline(con, force, prev_start, prev_end, district)
            targets = policy(force, "response_target_minutes", at=end)
            attendance = queries.run(con, "attendance_by_grade", {
                **measures.params(force, start, end, district), **targets})
        finally:
            con.close()
        band = policy(force, "arrests_per_100_national_range", at=end)
        rows = [
            _row("DA share of calls", now["da_share_of_calls"], before["da_share_of_calls"]),
            _row("DA share of recorded crime", now["da_share_of_crime"],
                 before["da_share_of_crime"]),
            _row("Arrests per 100 DA crimes", now["arrests_per_100_da_crimes"],
                 before["arrests_per_100_da_crimes"], unit="per 100", band=band,
                 basis=f"most forces {band[0]}–{band[1]} (HMIC 2014)"),
            *[_row(f"Outcome: {key.replace('_', ' ')}", now["outcome_shares"][key],
                   before["outcome_shares"][key]) for key in measures.OUTCOME_GROUPS],
            _row("Repeat victim rate", now["repeat_victim_rate"],
                 before["repeat_victim_rate"],
                 basis=f"another DA incident within {policy(force, 'repeat_window_days', at=end)}"
                       " days"),
        ]
    since, until = _aware(start), _aware(end + dt.timedelta(days=1))
    marac = marac_measures.measures(force, end)
    return {
        "store_built": store_built, "store_rows": rows,
        "attendance": [{**a, "target_minutes": targets.get(a["grade"]),
                        "share": measures.ratio(a["within_target"], a["attended"])}
                       for a in attendance],
        "previous": (prev_start, prev_end),
        "timings": intake_measures.timing_summary(force, since, until),
        "risk": risk_measures.all_measures(force, since, until),
        "victims_code": investigation_measures.compliance(force, since=since, now=until),
        "marac": {"total": marac["total"], "expected_per_10000": marac["expected_per_10000"],
                  "expected_repeat": marac["expected_repeat"], "start": marac["start"],
                  "end": marac["end"]},
        "clares_law": protection_measures.figures(force),
        "area_note": ("Live measures are for the whole force: the rooms do not cut them by "
                      "area yet." if district else ""),
    }

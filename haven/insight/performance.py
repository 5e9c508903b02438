"""The performance measures page: figures per force (and area, where the store can cut by
area) with the previous period beside each for the trend and the ranges the inspection
quotes. Store measures come from the insight SQL (the headline shares, time to attend, and
the casework rooms' measures in `casework`: MARAC, harm reduction actions overdue, orders
and Clare's Law, what works); live ones through each room's own public measures functions
(risk, intake) for the same period. Victims' Code compliance comes from the store
(`victim_notices`, investigation's extract)."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone

from haven.assurance import public as assurance
from haven.forces.policy import policy
from haven.insight import casework, measures, queries, store
from haven.intake import measures as intake_measures
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


DASH_AUDIT_ROWS = [("completeness", "Assessment complete"),
                   ("rationale", "Rationale explains the grade"),
                   ("grade_appropriate", "Grade appropriate"),
                   ("supervision_recorded", "Supervision recorded")]


def figures(force, start: dt.date, end: dt.date, district: str | None = None) -> dict:
    length = (end - start).days + 1
    prev_start, prev_end = start - dt.timedelta(days=length), start - dt.timedelta(days=1)
    rows, attendance, targets, store_built = [], [], {}, True
    cases = {"marac": None, "marac_before": None, "overdue": None, "overdue_before": None,
             "protection": None, "protection_before": None, "what_works": None,
             "victims_code": None, "victims_code_before": None}
    built_at = store.refreshed_at()
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
            as_of = built_at.date() if built_at else timezone.localdate()
            cases = {
                "marac": casework.marac(con, force, start, end, district),
                "marac_before": casework.marac(con, force, prev_start, prev_end, district),
                "overdue": casework.plan_overdue(con, force, end, district),
                "overdue_before": casework.plan_overdue(con, force, prev_end, district),
                "protection": casework.protection(con, force, start, end, district),
                "protection_before": casework.protection(con, force, prev_start, prev_end,
                                                         district),
                "what_works": casework.what_works(con, force, start, end, as_of, district),
                "victims_code": casework.victims_code(con, force, start, end, as_of, district),
                "victims_code_before": casework.victims_code(con, force, prev_start, prev_end,
                                                             as_of, district),
            }
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
    # DASH audits feed compliance (issue 17): only where the assurance room is installed.
    dash = (assurance.dash_audit_compliance(force, since, until)
            if apps.is_installed("haven.assurance") else None)
    return {
        "store_built": store_built, "store_rows": rows,
        "attendance": [{**a, "target_minutes": targets.get(a["grade"]),
                        "share": measures.ratio(a["within_target"], a["attended"])}
                       for a in attendance],
        "previous": (prev_start, prev_end),
        "timings": intake_measures.timing_summary(force, since, until),
        "risk": risk_measures.all_measures(force, since, until),
        "dash_audits": dash,
        "dash_audit_rows": [(label, dash[key]) for key, label in DASH_AUDIT_ROWS] if dash else [],
        **cases,
        "casework_trend": _casework_trend(cases),
        "area_note": ("The live measures (risk assessment, control room timings, DASH "
                      "audits) are for the whole force: their rooms do not cut them by postcode "
                      "district. The casework measures below are cut by district as each one "
                      "says (a case, order or application is placed by its victim's latest DA "
                      "incident); MARAC's rate per 10,000 women is not given for a district."
                      if district else ""),
    }


def _casework_trend(cases: dict) -> list[dict]:
    """The casework measures with the period before, as rows of the measures table."""
    rows = []
    marac, marac_before = cases["marac"], cases["marac_before"]
    if marac is not None:
        band = marac["expected_repeat"]
        rows.append(_row("MARAC cases heard", marac["total"]["cases_heard"],
                         marac_before["total"]["cases_heard"], unit="count"))
        rows.append(_row("MARAC cases a year per 10,000 adult women",
                         marac["total"]["per_10000_a_year"],
                         marac_before["total"]["per_10000_a_year"], unit="per 10,000",
                         band=(marac["expected_per_10000"], float("inf")),
                         basis=f"SafeLives recommends {marac['expected_per_10000']}"))
        rows.append(_row("MARAC repeat rate", _share(marac["total"]["repeat_percent"]),
                         _share(marac_before["total"]["repeat_percent"]),
                         band=(band[0] / 100, band[1] / 100),
                         basis=f"SafeLives expects {band[0]}–{band[1]} %"))
    code, code_before = cases["victims_code"], cases["victims_code_before"]
    if code is not None:
        rows.append(_row("Victims' Code: victims told on time", code["share"],
                         code_before["share"],
                         basis=f"{code['on_time']} of {code['due']} notices due"))
    overdue, overdue_before = cases["overdue"], cases["overdue_before"]
    if overdue is not None:
        rows.append(_row("Harm reduction actions overdue at the end", overdue["overdue"],
                         overdue_before["overdue"], unit="count",
                         basis=f"of {overdue['open']} open then"))
    found, found_before = cases["protection"], cases["protection_before"]
    if found is not None:
        rows.append(_row("Notices and orders made", found["total_orders"],
                         found_before["total_orders"], unit="count"))
        rows.append(_row("Breaches of notices and orders", found["breaches"],
                         found_before["breaches"], unit="count"))
        rows.append(_row("Clare's Law applications received",
                         found["clares_law"]["received"],
                         found_before["clares_law"]["received"], unit="count"))
        rows.append(_row("Clare's Law applications closed on time",
                         found["clares_law"]["on_time_share"],
                         found_before["clares_law"]["on_time_share"],
                         basis=f"{found['clares_law']['on_time']} of "
                               f"{found['clares_law']['closed']} closed"))
    return rows


def _share(percent):
    return None if percent is None else percent / 100

"""Measures of the casework rooms from the store (safeguarding, MARAC, protection): MARAC
volume and repeat rate against SafeLives' expectations, harm reduction actions overdue,
notices, orders and Clare's Law, and re-victimisation after each kind of intervention
("what works"). Each comes from one SQL file; each returns None when the room that feeds
it is not installed (its tables are not in the store), and the page says so.

Small numbers: a count from 1 to one below `insight_suppress_below` is shown as "fewer than
N" and a rate built on it is withheld (`shown`, `suppressed`).
"""

from __future__ import annotations

import datetime as dt

from haven.forces.policy import policy
from haven.insight import measures, queries, store

#: Cases a year: SafeLives' volume measure is per 12 months; a shorter or longer period is
#: scaled to a year of this many days (a unit, not a policy).
DAYS_PER_YEAR = 365

KIND_LABELS = {
    "any_da_victim": "Every DA victim of the period (the baseline)",
    "arrest": "Arrest on a DA crime",
    "charge": "Charge (Home Office outcome 1)",
    "marac_heard": "Case heard at MARAC",
    "idva_engaged": "Engaged with an IDVA",
    "clares_law_disclosure": "Clare's Law disclosure",
}
PREFIX_LABELS = {"order:": "Notice or order: ", "plan:": "Plan action done: ",
                 "referral:": "Partner referral accepted: "}


def kind_label(kind: str) -> str:
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    for prefix, label in PREFIX_LABELS.items():
        if kind.startswith(prefix):
            rest = kind.removeprefix(prefix)
            words = rest.upper() if rest in ("dvpn", "dvpo", "dapn", "dapo", "idva") else (
                rest.replace("_", " "))
            return label + words
    return kind.replace("_", " ")


def suppressed(count, threshold: int) -> bool:
    """A count that would identify a few people: 1 to threshold - 1."""
    return count is not None and 0 < count < threshold


def shown(count, threshold: int) -> str:
    if count is None:
        return "–"
    return f"fewer than {threshold}" if suppressed(count, threshold) else str(count)


def _day(end: dt.date) -> int:
    return store.day_number(end) + 1


def marac(con, force, start: dt.date, end: dt.date) -> dict | None:
    """Cases heard in the period per MARAC area and for the force; per 10,000 adult women
    a year (`marac_area_population`) against `marac_expected_cases_per_10000`; repeat rate
    against `marac_expected_repeat_rate` (per cent)."""
    if not store.has_tables(con, "marac_cases", "marac_areas"):
        return None
    rows = queries.run(con, "marac_volume", measures.params(force, start, end))
    population = policy(force, "marac_area_population", at=end) or {}
    expected = policy(force, "marac_expected_cases_per_10000", at=end)
    band = policy(force, "marac_expected_repeat_rate", at=end)
    days = (end - start).days + 1

    def figures(name, heard, repeats, children, women):
        per_year = (heard * DAYS_PER_YEAR / days / women * 10000) if women else None
        rate = measures.ratio(repeats, heard, 100)
        return {"area": name, "cases_heard": heard, "repeat_cases": repeats,
                "children": children, "population": women,
                "per_10000_a_year": per_year,
                "volume_within": None if per_year is None else per_year >= expected,
                "repeat_percent": rate,
                "repeat_within": None if rate is None else band[0] <= rate <= band[1]}

    areas = [figures(r["area"], r["cases_heard"], r["repeat_cases"], r["children"],
                     population.get(r["area"])) for r in rows]
    women = (sum(a["population"] for a in areas)
             if areas and all(a["population"] for a in areas) else None)
    total = figures("All areas", sum(a["cases_heard"] for a in areas),
                    sum(a["repeat_cases"] for a in areas), sum(a["children"] for a in areas),
                    women)
    return {"areas": areas, "total": total, "expected_per_10000": expected,
            "expected_repeat": band}


def plan_overdue(con, force, end: dt.date, district: str | None = None) -> dict | None:
    """Harm reduction plan actions open at the end of `end` and those overdue then."""
    if not store.has_tables(con, "plan_actions"):
        return None
    rows = queries.run(con, "plan_actions_overdue",
                       {"force": force.code, "end_day": _day(end), "district": district})
    open_actions = sum(r["open_actions"] for r in rows)
    overdue = sum(r["overdue"] or 0 for r in rows)
    return {"open": open_actions, "overdue": overdue,
            "share": measures.ratio(overdue, open_actions),
            "by_kind": [{"kind": r["kind"], "label": kind_label("plan:" + r["kind"])
                         .removeprefix("Plan action done: "), "open": r["open_actions"],
                         "overdue": r["overdue"] or 0} for r in rows]}


def protection(con, force, start: dt.date, end: dt.date) -> dict | None:
    """Notices and orders started, breaches, and Clare's Law applications in the period."""
    if not store.has_tables(con, "orders", "order_breaches", "disclosures"):
        return None
    p = measures.params(force, start, end)
    orders = {r["kind"]: r["orders"] for r in queries.run(con, "orders_volume", p)}
    clares = queries.one(con, "clares_law", p)
    closed = clares.get("closed") or 0
    return {"orders": orders, "total_orders": sum(orders.values()),
            "breaches": queries.one(con, "order_breaches", p).get("breaches") or 0,
            "clares_law": {"received": clares.get("received") or 0,
                           "ask": clares.get("ask") or 0, "know": clares.get("know") or 0,
                           "closed": closed, "on_time": clares.get("on_time") or 0,
                           "on_time_share": measures.ratio(clares.get("on_time"), closed),
                           "disclosed": clares.get("disclosed") or 0}}


def what_works(con, force, start: dt.date, end: dt.date, as_of: dt.date) -> dict | None:
    """Re-victimisation within `insight_revictimisation_window_days` after each kind of
    intervention received in the period, counting only victims whose whole window had
    passed by `as_of` (the store's data date); small numbers suppressed."""
    if not store.has_tables(con, "interventions", "event_people"):
        return None
    window = policy(force, "insight_revictimisation_window_days", at=end)
    threshold = policy(force, "insight_suppress_below", at=end)
    rows = queries.run(con, "what_works", {
        **measures.params(force, start, end), "window": window,
        "as_of_day": store.day_number(as_of)})
    made = []
    for r in rows:
        followed, again = r["followed_up"] or 0, r["revictimised"] or 0
        hidden = suppressed(followed, threshold) or suppressed(again, threshold)
        made.append({
            "kind": r["kind"], "label": kind_label(r["kind"]), "victims": r["victims"],
            "followed_up": followed, "revictimised": again,
            "victims_shown": shown(r["victims"], threshold),
            "followed_up_shown": shown(followed, threshold),
            "revictimised_shown": shown(again, threshold),
            "rate": None if hidden else measures.ratio(again, followed),
            "suppressed": hidden})
    made.sort(key=lambda r: (r["kind"] != "any_da_victim", r["label"]))
    return {"rows": made, "window": window, "threshold": threshold, "as_of": as_of,
            "complete_before": as_of - dt.timedelta(days=window)}

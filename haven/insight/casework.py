"""Measures of the casework rooms from the store (safeguarding, MARAC, protection): MARAC
volume and repeat rate against SafeLives' expectations, harm reduction actions overdue,
notices, orders and Clare's Law, and re-victimisation after each kind of intervention
("what works", with Wilson intervals and a rate adjusted for the DASH grade), and Victims'
Code compliance. Each comes from one SQL file; each returns None when the room that feeds
it is not installed (its tables are not in the store), and the page says so. Each takes a
postcode district: how it is applied (or why it cannot be) is in AREA_BASIS and travels
with the figures (`basis`), to the page, the PDF and `haven insight measures`
(`summary`).

Small numbers: a count from 1 to one below `insight_suppress_below` is shown as "fewer than
N" and a rate built on it is withheld (`shown`, `suppressed`).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haven.forces.policy import policy
from haven.insight import measures, queries, stats, store

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


#: Why each casework measure is (or is not) cut by a postcode district: shown on the page and
#: in `haven insight measures --area`. Casework records carry no address of their own, so a
#: case, order, application or intervention is placed by its victim's latest DA incident.
VICTIM_BASIS = ("placed by the district of the victim's most recent DA incident (as victim) "
                "on or before {when}; {unplaced} of the force's with none, or at a "
                "confidential address, count for the whole force only")
AREA_BASIS = {
    "marac": VICTIM_BASIS.format(when="the day the case was heard", unplaced="{unplaced}"),
    "marac_per_10000": ("not given for a postcode district: the adult women population "
                        "(marac_area_population) is set per MARAC area, not per district"),
    "harm_reduction_actions": ("the district of the victim's safeguarding case (a case whose "
                               "area came from a confidential address counts for the whole "
                               "force only)"),
    "orders": VICTIM_BASIS.format(when="the day it started (the person protected)",
                                  unplaced="{unplaced}"),
    "breaches": VICTIM_BASIS.format(when="the day of the breach (the person the order "
                                         "protects)", unplaced="{unplaced}"),
    "clares_law": VICTIM_BASIS.format(when="the day it was received (the person at risk)",
                                      unplaced="{unplaced}"),
    "victims_code": ("the district of the crime's incident; a crime with no incident counts "
                     "for the whole force only"),
    "what_works": ("placed by the district of the victim's most recent DA incident on or "
                   "before the intervention (the baseline: their first in the period); a "
                   "victim with none, or at a confidential address, counts for the whole "
                   "force only"),
}


def _needs(con, *names) -> bool:
    return store.has_tables(con, *names, "event_people")


def marac(con, force, start: dt.date, end: dt.date, district: str | None = None) -> dict | None:
    """Cases heard in the period per MARAC area and for the force; per 10,000 adult women
    a year (`marac_area_population`) against `marac_expected_cases_per_10000`; repeat rate
    against `marac_expected_repeat_rate` (per cent). With a district: the cases whose victim
    is placed there (AREA_BASIS), and no rate per 10,000 (no district population)."""
    if not _needs(con, "marac_cases", "marac_areas"):
        return None
    rows = queries.run(con, "marac_volume", measures.params(force, start, end, district))
    population = {} if district else (policy(force, "marac_area_population", at=end) or {})
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
    unplaced = sum(r["unplaced"] for r in rows)
    return {"areas": areas, "total": total, "expected_per_10000": expected,
            "expected_repeat": band, "district": district, "unplaced": unplaced,
            "basis": _basis(district, "marac", unplaced)}


def _basis(district, key, unplaced=0) -> str:
    return AREA_BASIS[key].format(unplaced=unplaced) if district else "whole force"


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


def protection(con, force, start: dt.date, end: dt.date,
               district: str | None = None) -> dict | None:
    """Notices and orders started, breaches, and Clare's Law applications in the period
    (with a district: those whose person is placed there, AREA_BASIS)."""
    if not _needs(con, "orders", "order_breaches", "disclosures"):
        return None
    p = measures.params(force, start, end, district)
    made = queries.run(con, "orders_volume", p)
    orders = {r["kind"]: r["orders"] for r in made if r["orders"]}
    breaches = queries.one(con, "order_breaches", p)
    clares = queries.one(con, "clares_law", p)
    closed = clares.get("closed") or 0
    unplaced_orders = sum(r["unplaced"] for r in made)
    return {"orders": orders, "total_orders": sum(orders.values()),
            "breaches": breaches.get("breaches") or 0,
            "clares_law": {"received": clares.get("received") or 0,
                           "ask": clares.get("ask") or 0, "know": clares.get("know") or 0,
                           "closed": closed, "on_time": clares.get("on_time") or 0,
                           "on_time_share": measures.ratio(clares.get("on_time"), closed),
                           "disclosed": clares.get("disclosed") or 0},
            "district": district,
            "basis": {"orders": _basis(district, "orders", unplaced_orders),
                      "breaches": _basis(district, "breaches", breaches.get("unplaced") or 0),
                      "clares_law": _basis(district, "clares_law",
                                           clares.get("unplaced") or 0)}}


def victims_code(con, force, start: dt.date, end: dt.date, as_of: dt.date,
                 district: str | None = None) -> dict | None:
    """Victims' Code compliance from the store: notices due in the period (and before the
    store's data date, or already told), told on time, and not told."""
    if not store.has_tables(con, "victim_notices", "crimes", "events"):
        return None
    found = queries.one(con, "victims_code", {
        **measures.params(force, start, end, district), "as_of_day": store.day_number(as_of)})
    due, on_time = found.get("due") or 0, found.get("on_time") or 0
    return {"due": due, "on_time": on_time, "not_told": found.get("not_told") or 0,
            "share": measures.ratio(on_time, due), "district": district,
            "basis": _basis(district, "victims_code")}


def data_date(con) -> dt.date:
    """The day the store was built (what works: whose windows have passed), else today."""
    if store.has_tables(con, "store_meta"):
        row = con.execute("SELECT MAX(refreshed_at) FROM store_meta").fetchone()
        if row and row[0]:
            return row[0].date()
    return timezone.localdate()


def _adjusted(kinds: dict, baseline: dict | None) -> dict:
    """Risk adjustment by indirect standardisation over the DASH grade at the time: for a
    kind, expected = the sum over grades of (its victims followed up in that grade × the
    baseline's re-victimisation rate in that grade); observed / expected is the ratio, and
    ratio × the baseline's crude rate the adjusted rate. None when a grade of the kind has
    no baseline victim followed up (no rate to borrow) or nothing is expected."""
    out = {}
    if baseline is None:
        return out
    rates = {g: (r["revictimised"] / r["followed_up"]) if r["followed_up"] else None
             for g, r in baseline["grades"].items()}
    crude = measures.ratio(baseline["revictimised"], baseline["followed_up"])
    for kind, row in kinds.items():
        expected = 0.0
        for grade, cell in row["grades"].items():
            if not cell["followed_up"]:
                continue
            if rates.get(grade) is None:
                expected = None
                break
            expected += cell["followed_up"] * rates[grade]
        ratio = (row["revictimised"] / expected) if expected else None
        out[kind] = {"expected": expected, "observed_to_expected": ratio,
                     "adjusted_rate": None if ratio is None or crude is None else ratio * crude}
    return out


def what_works(con, force, start: dt.date, end: dt.date, as_of: dt.date,
               district: str | None = None) -> dict | None:
    """Re-victimisation within `insight_revictimisation_window_days` after each kind of
    intervention received in the period, counting only victims whose whole window had
    passed by `as_of` (the store's data date): the crude rate with its Wilson interval
    (`insight_confidence`) and a rate adjusted for the DASH grade at the time (`_adjusted`);
    small numbers suppressed (their rate, interval and adjustment withheld)."""
    if not store.has_tables(con, "interventions", "event_people", "risk_grades"):
        return None
    window = policy(force, "insight_revictimisation_window_days", at=end)
    threshold = policy(force, "insight_suppress_below", at=end)
    confidence = policy(force, "insight_confidence", at=end)
    rows = queries.run(con, "what_works", {
        **measures.params(force, start, end, district), "window": window,
        "as_of_day": store.day_number(as_of)})
    kinds: dict[str, dict] = {}
    for r in rows:
        row = kinds.setdefault(r["kind"], {"victims": 0, "followed_up": 0,
                                           "revictimised": 0, "grades": {}})
        followed, again = r["followed_up"] or 0, r["revictimised"] or 0
        row["victims"] += r["victims"]
        row["followed_up"] += followed
        row["revictimised"] += again
        row["grades"][r["grade"]] = {"followed_up": followed, "revictimised": again}
    adjusted = _adjusted(kinds, kinds.get("any_da_victim"))
    made = []
    for kind, r in kinds.items():
        followed, again = r["followed_up"], r["revictimised"]
        hidden = suppressed(followed, threshold) or suppressed(again, threshold)
        interval = None if hidden else stats.wilson(again, followed, confidence)
        adjust = {} if hidden else adjusted.get(kind, {})
        made.append({
            "kind": kind, "label": kind_label(kind), "victims": r["victims"],
            "followed_up": followed, "revictimised": again,
            "victims_shown": shown(r["victims"], threshold),
            "followed_up_shown": shown(followed, threshold),
            "revictimised_shown": shown(again, threshold),
            "rate": None if hidden else measures.ratio(again, followed),
            "low": interval[0] if interval else None,
            "high": interval[1] if interval else None,
            "expected": adjust.get("expected"),
            "observed_to_expected": adjust.get("observed_to_expected"),
            "adjusted_rate": adjust.get("adjusted_rate"),
            "suppressed": hidden})
    made.sort(key=lambda r: (r["kind"] != "any_da_victim", r["label"]))
    return {"rows": made, "window": window, "threshold": threshold, "as_of": as_of,
            "confidence": confidence,
            "complete_before": as_of - dt.timedelta(days=window), "district": district,
            "basis": _basis(district, "what_works")}


def _suppress(count, threshold):
    return None if suppressed(count, threshold) else count


def summary(con, force, start: dt.date, end: dt.date, district: str | None = None,
            as_of: dt.date | None = None) -> dict:
    """The casework measures as plain numbers (shares as fractions) for `haven insight
    measures` and the PDF; a measure whose room is not in the store is None. Each carries
    `area_basis`: how an area filter was applied (or "whole force")."""
    as_of = as_of or data_date(con)
    threshold = policy(force, "insight_suppress_below", at=end)
    found = marac(con, force, start, end, district)
    out: dict = {}
    if found is None:
        out["marac"] = None
    else:
        total = found["total"]
        out["marac"] = {
            "cases_heard": total["cases_heard"], "repeat_cases": total["repeat_cases"],
            "repeat_rate": measures.ratio(total["repeat_cases"], total["cases_heard"]),
            "expected_repeat_rate_low": found["expected_repeat"][0] / 100,
            "expected_repeat_rate_high": found["expected_repeat"][1] / 100,
            "repeat_within_expected": total["repeat_within"],
            "cases_a_year_per_10000_adult_women": total["per_10000_a_year"],
            "expected_per_10000": found["expected_per_10000"],
            "volume_within_expected": total["volume_within"],
            "by_marac_area": {a["area"]: a["cases_heard"] for a in found["areas"]},
            "area_basis": found["basis"],
            "per_10000_basis": (AREA_BASIS["marac_per_10000"] if district else
                                "whole force (every MARAC area needs a population)")}
    overdue = plan_overdue(con, force, end, district)
    out["harm_reduction_actions"] = None if overdue is None else {
        "open": overdue["open"], "overdue": overdue["overdue"],
        "overdue_share": overdue["share"],
        "area_basis": _basis(district, "harm_reduction_actions")}
    found = protection(con, force, start, end, district)
    if found is None:
        out["orders"] = out["clares_law"] = None
    else:
        out["orders"] = {"started": found["total_orders"], **{
            f"started_{kind}": n for kind, n in found["orders"].items()},
            "breaches": found["breaches"], "area_basis": found["basis"]["orders"],
            "breaches_area_basis": found["basis"]["breaches"]}
        clares = found["clares_law"]
        out["clares_law"] = {**{k: clares[k] for k in ("received", "ask", "know", "closed",
                                                        "on_time", "disclosed")},
                             "on_time_share": clares["on_time_share"],
                             "area_basis": found["basis"]["clares_law"]}
    code = victims_code(con, force, start, end, as_of, district)
    out["victims_code"] = None if code is None else {
        "due": code["due"], "on_time": code["on_time"], "not_told": code["not_told"],
        "on_time_share": code["share"], "area_basis": code["basis"]}
    works = what_works(con, force, start, end, as_of, district)
    if works is None:
        out["what_works"] = None
    else:
        out["what_works"] = {
            "window_days": works["window"], "complete_before": works["complete_before"]
            .isoformat(), "suppress_below": threshold, "confidence": works["confidence"],
            "area_basis": works["basis"],
            "kinds": {r["kind"]: {"victims": _suppress(r["victims"], threshold),
                           "followed_up": _suppress(r["followed_up"], threshold),
                           "revictimised": _suppress(r["revictimised"], threshold),
                           "suppressed": r["suppressed"], "rate": r["rate"],
                           "rate_low": r["low"], "rate_high": r["high"],
                           "risk_adjusted_rate": r["adjusted_rate"],
                           "observed_to_expected": r["observed_to_expected"]}
                      for r in works["rows"]}}
    return out

"""What a call handler must see about a person before grading (R-CALL-04), in a few queries.

`history_summaries(persons)` answers for many persons with a fixed number of queries
(so a lookup of ten candidates costs the same as one); `history_summary(person)` is the
one-person form. Windows come from policy: `repeat_window_days`, `marac_lookback_days`,
`history_lookback_days`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.apps import apps
from django.db import models
from django.utils import timezone

from haven.forces.policy import policy
from haven.intake.models import Involvement
from haven.people.models import Address, LegacyRecord, WarningMarker

GRADE_ORDER = {"standard": 1, "medium": 2, "high": 3}


def repeat_victim(victim_dates, *, at: dt.datetime, window: dt.timedelta) -> bool:
    """The one meaning of "repeat victim" in Haven.

    A victim of two or more domestic abuse incidents within `repeat_window_days` (policy)
    counted back from `at`. `victim_dates` are the dates of the incidents in which the person
    was the victim, *including* the one being judged: a log being opened counts itself once,
    so a first-ever call is never a repeat. Used by the call-time history below and by
    intake's `is_repeat_victim`.
    """
    return sum(1 for when in victim_dates if when is not None and at - window <= when <= at) >= 2


def repeat_window(force, at=None) -> dt.timedelta:
    return dt.timedelta(days=policy(force, "repeat_window_days", at=at))


def _parse_dt(value) -> dt.datetime | None:
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        try:
            parsed = dt.datetime.combine(dt.date.fromisoformat(str(value)[:10]), dt.time())
        except ValueError:
            return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _empty() -> dict:
    return {
        "da_incidents": {"count": 0, "last_at": None},
        "repeat_victim": False,
        "recent_victim_incident": False,
        "highest_dash_grade_12m": None,
        # A case, not a log: only what legacy data says is open (an open DA crime, whose
        # outcome is still blank). An unclosed incident log is never counted as a case.
        "open_case": False,
        "marac": None,
        "live_orders": [],
        "warning_markers": [],
        "roles": [],
        "counter_allegation": False,
        "children_at_address": 0,
    }


def _higher(current: str | None, grade: str | None) -> str | None:
    if grade not in GRADE_ORDER:
        return current
    if current is None or GRADE_ORDER[grade] > GRADE_ORDER[current]:
        return grade
    return current


def _involvements(summaries, ids, at, windows, excluding=None):
    victim_dates = defaultdict(list)
    roles = defaultdict(set)
    rows = Involvement.objects.filter(person_id__in=ids)
    if excluding is not None:
        rows = rows.exclude(incident_id=getattr(excluding, "pk", excluding))
    rows = rows.values_list("person_id", "role", "incident__domestic_abuse",
                            "incident__occurred_at", "incident__opened_at")
    for person_id, role, da, occurred, opened in rows:
        summary = summaries[person_id]
        roles[person_id].add(role)
        when = occurred or opened
        if not da or when is None or when > at:
            continue
        summary["da_incidents"]["count"] += 1
        last = summary["da_incidents"]["last_at"]
        if last is None or when > last:
            summary["da_incidents"]["last_at"] = when
        if role == Involvement.Role.VICTIM:
            victim_dates[person_id].append(when)
    for person_id, dates in victim_dates.items():
        window = windows[person_id]["repeat"]
        summary = summaries[person_id]
        summary["repeat_victim"] = repeat_victim(dates, at=at, window=window)
        # Would a DA call about them now make them a repeat victim? (the same rule, with `at`)
        summary["recent_victim_incident"] = repeat_victim([*dates, at], at=at, window=window)
    for person_id, found in roles.items():
        summary = summaries[person_id]
        summary["roles"] = sorted(found)
        summary["counter_allegation"] = {"victim", "suspect"} <= found


def _legacy(summaries, ids, at, windows):
    rows = (LegacyRecord.objects.filter(subject__person_id__in=ids)
            .exclude(kind=LegacyRecord.Kind.CRIME)
            .values_list("subject__person_id", "kind", "source_id", "occurred_at", "ends_at",
                         "data"))
    protected = (LegacyRecord.objects.filter(other_party__person_id__in=ids,
                                             kind=LegacyRecord.Kind.ORDER, ends_at__gte=at)
                 .values_list("other_party__person_id", "source_id", "occurred_at", "ends_at",
                              "data"))
    for person_id, kind, _source_id, occurred, ends, data in rows:
        summary, window = summaries[person_id], windows[person_id]
        if kind == LegacyRecord.Kind.RISK_ASSESSMENT and occurred and at - occurred <= window[
                "history"]:
            grade = data.get("supervisor_grade") or data.get("officer_grade")
            summary["highest_dash_grade_12m"] = _higher(summary["highest_dash_grade_12m"], grade)
        elif kind == LegacyRecord.Kind.MARAC and occurred and at - occurred <= window["marac"]:
            if summary["marac"] is None or occurred > summary["marac"]["referred_at"]:
                summary["marac"] = {"referred_at": occurred,
                                    "heard_at": _parse_dt(data.get("heard_at")),
                                    "source": "legacy"}
        elif kind == LegacyRecord.Kind.ORDER and ends and ends >= at:
            summary["live_orders"].append({"kind": data.get("kind", ""), "role": "subject",
                                           "starts_at": occurred, "ends_at": ends})
    open_crimes = (LegacyRecord.objects.filter(kind=LegacyRecord.Kind.CRIME)
                   .filter(models.Q(subject__person_id__in=ids)
                           | models.Q(other_party__person_id__in=ids))
                   .values_list("subject__person_id", "other_party__person_id", "data"))
    for subject_id, other_id, data in open_crimes:
        if str(data.get("domestic_abuse", "")).strip() == "1" and not str(
                data.get("outcome") or "").strip():
            for person_id in (subject_id, other_id):
                if person_id in summaries:
                    summaries[person_id]["open_case"] = True
    for person_id, _source_id, occurred, ends, data in protected:
        summaries[person_id]["live_orders"].append(
            {"kind": data.get("kind", ""), "role": "protected", "starts_at": occurred,
             "ends_at": ends})


def _assessments(summaries, ids, at, windows):
    # By name, not import: the risk room builds on people, not the other way round.
    assessment = apps.get_model("risk", "Assessment")
    rows = (assessment.objects.filter(victim_id__in=ids, completed_at__isnull=False)
            .values_list("victim_id", "grade", "completed_at"))
    for person_id, grade, completed in rows:
        if at - completed <= windows[person_id]["history"]:
            summary = summaries[person_id]
            summary["highest_dash_grade_12m"] = _higher(summary["highest_dash_grade_12m"], grade)


def _markers(summaries, ids):
    rows = (WarningMarker.objects.filter(person_id__in=ids).order_by("-recorded_at")
            .values_list("person_id", "kind", "recorded_at"))
    for person_id, kind, recorded in rows:
        summaries[person_id]["warning_markers"].append({"kind": kind, "recorded_at": recorded})


def _children(summaries, persons):
    ids = [p.pk for p in persons]
    addresses = defaultdict(set)
    for person_id, line, postcode in Address.objects.filter(person_id__in=ids).values_list(
            "person_id", "line", "postcode"):
        if postcode:
            addresses[postcode.replace(" ", "").upper()].add((person_id, line.strip().lower()))
    if not addresses:
        return
    force_ids = {p.force_id for p in persons}
    postcodes = {pc for pc in addresses}
    spaced = {f"{pc[:-3]} {pc[-3:]}" for pc in postcodes}
    rows = (Involvement.objects.filter(role=Involvement.Role.CHILD,
                                       incident__force_id__in=force_ids,
                                       incident__postcode__in=postcodes | spaced)
            .values_list("person_id", "incident__postcode", "incident__address_line"))
    children = defaultdict(set)
    for child_id, postcode, line in rows:
        for person_id, own_line in addresses.get(postcode.replace(" ", "").upper(), ()):
            same_place = not own_line or not line or own_line == line.strip().lower()
            if same_place and child_id != person_id:
                children[person_id].add(child_id)
    for person_id, found in children.items():
        summaries[person_id]["children_at_address"] = len(found)


def history_summaries(persons, at: dt.datetime | None = None, *, excluding=None
                      ) -> dict[int, dict]:
    """person id -> summary (see `history_summary`) for many persons at once.

    `excluding`: an incident (or its id) to leave out, e.g. the log being shown, so that it
    does not count as its own history."""
    at = at or timezone.now()
    persons = list(persons)
    ids = [p.pk for p in persons]
    summaries = {pk: _empty() for pk in ids}
    if not ids:
        return summaries
    by_force: dict[int, dict] = {}
    windows = {}
    for person in persons:
        if person.force_id not in by_force:
            force = person.force
            by_force[person.force_id] = {
                "repeat": repeat_window(force, at=at),
                "marac": dt.timedelta(days=policy(force, "marac_lookback_days", at=at)),
                "history": dt.timedelta(days=policy(force, "history_lookback_days", at=at)),
            }
        windows[person.pk] = by_force[person.force_id]
    _involvements(summaries, ids, at, windows, excluding)
    _legacy(summaries, ids, at, windows)
    _assessments(summaries, ids, at, windows)
    _markers(summaries, ids)
    _children(summaries, persons)
    return summaries


def history_summary(person, at: dt.datetime | None = None, *, excluding=None) -> dict:
    """One person's call-time history.

    Keys: da_incidents {count, last_at}; repeat_victim (`repeat_victim`: two or more DA
    incidents as victim within `repeat_window_days` back from `at`); recent_victim_incident
    (a DA call about them at `at` would make them a repeat victim, by the same rule);
    highest_dash_grade_12m (legacy DASH and risk.Assessment within
    `history_lookback_days`); open_case (an open DA crime in legacy data; never an unclosed
    incident log); marac (latest referral within
    `marac_lookback_days` or None); live_orders; warning_markers; roles (victim, suspect
    ...); counter_allegation (both victim and suspect); children_at_address.
    """
    return history_summaries([person], at=at, excluding=excluding)[person.pk]

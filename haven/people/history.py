"""What a call handler must see about a person before grading (R-CALL-04), in a few queries.

The summary is composed from facts each room registers (`register_history_facts`, in the
room's `AppConfig.ready()`), the way `haven.web.home.register_section` composes home pages:
intake contributes incidents and involvements (repeat victim, roles, children at the
address), risk its completed assessments, people its legacy records and warning markers. A
room added later (MARAC, protection, custody ...) registers its own facts here instead of
this file reading its tables.

`history_summaries(persons)` answers for many persons with a fixed number of queries per
registered source (so a lookup of ten candidates costs the same as one);
`history_summary(person)` is the one-person form. Windows come from policy:
`repeat_window_days`, `marac_lookback_days`, `history_lookback_days`.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from haven.forces.policy import policy
from haven.people.models import Address, LegacyRecord, SourceRecord, WarningMarker

GRADE_ORDER = {"standard": 1, "medium": 2, "high": 3}


def repeat_victim(victim_dates, *, at: dt.datetime, window: dt.timedelta) -> bool:
    """The one meaning of "repeat victim" in Haven.

    A victim of two or more domestic abuse incidents within `repeat_window_days` (policy)
    counted back from `at`. `victim_dates` are the dates of the incidents in which the person
    was the victim, *including* the one being judged: a log being opened counts itself once,
    so a first-ever call is never a repeat. Used by intake's history facts and by intake's
    `is_repeat_victim`.
    """
    return sum(1 for when in victim_dates if when is not None and at - window <= when <= at) >= 2


def repeat_window(force, at=None) -> dt.timedelta:
    return dt.timedelta(days=policy(force, "repeat_window_days", at=at))


def higher_grade(current: str | None, grade: str | None) -> str | None:
    """The higher of two risk grades (standard < medium < high); unknown grades ignored."""
    if grade not in GRADE_ORDER:
        return current
    if current is None or GRADE_ORDER[grade] > GRADE_ORDER[current]:
        return grade
    return current


def _later_marac(current: dict | None, new: dict | None) -> dict | None:
    if new is None:
        return current
    if current is None or new["referred_at"] > current["referred_at"]:
        return new
    return current


# --- the registry ------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryContext:
    """What a facts function may need besides ids, time and windows."""

    force_ids: dict[int, int]  # person id -> force id
    excluding: int | None = None  # an incident id to leave out (the log being shown)


FactsFn = Callable[[list, dt.datetime, dict, HistoryContext], dict]


@dataclass(frozen=True)
class FactSource:
    name: str
    fn: FactsFn
    defaults: dict = field(default_factory=dict)  # fact -> its value when nothing is known

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(self.defaults)


SOURCES: dict[str, FactSource] = {}

# How a fact given by more than one source combines (first value, next value -> value).
# Otherwise lists are joined, flags OR-ed and anything else replaced.
COMBINE: dict[str, Callable] = {"highest_dash_grade_12m": higher_grade, "marac": _later_marac}


def register_history_facts(name: str, fn: FactsFn, *, defaults: dict) -> None:
    """A room contributes facts to the call-time history.

    `fn(person_ids, at, windows, context) -> {person_id: {fact: value}}` answers for all the
    persons at once (a fixed number of queries); persons it has nothing about may be left
    out. `windows[person_id]` holds the person's force's policy windows as timedeltas
    ("repeat", "marac", "history"); `context` is a `HistoryContext`. `defaults` names every
    fact the source gives, with its value when nothing is known. Registering a name again
    replaces it (AppConfig.ready may run more than once in tests)."""
    SOURCES[name] = FactSource(name=name, fn=fn, defaults=dict(defaults))


def unregister_history_facts(name: str) -> None:
    SOURCES.pop(name, None)


def history_facts() -> dict[str, tuple[str, ...]]:
    """source name -> the facts it contributes, for every registered source."""
    return {name: source.facts for name, source in SOURCES.items()}


def _empty() -> dict:
    summary: dict = {}
    for source in SOURCES.values():
        for fact, value in source.defaults.items():
            summary.setdefault(fact, copy.deepcopy(value))
    return summary


def _combine(summary: dict, facts: dict) -> None:
    for fact, value in facts.items():
        current = summary.get(fact)
        if fact in COMBINE:
            summary[fact] = COMBINE[fact](current, value)
        elif isinstance(current, list):
            current.extend(value)
        elif isinstance(current, bool):
            summary[fact] = current or bool(value)
        else:
            summary[fact] = value


# --- people's own facts: legacy records and warning markers --------------------------------

LEGACY_DEFAULTS = {
    "highest_dash_grade_12m": None,
    # A case, not a log: only what legacy data says is open (an open DA crime, whose
    # outcome is still blank). An unclosed incident log is never counted as a case.
    "open_case": False,
}  # live orders: the protection room's facts (haven/protection/history_facts.py); MARAC: the
#   MARAC room's (haven/marac/history_facts.py)


def legacy_facts(ids, at, windows, context) -> dict[int, dict]:
    """Legacy DASH grades and open DA crimes (until the investigation room owns these facts;
    orders are the protection room's, MARAC referrals the MARAC room's)."""
    out: dict[int, dict] = {}

    def facts(person_id):
        return out.setdefault(person_id, {"highest_dash_grade_12m": None})

    rows = (LegacyRecord.objects.filter(subject__person_id__in=ids)
            .exclude(kind__in=[LegacyRecord.Kind.CRIME, LegacyRecord.Kind.ORDER,
                               LegacyRecord.Kind.MARAC])
            .values_list("subject__person_id", "kind", "source_id", "occurred_at", "ends_at",
                         "data"))
    for person_id, kind, _source_id, occurred, _ends, data in rows:
        window = windows[person_id]
        if kind == LegacyRecord.Kind.RISK_ASSESSMENT and occurred and at - occurred <= window[
                "history"]:
            grade = data.get("supervisor_grade") or data.get("officer_grade")
            summary = facts(person_id)
            summary["highest_dash_grade_12m"] = higher_grade(summary["highest_dash_grade_12m"],
                                                             grade)
    # One query a side, each through its index: "subject's person in ... OR the other
    # party's in ..." read every legacy record of the database (0.1 s a call-time lookup
    # at 200k people). A crime both sides find is read twice and counted once.
    crimes = LegacyRecord.objects.filter(kind=LegacyRecord.Kind.CRIME)
    open_crimes = [row for side in ("subject__person_id__in", "other_party__person_id__in")
                   for row in crimes.filter(**{side: ids}).values_list(
                       "subject__person_id", "other_party__person_id", "data")]
    wanted = set(ids)
    for subject_id, other_id, data in open_crimes:
        if str(data.get("domestic_abuse", "")).strip() == "1" and not str(
                data.get("outcome") or "").strip():
            for person_id in (subject_id, other_id):
                if person_id in wanted:
                    facts(person_id)["open_case"] = True
    return out


def marker_facts(ids, at, windows, context) -> dict[int, dict]:
    out: dict[int, dict] = {}
    rows = (WarningMarker.objects.filter(person_id__in=ids).order_by("-recorded_at")
            .values_list("person_id", "kind", "recorded_at"))
    for person_id, kind, recorded in rows:
        out.setdefault(person_id, {"warning_markers": []})["warning_markers"].append(
            {"kind": kind, "recorded_at": recorded})
    return out


def addresses_of(person_ids) -> list[tuple[int, str, str]]:
    """(person id, line, postcode) of each address the persons have: for rooms whose facts
    depend on where a person lives (intake's children at the address)."""
    return list(Address.objects.filter(person_id__in=list(person_ids)).values_list(
        "person_id", "line", "postcode"))


def record_systems(person_ids) -> dict[int, dict[str, int]]:
    """person id -> {system: how many of its records that person holds}: for a room that
    says where a person is known from (intake's "recognised" on a log) without reading
    people's tables."""
    out: dict[int, dict[str, int]] = {}
    rows = (SourceRecord.objects.filter(person_id__in=list(person_ids))
            .values_list("person_id", "system").order_by())
    for person_id, system in rows:
        systems = out.setdefault(person_id, {})
        systems[system] = systems.get(system, 0) + 1
    return out


def register() -> None:
    """People's own facts (called from PeopleConfig.ready)."""
    register_history_facts("people.legacy", legacy_facts, defaults=LEGACY_DEFAULTS)
    register_history_facts("people.markers", marker_facts, defaults={"warning_markers": []})


# --- the composition ------------------------------------------------------------------------

def _windows(persons, at) -> dict[int, dict]:
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
    return windows


def history_summaries(persons, at: dt.datetime | None = None, *, excluding=None
                      ) -> dict[int, dict]:
    """person id -> summary (see `history_summary`) for many persons at once: the facts of
    every registered source, combined.

    `excluding`: an incident (or its id) to leave out, e.g. the log being shown, so that it
    does not count as its own history."""
    at = at or timezone.now()
    persons = list(persons)
    ids = [p.pk for p in persons]
    summaries = {pk: _empty() for pk in ids}
    if not ids:
        return summaries
    windows = _windows(persons, at)
    context = HistoryContext(force_ids={p.pk: p.force_id for p in persons},
                             excluding=getattr(excluding, "pk", excluding))
    for source in list(SOURCES.values()):
        for person_id, facts in source.fn(ids, at, windows, context).items():
            if person_id in summaries:
                _combine(summaries[person_id], facts)
    return summaries


def history_summary(person, at: dt.datetime | None = None, *, excluding=None) -> dict:
    """One person's call-time history.

    Keys (with the rooms installed today): da_incidents {count, last_at}; repeat_victim
    (`repeat_victim`: two or more DA incidents as victim within `repeat_window_days` back
    from `at`); recent_victim_incident (a DA call about them at `at` would make them a
    repeat victim, by the same rule); highest_dash_grade_12m (legacy DASH and
    risk.Assessment within `history_lookback_days`); open_case (an open DA crime in legacy
    data; never an unclosed incident log); marac (latest referral within
    `marac_lookback_days` or None); live_orders; warning_markers; roles (victim, suspect
    ...); counter_allegation (both victim and suspect); children_at_address.
    """
    return history_summaries([person], at=at, excluding=excluding)[person.pk]

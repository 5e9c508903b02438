"""History at the first point of contact.

A person's history comes from the people room (`find_candidates`, `history_summary`,
`history_summaries`), re-exported here for the control room's pages; the address's history
(prior DA incidents there, children recorded there) and the repeat test at the moment a log
is opened are intake's own.
"""

from __future__ import annotations

from django.db.models.functions import Upper
from django.utils import timezone

from haven.intake.history_facts import event_key, keep_earliest
from haven.intake.models import HAVEN_SYSTEM, Incident, Involvement
from haven.people.access import access_person, scoped_persons
from haven.people.history import (
    history_summaries,
    history_summary,
    record_systems,
    repeat_victim,
    repeat_window,
)
from haven.people.lookup import find_candidates

__all__ = [
    "address_history", "find_candidates", "history_summaries", "history_summary",
    "is_repeat_victim", "markers_from_history", "recognised_from",
]


def recognised_from(involvements) -> dict[int, list[str]]:
    """involvement id -> the systems that already knew the person, for each person added on
    a log from what was said (not picked from the matches) whom Haven recognised: the
    incremental linker, or the join on who met whom, put them on a known person. The
    handler and the officer are told so in words, not left to infer it from a history they
    did not expect. A person added new who is new is not in the answer."""
    added = [i for i in involvements if i.haven_source_id]
    systems = record_systems({i.person_id for i in added})
    out = {}
    for involvement in added:
        held = dict(systems.get(involvement.person_id, {}))
        held[HAVEN_SYSTEM] = held.get(HAVEN_SYSTEM, 0) - 1  # this log's own record of them
        known = [system.replace("_", " ") for system, count in sorted(held.items())
                 if count > 0 and system != HAVEN_SYSTEM]
        if held[HAVEN_SYSTEM] > 0:
            known.append("earlier Haven logs")
        if known:
            out[involvement.pk] = known
    return out


def is_repeat_victim(person, *, at=None, incident=None) -> bool:
    """Is `person` a repeat victim at `at`? The people room's one rule (`repeat_victim`,
    policy `repeat_window_days`).

    With `incident` (a log naming them as victim) the log counts itself once and `at`
    defaults to its opening time; without it, the question is whether a DA call about them
    at `at` (default now) would make them a repeat victim.
    """
    at = at or (incident.opened_at if incident is not None else timezone.now())
    rows = (Involvement.objects.filter(person=person, role=Involvement.Role.VICTIM,
                                       incident__domestic_abuse=True)
            .exclude(incident=incident)
            .values_list("incident_id", "incident__reconciled__event",
                         "incident__occurred_at", "incident__opened_at"))
    # One real incident recorded by several systems counts once (as in the history facts).
    this_event = getattr(getattr(incident, "reconciled", None), "event", None) \
        if incident is not None else None
    earliest: dict[int, object] = {}
    for incident_id, event, occurred, opened in rows:
        key, date = event_key(incident_id, event), occurred or opened
        if date is not None and key != this_event:
            keep_earliest(earliest, key, date)
    when = list(earliest.values())
    if incident is None or not incident.domestic_abuse:
        when.append(at)
    else:
        when.append(incident.occurred_at or incident.opened_at)
    return repeat_victim(when, at=at, window=repeat_window(person.force, at=at))


def markers_from_history(history: dict) -> list[str]:
    """Flags from a history summary that change how a call is graded and briefed."""
    markers = []
    if history.get("repeat_victim"):
        markers.append("repeat_victim")
    if str(history.get("highest_dash_grade_12m") or "").lower() == "high":
        markers.append("high_risk")
    if history.get("marac_12m") or history.get("marac"):
        markers.append("marac")
    if history.get("live_orders"):
        markers.append("live_order")
    warnings = " ".join(
        str(w.get("kind", "") if isinstance(w, dict) else w)
        for w in history.get("warning_markers") or []
    ).lower()
    if "weapon" in warnings or "firearm" in warnings:
        markers.append("weapons_marker")
    if history.get("open_case"):
        markers.append("open_case")
    return markers


def address_history(force, *, address_line="", postcode="", excluding=None, at=None) -> dict:
    """Prior DA incidents at the same address (postcode + first line) and children seen there."""
    postcode = (postcode or "").strip()
    if not postcode:
        return {"incidents": [], "children": []}
    # The postcode in any case, through the index on its upper case (`Incident.Meta`).
    incidents = Incident.objects.alias(postcode_upper=Upper("postcode")).filter(
        force=force, postcode_upper=postcode.upper(), domestic_abuse=True)
    if address_line.strip():
        incidents = incidents.filter(address_line__iexact=address_line.strip())
    if excluding is not None:
        incidents = incidents.exclude(pk=excluding.pk)
    if at is not None:
        incidents = incidents.filter(opened_at__lte=at)
    incidents = list(incidents.order_by("-opened_at")[:20])
    children = (
        Involvement.objects.filter(incident__in=incidents, role=Involvement.Role.CHILD)
        .select_related("person").order_by("person_id")
    )
    seen, child_people = set(), []
    for involvement in children:
        if involvement.person_id not in seen:
            seen.add(involvement.person_id)
            child_people.append(involvement.person)
    return {"incidents": incidents, "children": child_people}


def scoped_person(user, person_id):
    """A person the handler picked from the lookup: fetched through people's access (404 else)."""

    return access_person(user, person_id, reason="named on an incident log")


def persons_in_scope(user, person_ids) -> list:
    """People already picked on the call screen (kept while the handler searches for others)."""

    return list(scoped_persons(user).filter(pk__in=list(person_ids)).order_by("pk"))

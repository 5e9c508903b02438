"""History at the first point of contact.

A person's history comes from the people room (`find_candidates`, `history_summary`,
`history_summaries`), re-exported here for the control room's pages; the address's history
(prior DA incidents there, children recorded there) and the repeat test at the moment a log
is opened are intake's own.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haven.forces.policy import policy
from haven.intake.models import Incident, Involvement
from haven.people.history import history_summaries, history_summary
from haven.people.lookup import find_candidates

__all__ = [
    "address_history", "find_candidates", "history_summaries", "history_summary",
    "is_repeat_victim", "markers_from_history",
]


def is_repeat_victim(person, *, at=None, excluding=None) -> bool:
    """A victim of a further DA incident within the force's repeat window (default 12 months)."""
    at = at or timezone.now()
    days = policy(person.force, "repeat_window_days", at=at)
    prior = Involvement.objects.filter(
        person=person, role=Involvement.Role.VICTIM, incident__domestic_abuse=True,
        incident__opened_at__gte=at - dt.timedelta(days=days), incident__opened_at__lte=at,
    )
    if excluding is not None:
        prior = prior.exclude(incident=excluding)
    return prior.exists()


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
    incidents = Incident.objects.filter(force=force, postcode__iexact=postcode,
                                        domestic_abuse=True)
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
    from haven.people.access import access_person

    return access_person(user, person_id, reason="named on an incident log")


def persons_in_scope(user, person_ids) -> list:
    """People already picked on the call screen (kept while the handler searches for others)."""
    from haven.people.access import scoped_persons

    return list(scoped_persons(user).filter(pk__in=list(person_ids)).order_by("pk"))

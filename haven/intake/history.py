"""History at the first point of contact: a thin adapter over the people room's lookup.

The people room provides `haven.people.lookup.find_candidates` and `history_summary`. They
are imported lazily; where they are not there (yet), a simple scoped query of our own
stands in, so the call handler always sees a history and never chooses whether to look.
The address's history (prior DA incidents there, children recorded there) is intake's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from haven.forces.policy import policy
from haven.intake.models import Incident, Involvement


@dataclass
class Candidate:
    person: object
    score: float = 1.0
    explanation: str = ""
    history: dict = field(default_factory=dict)


def _people_lookup():
    try:
        from haven.people import lookup
    except ImportError:
        return None
    return lookup


def find_candidates(user, *, forename="", surname="", date_of_birth=None, phone="",
                    postcode="", limit=10) -> list:
    """Matched persons with their history; the people room's lookup when it is there."""
    lookup = _people_lookup()
    if lookup is not None and hasattr(lookup, "find_candidates"):
        return list(lookup.find_candidates(
            user, forename=forename, surname=surname, date_of_birth=date_of_birth,
            phone=phone, postcode=postcode, limit=limit,
        ))
    return _fallback_candidates(user, forename=forename, surname=surname,
                                date_of_birth=date_of_birth, postcode=postcode, limit=limit)


def _fallback_candidates(user, *, forename, surname, date_of_birth, postcode, limit):
    from haven.people.access import scoped_persons

    if not (surname.strip() or date_of_birth or postcode.strip()):
        return []
    persons = scoped_persons(user)
    reasons = []
    if surname.strip():
        persons = persons.filter(surname__iexact=surname.strip())
        reasons.append("surname")
    if forename.strip():
        persons = persons.filter(forename__istartswith=forename.strip()[:1])
        reasons.append("forename initial")
    if date_of_birth:
        persons = persons.filter(date_of_birth=date_of_birth)
        reasons.append("date of birth")
    if postcode.strip():
        persons = persons.filter(addresses__postcode__iexact=postcode.strip())
        reasons.append("postcode")
    explanation = "Same " + ", ".join(reasons)
    found = list(persons.distinct().order_by("surname", "forename", "id")[:limit])
    from haven.access.log import Action, record_access

    record_access(user, Action.CONSULTATION, record_type="lookup",
                  detail={"candidates": [p.pk for p in found]})
    return [Candidate(person=p, explanation=explanation, history=history_summary(p))
            for p in found]


def history_summary(person, at=None) -> dict:
    """The person's history in one look (people room's summary when available)."""
    try:
        from haven.people.history import history_summary as people_summary
    except ImportError:
        lookup = _people_lookup()
        people_summary = getattr(lookup, "history_summary", None)
    if people_summary is not None:
        return dict(people_summary(person, at=at))
    return _own_summary(person, at=at)


def _own_summary(person, at=None) -> dict:
    at = at or timezone.now()
    involvements = Involvement.objects.filter(person=person, incident__domestic_abuse=True)
    incidents = Incident.objects.filter(involvements__person=person, domestic_abuse=True)
    last = incidents.order_by("-opened_at").values_list("opened_at", flat=True).first()
    return {
        "da_incidents": {"count": incidents.distinct().count(), "last_at": last},
        "repeat_victim": is_repeat_victim(person, at=at),
        "highest_dash_grade_12m": None,
        "open_case": False,
        "marac_12m": False,
        "live_orders": [],
        "warning_markers": [],
        "roles": sorted(set(involvements.values_list("role", flat=True))),
        "children_at_address": [],
    }


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

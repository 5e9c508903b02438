"""Who holds a case: allocation rules from policy, reallocation with a reason, workload.

The rules are the force's policy (`safeguarding_allocation`, `safeguarding_neighbourhood_
teams`), not code: high risk goes to the domestic abuse risk managers (the HAU then names
one), medium and standard to the neighbourhood team whose postcode districts include the
victim's. A confidential (refuge) address routes by its district like any other, but the
district is marked confidential on the case and never shown.
"""

from __future__ import annotations

from collections import Counter

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone

from haven.access.log import Action, record_access
from haven.core.actions import action
from haven.core.concurrency import update_if_unchanged
from haven.forces.policy import policy
from haven.people.addresses import (
    confidential_places,
    is_confidential,
    place,
    postcode_district,
)
from haven.people.history import addresses_of
from haven.safeguarding.models import Case, CaseEvent

DARM_POOL = "Domestic abuse risk managers"
NO_TEAM = "No neighbourhood team covers this area"
RECORD_TYPE = "safeguarding_case"


# --- the rules: plain functions over policy values -----------------------------------------

def team_for_district(teams: dict, district: str) -> str:
    """The team whose districts include this one ("CV34"), else one that covers the
    district's letters ("CV"); "" when none does."""
    if not district:
        return ""
    letters = "".join(ch for ch in district if ch.isalpha())
    for key in (district, letters):
        for team, districts in sorted(teams.items()):
            if key in districts:
                return team
    return ""


def routing_kind(force, grade: str, *, at=None) -> str:
    """"darm" or "neighbourhood" for this grade under the force's policy."""
    return (policy(force, "safeguarding_allocation", at=at) or {}).get(grade, "darm")


# --- the victim's area ---------------------------------------------------------------------

def victim_area(person_id: int) -> tuple[str, bool]:
    """(postcode district of the victim's latest address, whether that address is
    confidential). Read through the people room's services; never returns the address."""
    rows = addresses_of([person_id])
    if not rows:
        return "", False
    _pid, line, postcode = rows[-1]
    secret = is_confidential(place(line, postcode),
                             confidential_places([person_id]).get(person_id, []))
    return postcode_district(postcode), secret


@action("case.manage", record_type=RECORD_TYPE)
def do_route_case(case: Case, *, actor, at=None, reason: str = "") -> None:
    """Set the case's holder by the force's rules (run inside the opening or regrading
    action). High: the DARM pool until the HAU names a DARM; otherwise the neighbourhood
    team for the victim's area."""
    at = at or timezone.now()
    district, secret = victim_area(case.person_id)
    kind = routing_kind(case.force, case.grade, at=at)
    if kind == "darm":
        team, user = DARM_POOL, None
    else:
        teams = policy(case.force, "safeguarding_neighbourhood_teams", at=at) or {}
        team, user = team_for_district(teams, district) or NO_TEAM, None
    update_if_unchanged(case, case.version, "The case changed while it was being allocated.",
                        allocated_team=team, allocated_user=user, area=district,
                        area_confidential=secret)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ALLOCATED, at=at,
                             actor=actor if getattr(actor, "is_authenticated", False) else None,
                             summary=f"Allocated by the force's rules to {team}",
                             reason=reason)
    record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE, record_id=case.pk,
                  person_id=case.person_id, reason=reason[:200],
                  detail={"routed": kind, "confidential_area": secret})


# --- allocation by a person ----------------------------------------------------------------

def darms(force):
    return (get_user_model().objects.filter(force=force, role="darm", is_active=True)
            .order_by("last_name", "first_name", "username"))


def suggested_darm(force):
    """The force's DARM holding the fewest open cases (ties: by name)."""
    people = list(darms(force))
    if not people:
        return None
    load = Counter(Case.objects.filter(force=force, status=Case.Status.OPEN,
                                       allocated_user__in=people)
                   .values_list("allocated_user_id", flat=True))
    return min(people, key=lambda u: load[u.pk])


WITHHELD_TEAM = "A neighbourhood team (area withheld: confidential address)"


def holder_name(case: Case, *, reveal: bool = False) -> str:
    """Who holds the case. A team chosen by a refuge's area would betray the area, so
    outside the full case (`reveal`) it is not named."""
    if case.allocated_user_id:
        u = case.allocated_user
        return u.get_full_name() or u.username
    if (case.area_confidential and not reveal
            and case.allocated_team not in ("", DARM_POOL, NO_TEAM)):
        return WITHHELD_TEAM
    return case.allocated_team or "Not allocated"


def is_reallocation(case: Case) -> bool:
    """Moving a case from a named holder (a DARM, or a neighbourhood team) needs a reason;
    naming a DARM for a case in the DARM pool is its first allocation."""
    if case.allocated_user_id:
        return True
    return bool(case.allocated_team) and case.allocated_team not in (DARM_POOL, NO_TEAM)


class AllocationRefused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@action("case.allocate", record_type=RECORD_TYPE)
def do_allocate_case(case: Case, *, version, darm_id=None, team: str = "", reason: str = "",
                     actor) -> Case:
    """Allocate the case to a named DARM of its force or to a neighbourhood team in the
    force's policy; a reallocation needs a reason. Kept in the case's history."""
    if case.force_id != getattr(actor, "force_id", None):
        raise Http404("Not found")
    user = None
    if darm_id:
        user = darms(case.force).filter(pk=darm_id).first()
        if user is None:
            raise AllocationRefused("darm", "Choose a domestic abuse risk manager")
        team = DARM_POOL
    elif team:
        teams = policy(case.force, "safeguarding_neighbourhood_teams") or {}
        if team not in teams:
            raise AllocationRefused("team", "Choose a neighbourhood team")
    else:
        raise AllocationRefused("darm", "Choose who will hold the case")
    if user is not None and user.pk == case.allocated_user_id:
        raise AllocationRefused("darm", "The case is already allocated to them")
    if user is None and team == case.allocated_team and not case.allocated_user_id:
        raise AllocationRefused("team", "The case is already allocated to that team")
    again = is_reallocation(case)
    if again and not reason.strip():
        raise AllocationRefused("reason", "Say why the case is being reallocated")
    before = holder_name(case)
    update_if_unchanged(case, version, "Someone else changed this case. Reload the page.",
                        allocated_user=user, allocated_team=team)
    name = (user.get_full_name() or user.username) if user else team
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.REALLOCATED if again else CaseEvent.Kind.ALLOCATED,
        at=timezone.now(), actor=actor, reason=reason.strip(),
        summary=(f"Reallocated from {before} to {name}" if again else f"Allocated to {name}"))
    record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE, record_id=case.pk,
                  person_id=case.person_id, reason=reason.strip()[:200],
                  detail={"allocated_user": user.pk if user else None, "team": bool(team)})
    return case


def workload(force) -> dict:
    """Open cases per DARM (by grade) and per neighbourhood team; counts only, no names."""
    open_cases = Case.objects.filter(force=force, status=Case.Status.OPEN)
    per_user = Counter(open_cases.exclude(allocated_user=None)
                       .values_list("allocated_user_id", "grade"))
    darm_rows = []
    for user in darms(force):
        by_grade = {g: per_user[(user.pk, g)] for g in ("high", "medium", "standard")}
        darm_rows.append({"name": user.get_full_name() or user.username,
                          "total": sum(by_grade.values()), **by_grade})
    per_team = Counter(open_cases.filter(allocated_user=None)
                       .values_list("allocated_team", "grade"))
    team_names = sorted((policy(force, "safeguarding_neighbourhood_teams") or {}).keys())
    team_rows = []
    for team in [*team_names, DARM_POOL, NO_TEAM]:
        by_grade = {g: per_team[(team, g)] for g in ("high", "medium", "standard")}
        total = sum(by_grade.values())
        if team in (DARM_POOL, NO_TEAM) and not total:
            continue
        label = {DARM_POOL: "Awaiting a named risk manager",
                 NO_TEAM: "Awaiting allocation: no team covers the area"}.get(team, team)
        team_rows.append({"name": label, "total": total, **by_grade})
    return {"darms": darm_rows, "teams": team_rows}

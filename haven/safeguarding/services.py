"""The safeguarding room's public functions: other rooms and the views reach cases here.

Public (other rooms may call these; keep the names):

- `open_case_for(force, person_id)`: the victim's open case or None (a read, not logged).
- `access_case(user, case_id, *, reason="")`: fetch, authorise and log; 404 otherwise.
- `scoped_cases(user)`: the cases this user may see at all.
- `contact_preferences_for(force, person_id)`: how to contact the victim safely, or None.
- `sanitised_case(case)`: what a role without full need may see of a case
  (`sanitised_cases(cases)` for a list).
- `has_full_view(user, case)`: need (role) or a live break-glass.

Changes are `do_` actions in `haven.safeguarding.cases` (open, close, re-open, regrade),
`plans`, `allocation`, `break_glass`, `sharing`.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.core.api import db_int
from haven.safeguarding.allocation import holder_name
from haven.safeguarding.models import BreakGlass, Case, ContactPreferences, PlanAction

RECORD_TYPE = "safeguarding_case"


def open_case_for(force, person_id) -> Case | None:
    """The victim's open case in this force, or None. A read for other rooms (the daily
    board, investigation, letters) that have already authorised the person; not logged."""
    force_id = getattr(force, "pk", force)
    return Case.objects.filter(force_id=force_id, person_id=person_id,
                               status=Case.Status.OPEN).first()


def scoped_cases(user) -> QuerySet[Case]:
    """Cases this user may see at all (sanitised or full): police of the force that holds
    the case, or of an alliance force it is shared with (sharing not withdrawn). Partner
    staff see no case here (their referrals are the partners' part of this room)."""
    if not (user and user.is_authenticated) or not can(user, "case.view"):
        return Case.objects.none()
    if getattr(user, "is_partner", False) or not user.force_id:
        return Case.objects.none()
    return Case.objects.filter(
        Q(force_id=user.force_id)
        | Q(shares__with_force_id=user.force_id, shares__withdrawn_at__isnull=True)
    ).distinct()


def access_case(user, case_id, *, reason: str = "", action: str = Action.CONSULTATION) -> Case:
    """Return the case, logging the consultation; raise 404 (and log the refusal) for a
    missing case, a case of another force not shared with the user's, or a role without
    `case.view`. The same 404 for all three, so nobody can probe for what exists."""
    pk = db_int(case_id)
    with transaction.atomic():
        case = (scoped_cases(user).select_related("force", "allocated_user")
                .filter(pk=pk).first()) if pk is not None else None
        record_access(user, action, record_type=RECORD_TYPE, record_id=case_id,
                      person_id=case.person_id if case else None, reason=reason,
                      outcome=Outcome.ALLOWED if case else Outcome.REFUSED,
                      detail={"full": bool(case and has_full_view(user, case))})
    if case is None:
        raise Http404("Not found")
    return case


def live_break_glass(user, case, *, now=None) -> BreakGlass | None:
    now = now or timezone.now()
    return (BreakGlass.objects.filter(case=case, user=user, started_at__lte=now,
                                      expires_at__gt=now).order_by("-expires_at").first())


def has_full_view(user, case, *, now=None) -> bool:
    """Full need by role, or a break-glass of this user on this case that has not expired."""
    if can(user, "case.view_full"):
        return True
    if can(user, "case.break_glass"):
        return live_break_glass(user, case, now=now) is not None
    return False


def contact_preferences_for(force, person_id) -> ContactPreferences | None:
    """How to contact the victim safely (safe number, safe times, no messages, no letters
    home), or None when nobody has recorded any. For every room that might contact the
    victim (letters obey `no_letters_home`); the caller has authorised the person."""
    force_id = getattr(force, "pk", force)
    return ContactPreferences.objects.filter(force_id=force_id, person_id=person_id).first()


def safe_contact_lines(prefs: ContactPreferences | None) -> list[str]:
    """The contact preferences as sentences an officer reads before calling."""
    if prefs is None:
        return []
    lines = []
    if prefs.safe_number:
        lines.append(f"Safe number: {prefs.safe_number}")
    if prefs.safe_times:
        lines.append(f"Safe times to call: {prefs.safe_times}")
    if prefs.no_messages:
        lines.append("Do not leave messages")
    if prefs.no_letters_home:
        lines.append("Do not write to the home address")
    if prefs.notes:
        lines.append(prefs.notes)
    return lines


_LOOK_UP = object()  # sanitised_case's "not given: read it" for what a list reads in bulk


def sanitised_case(case: Case, *, plan_exists=_LOOK_UP, prefs=_LOOK_UP) -> dict:
    """What a role without full need may see: the fact of risk. Grade, whether the case is
    open, that a harm reduction plan exists, safety markers, the safe contact arrangements,
    who holds the case. Never DASH answers, narrative, health, partner information or any
    address (the area is not given either: a refuge's area can betray it).

    `plan_exists` and `prefs` (the case's contact preferences, or None) are read here
    unless the caller has them already (`sanitised_cases` for a list, the full view)."""
    if plan_exists is _LOOK_UP:
        plan_exists = PlanAction.objects.filter(case=case).exclude(
            status=PlanAction.Status.CANCELLED).exists()
    if prefs is _LOOK_UP:
        prefs = contact_preferences_for(case.force_id, case.person_id)
    holder = holder_name(case)
    return {
        "id": case.pk,
        "person_id": case.person_id,
        "force": case.force.code,
        "status": case.status,
        "status_label": case.get_status_display(),
        "grade": case.grade,
        "grade_label": case.get_grade_display(),
        "plan_exists": plan_exists,
        "markers": list(case.markers or []),
        "safe_contact": safe_contact_lines(prefs),
        "held_by": holder,
        "opened_at": case.opened_at,
        "next_review_at": case.next_review_at,
    }


def sanitised_cases(cases) -> list[dict]:
    """`sanitised_case` for each of a list of cases, with two queries for the whole list
    (whether each has a live plan, and the victims' contact preferences) instead of two
    per case."""
    cases = list(cases)
    if not cases:
        return []
    with_plan = set(PlanAction.objects.filter(case_id__in=[c.pk for c in cases]).exclude(
        status=PlanAction.Status.CANCELLED).values_list("case_id", flat=True))
    prefs = {(p.force_id, p.person_id): p for p in ContactPreferences.objects.filter(
        force_id__in={c.force_id for c in cases}, person_id__in={c.person_id for c in cases})}
    return [sanitised_case(c, plan_exists=c.pk in with_plan,
                           prefs=prefs.get((c.force_id, c.person_id))) for c in cases]

"""The harm reduction plan: actions with an owner (person, team or partner agency), a due
date and a status. Every status change is kept (PlanActionChange)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from haven.access.log import Action, record_access
from haven.core.actions import action
from haven.core.concurrency import update_if_unchanged
from haven.forces.models import Agency
from haven.forces.policy import policy
from haven.safeguarding.models import Case, CaseEvent, PlanAction, PlanActionChange

RECORD_TYPE = "harm_reduction_plan"


class PlanRefused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def owner_choices(case: Case) -> dict:
    """Who may own an action: the force's people in public protection and neighbourhood
    roles, its neighbourhood teams (policy), the partner agencies serving the force."""
    users = (get_user_model().objects.filter(force_id=case.force_id, is_active=True,
                                             role__in=["darm", "hau", "snt_officer",
                                                       "detective", "sergeant"])
             .order_by("last_name", "first_name", "username"))
    teams = sorted((policy(case.force, "safeguarding_neighbourhood_teams") or {}).keys())
    agencies = Agency.objects.filter(force_id=case.force_id).order_by("name")
    return {"users": list(users), "teams": teams, "agencies": list(agencies)}


def parse_owner(case: Case, value: str) -> dict:
    """"user:5", "team:Rugby SNT", "agency:3" -> the owner fields, or PlanRefused."""
    kind, _, ref = (value or "").partition(":")
    choices = owner_choices(case)
    if kind == "user":
        user = next((u for u in choices["users"] if str(u.pk) == ref), None)
        if user:
            return {"owner_kind": PlanAction.OwnerKind.PERSON, "owner_user": user}
    elif kind == "team" and ref in choices["teams"]:
        return {"owner_kind": PlanAction.OwnerKind.TEAM, "owner_team": ref}
    elif kind == "agency":
        agency = next((a for a in choices["agencies"] if str(a.pk) == ref), None)
        if agency:
            return {"owner_kind": PlanAction.OwnerKind.AGENCY, "owner_agency": agency}
    raise PlanRefused("owner", "Choose who owns this action")


@action("case.manage", record_type=RECORD_TYPE)
def do_add_plan_action(case: Case, *, kind: str, owner: str, due_on, detail: str = "",
                       actor) -> PlanAction:
    """Add one action to the victim's harm reduction plan."""
    if case.status != Case.Status.OPEN:
        raise PlanRefused("kind", "The case is closed: re-open it before planning")
    if kind not in PlanAction.Kind.values:
        raise PlanRefused("kind", "Choose what the action is")
    if kind == PlanAction.Kind.OTHER and not detail.strip():
        raise PlanRefused("detail", "Say what the action is")
    if not isinstance(due_on, dt.date):
        raise PlanRefused("due_on", "Enter the date the action is due, like 27 3 2027")
    if due_on < timezone.localdate():
        raise PlanRefused("due_on", "The due date must be today or later")
    owner_fields = parse_owner(case, owner)
    now = timezone.now()
    item = PlanAction.objects.create(case=case, kind=kind, detail=detail.strip()[:300],
                                     due_on=due_on, created_at=now, created_by=actor,
                                     **owner_fields)
    PlanActionChange.objects.create(action=item, at=now, actor=actor,
                                    to_status=item.status, note="Added to the plan")
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.PLAN, at=now, actor=actor,
                             summary=f"Plan action added: {item.get_kind_display()}")
    record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE, record_id=item.pk,
                  person_id=case.person_id, detail={"case": case.pk, "kind": kind})
    return item


@action("case.manage", record_type=RECORD_TYPE)
def do_set_plan_action_status(item: PlanAction, *, version, status: str, note: str = "",
                              actor) -> PlanAction:
    """Move a plan action on (in progress, done, cancelled); cancelling needs a note."""
    if status not in PlanAction.Status.values:
        raise PlanRefused("status", "Choose a status")
    if status == item.status:
        raise PlanRefused("status", "The action already has that status")
    if status == PlanAction.Status.CANCELLED and not note.strip():
        raise PlanRefused("note", "Say why the action is cancelled")
    before = item.status
    update_if_unchanged(item, version, "Someone else changed this action. Reload the page.",
                        status=status)
    now = timezone.now()
    PlanActionChange.objects.create(action=item, at=now, actor=actor, from_status=before,
                                    to_status=status, note=note.strip()[:300])
    CaseEvent.objects.create(case=item.case, kind=CaseEvent.Kind.PLAN, at=now, actor=actor,
                             summary=f"{item.get_kind_display()}: {item.get_status_display()}",
                             reason=note.strip())
    record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE, record_id=item.pk,
                  person_id=item.case.person_id, detail={"status": status})
    return item

"""Which team each member of staff works in: one table read by every room that reports by
team (assurance's audit trends, learning's training gaps and lessons read by team)."""

from __future__ import annotations

from haven.access.log import Action, record_access, via
from haven.access.models import StaffTeam, User
from haven.access.roles import PARTNER_ROLES
from haven.core.actions import action, unchanged
from haven.core.concurrency import update_if_unchanged
from haven.core.refusals import Refused

NO_TEAM = "No team recorded"


def teams_of(force) -> dict[int, str]:
    """user id → team, for the force's staff who have one."""
    return dict(StaffTeam.objects.filter(force=force).values_list("user_id", "team"))


def team_row(user_id) -> StaffTeam | None:
    return StaffTeam.objects.filter(user_id=user_id).first()


def staff_member(force, user_id) -> User:
    """The force's own member of staff (never a partner agency's user), or Refused."""
    found = (User.objects.filter(pk=user_id, force=force).exclude(role__in=PARTNER_ROLES)
             .first()) if str(user_id).isdigit() else None
    if found is None:
        raise Refused({"user": "No such member of this force's staff."})
    return found


@action("staff.set_team", record_type="staff_team")
def do_set_team(force, user_id, team: str, *, version=None, actor) -> StaffTeam:
    """Put a member of the force's staff on a team; a stale form (someone changed the team
    since it was opened) is refused rather than overwritten."""
    if actor is not None and getattr(actor, "force_id", None) not in (None, force.pk):
        raise Refused({"user": "No such member of this force's staff."})
    member = staff_member(force, user_id)
    team = (team or "").strip()
    if not team or len(team) > 80:
        raise Refused({"team": "Enter the team (up to 80 characters)."})
    row = StaffTeam.objects.filter(user=member).first()
    if row is None:
        row = StaffTeam.objects.create(user=member, force=force, team=team)
    elif row.team == team:
        unchanged()
        return row
    else:
        update_if_unchanged(row, row.version if version is None else version,
                            "Someone changed this person's team since you opened the page: "
                            "reload and try again.", team=team)
    record_access(actor, Action.ALTERATION, record_type="staff_team", record_id=member.pk,
                  detail={"field": "team", **via(actor)})
    return row

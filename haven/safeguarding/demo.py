"""Demo victims' cases. The risk demo's HAU reviews have opened them (the review's
"case_update" step); here the high-risk ones get a named DARM, a plan, safety markers and
safe contact arrangements, the others a neighbourhood team; one neighbourhood officer's
break-glass waits for the auditor, and one case is shared with the other force."""

from __future__ import annotations

import datetime as dt
import importlib.util

from django.utils import timezone

from haven.forces.policy import policy
from haven.safeguarding import allocation, break_glass, cases, plans, sharing
from haven.safeguarding.models import BreakGlass, Case, PlanAction

PLAN = [("panic_alarm", "darm", 2), ("target_hardening", "team", 7),
        ("safe_contact", "darm", 1), ("dvpn", "darm", 1)]


def seed(context):
    for force in context.forces:
        users = {role: context.users[(force.code, role)]
                 for role in ("hau", "darm", "snt_officer")}
        open_cases = list(Case.objects.filter(force=force, status=Case.Status.OPEN)
                          .order_by("id"))
        if not open_cases or PlanAction.objects.filter(case__force=force).exists():
            continue
        teams = sorted((policy(force, "safeguarding_neighbourhood_teams") or {}).keys())
        for n, case in enumerate(open_cases):
            if case.grade == "high":
                _high(context, case, users, teams)
            elif case.allocated_team == allocation.NO_TEAM and teams:
                allocation.do_allocate_case(case, version=case.version,
                                            team=teams[n % len(teams)], actor=users["hau"])
        high = [c for c in open_cases if c.grade == "high"]
        if high and not BreakGlass.objects.filter(case__force=force).exists():
            break_glass.do_break_glass(high[0], reason="Attending a call at the victim's "
                                                       "address; needed the plan first",
                                       actor=users["snt_officer"])
        partners = sharing.alliance_partners(force)
        if len(high) > 1 and partners:
            sharing.do_share_case(high[1], with_force_id=partners[0].pk,
                                  reason="Perpetrator also offends in the other force area",
                                  actor=users["hau"])
    # The partners' part of this room (referrals, letters, meetings, board) seeds its own.
    if importlib.util.find_spec("haven.safeguarding.demo_partners") is not None:
        from haven.safeguarding import demo_partners  # only when that module exists

        demo_partners.seed(context)


def _high(context, case, users, teams):
    case.refresh_from_db()
    allocation.do_allocate_case(case, version=case.version, darm_id=users["darm"].pk,
                                actor=users["hau"])
    today = timezone.localdate()
    for kind, owner, days in PLAN[:context.rng.randint(2, len(PLAN))]:
        who = (f"user:{users['darm'].pk}" if owner == "darm" or not teams
               else f"team:{teams[0]}")
        plans.do_add_plan_action(case, kind=kind, owner=who,
                                 due_on=today + dt.timedelta(days=days), actor=users["darm"])
    case.refresh_from_db()
    cases.do_set_markers(case, version=case.version,
                         markers=["Do not visit unannounced",
                                  context.rng.choice(["Live DVPN", "Children in the household",
                                                      "Bail conditions: no contact"])],
                         actor=users["darm"])
    case.refresh_from_db()
    cases.do_save_contact_preferences(
        case, version=None, safe_number=f"07700 900{context.rng.randint(100, 999)}",
        safe_times=context.rng.choice(["Weekdays 10am to 2pm", "Evenings after 7pm"]),
        no_messages=True, no_letters_home=context.rng.random() < 0.5, actor=users["darm"])

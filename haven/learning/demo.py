"""Demo training records and lessons learned, per force: the eight modules, a team for each
member of staff, completions that leave each role some gaps (current, expired, never done,
expiring soon in turn), one synthetic, anonymised domestic homicide review with three
recommendations (one in progress), a lesson published to the call-handling and response
roles, and the plan adopted. No victim, child or perpetrator is named: reviews are written
as "Adult A"."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haven.access import teams
from haven.forces.policy import policy
from haven.learning import rules, services
from haven.learning.models import Review

TEAMS = {
    "call_handler": "Contact centre", "occ_supervisor": "Contact centre",
    "response_officer": "Response, south", "sergeant": "Response, south",
    "inspector": "Response, south", "snt_officer": "Neighbourhood, south",
    "hau": "Public protection", "darm": "Public protection", "detective": "Public protection",
    "marac_coordinator": "Public protection",
}
HEADQUARTERS = "Headquarters"
LESSON_ROLES = ["call_handler", "occ_supervisor", "response_officer", "sergeant"]


def _completed_on(today: dt.date, refresh: int, turn: int) -> dt.date | None:
    """Turn 0: current; 1: expired; 2: never done (None); 3: due within a few weeks."""
    period = refresh or 36
    if turn == 0:
        return rules.add_months(today, -6)
    if turn == 1:
        return rules.add_months(today, -(period + 4))
    if turn == 2:
        return None
    return rules.add_months(today, -period) + dt.timedelta(days=30)


def seed(context):
    services.do_install_default_modules(actor=None)
    today = timezone.localdate()
    for force in context.forces:
        if Review.objects.filter(force=force).exists():
            continue
        trainer = context.users[(force.code, "trainer")]
        leader = context.users[(force.code, "senior_leader")]
        staff = services.staff_of(force)  # every member of staff, other rooms' demo users too
        requirements = policy(force, "training_requirements", at=today)
        turn = 0
        for member in staff:
            if member.team == teams.NO_TEAM:  # a room seeded before may have put them on one
                teams.do_set_team(force, member.user_id, TEAMS.get(member.role, HEADQUARTERS),
                                  actor=trainer)
            for module, refresh in sorted(requirements.get(member.role, {}).items()):
                when = _completed_on(today, refresh, turn % 4)
                turn += 1
                if when is not None:
                    services.do_record_completion(force, member.user_id, module, when,
                                                  "Force learning and development",
                                                  actor=trainer)
        review = services.do_record_review(
            force, kind=Review.Kind.DHR, title="Domestic homicide review: Adult A (2025)",
            published_on=today - dt.timedelta(days=60),
            summary="Adult A was killed by a former partner after months of stalking that "
                    "was reported to several agencies as separate, low-level incidents. "
                    "Calls were graded without asking about stalking; no agency saw the "
                    "pattern. (A synthetic review for the demo.)",
            actor=trainer)
        recs = [
            ("Ask the stalking questions at every domestic abuse call and record the "
             "answers.", "Head of the contact centre", 90),
            ("Link reports about the same former partner across agencies before grading.",
             "Head of public protection", 180),
            ("Give every front-line officer refreshed stalking training within a year.",
             "Head of learning and development", 365),
        ]
        made = [services.do_add_recommendation(
            review, text=text, owner=owner, due_on=today + dt.timedelta(days=days),
            actor=trainer) for text, owner, days in recs]
        services.do_update_recommendation(
            made[0], version=made[0].version, status="in_progress",
            note="Governance panel: question set revised; call audits check it monthly.",
            actor=leader)
        services.do_publish_lesson(
            force, review=review, roles=LESSON_ROLES,
            title="Stalking hides in a run of 'minor' calls",
            text="Several calls about a former partner turning up, messaging or following "
                 "are one pattern, not separate low-level incidents. At every domestic abuse "
                 "call ask the stalking questions, look at the history beside the call, and "
                 "grade on the pattern.",
            actor=trainer)
        # The trainer adopts the plan the analysis proposes (audit findings included: the
        # assurance room's demo runs first).
        services.do_adopt_plan(force, actor=trainer)

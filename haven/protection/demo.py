"""Demo protection work per force: a DVPN waiting for its hearing, a DVPO made on another,
a restraining order ending soon (with its task), and Clare's Law applications
at three stages (one with immediate risk). Synthetic people only (the demo's Faker people)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haven.forces.policy import policy
from haven.protection import services
from haven.protection.models import Order
from haven.protection.rules import age_on


def _adults(context, force):
    today = timezone.localdate()
    return [p for p in context.people.get(force.code, [])
            if p.date_of_birth and age_on(p.date_of_birth, today) >= 18]


def seed(context):
    now = timezone.now()
    for force in context.forces:
        if Order.objects.filter(force=force, source_id="").exists():
            continue
        adults = _adults(context, force)
        if len(adults) < 10:
            continue
        pairs = [(adults[i], adults[i + 1]) for i in range(0, 10, 2)]
        users = {role: context.users[(force.code, role)]
                 for role in ("response_officer", "superintendent", "hau",
                              "marac_coordinator", "darm")}
        officer = users["response_officer"]
        waiting = services.do_issue_notice(
            force, subject=pairs[0][0], protected=pairs[0][1],
            authoriser=users["superintendent"], issued_at=now - dt.timedelta(hours=6),
            grounds="Threatened the victim with a knife at the shared home last night.",
            conditions="Not to molest the victim; not to enter the home.", actor=officer)
        services.do_record_service(waiting, version=waiting.version,
                                   served_at=now - dt.timedelta(hours=5),
                                   served_where="Leamington custody suite",
                                   subject_address_for_notice="Staying with his brother",
                                   actor=officer)
        made = services.do_issue_notice(
            force, subject=pairs[1][0], protected=pairs[1][1],
            authoriser=users["superintendent"], issued_at=now - dt.timedelta(days=3),
            grounds="Repeated assaults; victim frightened to return home.",
            conditions="Not to molest the victim.", actor=officer)
        services.do_record_service(made, version=made.version,
                                   served_at=now - dt.timedelta(days=3),
                                   served_where="At the home address", actor=officer,
                                   subject_address_for_notice="")
        services.do_record_order_made(made, made_on=timezone.localdate() - dt.timedelta(days=1),
                                      days=policy(force, "dvpo_max_days"),
                                      conditions="Not to molest the victim; not to "
                                      "come within 100 metres of the home.",
                                      court="Leamington Magistrates' Court",
                                      actor=users["hau"])
        services.do_record_court_order(
            force, kind=Order.Kind.RESTRAINING, subject=pairs[2][0], protected=pairs[2][1],
            starts_at=now - dt.timedelta(days=360), ends_at=now + dt.timedelta(days=5),
            conditions="No contact with the victim, directly or indirectly.",
            court="Warwick Crown Court", actor=users["hau"])
        # No demo breach: a breach re-opens the victims' risk (risk's demo keeps one flag).
        services.do_raise_expiry_tasks(force, actor=None)
        coordinator = users["darm"]
        fresh = services.do_open_application(
            force, route="ask", person_at_risk=pairs[3][1], subject=pairs[3][0],
            applicant=pairs[3][1], concern="New partner; worried by his temper.",
            received_at=now - dt.timedelta(days=2), actor=coordinator)
        deciding = services.do_open_application(
            force, route="know", person_at_risk=pairs[4][1], subject=pairs[4][0],
            information_source="Probation", concern="Previous partner was assaulted.",
            received_at=now - dt.timedelta(days=20), actor=coordinator)
        services.do_record_identity_check(deciding, version=deciding.version,
                                          documents="passport, council tax bill",
                                          met_at=now - dt.timedelta(days=18),
                                          actor=coordinator)
        services.do_record_research(deciding, version=deciding.version,
                                    findings="Two convictions for assault on former "
                                             "partners (2019, 2022).", actor=coordinator)
        services.do_flag_immediate_risk(fresh, note="Applicant says he has threatened to "
                                                    "kill her tonight.", actor=coordinator)


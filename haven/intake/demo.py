"""Demo incident logs: a handful of live calls per force at every step of the lifecycle.

Synthetic people only (from the people room's demo). Idempotent: skipped once logs exist.
"""

from __future__ import annotations

from haven.intake import rules, services
from haven.intake.creation import do_create_incident
from haven.intake.grading import do_grade_incident
from haven.intake.models import Incident

THRIVE = {part: "Recorded at the call" for part in rules.THRIVE}
# (target state, checklist overrides)
PLAN = [
    (rules.OPENED, {"weapons": "yes", "injury": "minor"}),
    (rules.DISPATCHED, {}),
    (rules.ATTENDED, {"children_present": "yes", "children_safe": "yes"}),
    (rules.RISK_ASSESSED, {"threats_to_kill": "yes"}),
    (rules.CLOSED, {}),
]


def _checklist(fake, overrides):
    checklist = {}
    for question in rules.questions("domestic"):
        options = question.get("options", [])
        value = fake.street_name() if question["kind"] == "text" else next(
            o for o in ("no_children", "none", "no") if o in options)
        checklist[question["code"]] = {"answer": overrides.get(question["code"], value)}
    return checklist


def _advance(incident, target, users):
    handler, officer, sergeant = users
    if target == rules.OPENED:
        return
    services.do_dispatch_incident(incident, actor=handler, officer=officer)
    if target == rules.DISPATCHED:
        return
    services.do_record_attendance(incident, actor=officer)
    if target == rules.ATTENDED:
        return
    services.do_record_risk_assessed(incident, assessment_id=0, actor=officer)
    if target == rules.RISK_ASSESSED:
        return
    services.do_endorse_incident(incident, actor=sergeant,
                                 supervision="Action and DASH reviewed; safety plan in place.")
    services.do_close_incident(incident, actor=sergeant)


def seed(context):
    if Incident.objects.filter(created_by__isnull=False).exists():
        return
    rng, fake = context.rng, context.fake
    for force in context.forces:
        people = list(context.people.get(force.code) or [])
        if len(people) < 2:
            continue
        users = (context.users[(force.code, "call_handler")],
                 context.users[(force.code, "response_officer")],
                 context.users[(force.code, "sergeant")])
        for target, overrides in PLAN:
            victim, suspect = rng.sample(people, 2)
            address = victim.addresses.filter(confidential=False).first()
            incident = do_create_incident(
                force, reported_via="call", category="domestic", actor=users[0],
                checklist=_checklist(fake, overrides),
                involvements=[{"person": victim, "role": "victim", "relationship": "partner"},
                              {"person": suspect, "role": "suspect",
                               "relationship": "partner"}],
                address_line=address.line if address else "", town=address.town if address
                else "", postcode=address.postcode if address else "",
                summary="Demo call: caller reports an argument with a partner.",
            )
            do_grade_incident(incident, grade=rng.choice(["immediate", "priority"]),
                              thrive=THRIVE, actor=users[0])
            _advance(incident, target, users)

"""Demo perpetrators per force: three serial perpetrators (two or three former partners at
their own addresses over the last three years, some incidents with crimes), two repeat
perpetrators (the same partner again within the year), then a ranking run. Synthetic people
only (the demo's Faker people); incidents are recorded as a legacy system's logs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haven.intake import rules as intake_rules
from haven.intake.creation import do_create_incident
from haven.investigation.services import do_record_crime
from haven.people.services import do_add_source_record
from haven.perpetrators.models import Run
from haven.perpetrators.services import do_refresh_ranking

NOT_ASKED = "Demo: recorded from a legacy system, question not asked"
# (days ago, offences or none) for each victim of each perpetrator
SERIAL = [
    [[(900, ["assault_with_injury"]), (700, [])], [(200, ["controlling_coercive_behaviour"])],
     [(12, [])]],
    [[(600, ["common_assault"])], [(40, ["threats_to_kill", "criminal_damage"])]],
    [[(1000, [])], [(500, [])], [(90, ["stalking"])]],
]
REPEAT = [[(300, []), (120, ["common_assault"]), (20, [])], [(200, []), (60, [])]]
MEN = {0, 4, 7, 11, 13}  # where the pool below hands out each perpetrator


def _checklist():
    return {q["code"]: {"not_asked": NOT_ASKED} for q in intake_rules.questions("domestic")}


def _incident(force, victim, suspect, days_ago, offences, *, handler, detective, n):
    when = timezone.now() - dt.timedelta(days=days_ago)
    incident = do_create_incident(
        force, reported_via="call", category="domestic", actor=handler, checklist=_checklist(),
        involvements=[{"person": victim, "role": "victim", "relationship": "partner"},
                      {"person": suspect, "role": "suspect", "relationship": "partner"}],
        opened_at=when, occurred_at=when, source_system="demo-legacy",
        source_id=f"perp-demo-{force.code}-{n}",
        summary="Demo: domestic incident from the legacy log.")
    if offences:
        do_record_crime(offences=offences, incident=incident, recorded_at=when, actor=detective)


def _own_people(context, force) -> list:
    """Fifteen people of this room's own, as a legacy system records them: people other
    rooms' demos already assessed would pick up re-assessment flags from these incidents."""
    admin = context.users[(force.code, "system_admin")]
    fake, people = context.fake, []
    for n in range(15):
        female = n not in MEN
        record = do_add_source_record(force, {
            "forename": fake.first_name_female() if female else fake.first_name_male(),
            "surname": fake.last_name(), "gender": "F" if female else "M",
            "date_of_birth": fake.date_of_birth(minimum_age=19, maximum_age=60),
            "address_line": fake.street_address(), "town": fake.city(),
            "postcode": fake.postcode(),
        }, system="demo-legacy", source_id=f"perp-demo-person-{force.code}-{n}", actor=admin)
        if record.person_id is None:  # held for linkage review: not a demo person yet
            continue
        people.append(record.person)
    return people


def seed(context):
    for force in context.forces:
        if Run.objects.filter(force=force).exists():
            continue
        people = _own_people(context, force)
        if len(people) < 15:
            continue
        handler = context.users[(force.code, "call_handler")]
        detective = context.users[(force.code, "detective")]
        pool = iter(people)
        n = 0
        for victims in SERIAL:
            him = next(pool)
            for events in victims:
                victim = next(pool)
                for days_ago, offences in events:
                    n += 1
                    _incident(force, victim, him, days_ago, offences, handler=handler,
                              detective=detective, n=n)
        for events in REPEAT:
            him, victim = next(pool), next(pool)
            for days_ago, offences in events:
                n += 1
                _incident(force, victim, him, days_ago, offences, handler=handler,
                          detective=detective, n=n)
        do_refresh_ranking(force, trigger=Run.Trigger.NIGHTLY, actor=None)

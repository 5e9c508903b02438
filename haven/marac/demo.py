"""Demo MARAC work per force: two areas, a meeting held last month whose police action is
now overdue, next week's meeting with its list sent and the IDVA's research on one case,
and referrals waiting to be listed (one a repeat). Synthetic people only (the demo's Faker
people)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haven.forces.models import Agency
from haven.marac import services
from haven.marac.models import Area


def seed(context):
    now = timezone.now()
    for force in context.forces:
        if Area.objects.filter(force=force).exists():
            continue
        today = timezone.localdate()
        people = [p for p in context.people.get(force.code, [])
                  if p.date_of_birth and (today - p.date_of_birth).days > 18 * 366][10:24]
        if len(people) < 14:
            continue
        users = {role: context.users[(force.code, role)]
                 for role in ("marac_coordinator", "inspector", "idva", "hau")}
        coordinator = users["marac_coordinator"]
        town = force.name.split()[0]
        north = services.do_add_area(force, name=f"{town} North", pattern="monthly",
                                     chair=users["inspector"], coordinator=coordinator,
                                     actor=coordinator)
        south = services.do_add_area(force, name=f"{town} South", pattern="fortnightly",
                                     chair=users["inspector"], coordinator=coordinator,
                                     actor=coordinator)
        agencies = list(Agency.objects.filter(force=force))
        pairs = [(people[i], people[i + 1]) for i in range(0, 14, 2)]

        def refer(pair, area, coordinator=coordinator, **kw):
            kw.setdefault("criterion", "professional_judgement")
            kw.setdefault("rationale", "Threats to kill after separation; victim frightened")
            kw.setdefault("consent", "given")
            return services.do_make_referral(area=area, victim_id=pair[0].pk,
                                             perpetrator_id=pair[1].pk, actor=coordinator,
                                             **kw)

        held = services.do_schedule_meeting(north, held_at=now - dt.timedelta(days=30),
                                            agencies=agencies, actor=coordinator)
        first = refer(pairs[0], north, criterion="visible_high_risk", dash_yes_count=16,
                      children=2)
        case = services.do_list_case(held, first, actor=coordinator)
        services.do_send_list(held, actor=coordinator)
        services.do_record_discussion(case, version=case.version,
                                      information_shared="Police: three call-outs in two "
                                      "months. IDVA: engaged, safety plan in place.",
                                      risk_summary="High risk: escalating threats and "
                                      "stalking.", actor=coordinator)
        services.do_add_action(case, agency=None, owner="DC Shaw",
                               description="Flag the address for an immediate response",
                               due_on=timezone.localdate() - dt.timedelta(days=14),
                               actor=coordinator)
        services.do_close_meeting(held, actor=coordinator)

        coming = services.do_schedule_meeting(north, held_at=now + dt.timedelta(days=7),
                                              agencies=agencies, actor=coordinator)
        for pair in pairs[1:3]:
            listed = services.do_list_case(coming, refer(pair, north, children=1),
                                           actor=coordinator)
        services.do_send_list(coming, actor=coordinator)
        services.do_record_research(listed, text="Known to the IDVA service since March; "
                                    "victim engaged.", actor=users["idva"])
        refer(pairs[3], south, criterion="potential_escalation", incidents_in_window=4)
        refer(pairs[4], south, consent="not_sought",
              consent_basis="Unsafe to ask while the perpetrator lives at the address")
        refer(pairs[0], north, criterion="repeat")

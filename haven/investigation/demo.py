"""Demo crimes from the seeded DA incidents: allocated by skill, with positive action, bail
with conditions, a charge, an outcome and the Victims' Code tasks they create (synthetic
people only; no evidence files, so the demo writes nothing to the evidence store)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haven.intake.public import victims_of
from haven.intake.services import scoped_incidents
from haven.investigation import services
from haven.investigation.evidence import do_record_evidence_reference
from haven.investigation.models import Crime

PLAN = [  # (offences, arrested?, further events, outcome)
    (["assault_with_injury", "criminal_damage"], True, ["interview", "bail"], None),
    (["controlling_coercive_behaviour", "harassment"], False, [], None),
    (["non_fatal_strangulation", "threats_to_kill", "assault_with_injury"], True,
     ["interview", "charge", "remand"], 1),
    (["common_assault"], True, ["interview", "released_nfa"], 16),
]


def seed(context):
    for force in context.forces:
        if Crime.objects.filter(force=force).exists():
            continue
        officer = context.users[(force.code, "response_officer")]
        detective = context.users[(force.code, "detective")]
        sergeant = context.users[(force.code, "sergeant")]
        incidents = [i for i in scoped_incidents(officer).filter(domestic_abuse=True)
                     .order_by("pk")[:12] if victims_of(i)]
        for (offences, arrested, events, outcome), incident in zip(PLAN, incidents,
                                                                   strict=False):
            crime = services.do_record_crime(offences=offences, incident=incident,
                                             summary="Synthetic demo crime.", actor=officer)
            if crime.team == "local" and offences[0] == "controlling_coercive_behaviour":
                crime = services.do_reallocate_crime(
                    crime, team="detective", officer=detective, version=crime.version,
                    reason="Course of conduct over months: needs a detective", actor=sergeant)
            elif crime.allocated_to_id is None:
                crime = services.do_reallocate_crime(
                    crime, team=crime.team, officer=detective, version=crime.version,
                    reason="Allocated at the daily management meeting", actor=sergeant)
            at = timezone.now() - dt.timedelta(hours=6)
            if arrested:
                services.do_record_arrest(crime, arrested=True, at=at, version=crime.version,
                                          actor=officer)
            else:
                services.do_record_arrest(crime, arrested=False, version=crime.version,
                                          reason="Suspect not found at the address; "
                                                 "circulated as wanted", actor=officer)
            for n, kind in enumerate(events, start=1):
                conditions = ({"protected_person": True, "exclusion_zone": "the victim's street"}
                              if kind == "bail" else None)
                services.do_record_case_event(crime, kind=kind, conditions=conditions,
                                              occurred_at=at + dt.timedelta(hours=n),
                                              actor=detective)
            do_record_evidence_reference(kind="bwv", crime=crime,
                                         reference=f"BWV-{context.rng.randint(10000, 99999)}",
                                         description="Attending officer's body-worn video",
                                         actor=officer)
            if outcome:
                crime.refresh_from_db()
                services.do_record_outcome(crime, outcome=outcome, version=crime.version,
                                           note="Demo outcome", actor=sergeant)

"""What other rooms set in motion here.

- The HAU review of a high-risk (or potential escalation) assessment refers the victim to
  MARAC (`risk.review.register_follow_up("marac_referral", …)`), inside the review's
  transaction, instead of the stand-in task.
- A new incident between the same victim and perpetrator within the repeat window of their
  last referral makes a repeat referral for the coordinator (IncidentRecorded, after commit,
  as the system). A new perpetrator is not a repeat.
"""

from __future__ import annotations

from django.utils import timezone

from haven.forces.policy import policy
from haven.intake import public as intake
from haven.marac import rules, services
from haven.people.access import persons_by_id
from haven.risk.services import current_assessment, threshold_for


def on_hau_follow_up(follow_up, *, actor):
    force = follow_up.force
    now = timezone.now()
    area = services.area_for(force, follow_up.victim_id)  # None: chosen when listed
    victim = persons_by_id([follow_up.victim_id])[0]
    perpetrator = None
    children = 0
    if follow_up.incident_id:
        incident = intake.incident(follow_up.incident_id)
        if incident is not None:
            suspects = intake.suspects_of(incident)
            perpetrator = suspects[0] if suspects else None
    assessment = current_assessment(victim)
    score = None
    if assessment is not None and assessment.pk == follow_up.assessment_id:
        score = assessment.score
        children = assessment.children.count()
    if follow_up.why == "Potential escalation":
        criterion, rationale = rules.ESCALATION, "Potential escalation flagged at HAU review"
    elif score is not None and score >= (assessment.threshold or threshold_for(
            force, assessment.questionnaire.instrument, at=now)):
        criterion, rationale = rules.VISIBLE, ""
    else:
        criterion = rules.JUDGEMENT
        rationale = "Graded high risk at the HAU review on professional judgement"
    previous = services.last_referral(victim.pk, perpetrator.pk if perpetrator else None,
                                      before=now)
    window = policy(force, "marac_repeat_window_days", at=now)
    repeat = previous is not None and rules.is_repeat(
        incident_on=timezone.localdate(now),
        referred_on=timezone.localdate(previous.referred_at), window_days=window)
    return services._create(
        force, area, victim=victim, perpetrator=perpetrator, criterion=criterion, actor=actor,
        at=now, referring_agency="police", consent="not_sought",
        consent_basis="Police referral after the HAU review: consent to be sought by the IDVA",
        rationale=rationale, dash_yes_count=score, children=children,
        repeat_of=previous if repeat else None, assessment_id=follow_up.assessment_id,
        incident_id=follow_up.incident_id, idva=True,
        summary=f"Referred to MARAC after the HAU review ({follow_up.why.lower()})")


def on_incident_recorded(event) -> None:
    """Repeat MARAC: each (victim, suspect) pair of the new incident whose last referral is
    within the window makes one repeat referral (idempotent per incident)."""
    incident = intake.incident(event.incident_id)
    if incident is None or not incident.domestic_abuse:
        return
    happened = incident.occurred_at or incident.opened_at or event.recorded_at
    force = incident.force
    window = policy(force, "marac_repeat_window_days", at=happened)
    definition = policy(force, "marac_repeat_definition", at=happened)
    suspects = intake.suspects_of(incident)
    for victim in intake.victims_of(incident):
        for suspect in suspects:
            previous = services.last_referral(victim.pk, suspect.pk, before=happened)
            if previous is None:
                continue
            if previous.incident_id == incident.pk:
                continue  # the referral made for this very incident
            if rules.is_repeat(incident_on=timezone.localdate(happened),
                               referred_on=timezone.localdate(previous.referred_at),
                               window_days=window, definition=definition,
                               category=incident.category):
                services.do_create_repeat_referral(previous, incident_id=incident.pk,
                                                   at=event.recorded_at, actor=None)

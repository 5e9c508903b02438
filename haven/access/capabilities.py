"""Who may do what: the one readable roles × actions matrix.

A role not listed against an action cannot do it. Views and APIs ask `can()` /
`require()`; a refusal looks exactly like a missing record (404), so nobody can
probe for what exists. Scoping to a force or to shared cases is a separate,
second check (see `haven.access.scoping`).
"""

from django.http import Http404

from haven.access.roles import Role as R

# Sensitivity of what a role may read on a chronology or a record.
NORMAL, RESTRICTED, CONFIDENTIAL = 1, 2, 3

POLICE_OPERATIONAL = {
    R.CALL_HANDLER, R.OCC_SUPERVISOR, R.RESPONSE_OFFICER, R.SERGEANT, R.INSPECTOR,
    R.SUPERINTENDENT, R.HAU, R.DARM, R.DETECTIVE, R.SNT_OFFICER, R.MARAC_COORDINATOR,
}
PUBLIC_PROTECTION = {R.HAU, R.DARM, R.DETECTIVE, R.MARAC_COORDINATOR}
SUPERVISORS = {R.SERGEANT, R.INSPECTOR, R.SUPERINTENDENT}
SENIOR_OFFICERS = {R.INSPECTOR, R.SUPERINTENDENT, R.SENIOR_LEADER}

MATRIX: dict[str, set[str]] = {
    # people
    "person.view": POLICE_OPERATIONAL | {R.IDVA, R.CHILDRENS_SERVICES, R.AUDITOR},
    "person.lookup": POLICE_OPERATIONAL,
    # Recording what a caller or officer says about a person (a Haven-recorded source record).
    "person.record": {R.CALL_HANDLER, R.OCC_SUPERVISOR, R.RESPONSE_OFFICER, R.SERGEANT,
                      R.SNT_OFFICER, R.DETECTIVE, R.HAU, R.DARM, R.SYSTEM_ADMIN},
    # A refuge address is for those who must act on it, never for a sanitised view.
    "person.view_confidential_address": PUBLIC_PROTECTION | {R.IDVA},
    # Lifting a refuge marker that any source set: public protection's decision, logged.
    "person.lift_confidential_address": {R.HAU, R.DARM},
    # Sharing a person's case with a partner agency follows the HAU review or a referral.
    "person.share": {R.HAU, R.DARM, R.MARAC_COORDINATOR},
    "person.merge": {R.HAU, R.DARM, R.SYSTEM_ADMIN},
    "linkage.review": {R.HAU, R.DARM, R.SYSTEM_ADMIN},
    "ingest.run": {R.SYSTEM_ADMIN},
    "chronology.view": POLICE_OPERATIONAL | {R.IDVA, R.CHILDRENS_SERVICES, R.AUDITOR},
    # intake
    "incident.create": {R.CALL_HANDLER, R.OCC_SUPERVISOR, R.RESPONSE_OFFICER, R.SERGEANT},
    "incident.view": POLICE_OPERATIONAL | {R.AUDITOR},
    "incident.grade": {R.CALL_HANDLER, R.OCC_SUPERVISOR},
    "incident.supervise": {R.OCC_SUPERVISOR},
    "incident.dispatch": {R.CALL_HANDLER, R.OCC_SUPERVISOR},
    "incident.attend": {R.RESPONSE_OFFICER, R.SERGEANT, R.SNT_OFFICER, R.DETECTIVE},
    "incident.endorse": SUPERVISORS,
    "incident.close": SUPERVISORS | {R.OCC_SUPERVISOR},
    "briefing.view": {R.RESPONSE_OFFICER, R.SERGEANT, R.INSPECTOR, R.SNT_OFFICER, R.DETECTIVE,
                      R.CALL_HANDLER, R.OCC_SUPERVISOR},
    # risk
    "risk.complete": {R.RESPONSE_OFFICER, R.SERGEANT, R.SNT_OFFICER, R.DETECTIVE, R.HAU},
    # The fact of risk (grade, date, status, who to contact, safety markers) for anyone
    # who may meet the victim; the answers themselves only for those who act on them (the
    # officer who assessed also reads their own: see haven.risk.services.may_read_answers).
    "risk.view": POLICE_OPERATIONAL | {R.AUDITOR},
    "risk.view_answers": SUPERVISORS | {R.HAU, R.DARM, R.DETECTIVE, R.MARAC_COORDINATOR},
    "risk.review_sergeant": SUPERVISORS,
    "risk.downgrade_high": SENIOR_OFFICERS,
    "risk.hau_review": {R.HAU, R.DARM},
    # A re-assessment flag is raised by events (custody, breaches, new incidents) and by the HAU.
    "risk.flag_reassessment": {R.HAU, R.DARM},
    "questionnaire.load": {R.SYSTEM_ADMIN},
    "risk.measures": {R.ANALYST, R.HAU, R.DARM, R.SUPERINTENDENT, R.SENIOR_LEADER},
    # safeguarding (B1): the victim's case. Everyone who may meet the victim sees the
    # sanitised case; the full case only with need, or through a logged break-glass.
    "case.view": POLICE_OPERATIONAL | {R.AUDITOR},
    "case.view_full": {R.HAU, R.DARM, R.DETECTIVE, R.MARAC_COORDINATOR},
    "case.manage": {R.HAU, R.DARM},
    "case.allocate": {R.HAU, R.DARM},
    "case.break_glass": (POLICE_OPERATIONAL - {R.HAU, R.DARM, R.DETECTIVE,
                                               R.MARAC_COORDINATOR}),
    "case.share_force": {R.HAU, R.DARM},
    "case.workload": {R.HAU, R.DARM, R.SERGEANT, R.INSPECTOR, R.SUPERINTENDENT},
    "case.review_break_glass": {R.AUDITOR},
    # Home sections: the cases a DARM holds; the neighbourhood teams' cases for SNT officers.
    "case.hold": {R.DARM},
    "case.neighbourhood": {R.SNT_OFFICER},
    # safeguarding partners (B2): referrals, letters, meetings, the daily board. A partner
    # sees only its own agency's referrals (scoped in haven.safeguarding.referrals).
    "referral.make": {R.HAU, R.DARM},
    "referral.view": {R.HAU, R.DARM, R.MARAC_COORDINATOR, R.IDVA, R.CHILDRENS_SERVICES},
    "referral.answer": {R.IDVA, R.CHILDRENS_SERVICES},
    "referral.add_entry": {R.IDVA, R.CHILDRENS_SERVICES},
    "letter.send": {R.HAU, R.DARM},
    "letter.load_templates": {R.SYSTEM_ADMIN},
    "meeting.view": {R.SNT_OFFICER, R.SERGEANT, R.INSPECTOR, R.HAU, R.DARM},
    "meeting.record": {R.SNT_OFFICER, R.SERGEANT, R.INSPECTOR, R.DARM},
    "board.view": SUPERVISORS | {R.HAU, R.DARM, R.DETECTIVE},
    "board.chair": {R.INSPECTOR, R.SUPERINTENDENT},
    # investigation
    "crime.view": {R.RESPONSE_OFFICER, R.SERGEANT, R.INSPECTOR, R.SUPERINTENDENT, R.HAU,
                   R.DARM, R.DETECTIVE, R.SNT_OFFICER},
    "crime.record": {R.RESPONSE_OFFICER, R.SERGEANT, R.DETECTIVE, R.HAU},
    # Arrest decisions, custody and court events, telling the victim.
    "crime.investigate": {R.RESPONSE_OFFICER, R.SERGEANT, R.DETECTIVE, R.HAU},
    "crime.allocate": SUPERVISORS | {R.HAU},
    "crime.outcome": SUPERVISORS | {R.DETECTIVE, R.HAU},
    # Evidence files: those who gather and investigate, never a neighbourhood officer.
    "evidence.upload": {R.RESPONSE_OFFICER, R.SERGEANT, R.DETECTIVE, R.HAU},
    "evidence.view": {R.RESPONSE_OFFICER, R.SERGEANT, R.INSPECTOR, R.DETECTIVE, R.HAU},
    "investigation.measures": {R.ANALYST, R.HAU, R.INSPECTOR, R.SUPERINTENDENT,
                               R.SENIOR_LEADER},
    # protection: notices and orders, breaches, Clare's Law. Who may authorise a DVPN or a
    # DAPN is a rank check inside the action (superintendent / inspector), not a capability,
    # so that the refusal can name the rank needed.
    "order.view": POLICE_OPERATIONAL | {R.AUDITOR},
    "order.notice": {R.RESPONSE_OFFICER, R.SERGEANT, R.INSPECTOR, R.SUPERINTENDENT,
                     R.DETECTIVE, R.HAU, R.DARM},
    "order.record": {R.SERGEANT, R.INSPECTOR, R.SUPERINTENDENT, R.DETECTIVE, R.HAU, R.DARM},
    "order.breach": {R.RESPONSE_OFFICER, R.SERGEANT, R.INSPECTOR, R.SUPERINTENDENT,
                     R.DETECTIVE, R.SNT_OFFICER, R.HAU, R.DARM},
    # Clare's Law: public protection records applications (and the people they name); the
    # MARAC coordinator, who runs the multi-agency decision, sees every clock and decides.
    "dvds.view": {R.HAU, R.DARM, R.MARAC_COORDINATOR, R.INSPECTOR, R.SUPERINTENDENT},
    "dvds.manage": {R.HAU, R.DARM},
    "dvds.decide": {R.DARM, R.MARAC_COORDINATOR, R.INSPECTOR, R.SUPERINTENDENT},
    "dvds.measures": {R.ANALYST, R.DARM, R.MARAC_COORDINATOR, R.SUPERINTENDENT,
                      R.SENIOR_LEADER},
    # marac: areas, referrals, meetings, research, actions, IDVA contact, measures. A partner
    # sees only the cases listed for its agency's meetings (scoped in haven.marac.services).
    "marac.view": {R.MARAC_COORDINATOR, R.HAU, R.DARM, R.INSPECTOR, R.SUPERINTENDENT},
    "marac.refer": {R.HAU, R.DARM, R.MARAC_COORDINATOR, R.DETECTIVE, R.IDVA,
                    R.CHILDRENS_SERVICES},
    "marac.coordinate": {R.MARAC_COORDINATOR},
    "marac.chair": {R.MARAC_COORDINATOR, R.INSPECTOR, R.SUPERINTENDENT},
    "marac.research": {R.MARAC_COORDINATOR, R.IDVA, R.CHILDRENS_SERVICES},
    "marac.action": {R.MARAC_COORDINATOR, R.IDVA, R.CHILDRENS_SERVICES},
    "marac.idva_contact": {R.IDVA},
    "marac.governance": {R.MARAC_COORDINATOR, R.SUPERINTENDENT, R.SENIOR_LEADER, R.ANALYST},
    # perpetrators (issue 15): the ranked list and each score's explanation. Analysts and
    # senior leaders (no person.view) see a pseudonym; names only for roles with need.
    "perpetrator.rank": {R.ANALYST, R.HAU, R.DARM, R.DETECTIVE, R.MARAC_COORDINATOR,
                         R.INSPECTOR, R.SUPERINTENDENT, R.SENIOR_LEADER},
    "perpetrator.names": {R.HAU, R.DARM, R.DETECTIVE, R.MARAC_COORDINATOR, R.INSPECTOR,
                          R.SUPERINTENDENT},
    "perpetrator.refresh": {R.ANALYST, R.HAU, R.DARM, R.INSPECTOR, R.SUPERINTENDENT},
    # The management programme: adopt with a lead officer, plan interventions, end.
    "perpetrator.manage": {R.HAU, R.DARM, R.DETECTIVE, R.INSPECTOR, R.SUPERINTENDENT},
    # A counter-allegation's primary perpetrator, with rationale (domain rules §13).
    "perpetrator.determine": {R.HAU, R.DARM},
    # insight (issue 16): the problem profile and performance measures from the pseudonymised
    # store; refreshing the store; drill-down from a pseudonym to the person (need, logged).
    "insight.view": {R.ANALYST, R.SENIOR_LEADER, R.SUPERINTENDENT, R.INSPECTOR, R.HAU,
                     R.DARM},
    "insight.refresh": {R.ANALYST, R.SYSTEM_ADMIN},
    "insight.drill_down": {R.HAU, R.DARM},
    # assurance (issue 17): audits of DA calls and risk assessments. Auditors and OCC
    # supervisors draw the samples and audit; leaders and trainers read results and trends;
    # the member of staff audited reads and acknowledges their own feedback only.
    "qa.sample": {R.AUDITOR, R.OCC_SUPERVISOR},
    "qa.audit": {R.AUDITOR, R.OCC_SUPERVISOR},
    "qa.view": {R.AUDITOR, R.OCC_SUPERVISOR, R.INSPECTOR, R.SUPERINTENDENT, R.SENIOR_LEADER,
                R.TRAINER},
    "qa.acknowledge": {R.CALL_HANDLER, R.OCC_SUPERVISOR, R.RESPONSE_OFFICER, R.SERGEANT,
                       R.SNT_OFFICER, R.DETECTIVE, R.HAU},
    # Feedback not yet acknowledged by the supervisor's staff (home-page section).
    "qa.supervise": {R.OCC_SUPERVISOR, R.INSPECTOR},
    # learning (issue 17 items 4-5): training records, the training needs analysis and its
    # plan; lessons learned from domestic homicide and serious case reviews. Every police
    # role reads the lessons published to it; the governance panel (senior leaders) tracks
    # the reviews' recommendations.
    "training.view": {R.TRAINER, R.SENIOR_LEADER},
    "training.record": {R.TRAINER},
    "training.plan": {R.TRAINER},
    "lesson.publish": {R.TRAINER, R.SENIOR_LEADER},
    "lesson.read": set(R.values) - {R.IDVA, R.CHILDRENS_SERVICES},
    "recommendation.update": {R.SENIOR_LEADER},
    # work and oversight
    "tasks.view": POLICE_OPERATIONAL | {R.IDVA, R.CHILDRENS_SERVICES},
    "tasks.complete": POLICE_OPERATIONAL | {R.IDVA, R.CHILDRENS_SERVICES},
    # Setting work in motion for others is part of a step a role takes (an HAU review
    # creates follow-ups; a cleared flag closes its task); the step's own check comes first.
    "tasks.create": POLICE_OPERATIONAL | {R.IDVA, R.CHILDRENS_SERVICES},
    "audit.search": {R.AUDITOR},
    "policy.change": {R.SYSTEM_ADMIN},
    # Every signed-in user keeps server-side drafts of their own long forms.
    "form.draft": set(R.values),
    "force.configure": {R.SYSTEM_ADMIN},
    "user.manage": {R.SYSTEM_ADMIN},
    # Teams come from HR; a trainer or OCC supervisor records them for reports by team.
    "staff.set_team": {R.TRAINER, R.OCC_SUPERVISOR, R.SYSTEM_ADMIN},
}

# Highest chronology/record sensitivity each role may read.
SENSITIVITY: dict[str, int] = {role: NORMAL for role in R.values}
SENSITIVITY.update({role: RESTRICTED for role in POLICE_OPERATIONAL})
SENSITIVITY.update({role: CONFIDENTIAL for role in PUBLIC_PROTECTION | {R.AUDITOR}})


def can(user, action: str) -> bool:
    if action not in MATRIX:
        raise KeyError(f"Unknown action {action!r}: add it to haven.access.capabilities.MATRIX")
    return bool(user and user.is_authenticated and user.role in MATRIX[action])


def require(user, action: str) -> None:
    """Refuse as 'not found' so a refusal reveals nothing."""
    if not can(user, action):
        raise Http404("Not found")


def max_sensitivity(user) -> int:
    return SENSITIVITY.get(getattr(user, "role", ""), NORMAL)


def actions_for(role: str) -> list[str]:
    return sorted(action for action, roles in MATRIX.items() if role in roles)

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
    "questionnaire.load": {R.SYSTEM_ADMIN},
    "risk.measures": {R.ANALYST, R.HAU, R.DARM, R.SUPERINTENDENT, R.SENIOR_LEADER},
    # work and oversight
    "tasks.view": POLICE_OPERATIONAL | {R.IDVA, R.CHILDRENS_SERVICES},
    "audit.search": {R.AUDITOR},
    "policy.change": {R.SYSTEM_ADMIN},
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

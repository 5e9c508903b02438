"""What the assurance room offers other rooms to read.

The learning room turns audit findings into training needs through `training_needs`; the
risk measures can read DASH audit compliance through `dash_audit_compliance`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class TrainingNeed:
    """A member of staff who failed audit questions that a training module addresses."""

    user_id: int
    module_code: str  # e.g. "stalking": the module named by the failed audit question
    # short, no personal data of victims:
    # "Failed 'Stalking and harassment questions asked' in 2 of 3 call audits"
    reason: str
    found_on: date  # the date of the latest audit that found it
    audit_ids: tuple[int, ...]


def training_needs(force, *, since: date | None = None) -> list[TrainingNeed]:
    """Training needs found by audits of this force's staff (completed first markings only;
    a blind second marking measures the auditors): one per (member of staff, module) failed
    ('no') in at least `qa_training_need_min_failures` audits completed since `since`."""
    # Function-local: this module is imported by the learning room at start-up; the services
    # pull in models, which exist only once the app registry is ready.
    from haven.assurance import rules, services
    from haven.forces.policy import policy

    found = rules.needs(services.failures(force, since=since),
                        min_failures=policy(force, "qa_training_need_min_failures"))
    return [TrainingNeed(n["staff_id"], n["module"], n["reason"], n["found_on"],
                         n["audit_ids"]) for n in found]


def dash_audit_compliance(force, since=None, until=None) -> dict:
    """DASH audits of calls/assessments made in [since, until) (aware datetimes): audits,
    passed, pass_rate, and the share of 'yes' for completeness, rationale, grade appropriate
    and supervision recorded (None where nothing was asked), with counts per question."""
    # Function-local: as above, models only once the app registry is ready.
    from haven.assurance import services

    return services.dash_compliance(force, since, until)

"""Demo audits per force: two more call handlers (three in all, on two watches), four DA
calls each last month, last month's call sample drawn from a recorded seed, and some audits
completed: one of the demo call handler's calls fails the stalking question (so the learning
room's plan shows an audit-driven need), one audit of another handler fails outright (a
re-audit falls due), and a double-marked pair is marked by the auditor and the OCC
supervisor. Synthetic people only (Faker en_GB), this room's own."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haven.access import teams
from haven.access.models import User
from haven.access.services import do_add_user
from haven.assurance import forms, services
from haven.assurance.models import Audit, Kind, Sample
from haven.intake import rules as intake_rules
from haven.intake.creation import do_create_incident
from haven.people.services import do_add_source_record

NOT_ASKED = "Demo: question not asked on this call"
SEED = 2014
WATCHES = ["Red watch", "Blue watch", "Red watch"]


def _checklist():
    return {q["code"]: {"not_asked": NOT_ASKED} for q in intake_rules.questions("domestic")}


def _handlers(context, force) -> list[User]:
    handlers = [context.users[(force.code, "call_handler")]]
    for n in (2, 3):
        username = f"call_handler{n}.{force.code.lower()}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = do_add_user(username, "call_handler", force=force,
                               first_name=context.fake.first_name(),
                               last_name=context.fake.last_name(),
                               password=None).user
        handlers.append(user)
    return handlers


def _own_people(context, force) -> list:
    """Eight people of this room's own, as a legacy system records them: people other rooms'
    demos already assessed would pick up re-assessment flags from these calls."""
    admin = context.users[(force.code, "system_admin")]
    fake, people = context.fake, []
    for n in range(8):
        record = do_add_source_record(force, {
            "forename": fake.first_name(), "surname": fake.last_name(),
            "date_of_birth": fake.date_of_birth(minimum_age=19, maximum_age=60),
            "address_line": fake.street_address(), "town": fake.city(),
            "postcode": fake.postcode(),
        }, system="demo-legacy", source_id=f"qa-demo-person-{force.code}-{n}", actor=admin)
        if record.person_id is not None:  # else held for linkage review: not a person yet
            people.append(record.person)
    return people


def _calls(context, force, handlers, month: dt.date) -> None:
    people = _own_people(context, force)
    if len(people) < 2:
        return
    days = (services.next_month(month) - month).days
    for n, handler in enumerate(handlers):
        for k in range(4):
            victim, suspect = context.rng.sample(people, 2)
            when = timezone.make_aware(dt.datetime.combine(
                month + dt.timedelta(days=(n * 7 + k * 5) % days), dt.time(10 + k, 15)))
            do_create_incident(
                force, reported_via="call", category="domestic", actor=handler,
                checklist=_checklist(), opened_at=when, occurred_at=when,
                involvements=[{"person": victim, "role": "victim", "relationship": "partner"},
                              {"person": suspect, "role": "suspect",
                               "relationship": "partner"}],
                summary="Demo call for the audit sample.")


def _answers(kind, *, no=()) -> dict:
    return {q.code: ("no" if q.code in no else "yes") for q in forms.current(kind).questions}


def seed(context):
    month = services.last_month()
    for force in context.forces:
        if Sample.objects.filter(force=force).exists():
            continue
        auditor = context.users[(force.code, "auditor")]
        supervisor = context.users[(force.code, "occ_supervisor")]
        handlers = _handlers(context, force)
        for handler, watch in zip(handlers, WATCHES, strict=True):
            teams.do_set_team(force, handler.pk, watch, actor=supervisor)
        _calls(context, force, handlers, month)
        sample = services.do_draw_sample(force, kind=Kind.CALL, month=month, seed=SEED,
                                         actor=auditor)
        primaries = list(sample.audits.filter(second_of__isnull=True).order_by("pk"))
        own = [a for a in primaries if a.staff_id == handlers[0].pk and
               not a.second_markings.exists()]
        other = [a for a in primaries if a.staff_id == handlers[1].pk and
                 not a.second_markings.exists()]
        if own:
            services.do_complete_audit(
                own[0], version=own[0].version, answers=_answers(Kind.CALL, no={"stalking"}),
                recording_reference=f"OCC-REC-{own[0].subject_reference}",
                feedback="A calm, clear call. Ask the stalking questions whenever the caller "
                         "mentions being followed or messaged.", actor=auditor)
        if other:
            services.do_complete_audit(
                other[0], version=other[0].version,
                answers=_answers(Kind.CALL, no={"history", "grade", "children", "escalation"}),
                feedback="Check the history before grading and speak to the supervisor when "
                         "a repeat caller is graded below priority.", actor=auditor)
        pair = Audit.objects.filter(sample=sample, second_of__isnull=False).first()
        if pair is not None:
            first = pair.second_of
            services.do_complete_audit(first, version=first.version,
                                       answers=_answers(Kind.CALL, no={"safe_contact"}),
                                       feedback="Agree a safe time to call back.",
                                       actor=auditor)
            services.do_complete_audit(pair, version=pair.version,
                                       answers=_answers(Kind.CALL, no={"evidence"}),
                                       actor=supervisor)

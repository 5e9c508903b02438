"""Assurance fixtures: DA calls taken by named call handlers last month (intake's rows made
directly, as other rooms' tests do), and a drawn sample."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from haven.assurance import services

_refs = itertools.count(1)


@pytest.fixture
def month():
    return services.last_month()


@pytest.fixture
def call(forces):
    """call(handler, when, repeat=False, high_risk=False, force_code="WARKS") -> incident."""
    from haven.intake.models import Incident, IncidentProgress

    def make(handler, when, *, repeat=False, high_risk=False, force_code="WARKS"):
        inc = Incident.objects.create(force=forces[force_code], reference=f"QA{next(_refs):05d}",
                                      reported_via="call", category="domestic",
                                      opened_at=when, created_by=handler)
        IncidentProgress.objects.create(incident=inc, grade="priority", repeat_victim=repeat,
                                        risk_markers=["high_risk"] if high_risk else [],
                                        question_set="domestic", checklist_complete=True)
        return inc

    return make


@pytest.fixture
def handlers(persona, forces):
    from haven.access.models import User

    first = persona("call_handler")
    second = User.objects.create(username="call_handler2.warks", role="call_handler",
                                 force=forces["WARKS"], first_name="Second", last_name="Handler")
    return [first, second]


@pytest.fixture
def calls(call, handlers, month):
    """Four calls each last month, one the day before and one on the first day of this
    month (outside the period)."""
    start = timezone.make_aware(dt.datetime.combine(month, dt.time(9)))
    made = []
    for h in handlers:
        for k in range(4):
            made.append(call(h, start + dt.timedelta(days=k * 3, hours=k), repeat=k == 0))
    call(handlers[0], start - dt.timedelta(days=1))
    call(handlers[0], timezone.make_aware(dt.datetime.combine(services.next_month(month),
                                                              dt.time(0, 30))))
    return made


@pytest.fixture
def sample(calls, persona, month):
    return services.do_draw_sample(calls[0].force, kind="call", month=month, seed=42,
                                   actor=persona("auditor"))


def yes_to_all(**no):
    from haven.assurance import forms

    return {q.code: ("no" if q.code in no else "yes") for q in forms.current("call").questions}

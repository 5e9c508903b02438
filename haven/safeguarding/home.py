"""Home-page sections: the victims' cases each role has waiting.

Each item names the victim and says what is due when; it carries `person_id` so the home
page writes one access-log entry per person shown (haven.web.views.home).
"""

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from haven.safeguarding import allocation, break_glass
from haven.safeguarding.models import Case
from haven.safeguarding.presenters import person_names
from haven.safeguarding.services import scoped_cases
from haven.web.home import register_section

LIMIT = 20


def _when(value) -> str:
    return timezone.localtime(value).strftime("%a %d %b") if value else ""


def _items(user, cases, meta):
    cases = list(cases[:LIMIT])
    names = person_names(user, [c.person_id for c in cases])
    return [{"text": f"{names.get(c.person_id, 'Name held by the sharing force')}: "
                     f"{c.get_grade_display()} risk, held by {allocation.holder_name(c)}",
             "url": reverse("safeguarding:detail", args=[c.pk]),
             "meta": meta(c), "person_id": c.person_id, "record": f"case:{c.pk}"}
            for c in cases]


def _open(user):
    return (scoped_cases(user).filter(status=Case.Status.OPEN, force_id=user.force_id)
            .select_related("allocated_user"))


def _review_meta(case):
    if case.next_review_at and case.next_review_at < timezone.now():
        return f"plan review overdue since {_when(case.next_review_at)}"
    return f"plan review due {_when(case.next_review_at)}"


def to_allocate(user):
    """Open cases waiting for a named holder: high risk in the DARM pool, or no team."""
    cases = _open(user).filter(allocated_user=None, allocated_team__in=[
        allocation.DARM_POOL, allocation.NO_TEAM, ""]).order_by("opened_at", "id")
    return _items(user, cases, lambda c: f"opened {_when(c.opened_at)}, allocate now")


def reviews_due(user):
    soon = timezone.now() + dt.timedelta(days=7)
    cases = _open(user).filter(next_review_at__lte=soon).order_by("next_review_at", "id")
    return _items(user, cases, _review_meta)


def mine(user):
    cases = _open(user).filter(allocated_user=user).order_by("next_review_at", "id")
    return _items(user, cases, _review_meta)


def neighbourhood(user):
    """Medium and standard cases the neighbourhood teams hold (the sanitised case)."""
    cases = (_open(user).filter(allocated_user=None)
             .exclude(Q(allocated_team=allocation.DARM_POOL) | Q(allocated_team=""))
             .order_by("next_review_at", "id"))
    return _items(user, cases, _review_meta)


def break_glass_waiting(user):
    rows = list(break_glass.review_queue(user)[:LIMIT])
    names = person_names(user, [g.case.person_id for g in rows])
    url = reverse("safeguarding:break_glass_queue")
    return [{"text": f"{g.user.get_full_name() or g.user.username} opened the case of "
                     f"{names.get(g.case.person_id, 'Name held by the sharing force')}",
             "url": url, "meta": f"{timezone.localtime(g.started_at):%a %d %b %H:%M}, review "
                                 "the reason",
             "person_id": g.case.person_id, "record": f"break_glass:{g.pk}"} for g in rows]


def register():
    register_section("Victims' cases to allocate", "case.allocate", to_allocate)
    register_section("Victims' cases: plan reviews due this week", "case.manage", reviews_due)
    register_section("Victims' cases allocated to you", "case.hold", mine)
    register_section("Victims' cases held by neighbourhood teams", "case.neighbourhood",
                     neighbourhood)
    register_section("Break-glass accesses to review", "case.review_break_glass",
                     break_glass_waiting)

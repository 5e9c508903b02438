"""Break-glass: a role without full need opens the full case for a while, with a reason.

The access is time-limited (policy `safeguarding_break_glass_minutes`), logged, and waits in
the auditor's review queue until an auditor marks it reviewed.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from haven.access.log import Action, record_access
from haven.core.actions import action
from haven.core.concurrency import update_if_unchanged
from haven.forces.policy import policy
from haven.safeguarding.models import BreakGlass, Case

RECORD_TYPE = "safeguarding_break_glass"
MIN_REASON = 10


class BreakGlassRefused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@action("case.break_glass", record_type=RECORD_TYPE)
def do_break_glass(case: Case, *, reason: str, actor) -> BreakGlass:
    """Open the full case for the policy's minutes. The reason is mandatory and is what the
    auditor reviews."""
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise BreakGlassRefused("reason", "Say why you need the full case (at least a sentence)")
    now = timezone.now()
    minutes = policy(case.force, "safeguarding_break_glass_minutes", at=now)
    glass = BreakGlass.objects.create(case=case, user=actor, reason=reason[:1000],
                                      started_at=now,
                                      expires_at=now + dt.timedelta(minutes=minutes))
    record_access(actor, Action.CONSULTATION, record_type=RECORD_TYPE, record_id=glass.pk,
                  person_id=case.person_id, reason=reason[:500],
                  detail={"case": case.pk, "break_glass": True, "minutes": minutes})
    return glass


def review_queue(user) -> QuerySet[BreakGlass]:
    """Break-glass accesses in the auditor's force not yet reviewed, oldest first."""
    if not getattr(user, "force_id", None):
        return BreakGlass.objects.none()
    return (BreakGlass.objects.filter(case__force_id=user.force_id, reviewed_at__isnull=True)
            .select_related("user", "case").order_by("started_at", "id"))


def reviewed(user) -> QuerySet[BreakGlass]:
    return (BreakGlass.objects.filter(case__force_id=user.force_id, reviewed_at__isnull=False)
            .select_related("user", "reviewed_by", "case").order_by("-reviewed_at")[:50])


@action("case.review_break_glass", record_type=RECORD_TYPE)
def do_review_break_glass(glass: BreakGlass, *, version, note: str = "", actor) -> BreakGlass:
    """The auditor has looked at this break-glass access: it leaves the review queue."""
    if glass.case.force_id != actor.force_id:
        raise Http404("Not found")
    if glass.reviewed_at is not None:
        raise BreakGlassRefused("note", "This access has already been reviewed")
    update_if_unchanged(glass, version, "Someone else reviewed this access. Reload the page.",
                        reviewed_at=timezone.now(), reviewed_by=actor,
                        review_note=note.strip()[:300])
    record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE, record_id=glass.pk,
                  person_id=glass.case.person_id, detail={"reviewed": True})
    return glass

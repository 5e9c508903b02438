"""Sharing a case with the other force of the alliance (a victim moves, a perpetrator
offends in both): with a reason, logged, withdrawable. Each force keeps its own records."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from haven.access.log import Action, record_access
from haven.core.actions import action
from haven.core.concurrency import update_if_unchanged
from haven.forces.models import Force
from haven.safeguarding.models import Case, CaseEvent, CaseShare

RECORD_TYPE = "safeguarding_case_share"


class ShareRefused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def alliance_partners(force) -> list[Force]:
    """The other forces of this force's alliance."""
    if not force.alliance_id:
        return []
    return list(Force.objects.filter(alliance_id=force.alliance_id).exclude(pk=force.pk)
                .order_by("name"))


def live_shares(case: Case):
    return case.shares.filter(withdrawn_at__isnull=True).select_related("with_force")


@action("case.share_force", record_type=RECORD_TYPE)
def do_share_case(case: Case, *, with_force_id, reason: str, actor) -> CaseShare:
    """Share the case with another force of the alliance; the reason is required."""
    if case.force_id != actor.force_id:
        raise Http404("Not found")  # only the force that holds the case shares it
    force = next((f for f in alliance_partners(case.force) if str(f.pk) == str(with_force_id)),
                 None)
    if force is None:
        raise ShareRefused("with_force", "Choose the force to share the case with")
    if not reason.strip():
        raise ShareRefused("reason", "Say why the case is shared")
    if live_shares(case).filter(with_force=force).exists():
        raise ShareRefused("with_force", f"The case is already shared with {force.name}")
    now = timezone.now()
    share = CaseShare.objects.create(case=case, with_force=force, reason=reason.strip(),
                                     shared_at=now, shared_by=actor)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.SHARED, at=now, actor=actor,
                             summary=f"Shared with {force.name}", reason=reason.strip())
    record_access(actor, Action.DISCLOSURE, record_type=RECORD_TYPE, record_id=share.pk,
                  person_id=case.person_id, reason=reason.strip()[:500],
                  detail={"case": case.pk, "with_force": force.code})
    return share


@action("case.share_force", record_type=RECORD_TYPE)
def do_withdraw_case_share(share: CaseShare, *, version, reason: str, actor) -> CaseShare:
    """Withdraw a share: the other force no longer sees the case."""
    if share.case.force_id != actor.force_id:
        raise Http404("Not found")
    if share.withdrawn_at is not None:
        raise ShareRefused("reason", "This sharing has already been withdrawn")
    if not reason.strip():
        raise ShareRefused("reason", "Say why the sharing is withdrawn")
    now = timezone.now()
    update_if_unchanged(share, version, "Someone else changed this sharing. Reload the page.",
                        withdrawn_at=now, withdrawn_by=actor, withdraw_reason=reason.strip())
    CaseEvent.objects.create(case=share.case, kind=CaseEvent.Kind.SHARE_WITHDRAWN, at=now,
                             actor=actor, summary=f"Sharing with {share.with_force.name} "
                                                  "withdrawn", reason=reason.strip())
    record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE, record_id=share.pk,
                  person_id=share.case.person_id, reason=reason.strip()[:500],
                  detail={"case": share.case_id, "withdrawn": True})
    return share

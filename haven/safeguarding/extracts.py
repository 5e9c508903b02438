"""What safeguarding gives the insight store (docs/insight.md, "The extract shape"): each
victim's case (opened, closed, grade, district), every harm reduction plan action (kind,
due, status and when it was closed) and every referral to a partner agency (the agency's
kind, status, when decided). The victim appears only as a pseudonymous key; the district is
"withheld" when the case's area came from a confidential (refuge) address. Never a name, an
address, the plan's free text, a referral's reason or a note."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from haven.forces.models import Force
from haven.safeguarding.models import Case, PlanAction, PlanActionChange, Referral

WITHHELD = "withheld"
CLOSED = (PlanAction.Status.DONE, PlanAction.Status.CANCELLED)

TABLES = {
    "cases": [("force_code", "VARCHAR"), ("case_id", "BIGINT"), ("victim_key", "VARCHAR"),
              ("opened_at", "TIMESTAMP"), ("closed_at", "TIMESTAMP"), ("grade", "VARCHAR"),
              ("district", "VARCHAR")],
    # closed_at: when the action last reached its present done/cancelled status (None while
    # open); an action re-opened later is open again (its earlier closing is not kept)
    "plan_actions": [("force_code", "VARCHAR"), ("action_id", "BIGINT"), ("case_id", "BIGINT"),
                     ("victim_key", "VARCHAR"), ("kind", "VARCHAR"), ("due_on", "DATE"),
                     ("created_at", "TIMESTAMP"), ("status", "VARCHAR"),
                     ("closed_at", "TIMESTAMP"), ("district", "VARCHAR")],
    "partner_referrals": [("force_code", "VARCHAR"), ("referral_id", "BIGINT"),
                          ("case_id", "BIGINT"), ("victim_key", "VARCHAR"),
                          ("agency_kind", "VARCHAR"), ("referred_at", "TIMESTAMP"),
                          ("status", "VARCHAR"), ("decided_at", "TIMESTAMP")],
}


def local(moment):
    """UK local time without a zone (the store's timestamps are local)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _district(area: str, confidential: bool) -> str | None:
    if confidential:
        return WITHHELD
    return area or None


def extracts(force_ids, since, until, *, pseudonym) -> dict:
    """Cases are not narrowed by `since`/`until` (a case opened long ago still has plan
    actions due in the period); plan actions and referrals are, by when they were made."""
    codes = dict(Force.objects.values_list("pk", "code"))
    cases = Case.objects.all()
    if force_ids is not None:
        cases = cases.filter(force_id__in=list(force_ids))
    actions = PlanAction.objects.filter(case__in=cases)
    referrals = Referral.objects.filter(case__in=cases)
    if since is not None:
        actions = actions.filter(created_at__gte=since)
        referrals = referrals.filter(referred_at__gte=since)
    if until is not None:
        actions = actions.filter(created_at__lt=until)
        referrals = referrals.filter(referred_at__lt=until)

    def case_rows():
        for pk, force_id, person_id, opened, closed, grade, area, secret in cases.values_list(
                "pk", "force_id", "person_id", "opened_at", "closed_at", "grade", "area",
                "area_confidential").iterator(chunk_size=20000):
            yield (codes.get(force_id), pk, pseudonym.person(person_id), local(opened),
                   local(closed), grade or None, _district(area, secret))

    def action_rows():
        closed_at = dict(PlanActionChange.objects.filter(
            action__in=actions, to_status__in=CLOSED).values_list("action_id")
            .annotate(last=Max("at")).values_list("action_id", "last"))
        for (pk, case_id, force_id, person_id, kind, due, created, status, area,
             secret) in actions.values_list(
                "pk", "case_id", "case__force_id", "case__person_id", "kind", "due_on",
                "created_at", "status", "case__area", "case__area_confidential").iterator(
                chunk_size=20000):
            # an action closed with no change recorded (made closed, or by a data fix) is
            # taken as closed when it was made: it is never counted as open
            closed = local(closed_at.get(pk, created)) if status in CLOSED else None
            yield (codes.get(force_id), pk, case_id, pseudonym.person(person_id), kind, due,
                   local(created), status, closed, _district(area, secret))

    def referral_rows():
        for pk, case_id, force_id, person_id, kind, referred, status, decided in (
                referrals.values_list("pk", "case_id", "force_id", "person_id",
                                      "agency__kind", "referred_at", "status", "decided_at")
                .iterator(chunk_size=20000)):
            yield (codes.get(force_id), pk, case_id, pseudonym.person(person_id), kind,
                   local(referred), status, local(decided))

    return {"cases": case_rows(), "plan_actions": action_rows(),
            "partner_referrals": referral_rows()}

"""What protection gives the insight store (docs/insight.md, "The extract shape"): every
notice and order (kind, regime, status, when it started and ended, the notice it followed),
every breach (when), and every Clare's Law application (route, when received, due, decided,
disclosed and closed, and the decision). The subject, the person protected and the person
at risk appear only as pseudonymous keys. Never the grounds, conditions, premises, the
concern, the research or what was disclosed."""

from __future__ import annotations

from django.utils import timezone

from haven.forces.models import Force
from haven.protection.models import Breach, DisclosureApplication, Order

TABLES = {
    "orders": [
        ("force_code", "VARCHAR"), ("order_id", "BIGINT"), ("kind", "VARCHAR"),
        ("regime", "VARCHAR"), ("status", "VARCHAR"), ("notice_id", "BIGINT"),
        ("subject_key", "VARCHAR"), ("protected_key", "VARCHAR"),
        ("starts_at", "TIMESTAMP"), ("ends_at", "TIMESTAMP"),
    ],
    "order_breaches": [("force_code", "VARCHAR"), ("breach_id", "BIGINT"),
                       ("order_id", "BIGINT"), ("occurred_at", "TIMESTAMP")],
    "disclosures": [
        ("force_code", "VARCHAR"), ("application_id", "BIGINT"), ("route", "VARCHAR"),
        ("person_at_risk_key", "VARCHAR"), ("subject_key", "VARCHAR"),
        ("received_at", "TIMESTAMP"), ("due_at", "TIMESTAMP"), ("decided_at", "TIMESTAMP"),
        ("decision", "VARCHAR"), ("disclosed_at", "TIMESTAMP"), ("closed_at", "TIMESTAMP"),
    ],
}


def local(moment):
    """UK local time without a zone (the store's timestamps are local)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def extracts(force_ids, since, until, *, pseudonym) -> dict:
    """Orders narrowed by when they started, breaches by when they happened, applications
    by when they were received."""
    codes = dict(Force.objects.values_list("pk", "code"))
    orders = Order.objects.all()
    breaches = Breach.objects.all()
    applications = DisclosureApplication.objects.all()
    if force_ids is not None:
        orders = orders.filter(force_id__in=list(force_ids))
        breaches = breaches.filter(order__force_id__in=list(force_ids))
        applications = applications.filter(force_id__in=list(force_ids))
    if since is not None:
        orders = orders.filter(starts_at__gte=since)
        breaches = breaches.filter(occurred_at__gte=since)
        applications = applications.filter(received_at__gte=since)
    if until is not None:
        orders = orders.filter(starts_at__lt=until)
        breaches = breaches.filter(occurred_at__lt=until)
        applications = applications.filter(received_at__lt=until)

    def order_rows():
        for (pk, force_id, kind, regime, status, notice, subject, protected, starts,
             ends) in orders.values_list(
                "pk", "force_id", "kind", "regime", "status", "notice_id", "subject_id",
                "protected_id", "starts_at", "ends_at").iterator(chunk_size=20000):
            yield (codes.get(force_id), pk, kind, regime or None, status, notice,
                   pseudonym.person(subject), pseudonym.person(protected), local(starts),
                   local(ends))

    def breach_rows():
        for pk, force_id, order_id, occurred in breaches.values_list(
                "pk", "order__force_id", "order_id", "occurred_at").iterator(chunk_size=20000):
            yield (codes.get(force_id), pk, order_id, local(occurred))

    def application_rows():
        for (pk, force_id, route, at_risk, subject, received, due, decided, decision,
             disclosed, closed) in applications.values_list(
                "pk", "force_id", "route", "person_at_risk_id", "subject_id", "received_at",
                "due_at", "decided_at", "decision", "disclosed_at", "closed_at").iterator(
                chunk_size=20000):
            yield (codes.get(force_id), pk, route, pseudonym.person(at_risk),
                   pseudonym.person(subject), local(received), local(due), local(decided),
                   decision or None, local(disclosed), local(closed))

    return {"orders": order_rows(), "order_breaches": breach_rows(),
            "disclosures": application_rows()}

"""Home-page sections of the protection room: Clare's Law applications with their clocks
(the coordinator's), notices waiting for their magistrates' hearing, and the start links.
Each row names the person and says what is due when; the home page logs the persons shown."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from haven.access.capabilities import can
from haven.protection import services
from haven.protection.models import Order
from haven.web.home import register_section

LIMIT = 30


def applications(user):
    apps = list(services.scoped_applications(user).filter(closed_at__isnull=True)
                .select_related("person_at_risk", "subject")
                .order_by("-immediate_risk_at", "due_at")[:LIMIT])
    now = timezone.now()
    items = ([{"text": "Start a Clare's Law application",
               "url": reverse("protection:dvds_new"), "meta": "right to ask or right to know"}]
             if can(user, "dvds.manage") else [])
    for app in apps:
        items.append({
            "text": f"{app.reference} {app.get_route_display()}: {app.person_at_risk.display_name}"
                    f" asking about {app.subject.display_name} ({app.get_stage_display()})",
            "url": reverse("protection:dvds_detail", args=[app.pk]),
            "meta": services.clock_text(app, now), "person_id": app.person_at_risk_id,
            "record": f"dvds_application:{app.pk}"})
    return items


def hearings(user):
    notices = services.scoped_orders(user).filter(
        kind__in=[Order.Kind.DVPN, Order.Kind.DAPN], status=Order.Status.LIVE, source_id="")
    if not can(user, "order.record"):
        notices = notices.filter(owner=user)  # an officer sees the notices they gave
    notices = list(notices.select_related("subject", "protected")
                   .order_by("hearing_due_at")[:LIMIT])
    now = timezone.now()
    items = [{"text": "Give a DVPN or DAPN, or record a court order",
              "url": reverse("protection:list"), "meta": ""}]
    for order in notices:
        items.append({
            "text": f"{order.kind.upper()} {order.reference}: {order.subject.display_name} "
                    f"(protecting {order.protected.display_name if order.protected else '—'})",
            "url": reverse("protection:detail", args=[order.pk]),
            "meta": services.hearing_countdown(order, now), "person_id": order.subject_id,
            "record": f"protective_order:{order.pk}"})
    return items


def register() -> None:
    register_section("Clare's Law applications", "dvds.view", applications)
    register_section("Protection notices waiting for the magistrates", "order.notice",
                     hearings)



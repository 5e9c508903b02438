"""Clare's Law volumes and timeliness (the performance measures), and order volumes, over
the last `investigation_measures_days` (the force's inspection year)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from haven.forces.policy import policy
from haven.protection.models import Breach, DisclosureApplication, Order


def figures(force, now=None) -> dict:
    now = now or timezone.now()
    days = policy(force, "investigation_measures_days", at=now)
    since = now - dt.timedelta(days=days)
    apps = DisclosureApplication.objects.filter(force=force, received_at__gte=since)
    by_route = dict(apps.values_list("route").annotate(n=Count("pk")).values_list("route", "n"))
    closed = list(apps.filter(closed_at__isnull=False).values_list(
        "received_at", "closed_at", "due_at", "decision"))
    on_time = sum(1 for _r, closed_at, due, _d in closed if closed_at <= due)
    waits = sorted((closed_at - received).days for received, closed_at, _due, _d in closed)
    open_apps = apps.filter(closed_at__isnull=True)
    orders = Order.objects.filter(force=force, starts_at__gte=since)
    return {
        "days": days,
        "ask": by_route.get("ask", 0), "know": by_route.get("know", 0),
        "closed": len(closed), "on_time": on_time,
        "on_time_percent": round(100 * on_time / len(closed)) if closed else None,
        "median_days": waits[len(waits) // 2] if waits else None,
        "disclosed": sum(1 for *_x, d in closed if d == "disclose"),
        "not_disclosed": sum(1 for *_x, d in closed if d == "not_disclose"),
        "open": open_apps.count(),
        "overdue": open_apps.filter(due_at__lt=now).count(),
        "immediate_risk": apps.filter(immediate_risk_at__isnull=False).count(),
        "orders": dict(orders.values_list("kind").annotate(n=Count("pk"))
                       .values_list("kind", "n")),
        "breaches": Breach.objects.filter(order__force=force, occurred_at__gte=since).count(),
    }

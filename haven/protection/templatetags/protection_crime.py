"""The crime page shows the orders protecting the victim from the suspect, each with a way to
record a breach on the order itself (breaches are recorded once, here in protection, which
publishes OrderBreached), and a link to record a restraining order or bail conditions with
both people already chosen. One inclusion tag in investigation's crime page template."""

from django import template
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from haven.access.capabilities import can
from haven.protection.services import in_force, scoped_orders

register = template.Library()


@register.inclusion_tag("protection/_crime.html", takes_context=True)
def protection_on_crime(context, crime):
    user = context["request"].user
    if not crime.suspect_id or not can(user, "order.view") or crime.force_id != user.force_id:
        return {"show": False}
    against = Q(subject_id=crime.suspect_id)
    if crime.victim_id:
        against &= Q(protected_id=crime.victim_id) | Q(protected__isnull=True)
    # The crime page's own read (access_crime) logged the suspect and the victim.
    orders = list(in_force(scoped_orders(user)).filter(against).order_by("ends_at", "pk"))
    query = {"subject": crime.suspect_id}
    if crime.victim_id:
        query["protected"] = crime.victim_id
    return {"show": True, "orders": orders, "crime": crime,
            "can_breach": can(user, "order.breach"),
            "record_url": (f"{reverse('protection:court_order_new')}?{urlencode(query)}"
                           if can(user, "order.record") else "")}

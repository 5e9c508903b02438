"""What this room plugs into other rooms' pages: the "Protection orders" link on the person
page (people's `register_person_link`) and the live orders protecting the victim on their
safeguarding case (safeguarding's `register_case_panel`). Registered in ProtectionConfig."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from haven.access.capabilities import can
from haven.access.log import record_list_access
from haven.protection.services import in_force, scoped_orders


def person_links(user, person) -> list[dict]:
    """The person page links to every order naming the person (and from there the forms)."""
    if not can(user, "order.view") or person.force_id != user.force_id:
        return []
    return [{"text": "Protection orders",
             "url": reverse("protection:person", args=[person.pk])}]


def case_panel(user, *, person_id, force_id, full: bool) -> dict | None:
    """The notices and orders in force protecting the victim. The sanitised view shows what
    the order is, who it is against and until when; the conditions (which may name places)
    only in the full view. The subjects named are logged; the victim was logged by the case
    page's own read."""
    if not can(user, "order.view") or force_id != user.force_id:
        return None
    orders = list(in_force(scoped_orders(user)).filter(protected_id=person_id)
                  .select_related("subject").order_by("ends_at", "pk"))
    if orders:
        shown: dict[int, list] = {}
        for order in orders:
            shown.setdefault(order.subject_id, []).append(order.pk)
        with transaction.atomic():
            record_list_access(user, record_type="protective_order", shown=shown,
                               reason="orders on the victim's case")
    return {"template": "protection/_case.html", "context": {
        "orders": orders, "full": full,
        "person_url": reverse("protection:person", args=[person_id]),
        "record_url": (f"{reverse('protection:court_order_new')}?protected={person_id}"
                       if can(user, "order.record") else "")}}

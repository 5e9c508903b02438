"""What other rooms may read from the protection room (no models): the orders in force
naming a person, e.g. for the victim's case in safeguarding."""

from __future__ import annotations

from django.urls import reverse

from haven.protection.services import live_orders_of


def orders_in_force(person_ids, at=None) -> dict[int, list[dict]]:
    """person id -> the notices and orders in force naming them (kind, label, role subject
    or protected, start, end, conditions, the order page's url). Ids in, plain values out;
    the caller has already authorised reading these persons."""
    wanted = set(person_ids)
    out: dict[int, list[dict]] = {pid: [] for pid in wanted}
    for order in live_orders_of(wanted, at).order_by("ends_at", "pk"):
        row = {"kind": order.kind, "label": order.get_kind_display(),
               "reference": order.reference, "starts_at": order.starts_at,
               "ends_at": order.ends_at, "conditions": order.conditions,
               "url": reverse("protection:detail", args=[order.pk])}
        for pid, role in ((order.subject_id, "subject"), (order.protected_id, "protected")):
            if pid in wanted:
                out[pid].append({**row, "role": role})
    return out


def person_orders_url(person_id) -> str:
    """The page listing every order naming a person (for a link from another room)."""
    return reverse("protection:person", args=[person_id])

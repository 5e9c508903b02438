"""Live orders in the call-time history (people.history plug-in): every notice or order in
force naming the person as its subject or as the person it protects. This room is the only
source of orders (legacy orders.csv is ingested here, see haven/protection/ingest.py)."""

from __future__ import annotations

from haven.people.history import register_history_facts
from haven.protection.services import live_orders_of


def order_facts(ids, at, windows, context) -> dict[int, dict]:
    out: dict[int, dict] = {}
    wanted = set(ids)
    rows = live_orders_of(ids, at).order_by("ends_at", "pk").values_list(
        "kind", "subject_id", "protected_id", "starts_at", "ends_at", "conditions")
    for kind, subject_id, protected_id, starts, ends, conditions in rows:
        for person_id, role in ((subject_id, "subject"), (protected_id, "protected")):
            if person_id in wanted:
                out.setdefault(person_id, {"live_orders": []})["live_orders"].append(
                    {"kind": kind, "role": role, "starts_at": starts, "ends_at": ends,
                     "conditions": conditions[:200]})
    return out


def register() -> None:
    register_history_facts("protection.orders", order_facts, defaults={"live_orders": []})

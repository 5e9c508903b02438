"""Intake's part of the call-time history (`haven.people.history`): what its incident logs
and involvements say about each person. Registered in IntakeConfig.ready()."""

from __future__ import annotations

from collections import defaultdict

from haven.intake.models import Involvement
from haven.people.history import addresses_of, register_history_facts, repeat_victim

INVOLVEMENT_DEFAULTS = {
    "da_incidents": {"count": 0, "last_at": None},
    "repeat_victim": False,
    "recent_victim_incident": False,
    "roles": [],
    "counter_allegation": False,
}


def event_key(incident_id: int, event: int | None) -> int:
    """One real incident recorded by several systems is one event: reconciliation's event
    (its smallest incident id), else the incident itself."""
    return event or incident_id


def keep_earliest(seen: dict, key: int, when) -> None:
    if key not in seen or when < seen[key]:
        seen[key] = when


def involvement_facts(ids, at, windows, context) -> dict[int, dict]:
    """DA incidents (count, last), repeat victim (the one rule, `repeat_victim`), roles held
    and counter-allegation, from the persons' involvements up to `at`.

    One real incident recorded by several systems counts once: incidents that reconciliation
    put into one event (`ReconciledIncident.event`) are one incident, dated by the earliest
    record of it. Counted per record, one call logged by three systems hours apart made a
    "repeat victim" of half the people flagged."""
    out: dict[int, dict] = {}
    da_events = defaultdict(dict)  # person -> event key -> earliest date
    victim_events = defaultdict(dict)
    roles = defaultdict(set)
    rows = Involvement.objects.filter(person_id__in=ids)
    if context.excluding is not None:
        rows = rows.exclude(incident_id=context.excluding)
    rows = rows.values_list("person_id", "role", "incident_id", "incident__reconciled__event",
                            "incident__domestic_abuse", "incident__occurred_at",
                            "incident__opened_at")
    for person_id, role, incident_id, event, da, occurred, opened in rows:
        roles[person_id].add(role)
        when = occurred or opened
        if not da or when is None or when > at:
            continue
        key = event_key(incident_id, event)
        keep_earliest(da_events[person_id], key, when)
        if role == Involvement.Role.VICTIM:
            keep_earliest(victim_events[person_id], key, when)
    for person_id, events in da_events.items():
        if events:
            out.setdefault(person_id, {})["da_incidents"] = {
                "count": len(events), "last_at": max(events.values())}
    for person_id, events in victim_events.items():
        if not events:
            continue
        dates = list(events.values())
        window = windows[person_id]["repeat"]
        facts = out.setdefault(person_id, {})
        facts["repeat_victim"] = repeat_victim(dates, at=at, window=window)
        # Would a DA call about them now make them a repeat victim? (the same rule, with `at`)
        facts["recent_victim_incident"] = repeat_victim([*dates, at], at=at, window=window)
    for person_id, found in roles.items():
        facts = out.setdefault(person_id, {})
        facts["roles"] = sorted(found)
        facts["counter_allegation"] = {"victim", "suspect"} <= found
    return out


def children_facts(ids, at, windows, context) -> dict[int, dict]:
    """Children recorded (as a child in an incident of the person's force) at one of the
    person's addresses: the same postcode and, when both are known, the same first line."""
    addresses = defaultdict(set)
    for person_id, line, postcode in addresses_of(ids):
        if postcode:
            addresses[postcode.replace(" ", "").upper()].add((person_id, line.strip().lower()))
    if not addresses:
        return {}
    force_ids = set(context.force_ids.values())
    postcodes = set(addresses)
    spaced = {f"{pc[:-3]} {pc[-3:]}" for pc in postcodes}
    rows = (Involvement.objects.filter(role=Involvement.Role.CHILD,
                                       incident__force_id__in=force_ids,
                                       incident__postcode__in=postcodes | spaced)
            .values_list("person_id", "incident__postcode", "incident__address_line"))
    children = defaultdict(set)
    for child_id, postcode, line in rows:
        for person_id, own_line in addresses.get(postcode.replace(" ", "").upper(), ()):
            same_place = not own_line or not line or own_line == line.strip().lower()
            if same_place and child_id != person_id:
                children[person_id].add(child_id)
    return {person_id: {"children_at_address": len(found)}
            for person_id, found in children.items()}


def register() -> None:
    register_history_facts("intake.involvements", involvement_facts,
                           defaults=INVOLVEMENT_DEFAULTS)
    register_history_facts("intake.children", children_facts,
                           defaults={"children_at_address": 0})

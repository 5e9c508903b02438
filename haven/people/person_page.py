"""What the person page shows: source records, identities, addresses, chronology, links."""

from __future__ import annotations

from haven.access.capabilities import can
from haven.chronology.services import entries_for
from haven.people.access import visible_addresses
from haven.people.addresses import force_places, is_confidential, place
from haven.people.keys import profile
from haven.people.models import MergeEvent, ReviewItem
from haven.people.national import confirmed_cross_force_links
from haven.people.person_links import links_for
from haven.people.scoring import compare
from haven.people.services import RAW_FIELDS


def _fields(record) -> dict:
    return {name: getattr(record, name) for name in RAW_FIELDS}


def links_with_explanations(records) -> list[dict]:
    """Why each record belongs here: its comparison with the person's first record."""
    if len(records) < 2:
        return []
    anchor = records[0]
    anchor_profile = profile(_fields(anchor))
    links = []
    for record in records[1:]:
        score, explanation = compare(anchor_profile, profile(_fields(record)))
        links.append({"a": anchor, "b": record, "score": score, "explanation": explanation})
    return links


def identities(records) -> list[dict]:
    """Distinct names and dates of birth the systems hold for this person."""
    seen, out = set(), []
    for r in records:
        key = (r.forename, r.middle_names, r.surname, r.date_of_birth)
        if key not in seen:
            seen.add(key)
            out.append({"forename": r.forename, "middle_names": r.middle_names,
                        "surname": r.surname, "date_of_birth": r.date_of_birth,
                        "systems": sorted({x.system for x in records if
                                           (x.forename, x.middle_names, x.surname,
                                            x.date_of_birth) == key})})
    return out


def person_context(user, person) -> dict:
    records = list(person.source_records.order_by("ingested_at", "pk"))
    can_merge = can(user, "person.merge")
    show_confidential = can(user, "person.view_confidential_address")
    places = force_places(person.force_id)
    for record in records:
        # Confidential if this system flagged it or any other system flagged the same place.
        record.address_confidential = record.confidential_address or is_confidential(
            place(record.address_line, record.postcode), places)
    return {
        "person": person,
        "addresses": visible_addresses(user, person),
        "entries": entries_for(user, person)[:200],
        "source_records": records,
        "show_confidential": show_confidential,
        "can_lift_confidential": can(user, "person.lift_confidential_address"),
        "identities": identities(records),
        "links": links_with_explanations(records),
        "can_merge": can_merge,
        "merges": MergeEvent.objects.filter(keep=person, unmerged_at__isnull=True)
        .order_by("-merged_at") if can_merge else [],
        "pending_reviews": ReviewItem.objects.filter(
            decision="", record_a__person=person).count() + ReviewItem.objects.filter(
            decision="", record_b__person=person).count() if can(user, "linkage.review") else 0,
        "room_links": links_for(user, person),  # other rooms' links (person_links.py)
        "cross_force_links": confirmed_cross_force_links(user, person.pk),  # issue 19
    }

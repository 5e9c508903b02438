"""Fetch-and-authorise for persons: the only way views and APIs reach a person.

Missing and forbidden look the same (404), and both the read and the refused
attempt are written to the access log.
"""

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.core.api import db_int
from haven.people.addresses import force_places, is_confidential, place
from haven.people.models import Person


def scoped_persons(user) -> QuerySet[Person]:
    """Persons this user may see at all: their own force's, or (partners) those shared with them."""
    if not (user and user.is_authenticated) or not can(user, "person.view"):
        return Person.objects.none()
    if user.is_partner:
        return Person.objects.filter(
            Q(shares__agency_id=user.agency_id) & Q(shares__ended_at__isnull=True)
        ).distinct()
    return Person.objects.filter(force_id=user.force_id)


def person_ids_of_force(force_id):
    """The ids of a force's persons (for the auditor's search of the access log)."""
    return Person.objects.filter(force_id=force_id).values("id")


def persons_by_id(person_ids) -> list[Person]:
    """Persons by id, for a room's reaction that runs as the system (no user read; a page
    showing them goes through `access_person` or a scoped list)."""
    return list(Person.objects.filter(pk__in=set(person_ids)))


def access_person(user, person_id, *, reason: str = "", action: str = Action.CONSULTATION):
    """Return the person, logging the consultation; raise 404 (and log the refusal) otherwise."""
    pk = db_int(person_id)  # None for text or a number past 64 bits: not found, not a 500
    # Inside a caller's transaction (an action, a submission) no savepoint of its own: only
    # a database error can be raised in here, and that must fail the caller's whole
    # transaction anyway (the read and its log entry are kept or lost with the caller's).
    with transaction.atomic(savepoint=False):
        person = scoped_persons(user).filter(pk=pk).first() if pk is not None else None
        record_access(
            user,
            action,
            record_type="person",
            record_id=person_id,
            person_id=pk,
            reason=reason,
            outcome=Outcome.ALLOWED if person else Outcome.REFUSED,
        )
    if person is None:
        raise Http404("Not found")
    return person


def visible_addresses(user, person: Person) -> list[dict]:
    """Addresses as this user may see them: a confidential one is masked without need.

    An address is confidential when its row is flagged or when it is the same place (however
    spelt) as any place a source marked confidential in the force (haven.people.addresses)."""

    show_confidential = can(user, "person.view_confidential_address")
    places = force_places(person.force_id)
    rows = []
    for address in person.addresses.order_by("-recorded_at", "-pk"):
        confidential = address.confidential or is_confidential(
            place(address.line, address.postcode), places)
        if confidential and not show_confidential:
            rows.append({"masked": True, "confidential": True, "recorded_at": address.recorded_at})
        else:
            rows.append(
                {
                    "id": address.pk,
                    "masked": False,
                    "confidential": confidential,
                    "line": address.line,
                    "town": address.town,
                    "postcode": address.postcode,
                    "recorded_at": address.recorded_at,
                }
            )
    return rows


def household_links(person_ids) -> set[frozenset]:
    """Pairs of these persons who share an address (one household, at any time), however
    the address is spelt (`haven.people.addresses.same_place`). For the perpetrators room's
    "unconnected victims"; ids in, pairs of ids out, nothing shown."""
    from collections import defaultdict  # here: this appended block leaves the header alone

    from haven.people.addresses import place, same_place  # here: header left alone
    from haven.people.models import Address  # here: header left alone

    by_postcode: dict[str, list[tuple[int, object]]] = defaultdict(list)
    for pid, line, postcode in Address.objects.filter(person_id__in=list(person_ids)) \
            .values_list("person_id", "line", "postcode").iterator():
        p = place(line, postcode)
        if p:
            by_postcode[p.postcode or ("line:" + p.line)].append((pid, p))
    links: set[frozenset] = set()
    for rows in by_postcode.values():
        for i, (a, pa) in enumerate(rows):
            for b, pb in rows[i + 1:]:
                if a != b and same_place(pa, pb):
                    links.add(frozenset((a, b)))
    return links


def pending_review_links(person_ids) -> set[frozenset]:
    """Pairs of these persons whose source records wait in the clerical review queue (the
    linker was unsure whether they are one person). Ids in, pairs of ids out."""
    from haven.people.models_linkage import ReviewItem  # here: header left alone

    ids = set(person_ids)
    links: set[frozenset] = set()
    # The queue is small (hundreds): read it whole rather than filter by a long id list.
    for a, b in ReviewItem.objects.filter(decision="").values_list(
            "record_a__person_id", "record_b__person_id").iterator():
        if a in ids and b in ids and a != b:
            links.add(frozenset((a, b)))
    return links

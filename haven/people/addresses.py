"""Confidential (refuge) addresses: one place however it is spelt, confidential once any
source says so, until someone with `person.lift_confidential_address` lifts it with a reason.

A *place* is (postcode key, line key): the postcode upper-cased without spaces or
punctuation, the line upper-cased with punctuation removed and common abbreviations
spelt out ("12a Refuge Rd." and "12A REFUGE ROAD" are one line). Two places are the
same when both have a postcode and the postcodes agree (a refuge's postcode alone is
too revealing to show), or, when either postcode is missing, their lines agree.

A person's confidential places come from every address row flagged confidential and from
every source record of theirs whose system marked the address confidential, whichever
system it came from and however the persons were linked or merged since. What is shown is
masked against every confidential place in the force (`force_places`): a second system's
copy of a refuge address is hidden even before linkage has joined it to the person, and so
are the other residents of a refuge. A lift stands
against flags older than itself; a source that flags the place again afterwards (a new or
changed record) makes it confidential again. Everything that shows an address (person page,
source record table, review screen, API, call-time lookup) asks this module.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, IntegerField, OuterRef, Value
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.chronology.services import Sensitivity, record_entry
from haven.core.actions import action
from haven.people.models import Address, ConfidentialityLift, Person, SourceRecord

ABBREVIATIONS = {
    "RD": "ROAD", "ST": "STREET", "STR": "STREET", "AVE": "AVENUE", "AV": "AVENUE",
    "AVN": "AVENUE", "LN": "LANE", "DR": "DRIVE", "DRV": "DRIVE", "CL": "CLOSE",
    "CT": "COURT", "CRT": "COURT", "CRES": "CRESCENT", "CRS": "CRESCENT", "GDNS": "GARDENS",
    "GDN": "GARDEN", "GRN": "GREEN", "GR": "GROVE", "GRV": "GROVE", "PL": "PLACE",
    "SQ": "SQUARE", "TER": "TERRACE", "TERR": "TERRACE", "TCE": "TERRACE", "PK": "PARK",
    "PDE": "PARADE", "HSE": "HOUSE", "HO": "HOUSE", "FLT": "FLAT", "APT": "FLAT",
    "APARTMENT": "FLAT", "WY": "WAY", "HWY": "HIGHWAY", "MT": "MOUNT", "BLDGS": "BUILDINGS",
    "CTTGS": "COTTAGES", "COTTS": "COTTAGES", "RDS": "ROADS", "WK": "WALK", "MWS": "MEWS",
    "NO": "", "NUMBER": "",
}
_PUNCTUATION = re.compile(r"[^0-9A-Z]+")
# "12A" and "12 A" are one house number.
_NUMBER_LETTER = re.compile(r"\b(\d+) ([A-Z])\b")


def postcode_key(value) -> str:
    return _PUNCTUATION.sub("", str(value or "").upper())


def line_key(value) -> str:
    text = _PUNCTUATION.sub(" ", str(value or "").upper())
    text = _NUMBER_LETTER.sub(r"\1\2", text)
    words = [ABBREVIATIONS.get(word, word) for word in text.split()]
    return " ".join(word for word in words if word)


@dataclass(frozen=True)
class Place:
    postcode: str
    line: str

    def __bool__(self) -> bool:
        return bool(self.postcode or self.line)


def place(line, postcode) -> Place:
    return Place(postcode_key(postcode), line_key(line))


def same_place(a: Place, b: Place) -> bool:
    """One place however spelt. Different postcodes are different places; under one
    postcode the lines must agree, one may carry a flat before the other's house ("FLAT 2 12
    REFUGE ROAD" is at "12 REFUGE ROAD"), or one may have no line. Without a postcode on
    either side, the lines must agree exactly."""
    if a.postcode and b.postcode:
        if a.postcode != b.postcode:
            return False
        if not (a.line and b.line):
            return True
        short, long = sorted((a.line, b.line), key=len)
        return long == short or long.endswith(" " + short)
    return bool(a.line) and a.line == b.line


class PlaceSet:
    """Places indexed by postcode and by line, so that checking a record against every
    confidential place of a large force costs a dictionary look-up, not a scan."""

    def __init__(self, places=()):
        self.places = sorted(set(places), key=lambda p: (p.postcode, p.line))
        self._by_postcode: dict[str, list[Place]] = defaultdict(list)
        self._by_line: dict[str, list[Place]] = defaultdict(list)
        for p in self.places:
            if p.postcode:
                self._by_postcode[p.postcode].append(p)
            if p.line:
                self._by_line[p.line].append(p)

    def __iter__(self):
        return iter(self.places)

    def __len__(self) -> int:
        return len(self.places)

    def __contains__(self, candidate: Place) -> bool:
        near = [*self._by_postcode.get(candidate.postcode, ()),
                *self._by_line.get(candidate.line, ())]
        return any(same_place(candidate, p) for p in near)


def is_confidential(candidate: Place, places) -> bool:
    if not candidate:
        return False
    if isinstance(places, PlaceSet):
        return candidate in places
    return any(same_place(candidate, p) for p in places)


def _places(address_rows, record_rows, lift_rows) -> dict[int, list[Place]]:
    flagged: dict[int, list[tuple[Place, object]]] = defaultdict(list)
    for pid, line, postcode, at in [*address_rows, *record_rows]:
        flagged[pid].append((place(line, postcode), at))
    lifts: dict[int, list[tuple[Place, object]]] = defaultdict(list)
    for pid, pc, line, at in lift_rows:
        lifts[pid].append((Place(pc, line), at))
    out: dict[int, list[Place]] = {}
    for pid, rows in flagged.items():
        kept = {p for p, at in rows if p and not any(
            same_place(p, lifted) and lifted_at >= at for lifted, lifted_at in lifts[pid])}
        if kept:
            out[pid] = sorted(kept, key=lambda p: (p.postcode, p.line))
    return out


# Which of the three tables a row of `_flags_and_lifts` came from.
_ADDRESS, _RECORD, _LIFT = 0, 1, 2


def _flags_and_lifts(addresses, records, lifts) -> dict[int, list[Place]]:
    """`_places` over the three querysets read as one `UNION ALL` (one round trip, not
    three: the person page and the call-time lookup ask on every request). Each row is
    (table, person id, line, postcode, when); a lift's row is (…, postcode key, line key,
    when), as `_places` reads lifts."""
    def tagged(queryset, table, *fields):
        return queryset.annotate(_table=Value(table, output_field=IntegerField())) \
            .values_list("_table", *fields).order_by()

    rows = tagged(addresses, _ADDRESS, "person_id", "line", "postcode", "recorded_at").union(
        tagged(records, _RECORD, "person_id", "address_line", "postcode", "updated_at"),
        tagged(lifts, _LIFT, "person_id", "postcode_key", "line_key", "lifted_at"),
        all=True)
    split: dict[int, list] = {_ADDRESS: [], _RECORD: [], _LIFT: []}
    for table, *row in rows:
        split[table].append(tuple(row))
    return _places(split[_ADDRESS], split[_RECORD], split[_LIFT])


def confidential_places(person_ids) -> dict[int, list[Place]]:
    """person id -> the places that are confidential for that person (one query)."""

    ids = [pk for pk in set(person_ids) if pk is not None]
    if not ids:
        return {}
    return _flags_and_lifts(
        Address.objects.filter(person_id__in=ids, confidential=True),
        SourceRecord.objects.filter(person_id__in=ids, confidential_address=True),
        ConfidentialityLift.objects.filter(person_id__in=ids))


def force_places(force_id) -> PlaceSet:
    """Every place confidential for anyone in the force (indexed on the flags; refuges are
    few), to mask any copy of it wherever it appears (one query)."""

    if force_id is None:
        return PlaceSet()
    # "Of a person of this force" asked of each flagged address and each lift, not as a
    # join: SQLite drove a join from the force's persons, reading all of them (0.66 s of a
    # 0.8 s call-time lookup at 200k people); the flagged rows are few.
    of_force = Exists(Person.objects.filter(pk=OuterRef("person_id"), force_id=force_id))
    by_person = _flags_and_lifts(
        Address.objects.filter(of_force, confidential=True),
        SourceRecord.objects.filter(force_id=force_id, confidential_address=True),
        ConfidentialityLift.objects.filter(of_force))
    return PlaceSet(p for places in by_person.values() for p in places)


def protect_addresses(person_ids) -> int:
    """Flag every address row of these persons that is at one of their confidential places
    (so that code reading `Address.confidential` directly sees it too). Returns rows flagged."""

    places = confidential_places(person_ids)
    if not places:
        return 0
    to_flag = [pk for pk, pid, line, postcode in Address.objects.filter(
        person_id__in=list(places), confidential=False).values_list(
        "pk", "person_id", "line", "postcode")
        if is_confidential(place(line, postcode), places[pid])]
    if to_flag:
        Address.objects.filter(pk__in=to_flag).update(confidential=True)
    return len(to_flag)


class LiftRefused(ValueError):
    """A lift without a reason; `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@action("person.lift_confidential_address", record_type="address")
def do_lift_confidential_address(person, address_id, *, reason: str, actor):
    """Lift the confidential marker of one of `person`'s places, with a reason, logged.

    Needs `person.lift_confidential_address` (else 404, the refusal logged). Every address
    row of the person at that place is unflagged; source records are never edited, so the
    lift is kept (`ConfidentialityLift`) and outranks the flags recorded before it."""

    address = Address.objects.filter(pk=address_id, person=person).first() if str(
        address_id).isdigit() else None
    if address is None or not can(actor, "person.lift_confidential_address"):
        record_access(actor, Action.ALTERATION, record_type="address",
                      record_id=address_id, person_id=person.pk, outcome=Outcome.REFUSED)
        raise Http404("Not found")
    reason = (reason or "").strip()
    if not reason:
        raise LiftRefused("reason", "Give the reason the address no longer needs protecting")
    target = place(address.line, address.postcode)
    with transaction.atomic():
        lift = ConfidentialityLift.objects.create(
            person=person, postcode_key=target.postcode, line_key=target.line,
            reason=reason[:500], lifted_by=actor, lifted_at=timezone.now())
        unflag = [a.pk for a in person.addresses.filter(confidential=True)
                  if same_place(place(a.line, a.postcode), target)]
        Address.objects.filter(pk__in=unflag).update(confidential=False)
        record_access(actor, Action.ALTERATION, record_type="address", record_id=address.pk,
                      person_id=person.pk, reason=reason[:500],
                      detail={"confidential_lifted": True, "addresses": unflag,
                              "lift": lift.pk})
        record_entry(person, occurred_at=lift.lifted_at, kind="confidential_address_lifted",
                     source_room="people", source_type="confidentiality_lift",
                     source_id=lift.pk, summary="Confidential address marker lifted",
                     sensitivity=Sensitivity.RESTRICTED, actor=actor)
    return lift


WITHHELD = "area withheld: confidential address"
NO_ADDRESS = "No address recorded"


def postcode_district(postcode: str) -> str:
    """The outward code ("CV34 4AA" -> "CV34"): an area, never an address."""
    text = (postcode or "").strip().upper()
    if " " in text:
        return text.split()[0]
    compact = "".join(text.split())
    return compact[:-3] if len(compact) > 4 else ""


def address_areas(person_ids) -> dict[int, str]:
    """person id -> the area of their latest address: postcode district, else town.

    A person with any confidential (refuge) address shows no area at all: the district of a
    refuge is itself a clue to where the victim is."""
    ids = set(person_ids)
    latest: dict[int, str] = {}
    confidential: set[int] = set()
    rows = (Address.objects.filter(person_id__in=ids).order_by("recorded_at", "id")
            .values_list("person_id", "town", "postcode", "confidential"))
    for person_id, town, postcode, is_confidential in rows:
        if is_confidential:
            confidential.add(person_id)
            continue
        area = postcode_district(postcode or "") or (town or "").strip()
        if area:
            latest[person_id] = area
    return {pk: WITHHELD if pk in confidential else latest.get(pk, NO_ADDRESS) for pk in ids}

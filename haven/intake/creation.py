"""Opening a log: the call checklist, the people involved, and what the system raises at once.

On saving, without anyone having to ask: the victim's markers (repeat, high risk, MARAC, live
orders) are worked out, a serious call goes to the OCC supervisor's queue, a
counter-allegation goes to the HAU, every person's chronology and the access log are
written, and `IncidentRecorded` is published (risk reacts after the commit).
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.access.capabilities import require
from haven.access.log import Action, record_access
from haven.chronology.services import record_entry
from haven.core.actions import action
from haven.core.concurrency import update_if_unchanged
from haven.core.events import publish
from haven.intake import history, rules
from haven.intake.events import IncidentRecorded
from haven.intake.models import (
    HAVEN_SYSTEM,
    Incident,
    IncidentProgress,
    Involvement,
    ReferenceCounter,
)
from haven.intake.movers import incident_parties
from haven.intake.services import log_people, write_chronology
from haven.people.services import (
    InvalidRecord,
    clean_fields,
    do_add_source_record,
    do_join_on_an_incident,
    source_record_values,
)
from haven.tasks.services import do_create_task

DETAIL_FIELDS = ("forename", "surname", "date_of_birth", "phone", "address_line", "town",
                 "postcode")
ROLE_ERROR = "Choose a role: " + ", ".join(Involvement.Role.values) + "."
RELATIONSHIP_ERROR = "Choose a relationship: " + ", ".join(Involvement.Relationship.values) + "."
# At least one of these must be given for a new person (an address alone names nobody).
NAMING_FIELDS = ("forename", "surname", "date_of_birth", "phone")


class IntakeInvalid(Exception):
    """Bad input. `errors` maps each field (e.g. "checklist.weapons") to a clear message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def _highest_taken(force, prefix: str) -> int:
    """The highest number already used with this prefix (logs imported or made before the
    counter existed)."""
    highest = 0
    taken = Incident.objects.filter(force=force, reference__startswith=prefix)
    for reference in taken.order_by("-reference").values_list("reference", flat=True)[:1]:
        suffix = reference[len(prefix):]
        highest = int(suffix) if suffix.isdigit() else 0
    return highest


def next_reference(force, at) -> str:
    """`CODE-YYYYMMDD-NNNN`, the force's next number of that day.

    The day's counter row is locked until the caller's transaction commits, so concurrent
    creations take numbers one after another (without it, on PostgreSQL 62 of 100 parallel
    creations counted the same rows and collided). A gap left by a removed log is never
    reused."""
    prefix = f"{force.code}-{at:%Y%m%d}-"
    # No savepoint of its own (the caller's transaction holds the lock): a savepoint only
    # around the day's first insert, which another call may beat.
    with transaction.atomic(savepoint=False):
        for _ in range(5):
            counter = ReferenceCounter.objects.select_for_update().filter(
                force=force, day=at.date()).first()
            if counter is None:
                try:
                    with transaction.atomic():
                        counter = ReferenceCounter.objects.create(
                            force=force, day=at.date(), last=_highest_taken(force, prefix))
                except IntegrityError:
                    continue  # another call created today's counter first: lock theirs
            counter.last += 1
            counter.save(update_fields=["last"])
            return f"{prefix}{counter.last:04d}"
    raise IntakeInvalid({"reference": "Could not allocate a log reference; try again."})


def _new_incident(force, opened_at, **fields) -> Incident:
    """Insert with the next reference; a reference written outside Haven (an import) that
    took the number moves us on to the next one."""
    # Keeps the counter locked until the log is saved; no savepoint (only the insert below,
    # which an imported reference may refuse, needs one).
    with transaction.atomic(savepoint=False):
        for _ in range(5):
            reference = next_reference(force, opened_at)  # taken for good, even if refused
            try:
                with transaction.atomic():
                    return Incident.objects.create(force=force, reference=reference,
                                                   opened_at=opened_at, **fields)
            except IntegrityError:
                continue
    raise IntakeInvalid({"reference": "Could not allocate a log reference; try again."})


def _validate(force, *, reported_via, category, checklist, involvements, domestic_abuse):
    errors: dict[str, str] = {}
    if reported_via not in Incident.ReportedVia.values:
        errors["reported_via"] = "Choose how the incident was reported: " + ", ".join(
            Incident.ReportedVia.values) + "."
    if category not in Incident.Category.values:
        errors["category"] = "Choose a category: " + ", ".join(Incident.Category.values) + "."
        return errors
    question_set = rules.question_set_for(category)
    if not isinstance(checklist, dict):
        errors["checklist"] = "The checklist must map question codes to answers."
        return errors
    for code in rules.unknown_codes(question_set, checklist):
        errors[f"checklist.{code}"] = f"{code} is not a question in this checklist."
    if domestic_abuse:
        for code, message in rules.checklist_errors(question_set, checklist).items():
            errors[f"checklist.{code}"] = message
    for index, item in enumerate(involvements):
        person = item.get("person")
        if item.get("details") is not None and person is None:
            errors.update({f"involvements.{index}.{field}": message for field, message
                           in details_errors(item["details"]).items()})
        elif person is None or person.force_id != force.pk:
            errors[f"involvements.{index}.person"] = "No such person in this force."
        if item.get("role") not in Involvement.Role.values:
            errors[f"involvements.{index}.role"] = ROLE_ERROR
        relationship = item.get("relationship") or ""
        if relationship and relationship not in Involvement.Relationship.values:
            errors[f"involvements.{index}.relationship"] = RELATIONSHIP_ERROR
    return errors


def details_errors(details) -> dict[str, str]:
    """What is wrong with a new person's details (field -> message), checked before saving."""
    if not isinstance(details, dict):
        return {"details": "Give the person's details as forename, surname, date_of_birth, "
                           "phone, address_line, town, postcode."}
    unknown = sorted(set(details) - set(DETAIL_FIELDS))
    if unknown:
        return {unknown[0]: f"{unknown[0]} is not a detail Haven records here; use "
                            + ", ".join(DETAIL_FIELDS) + "."}
    if not any(str(details.get(name) or "").strip() for name in NAMING_FIELDS):
        return {"forename": "Give at least a name, a date of birth or a phone number."}
    try:
        clean_fields(dict(details))
    except InvalidRecord as bad:
        message = str(bad)
        if bad.field == "date_of_birth":
            message = ("Enter the date of birth as day, month and 4-digit year, for "
                       "example 23/04/1990.")
        return {bad.field: message}
    return {}


def record_new_person(incident: Incident, details: dict, *, actor):
    """A person Haven has not met, from what was said: a source record of Haven's own system
    (people.do_add_source_record), linked incrementally. -> (person, haven source id)."""
    source_id = f"{incident.reference}/{uuid.uuid4().hex[:12]}"
    fields = {name: str(details.get(name) or "").strip() for name in DETAIL_FIELDS}
    record = do_add_source_record(incident.force, fields, system=HAVEN_SYSTEM,
                                  source_id=source_id, actor=actor)
    return record.person, source_id


def _who_met_whom(incident: Incident) -> list[tuple[int, int, str]]:
    """(victim, suspect, the suspect's relationship to the victim) of each pair on this log
    and on the force's other logs Haven itself holds of this log's victims and suspects:
    the people room reads who met whom only from the source systems' incidents, and in a
    force that runs Haven alone her earlier logs are Haven's (a handler picked both)."""
    people = incident.involvements.filter(
        role__in=(Involvement.Role.VICTIM, Involvement.Role.SUSPECT)).values_list(
            "person_id", flat=True)
    return sorted({(victim, suspect, relationship or "") for _, victim, suspect, relationship
                   in incident_parties(incident.force, persons=people, own_logs=True)})


def _join_on_this_log(incident: Incident, haven_source_ids: list[str], *, actor) -> int:
    """Each person recorded from what was said on this log whom the incremental linker left
    on their own is asked once more, now that the log ties them to its victim or suspect:
    the man named here by name alone joins the man her earlier logs name as her suspect
    (people.do_join_on_an_incident, the rule an ingest applies to its own records). Before
    the markers are worked out, so that his history gives them. -> how many joined."""
    met = _who_met_whom(incident) if haven_source_ids else []
    if not met:
        return 0
    joined = 0
    for source_id in haven_source_ids:
        if do_join_on_an_incident(incident.force, system=HAVEN_SYSTEM, source_id=source_id,
                                  met=met, actor=actor) is not None:
            joined += 1
            met = _who_met_whom(incident)  # the joined person is on the log in their place
    return joined


def _clean_checklist(checklist: dict) -> dict:
    return {
        code: {"answer": str((item or {}).get("answer") or "").strip(),
               "not_asked": str((item or {}).get("not_asked") or "").strip()}
        for code, item in checklist.items()
    }


@action("incident.create", record_type="incident")
def do_create_incident(
    force, *, reported_via: str, category: str, checklist: dict, actor,
    involvements=(), domestic_abuse: bool = True, opened_at=None, occurred_at=None,
    address_line: str = "", town: str = "", postcode: str = "", summary: str = "",
    source_system: str = "", source_id: str = "",
) -> Incident:
    """Open a log. A DA log is refused (IntakeInvalid naming each field) until every checklist
    question is answered or has a recorded reason why it could not be asked."""
    require(actor, "incident.create")
    involvements = list(involvements)
    checklist = checklist if checklist is not None else {}
    if isinstance(checklist, dict) and category in Incident.Category.values:
        checklist = rules.infer_answers(rules.question_set_for(category), checklist)
    errors = _validate(force, reported_via=reported_via, category=category, checklist=checklist,
                       involvements=involvements, domestic_abuse=domestic_abuse)
    if errors:
        raise IntakeInvalid(errors)
    checklist = _clean_checklist(checklist)
    now = timezone.now()
    opened_at = opened_at or now
    # The action's transaction already holds everything below: no savepoint of its own.
    with transaction.atomic(savepoint=False):
        incident = _new_incident(
            force, opened_at, reported_via=reported_via,
            category=category, domestic_abuse=domestic_abuse, occurred_at=occurred_at,
            address_line=address_line.strip(), town=town.strip(),
            postcode=postcode.strip().upper(), summary=summary,
            children_present={"yes": True, "no": False}.get(
                rules.answer(checklist, "children_present")),
            source_system=source_system, source_id=source_id, created_by=actor,
        )
        reasons = rules.serious_reasons(checklist)
        # Saved (one INSERT, markers and all) by _after_people_saved once the markers are
        # worked out; nothing before that reads it (it was an INSERT and then an UPDATE).
        progress = IncidentProgress(
            incident=incident, question_set=rules.question_set_for(category),
            checklist=checklist, checklist_complete=not rules.checklist_errors(
                rules.question_set_for(category), checklist),
            serious=bool(reasons), serious_reasons=reasons,
        )
        # A new log has nobody on it yet: one insert for all its people (a person named
        # twice in the same role is on it once, with what was said first).
        rows: dict[tuple, Involvement] = {}
        for item in involvements:
            person, haven_source_id = item.get("person"), ""
            if person is None:
                person, haven_source_id = record_new_person(incident, item["details"],
                                                            actor=actor)
            rows.setdefault((person.pk, item["role"]), Involvement(
                incident=incident, person=person, role=item["role"],
                relationship=item.get("relationship") or "", haven_source_id=haven_source_id))
        Involvement.objects.bulk_create(rows.values())
        _join_on_this_log(incident, [row.haven_source_id for row in rows.values()
                                     if row.haven_source_id], actor=actor)
        _after_people_saved(incident, progress, actor=actor, action=Action.COLLECTION)
    return incident


@action("incident.create", record_type="involvement")
def do_add_involvement(incident: Incident, *, person=None, role: str, relationship: str = "",
                       details: dict | None = None, actor) -> Involvement:
    """Name one more person on the log (their history and flags are worked out again):
    an existing `person`, or a new one from `details` (forename, surname, date_of_birth,
    phone, address_line, town, postcode: any that are known)."""
    require(actor, "incident.create")
    errors = _validate(incident.force, reported_via=incident.reported_via,
                       category=incident.category, checklist={},
                       involvements=[{"person": person, "role": role, "details": details,
                                      "relationship": relationship}], domestic_abuse=False)
    if errors:
        raise IntakeInvalid({key.replace("involvements.0.", ""): value
                             for key, value in errors.items()})
    with transaction.atomic():
        haven_source_id = ""
        if person is None:
            person, haven_source_id = record_new_person(incident, details, actor=actor)
        involvement, _ = Involvement.objects.get_or_create(
            incident=incident, person=person, role=role,
            defaults={"relationship": relationship, "haven_source_id": haven_source_id},
        )
        if haven_source_id and _join_on_this_log(incident, [haven_source_id], actor=actor):
            involvement.refresh_from_db()
            person = involvement.person
        progress = IncidentProgress.objects.select_for_update().get(incident=incident)
        _after_people_saved(incident, progress, actor=actor, action=Action.ALTERATION,
                            opened=False, person=person)
    return involvement


@action("incident.create", record_type="involvement")
def do_correct_involvement(incident: Incident, involvement: Involvement, *, role: str,
                           reason: str, details: dict | None = None, actor,
                           version: int | None = None,
                           relationship: str | None = None) -> Involvement | None:
    """The officer at the scene corrects who is on the log: a different role (e.g. a
    witness who is a child), off the log (`role` "") with a reason, the suspect's
    relationship to the victim (`relationship`, "" for not known; None leaves it), or, for
    a person Haven recorded from this log, corrected details (the same Haven source
    record, updated).
    Returns the involvement, or None when it was removed. `version` is the log's version
    the page was read at: a correction made meanwhile refuses this one (StaleEdit)."""
    require(actor, "incident.create")
    if involvement.incident_id != incident.pk:
        raise IntakeInvalid({"involvement": "That person is not on this log."})
    errors = {}
    if role and role not in Involvement.Role.values:
        errors["role"] = ROLE_ERROR
    changed_role = role != involvement.role
    if changed_role and not (reason or "").strip():
        errors["reason"] = "Say why the role is changed or the person taken off the log."
    if details is not None:
        if not involvement.haven_source_id:
            errors["details"] = ("Only the details Haven recorded from this log can be "
                                 "corrected here; other systems' records stay as they are.")
        else:
            errors.update(details_errors(details))
    if role and changed_role and incident.involvements.filter(
            person_id=involvement.person_id, role=role).exists():
        errors["role"] = "They are already on the log in that role."
    if relationship and relationship not in Involvement.Relationship.values:
        errors["relationship"] = RELATIONSHIP_ERROR
    changed_relationship = relationship is not None and relationship != involvement.relationship
    if errors:
        raise IntakeInvalid(errors)
    person = involvement.person
    with transaction.atomic():
        # Every correction moves the log on a version, so a second officer's correction read
        # before it is refused instead of silently overwriting it.
        update_if_unchanged(incident, incident.version if version is None else version,
                            "Someone else changed the people on this log since you opened "
                            "it. Check the log as it is now and correct it again.")
        if details is not None:
            # A detail left blank keeps what Haven recorded; one given replaces it.
            recorded = source_record_values(incident.force, system=HAVEN_SYSTEM,
                                            source_id=involvement.haven_source_id,
                                            fields=DETAIL_FIELDS)
            fields = {n: str(details.get(n) or "").strip() or str(recorded.get(n) or "")
                      for n in DETAIL_FIELDS}
            do_add_source_record(incident.force, fields, system=HAVEN_SYSTEM,
                                 source_id=involvement.haven_source_id, actor=actor)
        progress = IncidentProgress.objects.select_for_update().get(incident=incident)
        if not role:
            involvement.delete()
            involvement = None
        else:
            if changed_role:
                involvement.role = role
            if changed_relationship:
                involvement.relationship = relationship
            if changed_role or changed_relationship:
                involvement.save(update_fields=["role", "relationship"])
        if changed_role:

            record_entry(person, occurred_at=timezone.now(), kind="incident_named",
                         source_room="intake", source_type="incident", source_id=incident.pk,
                         summary=f"{incident.reference}: "
                         + (f"role corrected to {role}" if role else "taken off the log")
                         + f" ({reason.strip()})", actor=actor)

        record_access(actor, Action.ALTERATION, record_type="incident", record_id=incident.pk,
                      person_id=person.pk, reason="correction on the log",
                      detail={"incident": incident.pk, "role": role or "removed",
                              "details_corrected": details is not None,
                              "relationship_corrected": changed_relationship})
        _after_people_saved(incident, progress, actor=actor, action=Action.ALTERATION,
                            opened=False, person=None)
    return involvement


# What a suspect's history adds to the log's markers (a victim's adds all of them).
SUSPECT_MARKERS = ("live_order", "weapons_marker")


def _people_on(incident: Incident) -> list[Involvement]:
    """Everyone on the log with their person (and force, for the policy a history reads),
    read once for all that is worked out after the people change."""
    return list(incident.involvements.select_related("person", "person__force").order_by("id"))


def incident_markers(incident: Incident, involvements: list[Involvement] | None = None
                     ) -> list[str]:
    """Markers for this log from the history of its victims (repeat within the window, high
    risk, MARAC, live order) and of its suspects (live order, weapons or firearms).
    `involvements`: the log's people, when the caller has read them (`_people_on`)."""
    markers: list[str] = []
    roles = (Involvement.Role.VICTIM, Involvement.Role.SUSPECT)
    involved = [i for i in (_people_on(incident) if involvements is None else involvements)
                if i.role in roles]
    summaries = history.history_summaries([i.person for i in involved], at=incident.opened_at)
    for involvement in involved:
        summary = summaries[involvement.person_id]
        # The summary (at the log's opening) counts this log once, by the one repeat rule.
        found = history.markers_from_history(summary)
        if involvement.role == Involvement.Role.SUSPECT:
            found = [m for m in found if m in SUSPECT_MARKERS]
        markers.extend(m for m in found if m not in markers)
    return markers


def counter_allegations(incident: Incident, involvements: list[Involvement] | None = None
                        ) -> list[tuple[int, int]]:
    """(victim id, suspect id) pairs on this log recorded the other way round on another log."""
    roles = (list(incident.involvements.values_list("person_id", "role")) if involvements is None
             else [(i.person_id, i.role) for i in involvements])
    victims = {pid for pid, role in roles if role == Involvement.Role.VICTIM}
    suspects = {pid for pid, role in roles if role == Involvement.Role.SUSPECT}
    pairs = []
    for victim_id in victims:
        for suspect_id in suspects - {victim_id}:
            reversed_before = Incident.objects.filter(
                force=incident.force, involvements__person_id=suspect_id,
                involvements__role=Involvement.Role.VICTIM,
            ).filter(
                involvements__person_id=victim_id, involvements__role=Involvement.Role.SUSPECT,
            ).exclude(pk=incident.pk).exists()
            if reversed_before:
                pairs.append((victim_id, suspect_id))
    return pairs


def _after_people_saved(incident, progress, *, actor, action, opened=True, person=None):
    involvements = _people_on(incident)  # nothing below changes who is on the log
    progress.risk_markers = incident_markers(incident, involvements)
    progress.repeat_victim = "repeat_victim" in progress.risk_markers
    newly_counter = False
    if not progress.counter_allegation and counter_allegations(incident, involvements):
        progress.counter_allegation = newly_counter = True
    progress.save()
    log_people(actor, incident, action, detail={"incident": incident.pk},
               person_ids=[i.person_id for i in involvements])
    if opened:
        label = incident.get_category_display().lower()
        write_chronology(incident, kind="incident_opened", actor=actor, at=incident.opened_at,
                         summary=f"{label} incident reported ({incident.reported_via})",
                         involvements=involvements)
        if progress.serious:
            _raise_to_supervisor(incident, progress, actor)
    elif person is not None:

        record_entry(person, occurred_at=timezone.now(), kind="incident_named",
                     source_room="intake", source_type="incident", source_id=incident.pk,
                     summary=f"{incident.reference}: named on the log", actor=actor)
    if newly_counter:
        _flag_counter_allegation(incident, actor)
    if opened:
        publish(IncidentRecorded(incident_id=incident.pk, force_id=incident.force_id,
                                 recorded_at=timezone.now(), actor_id=getattr(actor, "pk", None)))


def _raise_to_supervisor(incident, progress, actor):
    reasons = ", ".join(rules.SERIOUS_LABELS[r].lower() for r in progress.serious_reasons)
    victim = incident.involvements.filter(role=Involvement.Role.VICTIM).first()
    do_create_task(
        incident.force, kind="occ_supervision", owner_role="occ_supervisor",
        due_at=timezone.now(), title=f"Serious incident {incident.reference}: {reasons}",
        source_room="intake", source_type="incident", source_id=incident.pk,
        person=victim.person if victim else None, actor=actor,
    )


def _flag_counter_allegation(incident, actor):
    victim = incident.involvements.filter(role=Involvement.Role.VICTIM).first()
    do_create_task(
        incident.force, kind="counter_allegation", owner_role="hau", due_at=timezone.now(),
        title=f"Counter-allegation on {incident.reference}: establish the primary victim",
        source_room="intake", source_type="incident", source_id=incident.pk,
        person=victim.person if victim else None, actor=actor,
    )
    write_chronology(incident, kind="counter_allegation", actor=actor,
                     summary="counter-allegation: the parties were recorded the other way "
                             "round before; HAU to establish the primary victim")

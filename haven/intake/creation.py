"""Opening a log: the call checklist, the people involved, and what the system raises at once.

On saving, without anyone having to ask: the victim's markers (repeat, high risk, MARAC, live
orders) are worked out, a serious call goes to the OCC supervisor's queue, a
counter-allegation goes to the HAU, every person's chronology and the access log are
written, and `incident_recorded` is published.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.access.capabilities import require
from haven.access.log import Action
from haven.core.events import publish
from haven.intake import history, rules
from haven.intake.models import Incident, IncidentProgress, Involvement
from haven.intake.services import log_people, write_chronology
from haven.tasks.services import create_task


class IntakeInvalid(Exception):
    """Bad input. `errors` maps each field (e.g. "checklist.weapons") to a clear message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def next_reference(force, at, attempt: int = 0) -> str:
    prefix = f"{force.code}-{at:%Y%m%d}-"
    count = Incident.objects.filter(force=force, reference__startswith=prefix).count()
    return f"{prefix}{count + 1 + attempt:04d}"


def _new_incident(force, opened_at, **fields) -> Incident:
    """Insert with the next free reference; a concurrent call taking it moves us on one."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Incident.objects.create(
                    force=force, reference=next_reference(force, opened_at, attempt),
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
        if person is None or person.force_id != force.pk:
            errors[f"involvements.{index}.person"] = "No such person in this force."
        if item.get("role") not in Involvement.Role.values:
            errors[f"involvements.{index}.role"] = "Choose a role: " + ", ".join(
                Involvement.Role.values) + "."
        relationship = item.get("relationship") or ""
        if relationship and relationship not in Involvement.Relationship.values:
            errors[f"involvements.{index}.relationship"] = "Choose a relationship: " + ", ".join(
                Involvement.Relationship.values) + "."
    return errors


def _clean_checklist(checklist: dict) -> dict:
    return {
        code: {"answer": str((item or {}).get("answer") or "").strip(),
               "not_asked": str((item or {}).get("not_asked") or "").strip()}
        for code, item in checklist.items()
    }


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
    errors = _validate(force, reported_via=reported_via, category=category, checklist=checklist,
                       involvements=involvements, domestic_abuse=domestic_abuse)
    if errors:
        raise IntakeInvalid(errors)
    checklist = _clean_checklist(checklist)
    now = timezone.now()
    opened_at = opened_at or now
    with transaction.atomic():
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
        progress = IncidentProgress.objects.create(
            incident=incident, question_set=rules.question_set_for(category),
            checklist=checklist, checklist_complete=not rules.checklist_errors(
                rules.question_set_for(category), checklist),
            serious=bool(reasons), serious_reasons=reasons,
        )
        for item in involvements:
            Involvement.objects.get_or_create(
                incident=incident, person=item["person"], role=item["role"],
                defaults={"relationship": item.get("relationship") or ""},
            )
        _after_people_saved(incident, progress, actor=actor, action=Action.COLLECTION)
    return incident


def do_add_involvement(incident: Incident, *, person, role: str, relationship: str = "",
                       actor) -> Involvement:
    """Name one more person on the log (their history and flags are worked out again)."""
    require(actor, "incident.create")
    errors = _validate(incident.force, reported_via=incident.reported_via,
                       category=incident.category, checklist={},
                       involvements=[{"person": person, "role": role,
                                      "relationship": relationship}], domestic_abuse=False)
    if errors:
        raise IntakeInvalid({key.replace("involvements.0.", ""): value
                             for key, value in errors.items()})
    with transaction.atomic():
        involvement, _ = Involvement.objects.get_or_create(
            incident=incident, person=person, role=role,
            defaults={"relationship": relationship},
        )
        progress = IncidentProgress.objects.select_for_update().get(incident=incident)
        _after_people_saved(incident, progress, actor=actor, action=Action.ALTERATION,
                            opened=False, person=person)
    return involvement


# What a suspect's history adds to the log's markers (a victim's adds all of them).
SUSPECT_MARKERS = ("live_order", "weapons_marker")


def incident_markers(incident: Incident) -> list[str]:
    """Markers for this log from the history of its victims (repeat within the window, high
    risk, MARAC, live order) and of its suspects (live order, weapons or firearms)."""
    markers: list[str] = []
    involved = list(incident.involvements.filter(
        role__in=[Involvement.Role.VICTIM, Involvement.Role.SUSPECT]).select_related("person"))
    summaries = history.history_summaries([i.person for i in involved], at=incident.opened_at)
    for involvement in involved:
        summary = summaries[involvement.person_id]
        # The summary counts this log too; repeat means an earlier one within the window.
        found = [m for m in history.markers_from_history(summary) if m != "repeat_victim"]
        if involvement.role == Involvement.Role.SUSPECT:
            found = [m for m in found if m in SUSPECT_MARKERS]
        elif history.is_repeat_victim(involvement.person, at=incident.opened_at,
                                      excluding=incident):
            found.append("repeat_victim")
        markers.extend(m for m in found if m not in markers)
    return markers


def counter_allegations(incident: Incident) -> list[tuple[int, int]]:
    """(victim id, suspect id) pairs on this log recorded the other way round on another log."""
    roles = list(incident.involvements.values_list("person_id", "role"))
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
    progress.risk_markers = incident_markers(incident)
    progress.repeat_victim = "repeat_victim" in progress.risk_markers
    newly_counter = False
    if not progress.counter_allegation and counter_allegations(incident):
        progress.counter_allegation = newly_counter = True
    progress.save()
    log_people(actor, incident, action, detail={"incident": incident.pk})
    if opened:
        label = incident.get_category_display().lower()
        write_chronology(incident, kind="incident_opened", actor=actor, at=incident.opened_at,
                         summary=f"{label} incident reported ({incident.reported_via})")
        if progress.serious:
            _raise_to_supervisor(incident, progress, actor)
    elif person is not None:
        from haven.chronology.services import record_entry

        record_entry(person, occurred_at=timezone.now(), kind="incident_named",
                     source_room="intake", source_type="incident", source_id=incident.pk,
                     summary=f"{incident.reference}: named on the log", actor=actor)
    if newly_counter:
        _flag_counter_allegation(incident, actor)
    if opened:
        publish("incident_recorded", incident=incident, actor=actor)


def _raise_to_supervisor(incident, progress, actor):
    reasons = ", ".join(rules.SERIOUS_LABELS[r].lower() for r in progress.serious_reasons)
    victim = incident.involvements.filter(role=Involvement.Role.VICTIM).first()
    create_task(
        incident.force, kind="occ_supervision", owner_role="occ_supervisor",
        due_at=timezone.now(), title=f"Serious incident {incident.reference}: {reasons}",
        source_room="intake", source_type="incident", source_id=incident.pk,
        person=victim.person if victim else None, actor=actor,
    )


def _flag_counter_allegation(incident, actor):
    victim = incident.involvements.filter(role=Involvement.Role.VICTIM).first()
    create_task(
        incident.force, kind="counter_allegation", owner_role="hau", due_at=timezone.now(),
        title=f"Counter-allegation on {incident.reference}: establish the primary victim",
        source_room="intake", source_type="incident", source_id=incident.pk,
        person=victim.person if victim else None, actor=actor,
    )
    write_chronology(incident, kind="counter_allegation", actor=actor,
                     summary="counter-allegation: the parties were recorded the other way "
                             "round before; HAU to establish the primary victim")

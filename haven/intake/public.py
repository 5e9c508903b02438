"""What intake offers other rooms to read: who was in which incident, and when.

Rooms below intake's tables read incidents through these (and `services.access_incident`
for a user's read), never through intake's models: haven/core/tests/test_room_boundaries.py.
"""

from __future__ import annotations

from django.db.models import Q

from haven.intake.models import Incident, IncidentProgress, Involvement
from haven.intake.rules import CONNECTED_RELATIONSHIPS

VICTIM, SUSPECT = Involvement.Role.VICTIM, Involvement.Role.SUSPECT


def incident(incident_id):
    """The incident by id, or None (for a reaction that runs after commit; no user read)."""
    return Incident.objects.filter(pk=incident_id).first()


def victims_of(incident) -> list:
    return [i.person for i in incident.involvements.filter(role=VICTIM).select_related("person")]


def suspects_of(incident) -> list:
    return [i.person for i in incident.involvements.filter(role=SUSPECT)
            .select_related("person")]


def incident_ids_with(person_id, *, role: str) -> list[int]:
    """Incidents in which the person appears in this role ("victim", "suspect" …)."""
    return list(Involvement.objects.filter(person_id=person_id, role=role)
                .values_list("incident_id", flat=True).distinct())


def da_incident_times(person) -> list:
    """When each DA incident involving this person as victim happened (occurred or opened)."""
    rows = Incident.objects.filter(
        involvements__person=person, involvements__role=VICTIM, domestic_abuse=True,
    ).distinct().values_list("occurred_at", "opened_at")
    return [occurred or opened for occurred, opened in rows]


def da_incidents(force, *, since=None, until=None, state: str | None = None, officer=None):
    """The force's domestic abuse incidents (opened in the period; in `state`; with
    `officer`: only those dispatched to that officer or to no named officer)."""
    rows = Incident.objects.filter(force=force, domestic_abuse=True)
    if since:
        rows = rows.filter(opened_at__gte=since)
    if until:
        rows = rows.filter(opened_at__lt=until)
    if state:
        rows = rows.filter(state=state)
    if officer is not None:
        rows = rows.filter(Q(progress__isnull=True) | Q(progress__assigned_officer__isnull=True)
                           | Q(progress__assigned_officer=officer))
    return rows


def attended_at(incident_ids) -> dict[int, object]:
    """incident id -> when an officer arrived (intake's progress record)."""
    return dict(IncidentProgress.objects.filter(incident_id__in=list(incident_ids))
                .values_list("incident_id", "attended_at"))


def victims_in_force(force, *, exclude_state: str | None = None) -> list[tuple]:
    """(person, incident) for every victim on the force's logs (demo and tests seed from it)."""
    rows = Involvement.objects.filter(incident__force=force, role=VICTIM)
    if exclude_state:
        rows = rows.exclude(incident__state=exclude_state)
    return [(i.person, i.incident) for i in rows.select_related("person", "incident")]


def da_involvement_rows(force, *, since=None, person_ids=None) -> list[dict]:
    """The force's DA incidents, and incidents between people recorded as partners,
    ex-partners or family whatever their category (happened since `since`; with
    `person_ids`: only those involving one of them), as plain rows for the perpetrators
    room: {id, label, when,
    event (the reconciled real event: one incident recorded by several systems shares it; its
    own id when not reconciled), counter_allegation, people: [(person id, role,
    relationship)]}. Ids and codes only."""
    # Personally connected (DA Act 2021 s.2): a log filed as stalking or harassment between
    # partners, ex-partners or family is domestic abuse too.
    connected = Involvement.objects.filter(
        incident__force=force, relationship__in=CONNECTED_RELATIONSHIPS,
    ).values("incident_id")
    rows = Involvement.objects.filter(incident__force=force).filter(
        Q(incident__domestic_abuse=True) | Q(incident_id__in=connected))
    if person_ids is not None:
        wanted = Involvement.objects.filter(person_id__in=list(person_ids)).values("incident_id")
        rows = rows.filter(incident_id__in=wanted)
    rows = rows.values_list("incident_id", "incident__reference", "incident__occurred_at",
                            "incident__opened_at", "incident__progress__counter_allegation",
                            "incident__reconciled__event", "person_id", "role", "relationship")
    out: dict[int, dict] = {}
    for inc, ref, occurred, opened, counter, event, pid, role, rel in rows.iterator():
        when = occurred or opened
        if not _happened_since(when, since):
            continue
        item = out.setdefault(inc, {"id": inc, "label": ref, "when": when, "event": event or inc,
                                    "counter_allegation": bool(counter), "people": []})
        item["people"].append((pid, role, rel or ""))
    return list(out.values())


def da_involvement_rows_among(rows: list[dict], *, since=None, person_ids=None) -> list[dict]:
    """What `da_involvement_rows(force, since=since, person_ids=person_ids)` gives, taken
    from `rows` it gave for a wider set (a caller that already read them reads no more)."""
    wanted = None if person_ids is None else set(person_ids)
    return [row for row in rows if _happened_since(row["when"], since)
            and (wanted is None or any(pid in wanted for pid, _role, _rel in row["people"]))]


def _happened_since(when, since) -> bool:
    """An incident with no time is kept whatever the window (as it always was)."""
    return since is None or when is None or when >= since


def calls_for_audit(force, *, since=None, until=None, ids=None) -> list[dict]:
    """The force's DA calls (reported by 999/101, opened in [since, until), or those `ids`)
    with the call handler who took them (`created_by`), as plain rows for the assurance
    room's audits: {id, reference, opened_at, handler_id, category, repeat, high_risk,
    grade, question_set, checklist_complete}. `high_risk` is the call-time marker (a high
    DASH grade in the history, a MARAC case) or a serious-harm reason at the call. Ids, codes
    and flags only: never the caller's words, names or address."""
    rows = Incident.objects.filter(force=force, domestic_abuse=True,
                                   reported_via=Incident.ReportedVia.CALL,
                                   created_by__isnull=False)
    if since is not None:
        rows = rows.filter(opened_at__gte=since)
    if until is not None:
        rows = rows.filter(opened_at__lt=until)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    out = []
    for (pk, ref, opened, handler, category, repeat, markers, serious, grade, qset,
         complete) in rows.values_list(
            "pk", "reference", "opened_at", "created_by_id", "category",
            "progress__repeat_victim", "progress__risk_markers", "progress__serious",
            "progress__grade", "progress__question_set", "progress__checklist_complete"):
        markers = markers or []
        out.append({"id": pk, "reference": ref, "opened_at": opened, "handler_id": handler,
                    "category": category, "repeat": bool(repeat),
                    "high_risk": bool(serious) or "high_risk" in markers or "marac" in markers,
                    "grade": grade or "", "question_set": qset or "",
                    "checklist_complete": bool(complete)})
    return out

"""The daily management meeting board, per force and area.

It lists exactly:

- high-risk victims: open high-risk cases opened, re-opened, updated or regraded within the
  last `board_window_hours` (policy);
- incidents from the same window with a suspect who is not known to be arrested;
- the tasks the chair allocated (a `tasks` task each, tracked to completion), carried over
  from earlier days until done, overdue ones highlighted.

Arrest status belongs to the investigation room, which is being built. Until it says
otherwise through `register_arrest_status(fn)`, every suspect is "not known to be arrested"
and the board says so. `fn(incident_ids) -> {incident_id: True (arrested) | False | None}`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import can
from haven.access.log import Action, record_access, record_list_access
from haven.core.actions import action
from haven.core.api import db_int
from haven.forces.policy import policy
from haven.intake.services import scoped_incidents
from haven.people.access import scoped_persons
from haven.people.addresses import postcode_district
from haven.safeguarding.models import Case, CaseEvent, Grade
from haven.safeguarding.models_partners import BoardTask
from haven.safeguarding.services import scoped_cases
from haven.tasks.services import do_complete_task, do_create_task, tasks_from

RECORD_TYPE = "daily_board"
TASK_SOURCE = ("safeguarding", "board_task")
ARRESTED, NOT_ARRESTED, NOT_KNOWN = "arrested", "not_arrested", "not_known"
STATUS_WORDS = {NOT_ARRESTED: "Suspect not arrested",
                NOT_KNOWN: "Suspect not known to be arrested"}
# Case events that bring a high-risk victim to the board.
BOARD_EVENTS = (CaseEvent.Kind.OPENED, CaseEvent.Kind.REOPENED, CaseEvent.Kind.UPDATED,
                CaseEvent.Kind.REGRADED)

_ARREST_STATUS: list[Callable] = []


def register_arrest_status(fn: Callable) -> None:
    """The investigation room says which incidents' suspects are arrested."""
    if fn not in _ARREST_STATUS:
        _ARREST_STATUS.append(fn)


def unregister_arrest_status(fn: Callable) -> None:
    if fn in _ARREST_STATUS:
        _ARREST_STATUS.remove(fn)


def arrest_source_known() -> bool:
    return bool(_ARREST_STATUS)


def arrest_status(incident_ids) -> dict[int, str]:
    """incident id -> arrested / not_arrested / not_known. Any source saying arrested wins;
    a source saying not arrested beats not known."""
    out = {pk: NOT_KNOWN for pk in incident_ids}
    for fn in list(_ARREST_STATUS):
        for pk, arrested in (fn(list(incident_ids)) or {}).items():
            if pk not in out or arrested is None:
                continue
            if arrested:
                out[pk] = ARRESTED
            elif out[pk] == NOT_KNOWN:
                out[pk] = NOT_ARRESTED
    return out


class BoardRefused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _in_area(area: str, value: str) -> bool:
    return not area or value == area


def high_risk_cases(user, *, area: str, since) -> list[Case]:
    rows = (scoped_cases(user).filter(force_id=user.force_id, status=Case.Status.OPEN,
                                      grade=Grade.HIGH)
            .filter(Q(opened_at__gte=since)
                    | Q(events__at__gte=since, events__kind__in=BOARD_EVENTS))
            .distinct().order_by("-opened_at", "-id"))
    if area:
        rows = rows.filter(area=area)
    return list(rows[:200])


def suspect_at_large_incidents(user, *, area: str, since) -> list[tuple]:
    """[(incident, arrest status)] for DA incidents opened since, with a suspect not known
    to be arrested (read through the intake room's scoped incidents)."""
    incidents = [i for i in scoped_incidents(user).filter(
        opened_at__gte=since, domestic_abuse=True, involvements__role="suspect")
        .distinct().order_by("-opened_at")[:200]
        if _in_area(area, postcode_district(i.postcode))]
    status = arrest_status([i.pk for i in incidents])
    return [(i, status[i.pk]) for i in incidents if status[i.pk] != ARRESTED]


def board_tasks(user, *, area: str, day, now) -> list[dict]:
    """Open board tasks (from any earlier day: carried over) and those done today."""
    rows = BoardTask.objects.filter(force_id=user.force_id)
    if area:
        rows = rows.filter(area=area)
    rows = list(rows.select_related("case"))
    tasks = {t.pk: t for t in tasks_from(source_room=TASK_SOURCE[0], source_type=TASK_SOURCE[1],
                                         source_ids=[r.pk for r in rows])
             .select_related("owner_user", "done_by")}
    by_board = {int(t.source_id): t for t in tasks.values()}
    out = []
    for row in rows:
        task = by_board.get(row.pk)
        if task is None:
            continue
        if task.done_at and timezone.localdate(task.done_at) < day:
            continue
        out.append({"board": row, "task": task, "carried_over": row.meeting_on < day,
                    "overdue": task.done_at is None and task.due_at < now})
    out.sort(key=lambda r: (r["task"].done_at is not None, r["task"].due_at))
    return out


def daily_board(user, *, area: str = "", now=None) -> dict:
    """Everything the chair reads, with the persons named and the page's reads logged."""
    if not can(user, "board.view") or not user.force_id:
        raise Http404("Not found")
    now = now or timezone.now()
    day = timezone.localdate(now)
    hours = policy(user.force, "board_window_hours")
    since = now - dt.timedelta(hours=hours)
    cases = high_risk_cases(user, area=area, since=since)
    incidents = suspect_at_large_incidents(user, area=area, since=since)
    tasks = board_tasks(user, area=area, day=day, now=now)
    people_of_incident = {}
    for incident, _status in incidents:
        people_of_incident[incident.pk] = list(
            incident.involvements.filter(role__in=("victim", "suspect"))
            .values_list("person_id", "role"))
    ids = ({c.person_id for c in cases} | {t["board"].person_id for t in tasks}
           | {pid for rows in people_of_incident.values() for pid, _ in rows})
    names = {p.pk: p.display_name for p in scoped_persons(user).filter(pk__in=ids)}
    shown: dict[int, list] = {}
    for case in cases:
        shown.setdefault(case.person_id, []).append(f"case:{case.pk}")
    for pk, rows in people_of_incident.items():
        for pid, _role in rows:
            shown.setdefault(pid, []).append(f"incident:{pk}")
    for t in tasks:
        if t["board"].person_id:
            shown.setdefault(t["board"].person_id, []).append(f"task:{t['task'].pk}")
    record_list_access(user, record_type=RECORD_TYPE, shown=shown,
                       reason=f"daily management meeting {area or 'all areas'}")
    return {
        "now": now, "day": day, "since": since, "hours": hours, "area": area,
        "cases": [{"case": c, "name": names.get(c.person_id, "Name withheld")} for c in cases],
        "incidents": [{
            "incident": i, "status": status, "status_words": STATUS_WORDS[status],
            "victims": [names.get(pid, "Name withheld") for pid, role in
                        people_of_incident[i.pk] if role == "victim"],
            "suspects": [names.get(pid, "Name withheld") for pid, role in
                         people_of_incident[i.pk] if role == "suspect"],
        } for i, status in incidents],
        "tasks": [{**t, "name": names.get(t["board"].person_id, "")} for t in tasks],
        "arrest_source_known": arrest_source_known(),
    }


def owners_for(force):
    """Who the chair may give a task to: the force's police users (not partner staff)."""
    return (get_user_model().objects.filter(force=force, is_active=True, agency__isnull=True)
            .order_by("role", "last_name", "first_name", "username"))


def _subject(actor, subject: str):
    """("case", case, person id) or ("incident", incident, victim's person id), from
    "case:12" or "incident:34", when it is the actor's force's; else 404."""
    kind, _, raw = (subject or "").partition(":")
    pk = db_int(raw)
    if kind == "case" and pk is not None:
        case = scoped_cases(actor).filter(pk=pk, force_id=actor.force_id).first()
        if case is not None:
            return kind, case, case.person_id
    if kind == "incident" and pk is not None:
        incident = scoped_incidents(actor).filter(pk=pk).first()
        if incident is not None:
            victim = (incident.involvements.filter(role="victim")
                      .values_list("person_id", flat=True).first())
            return kind, incident, victim
    raise Http404("Not found")


@action("board.chair", record_type=RECORD_TYPE)
def do_allocate_board_task(*, area: str, subject: str, title: str, owner_id, due_at=None,
                           actor) -> BoardTask:
    """The chair gives someone a task about a case or incident on the board."""
    now = timezone.now()
    force = actor.force
    kind, thing, person_id = _subject(actor, subject)
    title = (title or "").strip()
    if not title:
        raise BoardRefused("title", "Say what needs doing")
    owner = owners_for(force).filter(pk=db_int(owner_id)).first() if db_int(owner_id) else None
    if owner is None:
        raise BoardRefused("owner", "Choose who will do it")
    if due_at is None:
        due_at = now + dt.timedelta(hours=policy(force, "board_task_due_hours"))
    elif due_at <= now:
        raise BoardRefused("due", "The task must be due in the future")
    row = BoardTask.objects.create(
        force=force, area=area, meeting_on=timezone.localdate(now),
        case=thing if kind == "case" else None,
        incident_id=thing.pk if kind == "incident" else None, person_id=person_id,
        created_by=actor)
    person = scoped_persons(actor).filter(pk=person_id).first() if person_id else None
    label = (f"incident {thing.reference}" if kind == "incident"
             else f"{person.display_name if person else 'the victim'}'s case")
    task = do_create_task(force, kind="daily_board", title=f"{title} ({label})"[:200],
                          owner_role=owner.role, owner_user=owner, due_at=due_at,
                          source_room=TASK_SOURCE[0], source_type=TASK_SOURCE[1],
                          source_id=row.pk, person=person, actor=actor)
    row.task_id = task.pk
    row.save(update_fields=["task_id"])
    record_access(actor, Action.COLLECTION, record_type=RECORD_TYPE, record_id=row.pk,
                  person_id=person_id, detail={"task": task.pk, "owner": owner.pk,
                                               "subject": f"{kind}:{thing.pk}"})
    return row


@action("board.view", record_type=RECORD_TYPE)
def do_complete_board_task(board_task_id, *, version, note: str = "", actor):
    """The chair, or the task's owner, marks a board task done."""
    row = BoardTask.objects.filter(pk=db_int(board_task_id), force_id=actor.force_id).first()
    task = (tasks_from(source_room=TASK_SOURCE[0], source_type=TASK_SOURCE[1],
                       source_ids=[row.pk]).first() if row else None)
    if task is None or not (can(actor, "board.chair") or task.owner_user_id == actor.pk):
        raise Http404("Not found")
    done = do_complete_task(task, version=int(version), note=note, actor=actor)
    record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE, record_id=row.pk,
                  person_id=row.person_id, detail={"task": task.pk, "done": True})
    return done

"""Create, scope and complete tasks. Completion refuses a stale version (no silent overwrite)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access, record_list_access, via
from haven.core.actions import action, unchanged
from haven.core.concurrency import StaleEdit, update_if_unchanged
from haven.people.access import scoped_persons
from haven.tasks.models import Task

#: (source room, source type) -> fn(user, task) -> {"url", "text"} or None: where a task
#: leads. The room that made the task says where its record's page is; its page decides who
#: may read it.
_SOURCE_LINKS: dict[tuple[str, str], Callable] = {}


def register_source_link(source_room: str, source_type: str, fn: Callable) -> None:
    _SOURCE_LINKS[(source_room, source_type)] = fn


def source_link(user, task) -> dict | None:
    """The link to the record a task is about, where its room registered one."""
    fn = _SOURCE_LINKS.get((task.source_room, task.source_type))
    return fn(user, task) if fn else None


@action("tasks.create", record_type="task", system=True)
def do_create_task(
    force,
    *,
    kind: str,
    title: str,
    owner_role: str,
    due_at,
    source_room: str,
    source_type: str,
    source_id,
    person=None,
    owner_user=None,
    owner_agency=None,
    actor=None,
) -> Task:
    task = Task.objects.create(
        force=force,
        kind=kind,
        title=title,
        owner_role=owner_role,
        owner_user=owner_user,
        owner_agency=owner_agency,
        person=person,
        due_at=due_at,
        source_room=source_room,
        source_type=source_type,
        source_id=str(source_id),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_access(actor, Action.COLLECTION, record_type="task", record_id=task.pk,
                  person_id=task.person_id,
                  detail={"kind": kind, "source": f"{source_room}.{source_type}", **via(actor)})
    return task


def tasks_for(user) -> QuerySet[Task]:
    """Open work for this user: their own, their role's in their force, or their agency's."""
    if not can(user, "tasks.view"):
        return Task.objects.none()
    open_tasks = Task.objects.filter(done_at__isnull=True).select_related("person")
    if user.is_partner:
        return open_tasks.filter(owner_agency_id=user.agency_id)
    return open_tasks.filter(force_id=user.force_id).filter(
        Q(owner_user=user) | Q(owner_user__isnull=True, owner_role=user.role)
    )


def overdue_for(user, now=None) -> QuerySet[Task]:
    return tasks_for(user).filter(due_at__lt=now or timezone.now())


def access_task(user, task_id, *, action: str = Action.CONSULTATION) -> Task:
    """The task if it is this user's work; else 404, with the refusal logged (ADR 0002).

    An allowed read is logged when the task is about a person (its page names them).
    """
    task = tasks_for(user).filter(pk=task_id).first() if str(task_id).isdigit() else None
    if task is None:
        record_access(user, action, record_type="task", record_id=str(task_id)[:64],
                      outcome=Outcome.REFUSED)
        raise Http404("Not found")
    return task


def visible_person_ids(user, tasks) -> set[int]:
    """Of the persons these tasks are about, those this user may see named."""

    ids = {t.person_id for t in tasks if t.person_id}
    if not ids:
        return set()
    return set(scoped_persons(user).filter(pk__in=ids).values_list("pk", flat=True))


def log_task_reads(user, tasks, *, record_type: str, visible: set[int]) -> None:
    """Log that a page showed these tasks' persons by name (one entry per person)."""
    shown: dict[int, list] = {}
    for task in tasks:
        if task.person_id in visible:
            shown.setdefault(task.person_id, []).append(task.pk)
    record_list_access(user, record_type=record_type, shown=shown)


@action("tasks.complete", record_type="task")
def do_complete_task(task: Task, *, version: int, note: str = "", actor) -> Task:
    with transaction.atomic():
        if task.done_at is not None:
            raise StaleEdit("This task was changed or completed by someone else. Reload it.")
        # Completing or closing a task moves its version on, so a stale form is refused here.
        update_if_unchanged(task, version, "This task was changed or completed by someone "
                            "else. Reload it.", done_at=timezone.now(), done_by=actor,
                            outcome_note=note[:500])
        record_access(actor, Action.ALTERATION, record_type="task", record_id=task.pk,
                      person_id=task.person_id, detail={"change": "completed"})
    task.refresh_from_db()
    return task


def tasks_from(*, source_room: str, source_type: str, source_ids, kinds=None,
               exclude_kinds=(), open_only: bool = False) -> QuerySet[Task]:
    """The tasks another room's records made (what is due on them, their next steps), so
    that room reads them through this one instead of reaching into its table."""
    tasks = Task.objects.filter(source_room=source_room, source_type=source_type,
                                source_id__in=[str(i) for i in source_ids])
    if kinds is not None:
        tasks = tasks.filter(kind__in=kinds)
    if exclude_kinds:
        tasks = tasks.exclude(kind__in=exclude_kinds)
    if open_only:
        tasks = tasks.filter(done_at__isnull=True)
    return tasks


@action("tasks.create", record_type="task", system=True)
def do_close_tasks(*, source_room: str, source_type: str, source_ids, kinds=None, note: str,
                actor, at=None) -> int:
    """Close the open tasks another room's record made, when that record no longer needs
    them (e.g. a re-assessment flag cleared). Returns how many were closed."""
    open_tasks = Task.objects.filter(source_room=source_room, source_type=source_type,
                                     source_id__in=[str(i) for i in source_ids],
                                     done_at__isnull=True)
    if kinds is not None:
        open_tasks = open_tasks.filter(kind__in=kinds)
    user = actor if getattr(actor, "is_authenticated", False) else None
    closing = list(open_tasks.values_list("pk", "person_id"))
    if not closing:
        unchanged()
        return 0
    closed = Task.objects.filter(pk__in=[pk for pk, _ in closing], done_at__isnull=True).update(
        done_at=at or timezone.now(), done_by=user, outcome_note=note[:500],
        version=F("version") + 1)
    for person_id in sorted({p for _, p in closing}, key=lambda p: (p is None, p)):
        record_access(actor, Action.ALTERATION, record_type="task", person_id=person_id,
                      detail={"change": "closed", "tasks": [pk for pk, p in closing
                                                            if p == person_id], **via(actor)})
    return closed

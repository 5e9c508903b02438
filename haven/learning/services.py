"""The learning room's services: training records, the training needs analysis and its
adopted plan, the completions import, and lessons learned.

Reads: `staff_of`, `analysis`, `access_staff`, `access_lesson`, `access_review`,
`lessons_to_read`, `lesson_completion`; changes: the `do_…` actions below. Audit findings
come from the assurance room's door (`haven.assurance.public.training_needs`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import can, require
from haven.access.log import Action, record_access, via
from haven.access.models import User
from haven.access.roles import PARTNER_ROLES, Role
from haven.access.teams import NO_TEAM, staff_member, team_row, teams_of
from haven.assurance import public as assurance
from haven.core.actions import action, unchanged
from haven.core.concurrency import update_if_unchanged
from haven.core.refusals import Refused
from haven.forces.policy import policy_for
from haven.learning import csvfile, rules
from haven.learning.models import (
    Acknowledgement,
    Completion,
    ImportBatch,
    Lesson,
    Module,
    Plan,
    PlanItem,
    Recommendation,
    RecommendationUpdate,
    Review,
)

MODULES = [  # code, short title, hours: Haven's own short labels
    ("dash", "DASH risk assessment", Decimal("7")),
    ("coercive_control", "Coercive and controlling behaviour", Decimal("3.5")),
    ("stalking", "Stalking and harassment", Decimal("3.5")),
    ("honour_based_abuse", "Honour-based abuse and forced marriage", Decimal("3.5")),
    ("call_handling_da", "Call handling for domestic abuse", Decimal("3.5")),
    ("evidence_gathering", "Evidence gathering at domestic abuse incidents", Decimal("7")),
    ("children", "Children in abusive households", Decimal("3")),
    ("victim_care", "Victim care and the Victims' Code", Decimal("3")),
]




def today() -> dt.date:
    return timezone.localdate()


# ---- Modules and staff ------------------------------------------------------------------


@action(None, record_type="training_module", system=True)
def do_install_default_modules(*, actor=None) -> int:
    """The eight modules (codes shared with the assurance room); idempotent."""
    added = 0
    for code, title, hours in MODULES:
        _module, made = Module.objects.get_or_create(
            code=code, defaults={"title": title, "duration_hours": hours})
        added += made
    if not added:
        unchanged()
        return 0
    record_access(actor, Action.COLLECTION, record_type="training_module",
                  detail={"added": added, **via(actor)})
    return added


def modules() -> dict[str, Module]:
    return {m.code: m for m in Module.objects.all()}


def staff_of(force) -> list[rules.Staff]:
    """The force's own police staff (no partner agency), with their teams."""
    teams = teams_of(force)
    users = (User.objects.filter(force=force, is_active=True)
             .exclude(role__in=PARTNER_ROLES).order_by("pk").values_list("pk", "role"))
    return [rules.Staff(pk, role, teams.get(pk, NO_TEAM)) for pk, role in users]


def staff_names(force) -> dict[int, str]:
    return {u.pk: (u.get_full_name() or u.username)
            for u in User.objects.filter(force=force).exclude(role__in=PARTNER_ROLES)}


def access_staff(user, user_id) -> User:
    """A member of the viewer's own force, for a trainer or senior leader; logged."""
    require(user, "training.view")
    found = (User.objects.filter(pk=user_id, force_id=user.force_id)
             .exclude(role__in=PARTNER_ROLES).first()) if str(user_id).isdigit() else None
    if found is None:
        raise Http404("Not found")
    record_access(user, Action.CONSULTATION, record_type="training_record",
                  record_id=found.pk)
    return found


# ---- The analysis -----------------------------------------------------------------------


def latest_completions(force, user_id: int | None = None) -> dict[tuple[int, str], dt.date]:
    latest: dict[tuple[int, str], dt.date] = {}
    rows = Completion.objects.filter(force=force)
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    for user_id, code, when in rows.values_list("user_id", "module__code", "completed_on"):
        if when > latest.get((user_id, code), dt.date.min):
            latest[(user_id, code)] = when
    return latest


def audit_needs(force, at: dt.date, lookback_days: int) -> list[rules.AuditNeed]:
    since = at - dt.timedelta(days=lookback_days)
    return [rules.AuditNeed(n.user_id, n.module_code, n.reason, n.found_on)
            for n in assurance.training_needs(force, since=since)]


@dataclass
class Analysis:
    at: dt.date
    staff: list[rules.Staff]
    gaps: list[rules.Gap]
    plan: rules.Plan
    capacity: dict[str, int]
    hours_per_month: Decimal
    durations: dict[str, Decimal]
    unknown_modules: list[str]  # required by policy or audits, not in the module table

    def by(self, key: str) -> dict:
        return rules.summarise(self.gaps, key)


def analysis(force, at: dt.date | None = None) -> Analysis:
    """The training needs analysis of the force on `at` and the plan it proposes."""
    at = at or today()
    values = policy_for(force, at)
    staff = staff_of(force)
    known = modules()
    durations = {code: m.duration_hours for code, m in known.items()}
    found = rules.gaps(staff, latest_completions(force), values["training_requirements"],
                       audit_needs(force, at, values["training_audit_lookback_days"]),
                       today=at, expiring_days=values["training_expiring_soon_days"])
    unknown = sorted({g.module for g in found} - set(known))
    capacity = values["training_places_per_month"]
    hours = Decimal(values["training_hours_per_month"])
    proposed = rules.plan([g for g in found if g.module in known], capacity=capacity,
                          hours_per_month=hours, durations=durations, today=at,
                          horizon_months=values["training_plan_horizon_months"])
    for gap in found:
        if gap.module not in known:
            proposed.beyond.append(rules.Beyond(gap, "no such module in the module table"))
    return Analysis(at, staff, found, proposed, capacity, hours, durations, unknown)


def record_of(force, user_id) -> dict:
    """One person's completions and current gaps (the analysis's rules over this person's
    rows only: a staff page does not recompute the whole force)."""
    at = today()
    values = policy_for(force, at)
    staff = [s for s in staff_of(force) if s.user_id == user_id]
    latest = latest_completions(force, user_id=user_id)
    needs = [n for n in audit_needs(force, at, values["training_audit_lookback_days"])
             if n.user_id == user_id]
    found = rules.gaps(staff, latest, values["training_requirements"], needs, today=at,
                       expiring_days=values["training_expiring_soon_days"])
    completions = (Completion.objects.filter(force=force, user_id=user_id)
                   .select_related("module"))
    return {"gaps": found, "completions": list(completions),
            "team": team_row(user_id)}


def current_plan(force) -> Plan | None:
    return Plan.objects.filter(force=force, superseded_at__isnull=True).first()


def plan_progress(plan: Plan, at: dt.date | None = None) -> dict:
    at = at or today()
    items = list(plan.items.select_related("module").order_by("month", "module__title",
                                                               "user_id"))
    done = sum(1 for i in items if i.completed_on)
    overdue = [i for i in items if not i.completed_on and i.due_by < at]
    return {"items": items, "done": done, "overdue": overdue, "total": len(items)}


# ---- Changes: teams, completions, the plan ----------------------------------------------


def _close_plan_items(force, completions: list[Completion]) -> int:
    """A planned item is done when a completion of its module by its person arrives on or
    after the day the plan was adopted."""
    plan = current_plan(force)
    if plan is None:
        return 0
    closed = 0
    for done in completions:
        closed += PlanItem.objects.filter(
            plan=plan, user_id=done.user_id, module_id=done.module_id,
            completed_on__isnull=True, plan__adopted_on__lte=done.completed_on,
        ).update(completed_on=done.completed_on, completion=done)
    return closed


@action("training.record", record_type="training_completion")
def do_record_completion(force, user_id, module_code: str, completed_on, provider: str = "",
                         *, actor) -> Completion:
    member = staff_member(force, user_id)
    errors = {}
    module = Module.objects.filter(code=module_code).first()
    if module is None:
        errors["module"] = "Choose the module."
    if not isinstance(completed_on, dt.date):
        errors["completed_on"] = "Enter the date it was completed."
    elif completed_on > today():
        errors["completed_on"] = "The date cannot be in the future."
    if errors:
        raise Refused(errors)
    try:
        with transaction.atomic():
            done = Completion.objects.create(
                force=force, user=member, module=module, completed_on=completed_on,
                provider=(provider or "").strip()[:120], source=Completion.Source.MANUAL,
                recorded_at=timezone.now(), recorded_by=actor)
    except IntegrityError:
        raise Refused({"completed_on": "That completion is already recorded."}) from None
    _close_plan_items(force, [done])
    record_access(actor, Action.COLLECTION, record_type="training_completion",
                  record_id=done.pk, detail={"user": member.pk, "module": module.code})
    return done


@action("training.record", record_type="training_import", system=True)
def do_import_completions(force, data: bytes, filename: str, *, actor) -> ImportBatch:
    """Store every good row of a learning-system export; report every row by number.

    A row is stored, a duplicate (the same person, module and day already recorded: nothing
    new), or rejected with the reason naming its row and column. A file that cannot be read
    at all (not UTF-8, no header) is refused whole: the batch records why, nothing stored."""
    batch = ImportBatch.objects.create(force=force, filename=(filename or "upload")[:200],
                                       imported_at=timezone.now(),
                                       imported_by=actor if getattr(
                                           actor, "is_authenticated", False) else None)
    report: list[dict] = []
    try:
        rows = csvfile.read(data, today=today())
    except csvfile.FileRefused as refused:
        batch.problem = str(refused)[:300]
        batch.save(update_fields=["problem"])
        record_access(actor, Action.COLLECTION, record_type="training_import",
                      record_id=batch.pk, detail={"refused": True, **via(actor)})
        return batch
    known = modules()
    staff = User.objects.filter(force=force).exclude(role__in=PARTNER_ROLES)
    by_username = {u.username.lower(): u for u in staff}
    by_number = {u.collar_number.lower(): u for u in staff if u.collar_number}
    existing = set(Completion.objects.filter(force=force)
                   .values_list("user_id", "module_id", "completed_on"))
    stored: list[Completion] = []
    for row in rows:
        problem = row.problem
        member = module = None
        if not problem:
            lookup = by_number if row.who_column == "staff_number" else by_username
            member = lookup.get(row.who.lower())
            module = known.get(row.module_code.lower())
            if member is None:
                problem = (f"row {row.number}, column {row.who_column}: no member of this "
                           "force's staff has that " + row.who_column.replace("_", " "))
            elif module is None:
                problem = (f"row {row.number}, column module_code: {row.module_code[:40]!r} "
                           "is not a module code (" + ", ".join(sorted(known)) + ")")
        if problem:
            report.append({"row": row.number, "outcome": "rejected", "message": problem})
            continue
        key = (member.pk, module.pk, row.completed_on)
        if key in existing:
            report.append({"row": row.number, "outcome": "duplicate",
                           "message": "already recorded: nothing new"})
            continue
        existing.add(key)
        stored.append(Completion(
            force=force, user=member, module=module, completed_on=row.completed_on,
            provider=row.provider[:120], source=Completion.Source.IMPORT, batch=batch,
            recorded_at=batch.imported_at, recorded_by=batch.imported_by))
        report.append({"row": row.number, "outcome": "stored",
                       "message": f"{module.code} on {row.completed_on:%Y-%m-%d}"})
    Completion.objects.bulk_create(stored)
    stored = list(Completion.objects.filter(batch=batch))
    _close_plan_items(force, stored)
    counts = defaultdict(int)
    for line in report:
        counts[line["outcome"]] += 1
    ImportBatch.objects.filter(pk=batch.pk).update(
        rows=len(report), stored=counts["stored"], duplicates=counts["duplicate"],
        rejected=counts["rejected"], report=report)
    batch.refresh_from_db()
    record_access(actor, Action.COLLECTION, record_type="training_import", record_id=batch.pk,
                  detail={"stored": batch.stored, "rejected": batch.rejected,
                          "duplicates": batch.duplicates, **via(actor)})
    return batch


@action("training.plan", record_type="training_plan")
def do_adopt_plan(force, *, actor) -> Plan:
    """Adopt the plan the analysis proposes today; the plan adopted before is superseded."""
    found = analysis(force)
    now = timezone.now()
    Plan.objects.filter(force=force, superseded_at__isnull=True).update(superseded_at=now)
    known = modules()
    plan = Plan.objects.create(
        force=force, adopted_on=found.at, adopted_at=now, adopted_by=actor,
        horizon_months=len(found.plan.months), capacity=found.capacity,
        hours_per_month=found.hours_per_month,
        beyond=[{"user": b.gap.user_id, "module": b.gap.module, "kind": b.gap.kind,
                 "why": b.why} for b in found.plan.beyond])
    PlanItem.objects.bulk_create([
        PlanItem(plan=plan, user_id=item.gap.user_id, module=known[item.gap.module],
                 kind=item.gap.kind, reason=item.gap.reason[:300], month=item.month,
                 due_by=item.by)
        for item in found.plan.items])
    record_access(actor, Action.COLLECTION, record_type="training_plan", record_id=plan.pk,
                  detail={"items": len(found.plan.items), "beyond": len(found.plan.beyond)})
    return plan


# ---- Lessons learned --------------------------------------------------------------------


def police_roles() -> list[tuple[str, str]]:
    return [(value, label) for value, label in Role.choices if value not in PARTNER_ROLES]


def access_review(user, review_id) -> Review:
    require(user, "lesson.publish")
    review = (Review.objects.filter(pk=review_id, force_id=user.force_id).first()
              if str(review_id).isdigit() else None)
    if review is None:
        raise Http404("Not found")
    record_access(user, Action.CONSULTATION, record_type="learning_review", record_id=review.pk)
    return review


def access_lesson(user, lesson_id) -> Lesson:
    require(user, "lesson.read")
    lesson = (Lesson.objects.filter(pk=lesson_id, force_id=user.force_id).first()
              if str(lesson_id).isdigit() else None)
    if lesson is None:
        raise Http404("Not found")
    record_access(user, Action.CONSULTATION, record_type="lesson", record_id=lesson.pk)
    return lesson


def _date_field(value, errors, name, label):
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors[name] = f"Enter the {label} as a date."
        return None


@action("lesson.publish", record_type="learning_review")
def do_record_review(force, *, kind, title, published_on, summary, actor) -> Review:
    errors = {}
    if kind not in Review.Kind.values:
        errors["kind"] = "Choose the kind of review."
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title:
        errors["title"] = "Enter the review's title (no victim's name)."
    if not summary:
        errors["summary"] = "Enter a short summary."
    published_on = _date_field(published_on, errors, "published_on", "date it was published")
    if errors:
        raise Refused(errors)
    review = Review.objects.create(force=force, kind=kind, title=title[:200],
                                   published_on=published_on, summary=summary,
                                   recorded_at=timezone.now(), recorded_by=actor)
    record_access(actor, Action.COLLECTION, record_type="learning_review", record_id=review.pk)
    return review


@action("lesson.publish", record_type="learning_recommendation")
def do_add_recommendation(review, *, text, owner, due_on, actor) -> Recommendation:
    errors = {}
    text, owner = (text or "").strip(), (owner or "").strip()
    if not text:
        errors["text"] = "Enter the recommendation."
    if not owner:
        errors["owner"] = "Enter who owns it (a post, not a name)."
    due_on = _date_field(due_on, errors, "due_on", "date it is due")
    if errors:
        raise Refused(errors)
    number = review.recommendations.count() + 1
    rec = Recommendation.objects.create(review=review, number=number, text=text,
                                        owner=owner[:120], due_on=due_on)
    record_access(actor, Action.COLLECTION, record_type="learning_recommendation",
                  record_id=rec.pk)
    return rec


@action("recommendation.update", record_type="learning_recommendation")
def do_update_recommendation(rec, *, version, status, note, reason="",
                             actor) -> RecommendationUpdate:
    """The governance panel moves a recommendation on, with a note; a recommendation not
    accepted says why. A stale edit (someone updated it since) is refused."""
    errors = {}
    note, reason = (note or "").strip(), (reason or "").strip()
    if status not in Recommendation.Status.values:
        errors["status"] = "Choose the status."
    if not note:
        errors["note"] = "Enter a note of what the panel decided or saw."
    if status == Recommendation.Status.NOT_ACCEPTED and not reason:
        errors["reason"] = "Say why the recommendation is not accepted."
    if errors:
        raise Refused(errors)
    before = rec.status
    update_if_unchanged(rec, version, "Someone updated this recommendation since you opened "
                        "the page: reload and try again.", status=status,
                        reason=reason if status == Recommendation.Status.NOT_ACCEPTED else "")
    update = RecommendationUpdate.objects.create(recommendation=rec, at=timezone.now(),
                                                 by=actor, status_from=before,
                                                 status_to=status, note=note)
    record_access(actor, Action.ALTERATION, record_type="learning_recommendation",
                  record_id=rec.pk, detail={"from": before, "to": status})
    return update


@action("lesson.publish", record_type="lesson")
def do_publish_lesson(force, *, title, text, roles, review=None, actor) -> Lesson:
    errors = {}
    title, text = (title or "").strip(), (text or "").strip()
    allowed = {value for value, _label in police_roles()}
    roles = sorted({r for r in roles or [] if r})
    if not title:
        errors["title"] = "Enter the lesson's title."
    if not text:
        errors["text"] = "Enter the lesson (no victim's name)."
    if not roles:
        errors["roles"] = "Choose the roles the lesson concerns."
    elif set(roles) - allowed:
        errors["roles"] = "Choose police roles only."
    if review is not None and review.force_id != force.pk:
        errors["review"] = "That review is not this force's."
    if errors:
        raise Refused(errors)
    lesson = Lesson.objects.create(force=force, review=review, title=title[:200], text=text,
                                   roles=roles, published_on=today(), published_by=actor)
    record_access(actor, Action.COLLECTION, record_type="lesson", record_id=lesson.pk,
                  detail={"roles": roles})
    return lesson


@action("lesson.read", record_type="lesson")
def do_acknowledge_lesson(lesson, *, actor) -> Acknowledgement:
    """The member of staff has read the lesson (once; again changes nothing)."""
    if lesson.force_id != actor.force_id:
        raise Http404("Not found")
    found = Acknowledgement.objects.filter(lesson=lesson, user=actor).first()
    if found is not None:
        unchanged()
        return found
    ack = Acknowledgement.objects.create(lesson=lesson, user=actor, at=timezone.now())
    record_access(actor, Action.COLLECTION, record_type="lesson", record_id=lesson.pk,
                  detail={"acknowledged": True})
    return ack


def lessons_to_read(user) -> list[Lesson]:
    """Published lessons concerning the user's role that they have not acknowledged."""
    if not can(user, "lesson.read") or user.force_id is None:
        return []
    read = Acknowledgement.objects.filter(user=user).values_list("lesson_id", flat=True)
    return [lesson for lesson in Lesson.objects.filter(force_id=user.force_id)
            .exclude(pk__in=read) if user.role in lesson.roles]


def lesson_completion(lesson) -> list[dict]:
    """Per team: how many staff the lesson concerns and how many have acknowledged it."""
    concerned = [s for s in staff_of(lesson.force) if s.role in lesson.roles]
    read = set(lesson.acks.values_list("user_id", flat=True))
    teams: dict[str, dict] = {}
    for member in concerned:
        row = teams.setdefault(member.team, {"team": member.team, "staff": 0, "read": 0})
        row["staff"] += 1
        row["read"] += member.user_id in read
    rows = sorted(teams.values(), key=lambda r: r["team"])
    for row in rows:
        row["percent"] = round(100 * row["read"] / row["staff"]) if row["staff"] else 0
    return rows


def completion_totals(rows: list[dict]) -> dict:
    staff = sum(r["staff"] for r in rows)
    read = sum(r["read"] for r in rows)
    return {"staff": staff, "read": read, "percent": round(100 * read / staff) if staff else 0}



def recent_lessons(force, limit: int = 5) -> list[Lesson]:
    return list(Lesson.objects.filter(force=force)[:limit])

"""The assurance room's services: draw each period's sample (calls through intake's door,
assessments through risk's), complete an audit against its form, the blind second marking,
feedback and its acknowledgement, re-audits of failures, trends and agreement.

Reads: `access_audit(user, id)`, `access_feedback(user, id)`; changes: the `do_…` actions.
Audit pages show a call's reference, time, grade and handler, never a caller's or victim's
name; feedback carries the incident reference only.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict

from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.access.models import User
from haven.access.teams import NO_TEAM, teams_of
from haven.assurance import forms, rules
from haven.assurance.models import Audit, AuditAnswer, Kind, Sample
from haven.core.actions import action, unchanged
from haven.core.concurrency import refuse_if_changed, update_if_unchanged
from haven.core.refusals import Refused
from haven.forces.policy import policy_for
from haven.intake import public as intake
from haven.risk import public as risk

# ---- Periods -------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def last_month(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return month_start(month_start(today) - dt.timedelta(days=1))


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) as aware datetimes at local midnight."""
    def at(day):
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return at(start), at(end)


# ---- Candidates ----------------------------------------------------------------------------


def subjects(force, kind: str, *, since=None, until=None, ids=None) -> list[dict]:
    """Calls (intake's door) or assessments (risk's door) as {id, reference, at, staff_id,
    repeat, high_risk, facts}: what the sample and the audit page need, no names."""
    out = []
    if kind == Kind.CALL:
        for row in intake.calls_for_audit(force, since=since, until=until, ids=ids):
            out.append({"id": row["id"], "reference": row["reference"], "at": row["opened_at"],
                        "staff_id": row["handler_id"], "repeat": row["repeat"],
                        "high_risk": row["high_risk"], "facts": [
                            ("Category", row["category"].replace("_", " ").capitalize()),
                            ("Grade given", (row["grade"] or "not graded").capitalize()),
                            ("Question set", row["question_set"] or "none recorded"),
                            ("Checklist complete", "Yes" if row["checklist_complete"] else "No"),
                            ("Repeat victim at the call", "Yes" if row["repeat"] else "No"),
                            ("High risk at the call", "Yes" if row["high_risk"] else "No")]})
    else:
        for row in risk.assessments_for_audit(force, since=since, until=until, ids=ids):
            out.append({"id": row["id"], "reference": f"DASH {row['id']}",
                        "at": row["completed_at"], "staff_id": row["officer_id"],
                        "repeat": row["escalation"], "high_risk": row["grade"] == "high",
                        "facts": [
                            ("Grade", (row["grade"] or "none").capitalize()),
                            ("Basis", row["grade_basis"] or "not recorded"),
                            ("Score", f"{row['score']} of threshold {row['threshold']}"
                             if row["score"] is not None else "not scored"),
                            ("Potential escalation", "Yes" if row["escalation"] else "No"),
                            ("Sergeant's review recorded", "Yes" if row["supervised"] else "No"),
                            ("HAU review recorded", "Yes" if row["reviewed"] else "No")]})
    return out


def candidates(rows: list[dict]) -> list[rules.Candidate]:
    return [rules.Candidate(r["id"], r["staff_id"], r["at"], r["repeat"], r["high_risk"])
            for r in rows if r["staff_id"] is not None and r["at"] is not None]


def sample_config(force, kind: str, at: dt.date) -> dict:
    values = policy_for(force, at)
    return {"per_staff": values["qa_calls_per_handler" if kind == Kind.CALL
                                else "qa_dash_per_officer"],
            "weights": dict(values["qa_oversample_weights"]),
            "double_share": values["qa_double_mark_share"],
            "reaudit_extra": values["qa_reaudit_extra"],
            "rules": rules.RULES_VERSION}


def reaudits_due(force, kind: str, before: dt.date) -> dict[int, int]:
    """staff id -> their failed audit (the latest) from an earlier period that has no
    re-audit yet: their next sample takes extra calls."""
    due = {}
    failed = Audit.objects.filter(force=force, kind=kind, second_of__isnull=True,
                                  status=Audit.Status.COMPLETED, passed=False,
                                  sample__period_start__lt=before, reaudits__isnull=True)
    for audit_id, staff_id in failed.order_by("completed_at", "pk").values_list("pk",
                                                                                "staff_id"):
        due[staff_id] = audit_id
    return due


def _draw(force, kind, start, end, seed, config, reaudit_staff):
    since, until = bounds(start, end)
    rows = subjects(force, kind, since=since, until=until)
    picks = rules.draw(candidates(rows), start=since, end=until,
                       per_staff=config["per_staff"], weights=config["weights"], seed=seed,
                       double_share=config["double_share"], reaudit_staff=reaudit_staff,
                       reaudit_extra=config["reaudit_extra"])
    return rows, picks


@action("qa.sample", record_type="qa_sample")
def do_draw_sample(force, *, kind: str, month: dt.date, seed: int | None = None,
                   actor) -> Sample:
    """Draw the month's stratified sample (calls per handler, or assessments per officer),
    from a seed recorded with the configuration used; one sample per force, kind and month."""
    if actor.force_id != force.pk or kind not in Kind.values:
        raise Http404("Not found")
    start = month_start(month)
    end = next_month(start)
    if end > timezone.localdate() + dt.timedelta(days=1):
        raise Refused({"month": "Draw a sample once the month has ended"})
    if Sample.objects.filter(force=force, kind=kind, period_start=start).exists():
        raise Refused({"month": f"The {Kind(kind).label.lower()} sample for {start:%B %Y} "
                                "has already been drawn"})
    seed = secrets.randbits(48) if seed is None else int(seed)
    config = sample_config(force, kind, start)
    due = reaudits_due(force, kind, start)
    config["reaudit_staff"] = sorted(due)
    rows, picks = _draw(force, kind, start, end, seed, config, due)
    sample = Sample.objects.create(force=force, kind=kind, period_start=start, period_end=end,
                                   seed=seed, config=config, candidates=len(candidates(rows)),
                                   drawn_by=actor, drawn_at=timezone.now())
    by_id = {r["id"]: r for r in rows}
    version = forms.CURRENT[kind]
    for pick in picks:
        row = by_id[pick.id]
        audit = Audit.objects.create(
            force=force, kind=kind, sample=sample, subject_id=pick.id,
            subject_reference=row["reference"], subject_at=row["at"], staff_id=pick.staff_id,
            reason=pick.reason, repeat=row["repeat"], high_risk=row["high_risk"],
            reaudit_of_id=due.get(pick.staff_id) if pick.reason == rules.REAUDIT else None,
            form_version=version)
        if pick.double:
            Audit.objects.create(
                force=force, kind=kind, sample=sample, subject_id=pick.id, second_of=audit,
                subject_reference=row["reference"], subject_at=row["at"],
                staff_id=pick.staff_id, reason=pick.reason, repeat=row["repeat"],
                high_risk=row["high_risk"], form_version=version)
    record_access(actor, Action.COLLECTION, record_type="qa_sample", record_id=sample.pk,
                  detail={"kind": kind, "period": start.isoformat(), "picks": len(picks),
                          "candidates": sample.candidates})
    return sample


def redraw(sample: Sample) -> dict:
    """Re-do a sample's draw from its recorded seed and configuration over today's
    candidates: the same ids unless calls of the period were recorded after the draw."""
    config = sample.config
    _rows, picks = _draw(sample.force, sample.kind, sample.period_start, sample.period_end,
                         sample.seed, config, config.get("reaudit_staff", []))
    now = sorted(p.id for p in picks)
    then = sorted(sample.audits.filter(second_of__isnull=True)
                  .values_list("subject_id", flat=True))
    return {"same": now == then, "drawn": then, "redrawn": now}


# ---- Reading audits ------------------------------------------------------------------------


def scoped_audits(user):
    if user.force_id is None or not (can(user, "qa.view") or can(user, "qa.audit")):
        return Audit.objects.none()
    return Audit.objects.filter(force_id=user.force_id)


def access_audit(user, audit_id) -> Audit:
    """An audit of the user's force (qa.view or qa.audit): 404 alike for missing and
    forbidden; the read is logged (the audit names a member of staff, no victim)."""
    try:
        pk = int(audit_id)
    except (TypeError, ValueError):
        pk = None
    found = (scoped_audits(user).select_related("staff", "auditor", "sample", "second_of")
             .filter(pk=pk).first() if pk is not None else None)
    record_access(user, Action.CONSULTATION, record_type="qa_audit", record_id=audit_id,
                  outcome=Outcome.ALLOWED if found else Outcome.REFUSED)
    if found is None:
        raise Http404("Not found")
    return found


def access_feedback(user, audit_id) -> Audit:
    """Feedback from a completed audit, for the member of staff audited only."""
    try:
        pk = int(audit_id)
    except (TypeError, ValueError):
        pk = None
    found = None
    if pk is not None and can(user, "qa.acknowledge") and user.force_id:
        found = Audit.objects.filter(pk=pk, force_id=user.force_id, staff=user,
                                     second_of__isnull=True,
                                     status=Audit.Status.COMPLETED).first()
    record_access(user, Action.CONSULTATION, record_type="qa_feedback", record_id=audit_id,
                  outcome=Outcome.ALLOWED if found else Outcome.REFUSED)
    if found is None:
        raise Http404("Not found")
    return found


def partner_of(audit: Audit) -> Audit | None:
    """The other marking of a double-marked call (primary <-> second)."""
    if audit.second_of_id:
        return audit.second_of
    return audit.second_markings.first()


def pair_complete(audit: Audit) -> bool:
    other = partner_of(audit)
    return other is None or (other.status == Audit.Status.COMPLETED
                             and audit.status == Audit.Status.COMPLETED)


def may_complete(user, audit: Audit) -> bool:
    """Open, and not the other half of a pair this auditor marked (blind double marking)."""
    if audit.status != Audit.Status.OPEN:
        return False
    other = partner_of(audit)
    return other is None or other.auditor_id != user.pk


def answers_of(audit: Audit) -> dict[str, str]:
    return dict(audit.answers.values_list("code", "value"))


def to_do(user, *, limit: int = 50) -> list[Audit]:
    """Open audits of the user's force this auditor may complete (a second marking never to
    the auditor of its first)."""
    rows = (Audit.objects.filter(force_id=user.force_id, status=Audit.Status.OPEN)
            .exclude(second_of__auditor=user).exclude(second_markings__auditor=user)
            .select_related("staff").order_by("subject_at", "pk"))
    return list(rows[:limit])


# ---- Completing an audit -------------------------------------------------------------------


@action("qa.audit", record_type="qa_audit")
def do_complete_audit(audit: Audit, *, version, answers: dict, recording_reference: str = "",
                      feedback: str = "", actor) -> Audit:
    """Score the audit against its form (yes / no / not applicable for every question), pass
    or fail by policy, give the feedback, and refuse a stale or second save."""
    if audit.force_id != actor.force_id:
        raise Http404("Not found")
    refuse_if_changed(audit, version, "This audit was saved in another tab or by someone "
                                      "else: reload it to see what was recorded.")
    if not may_complete(actor, audit):
        raise Refused({"audit": "You marked the other half of this double-marked call: "
                                "another auditor must mark this one, blind."})
    form = forms.form(audit.form_version)
    answers = {q.code: (answers.get(q.code) or "").strip().lower() for q in form.questions}
    errors = {f"q-{code}": f"Answer '{form.question(code).label}': yes, no or not applicable"
              for code in rules.missing_answers(answers, [q.code for q in form.questions])}
    recording_reference = (recording_reference or "").strip()
    if len(recording_reference) > 300:
        errors["recording_reference"] = "The recording reference is at most 300 characters"
    if errors:
        raise Refused(errors)
    now = timezone.now()
    value = rules.score(answers, form.weights())
    mark = policy_for(audit.force_id, now)["qa_pass_mark"]
    update_if_unchanged(audit, version, "This audit was saved in another tab or by someone "
                                        "else: reload it to see what was recorded.",
                        status=Audit.Status.COMPLETED, auditor=actor, completed_at=now,
                        score=value, passed=rules.passed(value, mark),
                        recording_reference=recording_reference,
                        feedback=(feedback or "").strip())
    AuditAnswer.objects.bulk_create([AuditAnswer(audit=audit, code=code, value=v)
                                     for code, v in answers.items()])
    record_access(actor, Action.COLLECTION, record_type="qa_audit", record_id=audit.pk,
                  detail={"kind": audit.kind, "passed": audit.passed,
                          "second_marking": audit.is_second})
    return audit


@action("qa.acknowledge", record_type="qa_feedback")
def do_acknowledge_feedback(audit: Audit, *, actor) -> Audit:
    """The member of staff audited says they have read the feedback (their own only)."""
    if audit.staff_id != actor.pk or audit.is_second or audit.status != Audit.Status.COMPLETED:
        raise Http404("Not found")
    if audit.acknowledged_at is not None:
        unchanged()
        return audit
    now = timezone.now()
    if not Audit.objects.filter(pk=audit.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now):
        unchanged()
        return audit
    audit.acknowledged_at = now
    record_access(actor, Action.ALTERATION, record_type="qa_feedback", record_id=audit.pk)
    return audit


# ---- Lists, feedback, trends, agreement ----------------------------------------------------


def feedback_to_read(user) -> list[Audit]:
    return list(Audit.objects.filter(staff=user, force_id=user.force_id,
                                     second_of__isnull=True, status=Audit.Status.COMPLETED,
                                     acknowledged_at__isnull=True).order_by("completed_at"))


def unacknowledged(force, *, limit: int = 50) -> list[Audit]:
    return list(Audit.objects.filter(force=force, second_of__isnull=True,
                                     status=Audit.Status.COMPLETED, acknowledged_at__isnull=True)
                .select_related("staff").order_by("completed_at")[:limit])


def staff_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def completed(force, kind: str, *, since=None, until=None):
    rows = Audit.objects.filter(force=force, kind=kind, second_of__isnull=True,
                                status=Audit.Status.COMPLETED)
    if since is not None:
        rows = rows.filter(subject_at__gte=since)
    if until is not None:
        rows = rows.filter(subject_at__lt=until)
    return rows


def trends(force, kind: str, by: str) -> list[dict]:
    """Completed audits by month of the call and by member of staff, team or question:
    {month, group, audits, passed, mean_score (%)} (question: {month, group, asked, failed,
    failed_share (%)})."""
    audits = list(completed(force, kind).select_related("staff"))
    teams = teams_of(force)
    out = []
    if by == "question":
        form = forms.current(kind)
        labels = {q.code: q.label for q in form.questions}
        counts = defaultdict(lambda: [0, 0])
        month_of = {a.pk: timezone.localtime(a.subject_at).strftime("%Y-%m") for a in audits}
        for audit_id, code, value in AuditAnswer.objects.filter(
                audit_id__in=list(month_of)).values_list("audit_id", "code", "value"):
            if value in (rules.YES, rules.NO):
                cell = counts[(month_of[audit_id], labels.get(code, code))]
                cell[0] += 1
                cell[1] += value == rules.NO
        for (month, group), (asked, failed) in sorted(counts.items()):
            out.append({"month": month, "group": group, "asked": asked, "failed": failed,
                        "failed_share": round(100 * failed / asked, 1)})
        return out
    groups = defaultdict(list)
    for a in audits:
        name = (teams.get(a.staff_id, NO_TEAM) if by == "team" else staff_name(a.staff))
        groups[(timezone.localtime(a.subject_at).strftime("%Y-%m"), name)].append(a)
    for (month, group), found in sorted(groups.items()):
        scored = [a.score for a in found if a.score is not None]
        out.append({"month": month, "group": group, "audits": len(found),
                    "passed": sum(1 for a in found if a.passed),
                    "mean_score": round(100 * sum(scored) / len(scored), 1) if scored else None})
    return out


def agreement(force, kind: str) -> list[dict]:
    """Per question of the current form: Cohen's kappa over completed double-marked pairs
    (both markings complete), with the words for it or why there is none."""
    min_pairs = policy_for(force)["qa_kappa_min_pairs"]
    seconds = Audit.objects.filter(force=force, kind=kind, second_of__isnull=False,
                                   status=Audit.Status.COMPLETED,
                                   second_of__status=Audit.Status.COMPLETED)
    pair_ids = list(seconds.values_list("second_of_id", "pk"))
    wanted = [i for pair in pair_ids for i in pair]
    answers = defaultdict(dict)
    for audit_id, code, value in AuditAnswer.objects.filter(
            audit_id__in=wanted).values_list("audit_id", "code", "value"):
        answers[audit_id][code] = value
    out = []
    for q in forms.current(kind).questions:
        pairs = [(answers[a].get(q.code), answers[b].get(q.code)) for a, b in pair_ids]
        found = rules.cohens_kappa(pairs, min_pairs=min_pairs)
        out.append({"code": q.code, "label": q.label, "pairs": found.pairs,
                    "observed": found.observed, "kappa": found.kappa, "note": found.note})
    return out


def failures(force, *, since=None) -> list[rules.Failure]:
    """Every answer of completed first markings (second markings measure the auditors, not
    the staff), with its question's module, for training needs."""
    audits = Audit.objects.filter(force=force, second_of__isnull=True,
                                  status=Audit.Status.COMPLETED)
    if since is not None:
        audits = audits.filter(completed_at__gte=bounds(since, since)[0])
    info = {pk: (staff, timezone.localdate(done), version, kind) for pk, staff, done, version,
            kind in audits.values_list("pk", "staff_id", "completed_at", "form_version",
                                       "kind")}
    out = []
    for audit_id, code, value in AuditAnswer.objects.filter(
            audit_id__in=list(info)).values_list("audit_id", "code", "value"):
        staff, on, version, kind = info[audit_id]
        q = forms.form(version).question(code)
        if q is not None:
            out.append(rules.Failure(staff, audit_id, on, code, q.label, q.module, value,
                                     kind))
    return out


def dash_compliance(force, since=None, until=None) -> dict:
    audits = list(completed(force, Kind.DASH, since=since, until=until))
    per_question = defaultdict(lambda: {"yes": 0, "no": 0, "na": 0})
    for code, value in AuditAnswer.objects.filter(audit__in=audits).values_list("code",
                                                                                 "value"):
        per_question[code][value] += 1
    n = len(audits)
    passed_n = sum(1 for a in audits if a.passed)

    def share(code):
        cell = per_question.get(code)
        asked = (cell["yes"] + cell["no"]) if cell else 0
        return cell["yes"] / asked if asked else None

    return {"audits": n, "passed": passed_n, "pass_rate": passed_n / n if n else None,
            "completeness": share("complete"), "rationale": share("rationale"),
            "grade_appropriate": share("grade"), "supervision_recorded": share("supervision"),
            "by_question": {k: dict(v) for k, v in per_question.items()}}


def index_lists(user) -> dict:
    force = user.force
    samples = list(Sample.objects.filter(force=force)[:12])
    recent = list(Audit.objects.filter(force=force, status=Audit.Status.COMPLETED,
                                       second_of__isnull=True)
                  .select_related("staff").order_by("-completed_at")[:20])
    due = reaudits_due(force, Kind.CALL, next_month(timezone.localdate()))
    due.update(reaudits_due(force, Kind.DASH, next_month(timezone.localdate())))
    names = {u.pk: staff_name(u) for u in User.objects.filter(pk__in=list(due))}
    return {"samples": samples, "recent": recent,
            "reaudits": sorted(names.values())}


def open_or_blind(audit: Audit) -> bool:
    """Hide a score while its pair is incomplete (the second auditor marks blind)."""
    return not pair_complete(audit)


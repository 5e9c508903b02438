"""The victim's case pages: thin views (parse, access_case, do_…, render).

Every page answers 404 alike for a missing case, another force's case and a role without
the capability. The case page is the full case for roles with need (or a live break-glass)
and the sanitised view for everyone else.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from haven.access.capabilities import can, max_sensitivity
from haven.access.log import Action, Outcome, record_access, record_list_access
from haven.chronology.services import entries_for
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit
from haven.forces.policy import policy
from haven.safeguarding import allocation, break_glass, cases, plans, sharing
from haven.safeguarding.models import GRADE_ORDER, Case, Grade, Intelligence, PlanAction
from haven.safeguarding.panels import panels_for
from haven.safeguarding.presenters import (
    SENSITIVITY_LABELS,
    kind_label,
    person_names,
    source_label,
)
from haven.safeguarding.services import (
    RECORD_TYPE,
    access_case,
    contact_preferences_for,
    has_full_view,
    live_break_glass,
    safe_contact_lines,
    sanitised_case,
    scoped_cases,
)
from haven.web.forms import error_list

NO_NAME = "Name held by the sharing force"
REFUSALS = (cases.CaseRefused, plans.PlanRefused, allocation.AllocationRefused,
            break_glass.BreakGlassRefused, sharing.ShareRefused)


def _refuse(user, capability: str, case_id, reason: str):
    """A role without the capability gets the same 404 as a missing case; logged."""
    if not can(user, capability):
        with transaction.atomic():
            record_access(user, Action.CONSULTATION, record_type=RECORD_TYPE,
                          record_id=str(case_id)[:64], reason=f"needs {capability}",
                          outcome=Outcome.REFUSED)
        raise Http404("Not found")


def _case(request, case_id, *, capability: str | None = None, own_force: bool = False,
          reason: str = "") -> Case:
    if capability:
        _refuse(request.user, capability, case_id, reason or capability)
    case = access_case(request.user, case_id, reason=reason)
    if own_force and case.force_id != request.user.force_id:
        raise Http404("Not found")  # a case another force shared is read, not managed, here
    return case


def _name(user, case) -> str:
    return person_names(user, [case.person_id]).get(case.person_id, NO_NAME)


# --- the list ------------------------------------------------------------------------------

@login_required
def case_list(request):
    _refuse(request.user, "case.view", "list", "case list")
    status = request.GET.get("status", "open")
    rows = scoped_cases(request.user).select_related("allocated_user", "force")
    if status in Case.Status.values:
        rows = rows.filter(status=status)
    if request.GET.get("mine") == "1":
        rows = rows.filter(allocated_user=request.user)
    rows = list(rows.order_by("next_review_at", "id")[:200])
    names = person_names(request.user, [c.person_id for c in rows])
    record_list_access(request.user, record_type="safeguarding_case_list",
                       reason="case list", shown={c.person_id: [f"case:{c.pk}"] for c in rows})
    items = [{"case": c, "name": names.get(c.person_id, NO_NAME),
              "holder": allocation.holder_name(c),
              "shared": c.force_id != request.user.force_id} for c in rows]
    return render(request, "safeguarding/list.html", {
        "items": items, "status": status, "statuses": Case.Status.choices,
        "mine": request.GET.get("mine") == "1",
        "can_workload": can(request.user, "case.workload")})


# --- the case page -------------------------------------------------------------------------

def _timeline(user, case, kind: str):
    entries = list(entries_for(user, case.person_id)[:500])
    kinds = sorted({e.kind for e in entries})
    if kind:
        entries = [e for e in entries if e.kind == kind]
    rows = [{"e": e, "kind": kind_label(e.kind), "source": source_label(e),
             "sensitivity": SENSITIVITY_LABELS.get(e.sensitivity, "Normal"),
             "sensitive": e.sensitivity > 1} for e in entries]
    return rows, [(k, kind_label(k)) for k in kinds]


def _detail_context(request, case, errors=None):
    user = request.user
    full = has_full_view(user, case)
    own = case.force_id == user.force_id
    ctx = {"case": case, "name": _name(user, case), "full": full, "own": own,
           "errors": errors or {}, "error_summary": error_list(errors or {}),
           "post": request.POST, "s": sanitised_case(case),
           "glass": live_break_glass(user, case),
           "can_break_glass": can(user, "case.break_glass") and not full,
           "panels": panels_for(user, case, full=full)}  # other rooms' panels (panels.py)
    if not full:
        return ctx
    kind = request.GET.get("kind", "")
    timeline, kinds = _timeline(user, case, kind)
    prefs = contact_preferences_for(case.force_id, case.person_id)
    manage = can(user, "case.manage") and own
    intelligence = []
    if max_sensitivity(user) >= 3:
        intelligence = list(Intelligence.objects.filter(force_id=case.force_id,
                                                        person_id=case.person_id)[:50])
    ctx.update({
        "timeline": timeline, "kinds": kinds, "kind": kind,
        "prefs": prefs, "safe_contact": safe_contact_lines(prefs),
        "plan": list(case.plan_actions.select_related("owner_user", "owner_agency")
                     .prefetch_related("changes")),
        "risk_changes": list(case.risk_changes.select_related("actor")),
        "events": list(case.events.select_related("actor")[:50]),
        "shares": list(case.shares.select_related("with_force", "shared_by")),
        "holder": allocation.holder_name(case, reveal=True),
        "area": ("Withheld: confidential address" if case.area_confidential
                 else case.area or "No address recorded"),
        "manage": manage, "can_allocate": can(user, "case.allocate") and own,
        "can_share": can(user, "case.share_force") and own and sharing.alliance_partners(
            case.force),
        "statuses": PlanAction.Status.choices,
        "intelligence": intelligence,
        "person_url": reverse("people:detail", args=[case.person_id]) if own else "",
    })
    return ctx


@login_required
def case_detail(request, case_id):
    case = access_case(request.user, case_id, reason="case page")
    return render(request, "safeguarding/detail.html", _detail_context(request, case))


# --- forms on their own pages (phone first) -------------------------------------------------

def _form_page(request, case, template, run, *, success: str, extra=None):
    """GET shows the form; POST runs the action and goes back to the case, or shows the
    form again with the rule's message on its field."""
    errors = {}
    if request.method == "POST":
        try:
            run(request.POST)
        except REFUSALS as exc:
            errors = {exc.field: str(exc)}
        except StaleEdit as exc:
            errors = {"version": str(exc)}
        else:
            messages.success(request, success)
            return redirect("safeguarding:detail", case.pk)
    ctx = {"case": case, "name": _name(request.user, case), "errors": errors,
           "error_summary": error_list(errors), "post": request.POST, **(extra or {})}
    return render(request, template, ctx, status=400 if errors else 200)


@login_required
def close_case(request, case_id):
    case = _case(request, case_id, capability="case.manage", own_force=True, reason="close")
    return _form_page(request, case, "safeguarding/close.html", lambda p: cases.do_close_case(
        case, version=p.get("version"), reason=p.get("reason", ""), actor=request.user),
        success="Case closed")


@login_required
def regrade_case(request, case_id):
    case = _case(request, case_id, capability="case.manage", own_force=True, reason="regrade")
    return _form_page(
        request, case, "safeguarding/regrade.html",
        lambda p: cases.do_regrade_case(case, version=p.get("version"), grade=p.get("grade", ""),
                                        mitigation=p.get("mitigation", ""),
                                        rationale=p.get("rationale", ""), actor=request.user),
        success="Risk level changed", extra={"grades": Grade.choices, "order": GRADE_ORDER})


@login_required
def allocate_case(request, case_id):
    case = _case(request, case_id, capability="case.allocate", own_force=True,
                 reason="allocate")

    def run(p):
        choice = p.get("holder", "")
        kind, _, ref = choice.partition(":")
        allocation.do_allocate_case(case, version=p.get("version"),
                                    darm_id=db_int(ref) if kind == "darm" else None,
                                    team=ref if kind == "team" else "",
                                    reason=p.get("reason", ""), actor=request.user)

    suggested = allocation.suggested_darm(case.force)
    return _form_page(request, case, "safeguarding/allocate.html", run, success="Case allocated",
                      extra={"darms": list(allocation.darms(case.force)),
                             "teams": sorted((policy(case.force,
                                                     "safeguarding_neighbourhood_teams")
                                              or {}).keys()),
                             "suggested": suggested,
                             "holder": allocation.holder_name(case, reveal=True),
                             "needs_reason": allocation.is_reallocation(case)})


def _date(p, prefix: str):
    try:
        return dt.date(int(p.get(f"{prefix}-year", "")), int(p.get(f"{prefix}-month", "")),
                       int(p.get(f"{prefix}-day", "")))
    except (TypeError, ValueError):
        return None


@login_required
def add_plan_action(request, case_id):
    case = _case(request, case_id, capability="case.manage", own_force=True, reason="plan")
    return _form_page(
        request, case, "safeguarding/plan_add.html",
        lambda p: plans.do_add_plan_action(case, kind=p.get("kind", ""), owner=p.get("owner", ""),
                                           due_on=_date(p, "due"), detail=p.get("detail", ""),
                                           actor=request.user),
        success="Action added to the plan",
        extra={"kinds": PlanAction.Kind.choices, "owners": plans.owner_choices(case)})


@login_required
@require_POST
def plan_action_status(request, case_id, item_id):
    case = _case(request, case_id, capability="case.manage", own_force=True, reason="plan")
    item = case.plan_actions.filter(pk=db_int(item_id)).first()
    if item is None:
        raise Http404("Not found")
    try:
        plans.do_set_plan_action_status(item, version=request.POST.get("version"),
                                        status=request.POST.get("status", ""),
                                        note=request.POST.get("note", ""), actor=request.user)
    except plans.PlanRefused as exc:
        errors = {f"status-{item.pk}": str(exc)}
    except StaleEdit as exc:
        errors = {f"status-{item.pk}": str(exc)}
    else:
        messages.success(request, "Plan action updated")
        return redirect("safeguarding:detail", case.pk)
    return render(request, "safeguarding/detail.html", _detail_context(request, case, errors),
                  status=400)


@login_required
def contact_preferences(request, case_id):
    case = _case(request, case_id, capability="case.manage", own_force=True,
                 reason="contact preferences")
    prefs = contact_preferences_for(case.force_id, case.person_id)
    return _form_page(
        request, case, "safeguarding/contact.html",
        lambda p: cases.do_save_contact_preferences(
            case, version=db_int(p.get("version")) if prefs else None,
            safe_number=p.get("safe_number", ""), safe_times=p.get("safe_times", ""),
            no_messages=p.get("no_messages") == "yes",
            no_letters_home=p.get("no_letters_home") == "yes", notes=p.get("notes", ""),
            actor=request.user),
        success="Contact preferences saved", extra={"prefs": prefs})


@login_required
def set_markers(request, case_id):
    case = _case(request, case_id, capability="case.manage", own_force=True, reason="markers")
    return _form_page(
        request, case, "safeguarding/markers.html",
        lambda p: cases.do_set_markers(case, version=p.get("version"),
                                       markers=p.getlist("markers"), actor=request.user),
        success="Safety markers saved", extra={"markers": cases.MARKERS})


@login_required
def share_case(request, case_id):
    case = _case(request, case_id, capability="case.share_force", own_force=True,
                 reason="share with force")
    return _form_page(
        request, case, "safeguarding/share.html",
        lambda p: sharing.do_share_case(case, with_force_id=p.get("with_force", ""),
                                        reason=p.get("reason", ""), actor=request.user),
        success="Case shared", extra={"forces": sharing.alliance_partners(case.force)})


@login_required
def withdraw_share(request, case_id, share_id):
    case = _case(request, case_id, capability="case.share_force", own_force=True,
                 reason="withdraw share")
    share = sharing.live_shares(case).filter(pk=db_int(share_id)).first()
    if share is None:
        raise Http404("Not found")
    return _form_page(
        request, case, "safeguarding/withdraw_share.html",
        lambda p: sharing.do_withdraw_case_share(share, version=p.get("version"),
                                                 reason=p.get("reason", ""),
                                                 actor=request.user),
        success="Sharing withdrawn", extra={"share": share})


@login_required
def break_glass_page(request, case_id):
    case = _case(request, case_id, capability="case.break_glass", reason="break-glass")
    minutes = policy(case.force, "safeguarding_break_glass_minutes")
    return _form_page(
        request, case, "safeguarding/break_glass.html",
        lambda p: break_glass.do_break_glass(case, reason=p.get("reason", ""),
                                             actor=request.user),
        success=f"Full case open to you for {minutes} minutes. Your reason will be reviewed "
                "by an auditor.", extra={"minutes": minutes})


# --- oversight -----------------------------------------------------------------------------

@login_required
def break_glass_queue(request):
    _refuse(request.user, "case.review_break_glass", "queue", "break-glass review queue")
    waiting = list(break_glass.review_queue(request.user)[:200])
    done = list(break_glass.reviewed(request.user))
    names = person_names(request.user, [g.case.person_id for g in waiting + done])
    record_list_access(request.user, record_type="safeguarding_break_glass_list",
                       reason="break-glass review queue",
                       shown={g.case.person_id: [f"break_glass:{g.pk}"] for g in waiting + done})
    return render(request, "safeguarding/break_glass_queue.html", {
        "waiting": [{"g": g, "name": names.get(g.case.person_id, NO_NAME)}
                    for g in waiting],
        "done": [{"g": g, "name": names.get(g.case.person_id, NO_NAME)}
                 for g in done]})


@login_required
@require_POST
def break_glass_reviewed(request, glass_id):
    _refuse(request.user, "case.review_break_glass", glass_id, "break-glass review")
    glass = break_glass.review_queue(request.user).filter(pk=db_int(glass_id)).first()
    if glass is None:
        raise Http404("Not found")
    try:
        break_glass.do_review_break_glass(glass, version=request.POST.get("version"),
                                          note=request.POST.get("note", ""), actor=request.user)
    except (break_glass.BreakGlassRefused, StaleEdit) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Marked as reviewed")
    return redirect("safeguarding:break_glass_queue")


@login_required
def workload(request):
    _refuse(request.user, "case.workload", "workload", "workload")
    if not request.user.force_id:
        raise Http404("Not found")
    return render(request, "safeguarding/workload.html",
                  {"w": allocation.workload(request.user.force)})

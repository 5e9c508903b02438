"""Thin views: parse, access_…, do_…, render. Every page answers 404 to a role without the
capability and to another force's user (the same as a missing record)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from haven.access.capabilities import can, require
from haven.access.log import record_list_access
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit
from haven.perpetrators import services
from haven.perpetrators.models import Adoption, Intervention, Run

CAVEATS = [
    "Before and after are equal periods, but only as long as has passed since adoption.",
    "Fewer recorded incidents can mean less abuse or less reporting: a victim who fears "
    "the perpetrator, or who has moved away, may stop calling.",
    "Custody takes a perpetrator off the street: time in custody lowers 'after' harm "
    "without any change in behaviour.",
    "Perpetrators are adopted at their peak, so their harm tends to fall anyway "
    "(regression to the mean); without a comparison group this is not proof the "
    "programme worked.",
]


def _filters(request) -> list[str]:
    return [f for f in request.GET.getlist("filter") if f in services.FILTERS]


@login_required
def ranked_list(request):
    require(request.user, "perpetrator.rank")
    chosen = _filters(request)
    area = (request.GET.get("area") or "").strip()
    run, rows = services.ranked_list(request.user, filters=chosen, area=area)
    names = services.names_for(request.user, [r.person_id for r in rows])
    areas = sorted(set(run.rows.values_list("area", flat=True))) if run else []
    with transaction.atomic():
        services.log_rows(request.user, rows)
        return render(request, "perpetrators/list.html", {
            "run": run, "rows": [(r, names.get(r.person_id, "")) for r in rows],
            "filters": services.FILTERS, "chosen": chosen, "area": area, "areas": areas,
            "named": can(request.user, "perpetrator.names"),
            "can_refresh": can(request.user, "perpetrator.refresh"),
            "can_manage": can(request.user, "perpetrator.manage"),
            "limit": services.LIST_LIMIT,
        })


@login_required
@require_POST
def refresh(request):
    require(request.user, "perpetrator.refresh")
    run = services.do_refresh_ranking(request.user.force, trigger=Run.Trigger.ON_DEMAND,
                                      actor=request.user)
    messages.success(request, f"Ranked {run.perpetrators} perpetrators: {run.serial} serial, "
                              f"{run.repeat} repeat.")
    return redirect("perpetrators:list")


def _detail_context(request, row, *, errors=None):
    user = request.user
    name = services.names_for(user, [row.person_id])[row.person_id]
    named = can(user, "perpetrator.names")
    plan = services.programme(user.force, row.person_id) if named else None
    return {
        "row": row, "name": name, "named": named, "groups": services.explanation(row),
        "victim_groups": services.victim_groups_named(user, row),
        "plan": plan, "caveats": CAVEATS,
        "can_manage": named and can(user, "perpetrator.manage"),
        "leads": services.lead_officers(user.force) if named else [],
        "kinds": Intervention.Kind.choices, "errors": errors or {},
        "clares_law_url": reverse("protection:dvds_new") if can(user, "dvds.manage") else "",
    }


@login_required
def perpetrator_detail(request, person_id):
    row = services.access_perpetrator(request.user, person_id)
    context = _detail_context(request, row)
    with transaction.atomic():
        victims = {pid: [f"perpetrator_rank:{row.pk}"] for group in row.victim_groups
                   for pid in group} if context["named"] else {}
        if victims:
            record_list_access(request.user, record_type="perpetrator_victims", shown=victims)
        return render(request, "perpetrators/detail.html", context)


@login_required
@require_POST
def adopt(request, person_id):
    row = services.access_perpetrator(request.user, person_id)
    if not can(request.user, "perpetrator.names"):
        raise Http404("Not found")
    try:
        services.do_adopt_perpetrator(row, lead_id=request.POST.get("lead"),
                                      reason=request.POST.get("reason", ""), actor=request.user)
    except services.Refused as exc:
        return render(request, "perpetrators/detail.html",
                      _detail_context(request, row, errors=exc.errors), status=400)
    messages.success(request, "Adopted onto the programme.")
    return redirect("perpetrators:detail", person_id=row.person_id)


def _adoption_of(request, person_id) -> tuple:
    row = services.access_perpetrator(request.user, person_id)
    if not can(request.user, "perpetrator.names"):
        raise Http404("Not found")
    adoption = services.open_adoption(row.person_id)
    if adoption is None or adoption.force_id != request.user.force_id:
        raise Http404("Not found")
    return row, adoption


@login_required
@require_POST
def add_intervention(request, person_id):
    row, adoption = _adoption_of(request, person_id)
    due = None
    try:
        due = dt.date.fromisoformat((request.POST.get("due_on") or "").strip())
    except ValueError:
        due = None
    try:
        services.do_add_intervention(adoption, kind=request.POST.get("kind", ""),
                                     detail=request.POST.get("detail", ""),
                                     owner=request.POST.get("owner", ""), due_on=due,
                                     actor=request.user)
    except services.Refused as exc:
        return render(request, "perpetrators/detail.html",
                      _detail_context(request, row, errors=exc.errors), status=400)
    messages.success(request, "Intervention added to the plan.")
    return redirect("perpetrators:detail", person_id=row.person_id)


@login_required
@require_POST
def end_adoption(request, person_id):
    row, adoption = _adoption_of(request, person_id)
    try:
        services.do_end_adoption(adoption, version=db_int(request.POST.get("version")) or -1,
                                 reason=request.POST.get("reason", ""), actor=request.user)
    except services.Refused as exc:
        return render(request, "perpetrators/detail.html",
                      _detail_context(request, row, errors=exc.errors), status=400)
    except StaleEdit as exc:
        return render(request, "perpetrators/detail.html",
                      _detail_context(request, row, errors={"reason": str(exc)}), status=409)
    messages.success(request, "He has left the programme.")
    return redirect("perpetrators:detail", person_id=row.person_id)


@login_required
def programme_list(request):
    require(request.user, "perpetrator.manage")
    adoptions: list[Adoption] = list(services.adoptions_of(request.user.force))
    rows = []
    for a in adoptions:
        plan = services.programme(request.user.force, a.person_id)
        rows.append({"adoption": a, "next_meeting": plan["next_meeting"] if plan else None,
                     "interventions": len(plan["interventions"]) if plan else 0})
    with transaction.atomic():
        record_list_access(request.user, record_type="perpetrator_programme",
                           shown={a.person_id: [f"perpetrator_adoption:{a.pk}"]
                                  for a in adoptions})
        return render(request, "perpetrators/programme.html", {"rows": rows})


@login_required
def concentration(request):
    require(request.user, "perpetrator.rank")
    run = services.latest_run(request.user.force) if request.user.force_id else None
    mirror = list(run.victims_rows.all()[:100]) if run else []
    named = can(request.user, "perpetrator.names")
    ids = [m.person_id for m in mirror]
    names = services.names_for(request.user, ids) if named else {}
    with transaction.atomic():
        if named and mirror:
            record_list_access(request.user, record_type="perpetrator_several_abusers",
                               shown={m.person_id: [f"several_abusers:{m.pk}"] for m in mirror})
        return render(request, "perpetrators/concentration.html", {
            "run": run, "summary": run.summary if run else {},
            "mirror": [(m, names.get(m.person_id, ""), len(m.abuser_groups)) for m in mirror],
            "named": named, "harm_table": services.harm_table(request.user.force),
        })

"""Insight pages: the problem profile (charts with their tables and CSVs), its PDF, the
performance measures, the logged drill-down from a pseudonym, and refreshing the store.
Every page is the user's own force only; a wrong role or another force gets 404."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from haven.access.capabilities import can, require
from haven.access.log import Action, record_access
from haven.core.calendar import typed_date
from haven.core.csvsafe import safe_row
from haven.forces.policy import policy
from haven.insight import casework, centroids, charts, performance, progress, services, store
from haven.insight.profile import profile


def _period(request, force) -> tuple[dt.date, dt.date, str | None, list[str]]:
    start, end = services.default_period(force)
    errors = []
    for name in ("from", "to"):
        text = request.GET.get(name, "").strip()
        if text:
            value = typed_date(text)
            if value is None:
                errors.append(f"Enter the '{name}' date as day, month and 4-digit year, for "
                              f"example 31/01/2026")
                continue
            if name == "from":
                start = value
            else:
                end = value
    if end < start:
        errors.append("The 'to' date must be the same as or after the 'from' date")
        start, end = services.default_period(force)
    district = request.GET.get("area", "").strip().upper()[:8] or None
    return start, end, district, errors


def _profile(request, force_code, *, with_casework=False):
    force = services.force_for(request.user, force_code)
    start, end, district, errors = _period(request, force)
    try:
        con = store.connect()
    except FileNotFoundError:
        return force, None, (start, end, district, errors)
    try:
        found = profile(con, force, start, end, district)
        if with_casework:  # the PDF carries the casework measures too (the page links them)
            found["casework"] = casework.summary(con, force, start, end, district)
    finally:
        con.close()
    record_access(request.user, Action.CONSULTATION, record_type="insight_profile",
                  record_id=force.code, detail={"from": start.isoformat(),
                                                "to": end.isoformat(),
                                                "area": district or "all"})
    return force, found, (start, end, district, errors)


def _query(start, end, district) -> str:
    text = f"from={start.isoformat()}&to={end.isoformat()}"
    return text + (f"&area={district}" if district else "")


@login_required
def index(request):
    require(request.user, "insight.view")
    if request.user.force_id is None:
        raise Http404("Not found")
    return redirect("insight:profile", force_code=request.user.force.code)


@login_required
def profile_page(request, force_code):
    force, found, (start, end, district, errors) = _profile(request, force_code)
    made = charts.charts(found) if found else []
    places = (centroids.map_data(force.code, found["places"]["areas"],
                                 policy(force, "insight_suppress_below", at=end))
              if found else None)
    return render(request, "insight/profile.html", {
        "force": force, "p": found, "charts": made, "map": places, "start": start, "end": end,
        "district": district or "", "errors": errors, "query": _query(start, end, district),
        "refreshed_at": store.refreshed_at(),
        "progress": progress.read(), "running": progress.in_progress(),
        "can_refresh": can(request.user, "insight.refresh"),
        "can_drill": can(request.user, "insight.drill_down")})


@login_required
def chart_csv(request, force_code, name):
    force, found, (start, end, district, _errors) = _profile(request, force_code)
    chosen = [c for c in charts.charts(found)] if found else []
    chart = next((c for c in chosen if c.name == name), None)
    if chart is None:
        raise Http404("Not found")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{force.code}-{name}-{start}-{end}.csv"')
    writer = csv.writer(response)
    writer.writerow([heading for _key, heading in chart.columns])
    for row in chart.table():
        writer.writerow(safe_row(["" if v is None else v for v in row]))
    return response


@login_required
def profile_pdf(request, force_code):
    from haven.insight import pdf  # WeasyPrint and vl-convert load only when a PDF is made

    force, found, (start, end, district, _errors) = _profile(request, force_code,
                                                             with_casework=True)
    if found is None:
        raise Http404("Not found")
    response = HttpResponse(pdf.profile_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{force.code}-da-problem-profile-{start}-{end}.pdf"')
    return response


@login_required
def measures_page(request, force_code):
    force = services.force_for(request.user, force_code)
    start, end, district, errors = _period(request, force)
    figures = performance.figures(force, start, end, district)
    record_access(request.user, Action.CONSULTATION, record_type="insight_measures",
                  record_id=force.code, detail={"from": start.isoformat(),
                                                "to": end.isoformat(),
                                                "area": district or "all"})
    return render(request, "insight/measures.html", {
        "force": force, "m": figures, "start": start, "end": end, "district": district or "",
        "errors": errors})


@login_required
def drill_down(request, force_code, key):
    force = services.force_for(request.user, force_code, "insight.drill_down")
    person = services.person_for_key(request.user, force, key)
    return redirect(reverse("people:detail", args=[person.pk]))


@login_required
@require_POST
def refresh(request, force_code):
    """Queue the rebuild (a background job) and go back to the profile, which shows its
    progress; never rebuilt in the request."""
    services.force_for(request.user, force_code, "insight.refresh")
    services.do_queue_refresh(actor=request.user)
    return redirect("insight:profile", force_code=force_code)


@login_required
def refresh_progress(request, force_code):
    """The progress bar (an htmx fragment the page polls while a rebuild runs): reads the
    progress file only."""
    force = services.force_for(request.user, force_code)
    return render(request, "insight/_progress.html", {
        "force": force, "progress": progress.read(), "running": progress.in_progress(),
        "polled": True})

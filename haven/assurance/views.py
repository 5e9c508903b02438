"""Assurance pages: the samples and audits to do, one audit (its form or its result), the
feedback page of the member of staff audited, trends with their chart, table and CSV, and
agreement between auditors. Every page is the user's own force only; a wrong role or another
force's record answers 404."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from haven.access.capabilities import can, require
from haven.access.log import Action, record_access
from haven.assurance import charts, forms, rules, services
from haven.assurance.models import Kind, Sample
from haven.core.concurrency import StaleEdit
from haven.core.csvsafe import safe_row


def _kind(request) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind") or Kind.CALL
    return kind if kind in Kind.values else Kind.CALL


def _by(request) -> str:
    by = request.GET.get("by") or "handler"
    return by if by in charts.BY else "handler"


def _own_force(request):
    if request.user.force_id is None:
        raise Http404("Not found")
    return request.user.force


@login_required
def index(request):
    require(request.user, "qa.view")
    _own_force(request)
    lists = services.index_lists(request.user)
    record_access(request.user, Action.CONSULTATION, record_type="qa_index",
                  record_id=request.user.force.code)
    return render(request, "assurance/index.html", {
        **lists, "to_do": services.to_do(request.user) if can(request.user, "qa.audit") else [],
        "can_sample": can(request.user, "qa.sample"), "kinds": Kind.choices,
        "month": services.last_month(),
        "blind": {a.pk for a in lists["recent"] if services.open_or_blind(a)}})


@login_required
@require_POST
def draw_sample(request):
    require(request.user, "qa.sample")
    force = _own_force(request)
    month = services.last_month()
    if request.POST.get("month"):
        try:
            month = dt.date.fromisoformat(request.POST["month"] + "-01")
        except ValueError:
            messages.error(request, "Choose the month as YYYY-MM")
            return redirect("assurance:index")
    try:
        sample = services.do_draw_sample(force, kind=_kind(request), month=month,
                                         actor=request.user)
    except services.Refused as refused:
        messages.error(request, str(refused))
        return redirect("assurance:index")
    messages.success(request, f"{sample}: {sample.audits.count()} audits drawn")
    return redirect("assurance:sample", sample_id=sample.pk)


@login_required
def sample_detail(request, sample_id):
    require(request.user, "qa.view")
    force = _own_force(request)
    sample = Sample.objects.filter(pk=sample_id, force=force).first()
    if sample is None:
        raise Http404("Not found")
    record_access(request.user, Action.CONSULTATION, record_type="qa_sample",
                  record_id=sample.pk)
    checked = services.redraw(sample) if request.GET.get("check") else None
    audits = list(sample.audits.select_related("staff", "auditor").order_by("subject_at", "pk"))
    return render(request, "assurance/sample.html", {
        "sample": sample, "audits": audits, "checked": checked,
        "blind": {a.pk for a in audits if services.open_or_blind(a)},
        "names": {a.pk: services.staff_name(a.staff) for a in audits}})


def _audit_context(request, audit, *, errors=None, given=None):
    form = forms.form(audit.form_version)
    subject = services.subjects(audit.force, audit.kind, ids=[audit.subject_id])
    answers = services.answers_of(audit)
    partner = services.partner_of(audit)
    return {
        "audit": audit, "form": form, "facts": subject[0]["facts"] if subject else [],
        "answers": answers, "given": given or {}, "errors": errors or {},
        "values": [(v, rules.VALUE_LABELS[v]) for v in rules.VALUES],
        "questions": [(q, (errors or {}).get(f"q-{q.code}"), (given or {}).get(q.code))
                      for q in form.questions],
        "rows": [(q, answers.get(q.code), rules.VALUE_LABELS.get(answers.get(q.code), ""))
                 for q in form.questions],
        "can_complete": can(request.user, "qa.audit") and services.may_complete(request.user,
                                                                                audit),
        "partner": partner, "pair_complete": services.pair_complete(audit),
        "partner_rows": ([(q, rules.VALUE_LABELS.get(services.answers_of(partner).get(q.code),
                                                     "")) for q in form.questions]
                         if partner and services.pair_complete(audit) else []),
        "staff": services.staff_name(audit.staff),
        "auditor": services.staff_name(audit.auditor),
    }


@login_required
def audit_detail(request, audit_id):
    audit = services.access_audit(request.user, audit_id)
    return render(request, "assurance/audit.html", _audit_context(request, audit))


@login_required
@require_POST
def complete_audit(request, audit_id):
    require(request.user, "qa.audit")
    audit = services.access_audit(request.user, audit_id)
    form = forms.form(audit.form_version)
    given = {q.code: request.POST.get(f"q-{q.code}", "") for q in form.questions}
    try:
        services.do_complete_audit(
            audit, version=request.POST.get("version"), answers=given,
            recording_reference=request.POST.get("recording_reference", ""),
            feedback=request.POST.get("feedback", ""), actor=request.user)
    except StaleEdit as stale:
        messages.error(request, str(stale))
        return redirect("assurance:audit", audit_id=audit.pk)
    except services.Refused as refused:
        context = _audit_context(request, audit, errors=refused.errors, given=given)
        context["recording_reference"] = request.POST.get("recording_reference", "")
        context["feedback"] = request.POST.get("feedback", "")
        return render(request, "assurance/audit.html", context, status=400)
    messages.success(request, f"Audit of {audit.subject_reference} completed")
    return redirect("assurance:audit", audit_id=audit.pk)


@login_required
def feedback(request, audit_id):
    audit = services.access_feedback(request.user, audit_id)
    form = forms.form(audit.form_version)
    answers = services.answers_of(audit)
    return render(request, "assurance/feedback.html", {
        "audit": audit, "auditor": services.staff_name(audit.auditor),
        "rows": [(q, rules.VALUE_LABELS.get(answers.get(q.code), "")) for q in form.questions],
        "failed": [q for q in form.questions if answers.get(q.code) == rules.NO]})


@login_required
@require_POST
def acknowledge(request, audit_id):
    audit = services.access_feedback(request.user, audit_id)
    services.do_acknowledge_feedback(audit, actor=request.user)
    messages.success(request, f"Feedback on {audit.subject_reference} acknowledged")
    return redirect("home")


def _trend(request):
    require(request.user, "qa.view")
    force = _own_force(request)
    kind, by = _kind(request), _by(request)
    rows = services.trends(force, kind, by)
    record_access(request.user, Action.CONSULTATION, record_type="qa_trends",
                  record_id=force.code, detail={"kind": kind, "by": by})
    return force, kind, by, rows


@login_required
def trends(request):
    force, kind, by, rows = _trend(request)
    return render(request, "assurance/trends.html", {
        "kind": kind, "by": by, "rows": rows, "columns": charts.columns(by),
        "table": charts.table(rows, by), "spec": charts.spec(rows, by),
        "kinds": Kind.choices, "bys": list(charts.BY.items()), "force": force})


@login_required
def trends_csv(request):
    force, kind, by, rows = _trend(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{force.code}-{kind}-audits-by-{by}.csv"')
    writer = csv.writer(response)
    writer.writerow([heading for _key, heading in charts.columns(by)])
    for row in charts.table(rows, by):
        writer.writerow(safe_row(["" if v is None else v for v in row]))
    return response


@login_required
def agreement(request):
    require(request.user, "qa.view")
    force = _own_force(request)
    kind = _kind(request)
    record_access(request.user, Action.CONSULTATION, record_type="qa_agreement",
                  record_id=force.code, detail={"kind": kind})
    return render(request, "assurance/agreement.html", {
        "kind": kind, "kinds": Kind.choices, "rows": services.agreement(force, kind),
        "min_pairs": services.policy_for(force)["qa_kappa_min_pairs"]})


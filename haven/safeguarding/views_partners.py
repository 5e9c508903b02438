"""Thin views for referrals, letters, vulnerable people meetings and the daily board:
parse, access_…, do_…, render. Every refusal is the same 404."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from haven.access.capabilities import can, require
from haven.access.log import record_list_access
from haven.chronology.services import entries_for
from haven.core.api import db_int
from haven.core.concurrency import StaleEdit
from haven.forces.models import Agency
from haven.forces.policy import policy
from haven.safeguarding import board as board_service
from haven.safeguarding import letters as letter_service
from haven.safeguarding import meetings as meeting_service
from haven.safeguarding.models_partners import Referral
from haven.safeguarding.referrals import (
    AGENCY_ROLE,
    ReferralRefused,
    access_referral,
    agencies_for,
    do_add_partner_entry,
    do_answer_referral,
    do_record_agency_answer,
    do_refer_case,
    do_withdraw_referral,
    log_referral_list,
    names_of,
    partner_entries,
    person_of,
    referrals_of_case,
    scoped_referrals,
)
from haven.safeguarding.services import (
    access_case,
    contact_preferences_for,
    safe_contact_lines,
    sanitised_case,
)
from haven.web.forms import error_list


def _own_case(request, case_id):
    """A case of the user's own force (referrals and letters are the holding force's)."""
    require(request.user, "referral.make")
    case = access_case(request.user, case_id)
    if case.force_id != request.user.force_id:
        raise Http404("Not found")
    return case


# Referrals and letters for a case (HAU, DARM) ---------------------------------------------

def _case_page(request, case, *, errors=None, form=None, status=200):
    person = person_of(request.user, case.person_id)
    letters = letter_service.letter_panel(request.user, case)
    # The page names the perpetrators too: one access-log entry per person shown.
    record_list_access(request.user, record_type="letter", reason="case letters",
                       shown={row["person"].pk: [f"case:{case.pk}"] for row in letters
                              if row["person"].pk != case.person_id})
    return render(request, "safeguarding/partners/case_partners.html", {
        "case": case, "person": person,
        "safe_contact": safe_contact_lines(contact_preferences_for(case.force_id,
                                                                   case.person_id)),
        "referrals": referrals_of_case(case), "agencies": agencies_for(case),
        "consents": Referral.Consent.choices, "bases": Referral.LawfulBasis.choices,
        "partner_kinds": list(AGENCY_ROLE),
        "letters": letters,
        "errors": errors or {}, "error_summary": error_list(errors or {}), "form": form or {},
    }, status=status)


@login_required
def case_partners(request, case_id):
    case = _own_case(request, case_id)
    return _case_page(request, case)


@login_required
@require_POST
def refer(request, case_id):
    case = _own_case(request, case_id)
    agency = Agency.objects.filter(pk=db_int(request.POST.get("agency")),
                                   force_id=case.force_id).first()
    form = request.POST.dict()
    if agency is None:
        return _case_page(request, case, errors={"agency": "Choose the agency to refer to"},
                          form=form, status=400)
    try:
        referral = do_refer_case(case, agency, reason=request.POST.get("reason", ""),
                                 consent=request.POST.get("consent", ""),
                                 lawful_basis=request.POST.get("lawful_basis", ""),
                                 basis_note=request.POST.get("basis_note", ""),
                                 actor=request.user)
    except ReferralRefused as exc:
        return _case_page(request, case, errors={exc.field: str(exc)}, form=form, status=400)
    messages.success(request, f"Referred to {referral.agency.name}. They are asked to answer "
                              f"by {timezone.localtime(referral.answer_due_at):%a %d %b %H:%M}.")
    return redirect("safeguarding:case_partners", case.pk)


@login_required
@require_POST
def withdraw(request, referral_id):
    require(request.user, "referral.make")
    referral = access_referral(request.user, referral_id)
    if request.user.is_partner:
        raise Http404("Not found")
    try:
        do_withdraw_referral(referral, reason=request.POST.get("withdraw_reason", ""),
                             version=db_int(request.POST.get("version")) or 0,
                             actor=request.user)
    except ReferralRefused as exc:
        return _case_page(request, referral.case, errors={exc.field: str(exc)}, status=400)
    except StaleEdit as exc:
        messages.error(request, str(exc))
        return redirect("safeguarding:case_partners", referral.case_id)
    messages.success(request, f"Sharing with {referral.agency.name} withdrawn.")
    return redirect("safeguarding:case_partners", referral.case_id)


@login_required
@require_POST
def record_answer(request, referral_id):
    """The HAU records the reply of an agency whose staff do not use Haven."""
    require(request.user, "referral.make")
    referral = access_referral(request.user, referral_id)
    decision = request.POST.get("decision")
    try:
        if decision not in ("accept", "decline"):
            raise ReferralRefused("decision", "Choose whether the agency accepted")
        do_record_agency_answer(referral, accept=decision == "accept",
                                reason=request.POST.get("decision_reason", ""),
                                version=db_int(request.POST.get("version")) or 0,
                                actor=request.user)
    except ReferralRefused as exc:
        return _case_page(request, referral.case, errors={exc.field: str(exc)}, status=400)
    except StaleEdit as exc:
        messages.error(request, str(exc))
        return redirect("safeguarding:case_partners", referral.case_id)
    messages.success(request, f"The reply of {referral.agency.name} is recorded.")
    return redirect("safeguarding:case_partners", referral.case_id)


@login_required
@require_POST
def send_letter(request, case_id):
    case = _own_case(request, case_id)
    require(request.user, "letter.send")
    recipient = request.POST.get("recipient", "")
    person_id = request.POST.get("person_id")
    suppress = request.POST.get("decision") == "suppress"
    try:
        if suppress:
            letter_service.do_suppress_letter(case, recipient=recipient, person_id=person_id,
                                              reason=request.POST.get("reason", ""),
                                              actor=request.user)
            messages.success(request, "The letter was not sent. Your reason is recorded.")
        else:
            letter = letter_service.do_send_letter(case, recipient=recipient,
                                                   person_id=person_id, actor=request.user)
            messages.success(request, f"Letter {letter.pk} made and recorded as sent.")
    except letter_service.LetterRefused as exc:
        field = f"reason-{recipient}-{person_id}" if exc.field == "reason" else exc.field
        return _case_page(request, case, errors={field: str(exc)}, status=400)
    return redirect("safeguarding:case_partners", case.pk)


@login_required
def letter_pdf(request, letter_id):
    letter = letter_service.access_letter(request.user, letter_id)
    if not letter.pdf:
        raise Http404("Not found")
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{letter.pk}.pdf"'
    return response


# Referrals as the partner (and the police) read them ---------------------------------------

@login_required
def referral_list(request):
    require(request.user, "referral.view")
    rows = list(scoped_referrals(request.user).order_by("-referred_at")[:200])
    names = names_of(request.user, [r.person_id for r in rows])
    rows = [r for r in rows if r.person_id in names]
    log_referral_list(request.user, rows, reason="referral list")
    return render(request, "safeguarding/partners/referral_list.html", {
        "rows": [{"r": r, "name": names[r.person_id]} for r in rows], "now": timezone.now()})


def _chronology(user, referral, person):
    """The victim's chronology as this user may read it, plus (for the agency) its own
    entries, each marked with its source."""
    rows = [{"at": e.occurred_at, "summary": e.summary, "source": _source_words(e),
             "ours": False} for e in entries_for(user, person)[:100]]
    if user.is_partner:
        rows += [{"at": p.occurred_at, "summary": p.text,
                  "source": p.agency.name, "ours": True,
                  "by": p.recorded_by.get_full_name() or p.recorded_by.username}
                 for p in partner_entries(referral).filter(agency_id=user.agency_id)]
    return sorted(rows, key=lambda r: r["at"], reverse=True)


def _source_words(entry) -> str:
    if entry.kind == "partner_entry":
        return "Partner agency"
    return {"intake": "Police: incident", "risk": "Police: risk assessment",
            "safeguarding": "Police: safeguarding", "people": "Police: records"}.get(
        entry.source_room, f"Police: {entry.source_room}")


def _referral_page(request, referral, *, errors=None, form=None, status=200):
    person = person_of(request.user, referral.person_id)
    if person is None:
        raise Http404("Not found")
    return render(request, "safeguarding/partners/referral.html", {
        "r": referral, "person": person, "case": sanitised_case(referral.case),
        "chronology": _chronology(request.user, referral, person),
        "may_answer": (can(request.user, "referral.answer") and request.user.is_partner
                       and referral.status == Referral.Status.PENDING),
        "may_add": can(request.user, "referral.add_entry") and request.user.is_partner,
        "errors": errors or {}, "error_summary": error_list(errors or {}), "form": form or {},
        "today": timezone.localdate(),
    }, status=status)


@login_required
def referral_detail(request, referral_id):
    require(request.user, "referral.view")
    referral = access_referral(request.user, referral_id)
    return _referral_page(request, referral)


@login_required
@require_POST
def answer(request, referral_id):
    require(request.user, "referral.answer")
    referral = access_referral(request.user, referral_id)
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        return _referral_page(request, referral, status=400,
                              errors={"decision": "Choose whether you accept the referral"})
    try:
        do_answer_referral(referral, accept=decision == "accept",
                           reason=request.POST.get("decision_reason", ""),
                           version=db_int(request.POST.get("version")) or 0,
                           actor=request.user)
    except ReferralRefused as exc:
        return _referral_page(request, referral, errors={exc.field: str(exc)},
                              form=request.POST.dict(), status=400)
    except StaleEdit as exc:
        messages.error(request, str(exc))
        return redirect("safeguarding:referral", referral.pk)
    if decision == "decline":
        messages.success(request, "Referral declined. The police can see your reason.")
        return redirect("home")
    messages.success(request, "Referral accepted.")
    return redirect("safeguarding:referral", referral.pk)


@login_required
@require_POST
def add_entry(request, referral_id):
    require(request.user, "referral.add_entry")
    referral = access_referral(request.user, referral_id)
    occurred_at = None
    raw = request.POST.get("occurred_on", "").strip()
    try:
        if raw:
            day = dt.date.fromisoformat(raw)
            occurred_at = (timezone.now() if day == timezone.localdate() else timezone.make_aware(
                dt.datetime.combine(day, dt.time(12, 0))))
        do_add_partner_entry(referral, text=request.POST.get("text", ""),
                             occurred_at=occurred_at, actor=request.user)
    except ValueError as exc:
        field = getattr(exc, "field", "occurred_on")
        message = str(exc) if hasattr(exc, "field") else "Give the date as a real date"
        return _referral_page(request, referral, errors={field: message},
                              form=request.POST.dict(), status=400)
    messages.success(request, "Your entry is on the victim's chronology.")
    return redirect("safeguarding:referral", referral.pk)


# Vulnerable people meetings ---------------------------------------------------------------

@login_required
def meeting(request):
    require(request.user, "meeting.view")
    if not request.user.force_id:
        raise Http404("Not found")
    areas = meeting_service.areas_of(request.user)
    area = request.GET.get("area", "")
    if area and area not in areas:
        raise Http404("Not found")
    rows = meeting_service.meeting_list(request.user, area) if area else []
    return render(request, "safeguarding/partners/meeting.html", {
        "areas": areas, "area": area, "rows": rows, "today": timezone.localdate(),
        "may_record": can(request.user, "meeting.record"),
        "errors": {}, "error_summary": []})


@login_required
@require_POST
def meeting_outcome(request):
    require(request.user, "meeting.record")
    area = request.POST.get("area", "")
    if area not in meeting_service.areas_of(request.user):
        raise Http404("Not found")
    case = access_case(request.user, request.POST.get("case"))
    try:
        meeting_service.do_record_meeting_outcome(
            case, area=area, outcome=request.POST.get("outcome", ""),
            attendees=request.POST.get("attendees", ""), actor=request.user)
    except meeting_service.MeetingRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Outcome recorded and put on the victim's chronology.")
    return redirect(reverse("safeguarding:meeting") + f"?area={area}")


# The daily management meeting board --------------------------------------------------------

def _board_area(request, source) -> str:
    area = source.get("area", "")
    if area and area not in meeting_service.areas_of(request.user):
        raise Http404("Not found")
    return area


@login_required
def daily_board(request):
    require(request.user, "board.view")
    area = _board_area(request, request.GET)
    data = board_service.daily_board(request.user, area=area)
    may_chair = can(request.user, "board.chair")
    return render(request, "safeguarding/partners/board.html", {
        **data, "areas": meeting_service.areas_of(request.user), "may_chair": may_chair,
        "owners": board_service.owners_for(request.user.force) if may_chair else [],
        "due_default": data["now"] + dt.timedelta(
            hours=policy(request.user.force, "board_task_due_hours")),
    })


@login_required
@require_POST
def board_allocate(request):
    require(request.user, "board.chair")
    area = _board_area(request, request.POST)
    due_at = None
    raw = request.POST.get("due", "").strip()
    try:
        if raw:
            due_at = timezone.make_aware(dt.datetime.fromisoformat(raw))
        board_service.do_allocate_board_task(
            area=area, subject=request.POST.get("subject", ""),
            title=request.POST.get("title", ""), owner_id=request.POST.get("owner"),
            due_at=due_at, actor=request.user)
    except board_service.BoardRefused as exc:
        messages.error(request, str(exc))
    except ValueError:
        messages.error(request, "Give the due time as a real date and time")
    else:
        messages.success(request, "Task allocated. It stays on the board until it is done.")
    return redirect(reverse("safeguarding:board") + (f"?area={area}" if area else ""))


@login_required
@require_POST
def board_done(request, board_task_id):
    require(request.user, "board.view")
    area = _board_area(request, request.POST)
    try:
        board_service.do_complete_board_task(board_task_id,
                                             version=db_int(request.POST.get("version")) or 0,
                                             note=request.POST.get("note", ""),
                                             actor=request.user)
    except StaleEdit as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Task marked done.")
    return redirect(reverse("safeguarding:board") + (f"?area={area}" if area else ""))

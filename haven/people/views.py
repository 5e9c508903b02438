from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from haven.access.capabilities import require
from haven.people.access import access_person
from haven.people.addresses import LiftRefused, do_lift_confidential_address
from haven.people.lookup import CRITERIA, LookupCriteriaError, find_candidates
from haven.people.person_page import person_context

SEARCH_FIELDS = [
    ("forename", "First name", "", "text"),
    ("surname", "Last name", "", "text"),
    ("date_of_birth", "Date of birth", "For example, 27/03/1984", "text"),
    ("phone", "Phone number", "", "tel"),
    ("postcode", "Postcode", "", "text"),
]


@login_required
def person_detail(request, person_id):
    person = access_person(request.user, person_id, reason=request.GET.get("reason", ""))
    return render(request, "people/person.html", person_context(request.user, person))


@login_required
def search(request):
    """As-you-type lookup; htmx requests get only the candidates partial."""
    require(request.user, "person.lookup")
    values = {name: request.GET.get(name, "").strip() for name in CRITERIA}
    candidates, error, searched = [], None, any(values.values())
    if searched:
        try:
            candidates = find_candidates(request.user, **values)
        except LookupCriteriaError as exc:
            error = {"field": exc.field, "message": str(exc)}
    if request.headers.get("HX-Request"):
        return render(request, "people/_candidates.html",
                      {"candidates": candidates, "searched": searched, "partial_error": error})
    fields = [{"name": n, "label": label, "hint": hint, "type": t, "value": values[n]}
              for n, label, hint, t in SEARCH_FIELDS]
    # The error summary says why nothing was searched: no "No one found" beneath it.
    return render(request, "people/search.html", {"candidates": candidates, "error": error,
                                                   "fields": fields,
                                                   "searched": searched and not error})


@login_required
@require_POST
def lift_confidential(request, person_id, address_id):
    """Lift a confidential-address marker with a reason (public protection only; logged)."""
    person = access_person(request.user, person_id)
    try:
        do_lift_confidential_address(person, address_id, reason=request.POST.get("reason", ""),
                                     actor=request.user)
        messages.success(request, "Confidential marker lifted. The address is shown again.")
    except LiftRefused as exc:
        messages.error(request, str(exc))
    return redirect("people:detail", person_id=person.pk)

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from haven.chronology.services import entries_for
from haven.people.access import access_person, visible_addresses


@login_required
def person_detail(request, person_id):
    person = access_person(request.user, person_id, reason=request.GET.get("reason", ""))
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "addresses": visible_addresses(request.user, person),
            "entries": entries_for(request.user, person)[:200],
        },
    )

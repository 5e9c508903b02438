"""The officer's briefing offers a protection notice for each suspect and victim on the log:
one inclusion tag in intake's briefing template, so intake does not need to know this room.
The officer reaches the notice form with both people chosen, never typing a number."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from haven.access.capabilities import can
from haven.intake.public import suspects_of, victims_of

register = template.Library()


@register.inclusion_tag("protection/_briefing.html", takes_context=True)
def protection_on_briefing(context, incident):
    user = context["request"].user
    offers = []
    if can(user, "order.notice"):
        for suspect in suspects_of(incident):
            for victim in victims_of(incident):
                query = urlencode({"subject": suspect.pk, "protected": victim.pk,
                                   "incident": incident.pk})
                offers.append({"suspect": suspect, "victim": victim,
                               "url": f"{reverse('protection:notice_new')}?{query}"})
    return {"offers": offers}

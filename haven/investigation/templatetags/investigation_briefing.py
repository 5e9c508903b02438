"""The officer's briefing shows evidence from the scene and the way to record a crime: one
inclusion tag in intake's briefing template, so intake does not need to know this room."""

from django import template

from haven.access.capabilities import can
from haven.investigation.evidence import evidence_for

register = template.Library()


@register.inclusion_tag("investigation/_briefing.html", takes_context=True)
def investigation_on_briefing(context, incident):
    user = context["request"].user
    evidence_count = 0
    if can(user, "evidence.view"):
        evidence_count = evidence_for(user, incident=incident).count()
    return {"incident": incident, "request": context["request"],
            "csrf_token": context.get("csrf_token"),
            "can_upload": can(user, "evidence.upload"),
            "can_see": can(user, "evidence.view"),
            "can_record": can(user, "crime.record"),
            "evidence_count": evidence_count}

"""Home-page section: the crimes an officer or detective is investigating (allocated to
them, or to their team with nobody named yet), with the victim, what is next and when."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from haven.investigation import services
from haven.investigation.models import VictimNotice
from haven.web.home import register_section

LIMIT = 20


def _when(value) -> str:
    return timezone.localtime(value).strftime("%a %d %b %H:%M") if value else ""


def _next_step(crime, due) -> str:
    if due is not None:
        overdue = due < timezone.now()
        return f"Tell the victim {'(overdue since' if overdue else '(due'} {_when(due)})"
    if crime.arrested is None:
        return "Record the arrest, or why not"
    return f"Recorded {_when(crime.recorded_at)}; outcome still open"


def allocated_crimes(user) -> list[dict]:
    if user.force_id is None:
        return []
    crimes = list(services.crimes_for_officer(user)[:LIMIT])
    due = {}
    for crime_id, due_at in (VictimNotice.objects.filter(
            crime_id__in=[c.pk for c in crimes], told_at__isnull=True)
            .order_by("due_at").values_list("crime_id", "due_at")):
        due.setdefault(crime_id, due_at)
    items = []
    for crime in crimes:
        principal = crime.principal
        who = crime.victim.display_name if crime.victim else "no victim named"
        mine = "" if crime.allocated_to_id == user.pk else " · not yet allocated to an officer"
        items.append({
            "text": f"{crime.reference}: {principal.get_offence_display() if principal else ''}"
                    f" against {who}{mine}",
            "url": reverse("investigation:detail", args=[crime.pk]),
            "meta": _next_step(crime, due.get(crime.pk)),
            "person_id": crime.victim_id, "record": f"crime:{crime.pk}"})
    return items


def register():
    register_section("Crimes you are investigating", "crime.investigate", allocated_crimes)

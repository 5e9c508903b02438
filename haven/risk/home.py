"""Home-page sections: what each role has waiting in the risk room.

Each row names the victim, the address area and what is due when; each section that shows
anyone writes one access-log entry with the person ids it showed (never names in the log).
"""

from django.urls import reverse
from django.utils import timezone

from haven.access.capabilities import can
from haven.risk import intake_link, lists
from haven.risk.models import Assessment
from haven.risk.review import hau_queue
from haven.web.home import register_section

LIMIT = 20


def _when(value) -> str:
    return timezone.localtime(value).strftime("%a %d %b %H:%M") if value else ""


def to_complete(user):
    if user.force_id is None:
        return []
    # Supervisors and the HAU see the force's; an officer sees what was sent to them.
    everyone = can(user, "risk.review_sergeant") or can(user, "risk.hau_review")
    incidents = list(intake_link.attended_without_dash(
        user.force, officer=None if everyone else user)
        .select_related("force", "progress")[:LIMIT])
    victims = {i.pk: intake_link.victims_of(i) for i in incidents}
    areas = lists.address_areas(v.pk for vs in victims.values() for v in vs)
    now = timezone.now()
    items = []
    for incident in incidents:
        names = ", ".join(f"{v.display_name} ({areas[v.pk]})" for v in victims[incident.pk])
        due = lists.dash_due_at(incident)
        items.append({"text": f"DASH needed for incident {incident.reference}: "
                              f"{names or 'no victim recorded yet'}",
                      "url": reverse("risk:new") + f"?incident={incident.pk}",
                      "meta": f"{'overdue since' if due < now else 'due'} {_when(due)}"})
    lists.log_list(user, reason="home: assessments to complete",
                   person_ids=[v.pk for vs in victims.values() for v in vs],
                   incident_ids=[i.pk for i in incidents])
    return items


def _assessment_items(user, assessments, reason):
    rows = lists.assessment_rows(assessments)
    lists.log_list(user, reason=reason, person_ids=[r["a"].victim_id for r in rows],
                   assessment_ids=[r["a"].pk for r in rows])
    return [{"text": f"{row['name']} ({row['area']}): {row['a'].get_grade_display()} risk, "
                     f"score {row['a'].score} · Assessment {row['a'].pk}",
             "url": reverse("risk:detail", args=[row["a"].pk]),
             "meta": lists.due_text(row["due"])}
            for row in sorted(rows, key=lambda row: row["next_at"])]


def awaiting_review(user):
    rows = (Assessment.objects.filter(force_id=user.force_id,
                                      status=Assessment.Status.AWAITING_SERGEANT)
            .select_related("victim").prefetch_related("flags")
            .order_by("completed_at")[:LIMIT])
    return _assessment_items(user, rows, "home: assessments awaiting supervisor review")


def queue(user):
    """The HAU's one queue: each assessment once, with its re-assessment flags in its row."""

    return _assessment_items(user, hau_queue(user)[:LIMIT], "home: HAU queue")


def register():
    register_section("Assessments to complete", "risk.complete", to_complete)
    register_section("Assessments awaiting your review", "risk.review_sergeant", awaiting_review)
    register_section("HAU queue", "risk.hau_review", queue)

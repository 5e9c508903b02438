"""Home-page sections: what each role has waiting in the risk room. Ids only, never names."""

from django.urls import reverse
from django.utils import timezone

from haven.risk import intake_link
from haven.risk.models import Assessment, ReassessmentFlag
from haven.web.home import register_section

LIMIT = 20


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d %b %H:%M") if value else ""


def to_complete(user):
    if user.force_id is None:
        return []
    for incident in intake_link.attended_without_dash(user.force)[:LIMIT]:
        yield {"text": f"DASH needed for incident {incident.reference}",
               "url": reverse("risk:new") + f"?incident={incident.pk}",
               "meta": f"opened {_when(incident.opened_at)}"}


def awaiting_review(user):
    rows = (Assessment.objects.filter(force_id=user.force_id,
                                      status=Assessment.Status.AWAITING_SERGEANT)
            .order_by("completed_at")[:LIMIT])
    for a in rows:
        yield {"text": f"Assessment {a.pk}: {a.get_grade_display()} risk, score {a.score}",
               "url": reverse("risk:detail", args=[a.pk]),
               "meta": ("by telephone · " if a.method == "telephone" else "")
               + f"completed {_when(a.completed_at)}"}


def queue(user):
    from haven.risk.review import hau_queue

    for a in hau_queue(user)[:LIMIT]:
        flags = sum(1 for f in a.flags.all() if f.cleared_at is None)
        yield {"text": f"Assessment {a.pk}: {a.get_grade_display()} risk, score {a.score}",
               "url": reverse("risk:detail", args=[a.pk]),
               "meta": f"{a.get_status_display()}"
               + (f" · {flags} re-assessment flag(s)" if flags else "")}


def flagged(user):
    rows = (ReassessmentFlag.objects.filter(force_id=user.force_id, cleared_at__isnull=True)
            .order_by("-raised_at")[:LIMIT])
    for flag in rows:
        yield {"text": f"Person {flag.person_id}: {flag.reason}",
               "url": reverse("risk:detail", args=[flag.assessment_id]),
               "meta": f"flagged {_when(flag.raised_at)}"}


def register():
    register_section("Assessments to complete", "risk.complete", to_complete)
    register_section("Assessments awaiting your review", "risk.review_sergeant", awaiting_review)
    register_section("HAU queue", "risk.hau_review", queue)
    register_section("Risk flagged for re-assessment", "risk.hau_review", flagged)

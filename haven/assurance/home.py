"""Home-page sections of the assurance room: audits to do (auditors), feedback to read (the
member of staff audited, their own only), and feedback not yet acknowledged (supervisors).
Items name members of staff and a call's reference, never a caller or a victim."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from haven.assurance import services
from haven.web.home import register_section


def to_do(user):
    if user.force_id is None:
        return []
    items = [{"text": "Call and DASH audits", "url": reverse("assurance:index"),
              "meta": "samples, results, trends and agreement"}]
    for audit in services.to_do(user, limit=10):
        second = " (second marking, blind)" if audit.is_second else ""
        items.append({"text": f"Audit {audit.get_kind_display().lower()} "
                              f"{audit.subject_reference}{second}",
                      "url": reverse("assurance:audit", args=[audit.pk]),
                      "meta": f"{services.staff_name(audit.staff)}, "
                              f"{timezone.localtime(audit.subject_at):%d %b %Y %H:%M}"})
    return items


def feedback(user):
    items = []
    for audit in services.feedback_to_read(user):
        result = {True: "passed", False: "not passed", None: "no score"}[audit.passed]
        items.append({"text": f"Audit of {audit.subject_reference}: {result}",
                      "url": reverse("assurance:feedback", args=[audit.pk]),
                      "meta": f"audited {timezone.localtime(audit.completed_at):%d %b %Y}: "
                              "read and acknowledge"})
    return items


def unacknowledged(user):
    if user.force_id is None:
        return []
    items = []
    for audit in services.unacknowledged(user.force, limit=20):
        items.append({"text": f"{services.staff_name(audit.staff)}: audit of "
                              f"{audit.subject_reference} not yet acknowledged",
                      "url": reverse("assurance:audit", args=[audit.pk]),
                      "meta": f"feedback given {timezone.localtime(audit.completed_at):%d %b}"})
    return items


def register() -> None:
    register_section("Call and DASH audits to do", "qa.audit", to_do)
    register_section("Audit feedback to read", "qa.acknowledge", feedback)
    register_section("Audit feedback not yet acknowledged", "qa.supervise", unacknowledged)

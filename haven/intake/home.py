"""Home-page sections for the control room roles (registered in IntakeConfig.ready)."""

from django.urls import reverse

from haven.intake import rules
from haven.intake.services import scoped_incidents

LIMIT = 20


def _items(incidents, url_name="intake:detail"):
    return [{"text": f"{i.reference}: {i.get_category_display().lower()}",
             "url": reverse(url_name, args=[i.pk]),
             "meta": (i.progress.get_grade_display() or "not graded") if hasattr(i, "progress")
             else ""} for i in incidents[:LIMIT]]


def _open(user):
    return scoped_incidents(user).select_related("progress").order_by("opened_at")


def awaiting_endorsement(user):
    return _items(_open(user).filter(state=rules.RISK_ASSESSED))


def serious_to_supervise(user):
    return _items(_open(user).filter(progress__serious=True,
                                     state__in=[rules.OPENED, rules.DISPATCHED]))


def calls_to_grade(user):
    return _items(_open(user).filter(state=rules.OPENED, progress__grade=""))


def logs_to_attend(user):
    return _items(_open(user).filter(state=rules.DISPATCHED), "intake:briefing")


def register():
    from haven.web.home import register_section

    register_section("Logs awaiting your endorsement", "incident.endorse", awaiting_endorsement)
    register_section("Serious incidents to supervise", "incident.supervise", serious_to_supervise)
    register_section("Calls to grade", "incident.grade", calls_to_grade)
    register_section("Incidents to attend", "incident.attend", logs_to_attend)

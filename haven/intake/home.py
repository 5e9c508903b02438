"""Home-page sections for the control room roles (registered in IntakeConfig.ready).

Each item names the log's victim, so each section writes one access-log entry naming the
persons it shows (ids only), in the same transaction as the read.
"""

from django.db import transaction
from django.urls import reverse

from haven.access.log import record_list_access
from haven.intake import rules
from haven.intake.models import Involvement
from haven.intake.services import assigned_incidents, scoped_incidents

LIMIT = 20


def victims_of(incidents) -> dict[int, list]:
    """incident id -> its victims (Person), in one query."""
    found: dict[int, list] = {}
    rows = (Involvement.objects.filter(incident__in=incidents, role=Involvement.Role.VICTIM)
            .select_related("person").order_by("pk"))
    for involvement in rows:
        found.setdefault(involvement.incident_id, []).append(involvement.person)
    return found


def log_shown(user, person_ids, *, where: str) -> None:
    """One access-log entry naming the persons a list showed (ids only)."""
    record_list_access(user, record_type="incident_list", reason=where,
                       shown={pk: [] for pk in set(person_ids)})


def _items(user, incidents, url_name="intake:detail", *, where="home page"):
    with transaction.atomic():
        incidents = list(incidents[:LIMIT])
        victims = victims_of(incidents)
        log_shown(user, [p.pk for people in victims.values() for p in people], where=where)
    items = []
    for i in incidents:
        names = ", ".join(p.display_name for p in victims.get(i.pk, []))
        items.append({
            "text": f"{i.reference}: {i.get_category_display().lower()}"
                    + (f", victim {names}" if names else ", no victim named yet"),
            "url": reverse(url_name, args=[i.pk]),
            "meta": (i.progress.get_grade_display() or "not graded") if hasattr(i, "progress")
            else ""})
    return items


def _open(user):
    return scoped_incidents(user).select_related("progress").order_by("opened_at")


def awaiting_endorsement(user):
    return _items(user, _open(user).filter(state=rules.RISK_ASSESSED))


def serious_to_supervise(user):
    return _items(user, _open(user).filter(progress__serious=True,
                                           state__in=[rules.OPENED, rules.DISPATCHED]))


def calls_to_grade(user):
    return _items(user, _open(user).filter(state=rules.OPENED, progress__grade=""))


def logs_to_attend(user):
    """Logs dispatched to this officer by name: to attend, or attended and awaiting the DASH."""
    return _items(user, assigned_incidents(user).order_by("opened_at"), "intake:briefing",
                  where="home page: incidents assigned to you")


def register():
    # web is the top room and imports every room's pages: reached only when registering.
    from haven.web.home import register_section

    register_section("Logs awaiting your endorsement", "incident.endorse", awaiting_endorsement)
    register_section("Serious incidents to supervise", "incident.supervise", serious_to_supervise)
    register_section("Calls to grade", "incident.grade", calls_to_grade)
    register_section("Incidents assigned to you", "incident.attend", logs_to_attend)

"""Home-page sections of the perpetrators room: the top of the ranked list (names for roles
with need, pseudonyms for analysts), the programme's next meetings, and the HAU's new-partner
alerts. Each row naming a person carries its person id: the home page logs it."""

from __future__ import annotations

from django.urls import reverse

from haven.access.capabilities import can
from haven.perpetrators import services
from haven.web.home import register_section

TOP = 5


def top_ranked(user):
    run, rows = services.ranked_list(user, limit=TOP)
    items = [{"text": "Priority perpetrators: the ranked list",
              "url": reverse("perpetrators:list"),
              "meta": f"ranked {run.as_of:%d %b %Y}" if run else "not ranked yet"}]
    names = services.names_for(user, [r.person_id for r in rows])
    for r in rows:
        flags = ", ".join(f for f, on in (("serial", r.serial), ("repeat", r.repeat)) if on)
        items.append({"text": f"{r.rank}. {names[r.person_id]} (score {r.score})",
                      "url": reverse("perpetrators:detail", args=[r.person_id]),
                      "meta": flags, "person_id": r.person_id,
                      "record": f"perpetrator_rank:{r.pk}"})
    return items


def programme(user):
    items = []
    for adoption in services.adoptions_of(user.force)[:20]:
        plan = services.programme(user.force, adoption.person_id)
        items.append({"text": f"{adoption.person.display_name} (lead "
                              f"{adoption.lead.get_full_name() or adoption.lead.username})",
                      "url": reverse("perpetrators:detail", args=[adoption.person_id]),
                      "meta": f"next meeting {plan['next_meeting']:%a %d %b}" if plan else "",
                      "person_id": adoption.person_id,
                      "record": f"perpetrator_adoption:{adoption.pk}"})
    return items


def alerts(user):
    if not can(user, "perpetrator.names"):
        return []
    items = []
    for alert in services.open_alerts(user.force):
        items.append({"text": f"{alert.new_person.display_name} may be a new partner of "
                              f"serial perpetrator {alert.perpetrator.display_name}",
                      "url": reverse("perpetrators:detail", args=[alert.perpetrator_id]),
                      "meta": f"raised {alert.raised_at:%d %b %H:%M}: consider right to know",
                      "person_id": alert.new_person_id,
                      "record": f"perpetrator_alert:{alert.pk}"})
    return items


def register() -> None:
    register_section("Priority perpetrators", "perpetrator.rank", top_ranked)
    register_section("Perpetrator programme: next meetings", "perpetrator.manage", programme)
    register_section("Serial perpetrators with a new partner", "perpetrator.determine", alerts)

"""Navigation per role: an item shows when the role may do its action and its room is
installed. A room that is installed must have the page: a wrong url name raises
NoReverseMatch (fails loudly) instead of quietly hiding the item."""

from django.urls import reverse

from haven.access.capabilities import can
from haven.core.rooms import installed_rooms

# (label, url name, action that must be allowed). Rooms add their line here.
NAV = [
    ("Home", "home", None),
    ("Find a person", "people:search", "person.lookup"),
    ("New incident", "intake:new", "incident.create"),
    ("Incidents", "intake:list", "incident.view"),
    ("Assessments", "risk:list", "risk.view"),
    ("HAU queue", "risk:hau_queue", "risk.hau_review"),
    ("Risk measures", "risk:measures", "risk.measures"),
    ("Crimes", "investigation:list", "crime.view"),
    ("Protection orders", "protection:list", "order.view"),
    ("Linkage review", "people:review_queue", "linkage.review"),
    ("Victims' cases", "safeguarding:list", "case.view"),
    ("Referrals", "safeguarding:referrals", "referral.view"),
    ("Daily meeting", "safeguarding:board", "board.view"),
    ("Vulnerable people meeting", "safeguarding:meeting", "meeting.view"),
    ("MARAC", "marac:index", "marac.view"),
    ("Priority perpetrators", "perpetrators:list", "perpetrator.rank"),
    ("Problem profile", "insight:index", "insight.view"),
    ("Call and DASH audits", "assurance:index", "qa.view"),
    ("Training", "learning:index", "training.view"),
    ("Lessons learned", "learning:lessons", "lesson.read"),
    ("Tasks", "tasks:list", "tasks.view"),
    ("Access log", "access:audit", "audit.search"),
]


def nav_for(user) -> list[dict]:
    rooms = {label for label, _package in installed_rooms()}
    items = []
    for label, url_name, action in NAV:
        room = url_name.split(":")[0] if ":" in url_name else None
        if room is not None and room not in rooms:
            continue  # that room is not installed
        if action is not None and not can(user, action):
            continue
        items.append({"label": label, "url": reverse(url_name)})
    return items

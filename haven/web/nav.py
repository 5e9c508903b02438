"""Navigation per role: an item shows when the role may do its action and its page exists."""

from django.urls import NoReverseMatch, reverse

from haven.access.capabilities import can

# (label, url name, action that must be allowed). Rooms add their line here.
NAV = [
    ("Home", "home", None),
    ("Find a person", "people:search", "person.lookup"),
    ("New incident", "intake:new", "incident.create"),
    ("Incidents", "intake:list", "incident.view"),
    ("Assessments", "risk:list", "risk.view"),
    ("HAU queue", "risk:hau_queue", "risk.hau_review"),
    ("Risk measures", "risk:measures", "risk.measures"),
    ("Linkage review", "people:review_queue", "linkage.review"),
    ("Tasks", "tasks:list", "tasks.view"),
    ("Access log", "access:audit", "audit.search"),
]


def nav_for(user) -> list[dict]:
    items = []
    for label, url_name, action in NAV:
        if action is not None and not can(user, action):
            continue
        try:
            items.append({"label": label, "url": reverse(url_name)})
        except NoReverseMatch:
            continue  # that room's page is not built yet
    return items

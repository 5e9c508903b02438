"""Sections of each role's home page. Rooms register what a role's work list shows.

A section is (title, action, function(user) -> list of {"text", "url", "meta"}).
An item whose text names a person must also carry "person_id" (and may carry "record", an
id such as "assessment:3"): the home page writes one access-log entry per person it shows.
"""

from haven.access.capabilities import can

SECTIONS: list[tuple[str, str, object]] = []


def register_section(title: str, action: str, items):
    SECTIONS.append((title, action, items))


def sections_for(user) -> list[dict]:
    result = []
    for title, action, items in SECTIONS:
        if can(user, action):
            result.append({"title": title, "items": list(items(user))})
    return result

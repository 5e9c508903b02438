"""How the case pages name things: the victim's name, each chronology entry's kind, source
and sensitivity (display only; no rules here)."""

from __future__ import annotations

SENSITIVITY_LABELS = {1: "Normal", 2: "Restricted", 3: "Confidential"}

# Where an entry came from, in words an officer uses.
ROOM_SOURCES = {
    "intake": "Police: incident log",
    "risk": "Police: risk assessment",
    "people": "Police records (legacy systems)",
    "safeguarding": "Police: safeguarding",
    "investigation": "Police: investigation",
    "marac": "MARAC",
}
TYPE_SOURCES = {
    "intelligence": "Intelligence",
    "partner_entry": "Partner agency (their entry)",
    "referral": "Police: referral to a partner agency",
    "letter": "Police: letter",
    "meeting_item": "Vulnerable people meeting",
}


def person_names(user, person_ids) -> dict[int, str]:
    """person id -> name, for the persons this user may see (the people room's scope).

    A case another force shared with the user's names a person of that force, whom the
    people room does not yet scope to this user: such a person is missing here and the
    pages say "Name held by the sharing force" (see docs/safeguarding.md, "Left to do")."""
    # Imported here: the people room's access module imports its models, and this module
    # is imported by home.py at AppConfig.ready().
    from haven.people.access import scoped_persons

    ids = {pk for pk in person_ids if pk is not None}
    if not ids:
        return {}
    return {p.pk: p.display_name for p in scoped_persons(user).filter(pk__in=ids)}


def kind_label(kind: str) -> str:
    """"dash_hau_reviewed" -> "Dash hau reviewed"; a legacy kind says it is a legacy record."""
    text = kind.replace("_", " ").strip()
    if text.startswith("legacy "):
        text = text.removeprefix("legacy ") + " (legacy record)"
    return text[:1].upper() + text[1:]


def source_label(entry) -> str:
    """The entry's source: a partner agency's own words are marked as theirs."""
    if entry.source_type in TYPE_SOURCES:
        return TYPE_SOURCES[entry.source_type]
    return ROOM_SOURCES.get(entry.source_room, entry.source_room.title())

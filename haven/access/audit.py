"""The auditor's search of the access log, scoped to the auditor's own force."""

from django.db.models import Q, QuerySet

from haven.access.models import AccessLogEntry

# fn(force_id) -> a queryset of the ids of that force's persons; the people room registers it
# (PeopleConfig.ready), since the log stores person ids and people owns the persons.
_PERSONS_OF_FORCE = []


def register_persons_of_force(fn) -> None:
    _PERSONS_OF_FORCE[:] = [fn]


def search_entries(auditor, criteria: dict, limit: int = 500) -> QuerySet[AccessLogEntry]:
    """Entries made by the auditor's force's users, or about its people; newest first."""
    own = Q(organisation=auditor.force.code)
    for persons_of_force in _PERSONS_OF_FORCE:
        own |= Q(person_id__in=persons_of_force(auditor.force_id))
    entries = AccessLogEntry.objects.filter(own)
    if criteria.get("person_id") is not None:
        entries = entries.filter(person_id=criteria["person_id"])
    if criteria.get("username"):
        entries = entries.filter(username=criteria["username"])
    if criteria.get("date_from"):
        entries = entries.filter(at__date__gte=criteria["date_from"])
    if criteria.get("date_to"):
        entries = entries.filter(at__date__lte=criteria["date_to"])
    return entries.order_by("-id")[:limit]

"""The auditor's search of the access log, scoped to the auditor's own force."""

from django.db.models import Q, QuerySet

from haven.access.models import AccessLogEntry


def search_entries(auditor, criteria: dict, limit: int = 500) -> QuerySet[AccessLogEntry]:
    """Entries made by the auditor's force's users, or about its people; newest first."""
    from haven.people.models import Person  # the log stores person ids, not keys

    own_people = Person.objects.filter(force_id=auditor.force_id).values("id")
    entries = AccessLogEntry.objects.filter(
        Q(organisation=auditor.force.code) | Q(person_id__in=own_people)
    )
    if criteria.get("person_id") is not None:
        entries = entries.filter(person_id=criteria["person_id"])
    if criteria.get("username"):
        entries = entries.filter(username=criteria["username"])
    if criteria.get("date_from"):
        entries = entries.filter(at__date__gte=criteria["date_from"])
    if criteria.get("date_to"):
        entries = entries.filter(at__date__lte=criteria["date_to"])
    return entries.order_by("-id")[:limit]

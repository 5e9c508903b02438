"""What intake gives the insight store (docs/insight.md, "The extract shape"): every incident
(DA or not: the DA share of calls needs both) with its reconciled event, so that one real
incident recorded in three systems counts once; and who was involved, pseudonymised.

Places leave as the postcode district and a keyed place hash (for repeat locations), both
"withheld" when the place is confidential (a refuge) for anyone in the force. No address
line, no postcode, no summary, no coordinates.
"""

from __future__ import annotations

from django.utils import timezone

from haven.core.extracts import narrowed
from haven.forces.models import Force
from haven.intake.models import Incident, IncidentProgress, Involvement
from haven.intake.reconcile_models import ReconciledIncident
from haven.people.addresses import force_places, place, postcode_district

WITHHELD = "withheld"


def local(moment):
    """UK local time without a zone (the store's timestamps are local: hour-of-day counts)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None

TABLES = {
    "incidents": [
        ("force_code", "VARCHAR"), ("incident_id", "BIGINT"), ("event_id", "BIGINT"),
        ("source_system", "VARCHAR"), ("occurred_at", "TIMESTAMP"),
        ("reported_via", "VARCHAR"), ("category", "VARCHAR"), ("domestic_abuse", "BOOLEAN"),
        ("children_present", "BOOLEAN"), ("district", "VARCHAR"), ("place_key", "VARCHAR"),
        ("grade", "VARCHAR"), ("attend_minutes", "DOUBLE"),
    ],
    "involvements": [("incident_id", "BIGINT"), ("person_key", "VARCHAR"),
                     ("role", "VARCHAR"), ("relationship", "VARCHAR")],
}


def _incidents(force_ids, since, until):
    return narrowed(Incident.objects.all(), force_ids, since, until, dated="opened_at")


def extracts(force_ids, since, until, *, pseudonym) -> dict:
    codes = dict(Force.objects.values_list("pk", "code"))
    incidents = _incidents(force_ids, since, until)
    events = dict(ReconciledIncident.objects.filter(incident__in=incidents)
                  .values_list("incident_id", "event"))
    progress = {i: (grade, opened, attended) for i, grade, opened, attended in
                IncidentProgress.objects.filter(incident__in=incidents).values_list(
                    "incident_id", "grade", "incident__opened_at", "attended_at")}
    confidential = {}

    def places_of(force_id):
        if force_id not in confidential:
            confidential[force_id] = force_places(force_id)
        return confidential[force_id]

    def incident_rows():
        for (pk, force_id, system, occurred, opened, via, category, da, children, line,
             postcode) in incidents.values_list(
                "pk", "force_id", "source_system", "occurred_at", "opened_at", "reported_via",
                "category", "domestic_abuse", "children_present", "address_line",
                "postcode").iterator(chunk_size=20000):
            here = place(line, postcode)
            if here and here in places_of(force_id):
                district, place_key = WITHHELD, WITHHELD
            else:
                district = postcode_district(postcode) or None
                place_key = pseudonym.place(f"{here.postcode}|{here.line}") if here else None
            grade, opened_at, attended = progress.get(pk, ("", None, None))
            minutes = ((attended - opened_at).total_seconds() / 60
                       if attended and opened_at else None)
            yield (codes.get(force_id), pk, events.get(pk, pk), system or "haven",
                   local(occurred or opened), via, category, da, children, district,
                   place_key, grade or None, minutes)

    def involvement_rows():
        for incident_id, person_id, role, relationship in Involvement.objects.filter(
                incident__in=incidents).values_list(
                "incident_id", "person_id", "role", "relationship").iterator(chunk_size=20000):
            yield (incident_id, pseudonym.person(person_id), role, relationship or None)

    return {"incidents": incident_rows(), "involvements": involvement_rows()}

"""What investigation gives the insight store (docs/insight.md, "The extract shape"): every
recorded crime (DA flag or not: the DA share of crime needs both) with its principal offence,
arrest and Home Office outcome, and every offence a crime lists. Victim and suspect appear
only as pseudonymous keys; no summary, no reference, no legacy row."""

from __future__ import annotations

from django.utils import timezone

from haven.forces.models import Force
from haven.investigation.models import Crime, CrimeOffence

TABLES = {
    "crimes": [
        ("force_code", "VARCHAR"), ("crime_id", "BIGINT"), ("incident_id", "BIGINT"),
        ("recorded_at", "TIMESTAMP"), ("domestic_abuse", "BOOLEAN"),
        ("offence", "VARCHAR"), ("victim_key", "VARCHAR"), ("suspect_key", "VARCHAR"),
        ("arrested", "BOOLEAN"), ("outcome", "INTEGER"), ("outcome_at", "TIMESTAMP"),
    ],
    "crime_offences": [("crime_id", "BIGINT"), ("offence", "VARCHAR"),
                       ("principal", "BOOLEAN")],
}


def local(moment):
    """UK local time without a zone (the store's timestamps are local)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def extracts(force_ids, since, until, *, pseudonym) -> dict:
    codes = dict(Force.objects.values_list("pk", "code"))
    crimes = Crime.objects.all()
    if force_ids is not None:
        crimes = crimes.filter(force_id__in=list(force_ids))
    if since is not None:
        crimes = crimes.filter(recorded_at__gte=since)
    if until is not None:
        crimes = crimes.filter(recorded_at__lt=until)
    offences = CrimeOffence.objects.filter(crime__in=crimes)
    principal = dict(offences.filter(principal=True).values_list("crime_id", "offence"))

    def crime_rows():
        for (pk, force_id, incident_id, recorded, da, victim, suspect, arrested, outcome,
             outcome_at) in crimes.values_list(
                "pk", "force_id", "incident_id", "recorded_at", "domestic_abuse", "victim_id",
                "suspect_id", "arrested", "outcome", "outcome_at").iterator(chunk_size=20000):
            yield (codes.get(force_id), pk, incident_id, local(recorded), da,
                   principal.get(pk, "other"), pseudonym.person(victim),
                   pseudonym.person(suspect), arrested, outcome, local(outcome_at))

    def offence_rows():
        yield from offences.values_list("crime_id", "offence", "principal").iterator(
            chunk_size=20000)

    return {"crimes": crime_rows(), "crime_offences": offence_rows()}

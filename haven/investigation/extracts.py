"""What investigation gives the insight store (docs/insight.md, "The extract shape"): every
recorded crime (DA flag or not: the DA share of crime needs both) with its principal offence,
arrest and Home Office outcome, and every offence a crime lists. Victim and suspect appear
only as pseudonymous keys; no summary, no reference, no legacy row.

`victim_notices`: the Victims' Code clock of every crime (when the victim was to be told,
whether enhanced, and when they were told), for the compliance measure. Never what they
were told, how, or by whom."""

from __future__ import annotations

from django.utils import timezone

from haven.core.extracts import narrowed
from haven.forces.models import Force
from haven.investigation.models import Crime, CrimeOffence, VictimNotice

TABLES = {
    "crimes": [
        ("force_code", "VARCHAR"), ("crime_id", "BIGINT"), ("incident_id", "BIGINT"),
        ("recorded_at", "TIMESTAMP"), ("domestic_abuse", "BOOLEAN"),
        ("offence", "VARCHAR"), ("victim_key", "VARCHAR"), ("suspect_key", "VARCHAR"),
        ("arrested", "BOOLEAN"), ("outcome", "INTEGER"), ("outcome_at", "TIMESTAMP"),
    ],
    "crime_offences": [("crime_id", "BIGINT"), ("offence", "VARCHAR"),
                       ("principal", "BOOLEAN")],
    "victim_notices": [("force_code", "VARCHAR"), ("notice_id", "BIGINT"),
                       ("crime_id", "BIGINT"), ("enhanced", "BOOLEAN"),
                       ("due_at", "TIMESTAMP"), ("told_at", "TIMESTAMP")],
}


def local(moment):
    """UK local time without a zone (the store's timestamps are local)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def extracts(force_ids, since, until, *, pseudonym) -> dict:
    codes = dict(Force.objects.values_list("pk", "code"))
    crimes = Crime.objects.all()
    crimes = narrowed(crimes, force_ids, since, until, dated="recorded_at")
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

    # notices are narrowed by when they fall due (a crime recorded before the period may
    # have a notice due in it), not by their crime's recording
    notices = narrowed(VictimNotice.objects.all(), force_ids, since, until, dated="due_at",
                       force="crime__force_id")

    def notice_rows():
        for pk, force_id, crime_id, enhanced, due, told in notices.values_list(
                "pk", "crime__force_id", "crime_id", "enhanced", "due_at", "told_at").iterator(
                chunk_size=20000):
            yield (codes.get(force_id), pk, crime_id, enhanced, local(due), local(told))

    return {"crimes": crime_rows(), "crime_offences": offence_rows(),
            "victim_notices": notice_rows()}

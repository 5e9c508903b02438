"""What other rooms may read of investigation (crimes, suspects, custody), without its tables.

Add a function here rather than importing `haven.investigation.models` from another room.
"""


# --- bail conditions, for the protection room (issue 14) --------------------------------------

# Events that end a period of pre-charge police bail (the conditions go with it).
BAIL_ENDED_BY = frozenset({"released_nfa", "rui", "charge", "out_of_court", "no_prosecution",
                           "remand"})
BAIL_KINDS = frozenset({"bail", "bail_change"}) | BAIL_ENDED_BY


def bail_conditions_text(conditions: dict) -> str:
    """Bail conditions as the crime page words them (empty when there are none)."""
    parts = []
    if conditions.get("protected_person"):
        parts.append("Not to contact or approach the victim")
    if conditions.get("no_contact"):
        parts.append("No contact, directly or through others")
    if conditions.get("exclusion_zone"):
        parts.append(f"Keep out of {conditions['exclusion_zone']}")
    if conditions.get("other"):
        parts.append(str(conditions["other"]))
    return "; ".join(parts)


def bail_periods(crime_id) -> dict | None:
    """The crime's periods of bail with conditions, worked out from its custody events in
    order: {"force_id", "suspect_id", "victim_id", "reference", "periods": [{"event_id" (the
    event that started it), "starts_at", "conditions" (text), "until" (the bail return date or
    None), "ended_at", "ended_by" (label) or None}]}. Bail (or a change) with conditions starts
    a period or changes the open one; bail without conditions, a cancellation, a release,
    RUI, a charge, an out-of-court disposal, a decision not to prosecute or a remand ends it.
    Ids and plain values only; None for an unknown crime."""
    # Imported here so that this appended block leaves the shared file's header alone.
    from haven.investigation.models import CaseEvent, Crime

    crime = Crime.objects.filter(pk=crime_id).values(
        "force_id", "suspect_id", "victim_id", "reference").first()
    if crime is None:
        return None
    labels = dict(CaseEvent.Kind.choices)
    periods, current = [], None
    for event in CaseEvent.objects.filter(crime_id=crime_id, kind__in=BAIL_KINDS).order_by(
            "occurred_at", "pk"):
        text = bail_conditions_text(event.conditions or {})
        if event.kind in ("bail", "bail_change") and text:
            if current is None:
                current = {"event_id": event.pk, "starts_at": event.occurred_at,
                           "ended_at": None, "ended_by": None}
                periods.append(current)
            current.update(conditions=text, until=event.next_date)
        elif current is not None:
            current.update(ended_at=event.occurred_at, ended_by=labels.get(event.kind, ""))
            current = None
    return {**crime, "periods": periods}


# --- crimes, offences and custody, for the perpetrators room (issue 15) -----------------------


def offence_labels() -> dict[str, str]:
    """offence code -> label, in the order of the investigation room's list."""
    # Imported here so that this appended block leaves the shared file's header alone.
    from haven.investigation.models import Offence

    return dict(Offence.choices)


def da_crime_rows(force, *, since=None, person_ids=None) -> list[dict]:
    """The force's DA crimes (recorded since `since`; with `person_ids`: only those naming
    one of them as victim or suspect) as plain rows: {id, label, when (recorded), incident_id,
    victim, suspect, offences: [codes, principal first], outcome}. Ids and codes only."""
    from django.db.models import Q  # here: this appended block leaves the header alone

    from haven.investigation.models import Crime, CrimeOffence  # here: header left alone

    crimes = Crime.objects.filter(force=force, domestic_abuse=True)
    if since is not None:
        crimes = crimes.filter(recorded_at__gte=since)
    if person_ids is not None:
        ids = list(person_ids)
        crimes = crimes.filter(Q(victim_id__in=ids) | Q(suspect_id__in=ids))
    rows = {c["id"]: {"id": c["id"], "label": c["reference"], "when": c["recorded_at"],
                      "incident_id": c["incident_id"], "victim": c["victim_id"],
                      "suspect": c["suspect_id"], "outcome": c["outcome"], "offences": []}
            for c in crimes.values("id", "reference", "recorded_at", "incident_id",
                                   "victim_id", "suspect_id", "outcome").iterator()}
    offences = CrimeOffence.objects.filter(crime_id__in=list(rows)).order_by(
        "crime_id", "-principal", "position").values_list("crime_id", "offence")
    for crime_id, offence in offences.iterator():
        rows[crime_id]["offences"].append(offence)
    return list(rows.values())


def custody_events_of(person_ids) -> dict[int, list[tuple]]:
    """suspect person id -> [(when, kind)] of the case events on crimes naming them as
    suspect (arrest, remand, bail, release, sentence …), in order."""
    # Imported here so that this appended block leaves the shared file's header alone.
    from haven.investigation.models import CaseEvent

    out: dict[int, list[tuple]] = {pid: [] for pid in person_ids}
    rows = CaseEvent.objects.filter(crime__suspect_id__in=list(out)).order_by(
        "occurred_at", "pk").values_list("crime__suspect_id", "occurred_at", "kind")
    for pid, when, kind in rows.iterator():
        out[pid].append((when, kind))
    return out

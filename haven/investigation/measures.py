"""The inspection's figures, computed live from this room's crimes: arrests per 100 DA
crimes against the national range, outcome shares, charge and caution rates, and Victims'
Code compliance. The arithmetic is in `rules` (plain functions, tested against a CSV)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haven.forces.policy import policy
from haven.investigation import rules
from haven.investigation.models import Crime, VictimNotice


def crime_facts(force, *, since=None, until=None) -> list[rules.CrimeFacts]:
    crimes = Crime.objects.filter(force=force)
    if since is not None:
        crimes = crimes.filter(recorded_at__gte=since)
    if until is not None:
        crimes = crimes.filter(recorded_at__lt=until)
    return [rules.CrimeFacts(domestic_abuse=da, arrested=arrested, outcome=outcome)
            for da, arrested, outcome in crimes.values_list("domestic_abuse", "arrested",
                                                            "outcome")]


def compliance(force, *, since=None, now=None) -> dict:
    """Victims' Code: of the notices due by now (or already done), how many were on time."""
    now = now or timezone.now()
    notices = VictimNotice.objects.filter(crime__force=force)
    if since is not None:
        notices = notices.filter(due_at__gte=since)
    due = list(notices.filter(due_at__lte=now).values_list("due_at", "told_at"))
    due += list(notices.filter(due_at__gt=now, told_at__isnull=False)
                .values_list("due_at", "told_at"))
    on_time = sum(1 for due_at, told_at in due if told_at is not None and told_at <= due_at)
    return {"due": len(due), "on_time": on_time,
            "rate": 100 * on_time / len(due) if due else None,
            "open": notices.filter(told_at__isnull=True).count()}


def figures(force, *, now=None, since=None) -> dict:
    now = now or timezone.now()
    days = policy(force, "investigation_measures_days", at=now)
    since = since or now - dt.timedelta(days=days)
    facts = crime_facts(force, since=since, until=now + dt.timedelta(seconds=1))
    per_100 = rules.arrests_per_100(facts)
    band = policy(force, "arrests_per_100_national_range", at=now)
    shares = rules.outcome_shares(facts)
    return {
        "since": since, "days": days,
        "crimes": sum(1 for f in facts if f.domestic_abuse),
        "arrests_per_100": per_100,
        "national_range": band,
        "inspection_figure": policy(force, "arrests_per_100_inspection_figure", at=now),
        "against_range": rules.within_range(per_100, band),
        "rates": rules.rates(facts),
        "shares": [{"outcome": key, "label": rules.outcome_label(key if key != "open" else None),
                    "percent": value}
                   for key, value in sorted(shares.items(),
                                            key=lambda kv: (kv[0] == "open", str(kv[0]).zfill(3)))],
        "compliance": compliance(force, since=since, now=now),
    }

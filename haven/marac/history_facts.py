"""MARAC in the call-time history (people.history plug-in): the person's latest referral
within `marac_lookback_days`, with when it was heard. This room is the only source of MARAC
facts (legacy marac.csv is ingested here, see haven/marac/ingest.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.utils import timezone

from haven.marac.models import Referral
from haven.people.history import register_history_facts


def _parse(value) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def marac_facts(ids, at, windows, context) -> dict[int, dict]:
    out: dict[int, dict] = {}
    rows = (Referral.objects.filter(victim_id__in=ids, referred_at__lte=at)
            .exclude(status=Referral.Status.TRANSFERRED)
            .annotate(heard=Max("cases__heard_at"))
            .values_list("victim_id", "referred_at", "heard", "legacy_row", "area__name"))
    for person_id, referred, heard, legacy, area in rows:
        if at - referred > windows[person_id]["marac"]:
            continue
        current = out.get(person_id, {}).get("marac")
        if current is None or referred > current["referred_at"]:
            out[person_id] = {"marac": {
                "referred_at": referred, "heard_at": heard or _parse(legacy.get("heard_at")),
                "area": area, "source": "marac"}}
    return out


def register() -> None:
    register_history_facts("marac.referrals", marac_facts, defaults={"marac": None})

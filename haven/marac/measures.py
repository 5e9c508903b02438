"""MARAC measures against SafeLives' published expectations (R-MARAC-13/14), per area and for
the force, over `marac_measures_days` up to a day; and the SafeLives-shaped CSV.

A case "heard" is a listed referral whose discussion the chair recorded in the period
(repeats included). Population per area is configuration (`marac_area_population`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils import timezone

from haven.core.csvsafe import safe_cell
from haven.forces.policy import policy
from haven.marac import rules
from haven.marac.models import Area, Case, Referral

AGENCIES = [value for value, _label in Referral.Agency.choices]


@dataclass
class AreaMeasures:
    area: str
    population: int | None
    cases_heard: int = 0
    repeat_cases: int = 0
    children: int = 0
    with_idva: int = 0
    referrals_by_agency: dict = field(default_factory=dict)

    @property
    def per_10000(self):
        return rules.cases_per_10000(self.cases_heard, self.population)

    @property
    def repeat_rate(self):
        return rules.rate(self.repeat_cases, self.cases_heard)

    @property
    def idva_share(self):
        return rules.rate(self.with_idva, self.cases_heard)

    @property
    def referrals(self) -> int:
        return sum(self.referrals_by_agency.values())

    @property
    def partner_referrals(self) -> int:
        return self.referrals - self.referrals_by_agency.get("police", 0)


def period(force, until: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    until = until or timezone.localdate()
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    days = policy(force, "marac_measures_days", at=end)
    return end - dt.timedelta(days=days), end


def measures(force, until: dt.date | None = None) -> dict:
    start, end = period(force, until)
    population = policy(force, "marac_area_population", at=end) or {}
    rows = {a.pk: AreaMeasures(a.name, population.get(a.name),
                               referrals_by_agency={k: 0 for k in AGENCIES})
            for a in Area.objects.filter(force=force).order_by("name")}
    heard = (Case.objects.filter(meeting__force=force, heard_at__gte=start, heard_at__lt=end)
             .values_list("meeting__area_id", "referral__criterion", "referral__repeat_of_id",
                          "referral__children_in_household", "referral__idva_outcome"))
    for area_id, criterion, repeat_of, children, idva in heard:
        row = rows[area_id]
        row.cases_heard += 1
        row.repeat_cases += criterion == rules.REPEAT or repeat_of is not None
        row.children += children or 0
        row.with_idva += idva in ("contacted", "engaged")
    referred = (Referral.objects.filter(force=force, referred_at__gte=start, referred_at__lt=end,
                                        transferred_from__isnull=True)
                .values_list("area_id", "referring_agency"))
    unplaced = {k: 0 for k in AGENCIES}  # referrals not yet listed in an area
    for area_id, agency in referred:
        (rows[area_id].referrals_by_agency if area_id in rows else unplaced)[agency] += 1
    total = AreaMeasures("All areas", sum(population.get(r.area) or 0 for r in rows.values())
                         or None, referrals_by_agency={k: 0 for k in AGENCIES})
    for row in rows.values():
        total.cases_heard += row.cases_heard
        total.repeat_cases += row.repeat_cases
        total.children += row.children
        total.with_idva += row.with_idva
        for k, v in row.referrals_by_agency.items():
            total.referrals_by_agency[k] += v
    for k, v in unplaced.items():
        total.referrals_by_agency[k] += v
    if any(r.population is None for r in rows.values()):
        total.population = None  # a rate over part of the force would mislead
    return {"start": start, "end": end, "areas": list(rows.values()), "total": total,
            "expected_per_10000": policy(force, "marac_expected_cases_per_10000", at=end),
            "expected_repeat": policy(force, "marac_expected_repeat_rate", at=end)}


# The SafeLives MARAC data return, one row per MARAC for the period. Victims' protected
# characteristics (BAME, LGBT, disabled, male, 16-17) are not recorded by this room yet: the
# columns are there, left blank.
CSV_COLUMNS = ["marac", "period_start", "period_end", "adult_female_population",
               "cases_discussed", "cases_per_10000", "repeat_cases", "repeat_rate_percent",
               "children_in_households", "cases_with_idva", "idva_percent",
               *[f"referrals_{k}" for k in AGENCIES],
               "bame_victims", "lgbt_victims", "disabled_victims", "male_victims",
               "victims_16_17"]


def csv_text(force, until: dt.date | None = None) -> str:
    data = measures(force, until)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    start = data["start"].date().isoformat()
    end = (data["end"] - dt.timedelta(days=1)).date().isoformat()
    for row in data["areas"]:
        writer.writerow([safe_cell(row.area), start, end, row.population or "",
                         row.cases_heard, "" if row.per_10000 is None else row.per_10000,
                         row.repeat_cases, "" if row.repeat_rate is None else row.repeat_rate,
                         row.children, row.with_idva,
                         "" if row.idva_share is None else row.idva_share,
                         *[row.referrals_by_agency[k] for k in AGENCIES],
                         "", "", "", "", ""])
    return out.getvalue()

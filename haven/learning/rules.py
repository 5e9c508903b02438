"""The training needs analysis and its timed implementation plan, over plain data.

HMIC 2014 (Warwickshire), recommendation 2: "conduct a training needs analysis to establish
what domestic abuse training is required across the force, and develop a timed
implementation plan". No database here: the services hand in staff, completions, the
force's requirements and capacity (policy) and the needs audits found, and get back

- `gaps(...)`: one gap per (person, module): audit-driven, expired, missing or expiring soon;
- `summarise(gaps, by)`: gaps counted per role, team or person and kind;
- `plan(...)`: each gap scheduled into a month from the next month on, in priority order
  (audit-driven and expired first, then missing, then expiring), never over a module's
  places per month nor the month's training hours; a gap that does not fit inside the
  horizon is reported as beyond it (nothing is dropped silently).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

AUDIT, EXPIRED, MISSING, EXPIRING = "audit", "expired", "missing", "expiring"
PRIORITY = {AUDIT: 0, EXPIRED: 0, MISSING: 1, EXPIRING: 2}
KIND_LABELS = {AUDIT: "Found by audit", EXPIRED: "Expired", MISSING: "Never completed",
               EXPIRING: "Expiring soon"}


@dataclass(frozen=True)
class Staff:
    user_id: int
    role: str
    team: str


@dataclass(frozen=True)
class AuditNeed:
    user_id: int
    module: str
    reason: str
    found_on: dt.date


@dataclass(frozen=True)
class Gap:
    user_id: int
    role: str
    team: str
    module: str
    kind: str
    reason: str
    last_completed: dt.date | None = None
    expires_on: dt.date | None = None  # expired or expiring: when the refresh fell due
    also: tuple[str, ...] = ()  # other kinds folded into this gap (audit + expired)

    @property
    def priority(self) -> int:
        return PRIORITY[self.kind]


@dataclass(frozen=True)
class Planned:
    gap: Gap
    month: dt.date  # the first day of the month it is planned in

    @property
    def by(self) -> dt.date:
        """Complete by the last day of its month."""
        return month_end(self.month)


@dataclass(frozen=True)
class Beyond:
    gap: Gap
    why: str


@dataclass
class Plan:
    items: list[Planned] = field(default_factory=list)
    beyond: list[Beyond] = field(default_factory=list)
    months: list[dt.date] = field(default_factory=list)

    def load(self) -> dict[dt.date, Counter]:
        """month -> module -> places used."""
        used: dict[dt.date, Counter] = {m: Counter() for m in self.months}
        for item in self.items:
            used[item.month][item.gap.module] += 1
        return used

    def hours(self, durations: Mapping[str, Decimal]) -> dict[dt.date, Decimal]:
        used = {m: Decimal(0) for m in self.months}
        for item in self.items:
            used[item.month] += Decimal(durations.get(item.gap.module, 0))
        return used


# ---- Dates ------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# ---- Gaps -------------------------------------------------------------------------------


def gaps(staff: Iterable[Staff], completions: Mapping[tuple[int, str], dt.date],
         requirements: Mapping[str, Mapping[str, int]], audit_needs: Iterable[AuditNeed],
         *, today: dt.date, expiring_days: int) -> list[Gap]:
    """One gap per (person, module) a person needs and does not hold.

    `completions`: (user id, module) -> the latest completion. `requirements`: role ->
    module -> refresh period in months (0: once, never expires). An audit need counts until
    the person completes the module on or after the audit found it; when a person also has
    a requirement gap for the module, the two are one gap, planned as audit-driven."""
    found: dict[tuple[int, str], Gap] = {}
    people = {s.user_id: s for s in staff}
    soon = today + dt.timedelta(days=expiring_days)
    for person in people.values():
        for module, refresh in sorted(requirements.get(person.role, {}).items()):
            last = completions.get((person.user_id, module))
            if last is None:
                gap = Gap(person.user_id, person.role, person.team, module, MISSING,
                          "Required for the role; never completed")
            elif refresh and add_months(last, refresh) <= today:
                expires = add_months(last, refresh)
                gap = Gap(person.user_id, person.role, person.team, module, EXPIRED,
                          f"Refresh every {refresh} months: due {expires:%d %b %Y}",
                          last, expires)
            elif refresh and add_months(last, refresh) <= soon:
                expires = add_months(last, refresh)
                gap = Gap(person.user_id, person.role, person.team, module, EXPIRING,
                          f"Refresh every {refresh} months: due {expires:%d %b %Y}",
                          last, expires)
            else:
                continue
            found[(person.user_id, module)] = gap
    needs: dict[tuple[int, str], list[AuditNeed]] = defaultdict(list)
    for need in audit_needs:
        if need.user_id in people:  # only the force's own staff
            needs[(need.user_id, need.module)].append(need)
    for (user_id, module), items in sorted(needs.items()):
        latest = max(items, key=lambda n: n.found_on)
        last = completions.get((user_id, module))
        if last is not None and last >= latest.found_on:
            continue  # trained since the audit found it
        person = people[user_id]
        reason = "; ".join(sorted({n.reason for n in items}))
        earlier = found.get((user_id, module))
        also = (earlier.kind,) if earlier else ()
        found[(user_id, module)] = Gap(
            user_id, person.role, person.team, module, AUDIT, reason, last,
            earlier.expires_on if earlier else None, also)
    return sorted(found.values(), key=_order)


def _order(gap: Gap):
    return (gap.priority, gap.expires_on or dt.date.min, gap.team, gap.user_id, gap.module)


def summarise(found: Iterable[Gap], by: str) -> dict:
    """key (role, team or user id) -> {kind: count, "total": count}, keys sorted."""
    table: dict = defaultdict(Counter)
    for gap in found:
        key = {"role": gap.role, "team": gap.team, "person": gap.user_id}[by]
        table[key][gap.kind] += 1
        table[key]["total"] += 1
    return {key: dict(table[key]) for key in sorted(table, key=str)}


# ---- The plan ---------------------------------------------------------------------------


def plan(found: Iterable[Gap], *, capacity: Mapping[str, int], hours_per_month: Decimal | int,
         durations: Mapping[str, Decimal], today: dt.date, horizon_months: int) -> Plan:
    """Schedule each gap into the earliest month, from next month, with room for it.

    A month has room when the module has a place left (`capacity`: module -> places per
    month) and the month's hours (`hours_per_month`, over every module) can take the
    module's duration. Gaps are taken in priority order (audit-driven and expired, then
    missing, then expiring soon; then by due date, team, person). A gap that finds no room
    within `horizon_months` is reported in `beyond` with the reason."""
    first = add_months(month_start(today), 1)
    months = [add_months(first, n) for n in range(horizon_months)]
    result = Plan(months=months)
    places: dict[dt.date, Counter] = {m: Counter() for m in months}
    hours = {m: Decimal(0) for m in months}
    budget = Decimal(hours_per_month)
    for gap in sorted(found, key=_order):
        limit = int(capacity.get(gap.module, 0))
        length = Decimal(durations.get(gap.module, 0))
        if limit <= 0:
            result.beyond.append(Beyond(gap, "no places a month for this module in the "
                                              "force's training capacity"))
            continue
        if length > budget:
            result.beyond.append(Beyond(gap, "the module is longer than the month's "
                                              "training hours"))
            continue
        for month in months:
            if places[month][gap.module] < limit and hours[month] + length <= budget:
                places[month][gap.module] += 1
                hours[month] += length
                result.items.append(Planned(gap, month))
                break
        else:
            result.beyond.append(Beyond(gap, f"no room in the next {horizon_months} months "
                                              "at the force's training capacity"))
    return result

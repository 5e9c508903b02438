"""Perpetrator rules as plain functions over plain data (policy values passed in).

- `allegations_from`: incidents and crimes -> one `Allegation` per (event, perpetrator,
  victim), a crime raised from an incident adding its offences to that incident's allegation;
- `resolve_counter_allegations`: one primary perpetrator per pair recorded both ways round
  (domain rules §13): a recorded determination where there is one; otherwise the person
  recorded as suspect more often against the other; on a tie the one first recorded as
  suspect. The other's allegations against the primary are set aside (never counted);
- `identify`: serial (R-PERP-01/02: two or more *unconnected* victims, window, ages 16+) and
  repeat (R-PERP-03: two or more against the same victim within the repeat window);
- `several_abusers`: the victim-side mirror (victims with two or more unconnected abusers);
- `score`: Recency-Frequency-Gravity-Victims (R-PERP-05/06) in whole points, every point
  carried by a `Part` that names its incident, offence or victim;
- `concentration`: the share of harm caused by the top 1, 2, 5 % ("power few");
- `next_meeting_on`, `harm_before_after`, `in_custody`, `movement`.

"Unconnected" victims: not linked in `links` (pairs recorded as family of each other, or of
one household: a shared address). Links are worked out by the caller (services) from intake's
relationships and the people room's addresses, so these functions stay pure.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

INCIDENT, CRIME = "incident", "crime"
FAMILY = "family"


@dataclass(frozen=True)
class Allegation:
    """One perpetrator against one victim on one event (an incident, with any crime recorded
    from it, or a crime on its own)."""

    ref: str  # "incident:12" or "crime:7": the event, shared by its allegations
    label: str  # what a user reads: the log or crime reference
    when: dt.date
    perpetrator: int
    victim: int
    relationship: str = ""
    offences: tuple[str, ...] = ()  # the crime's offences; empty for a non-crime incident


@dataclass(frozen=True)
class Determination:
    """How the primary perpetrator of a pair recorded both ways round was decided."""

    pair: frozenset
    primary: int
    basis: str  # "recorded" / "more often suspect" / "first recorded as suspect"
    set_aside: tuple[str, ...] = ()  # refs of the other's allegations not counted


def allegations_from(incidents, crimes) -> list[Allegation]:
    """incidents: {id, label, when, victims: [(pid, relationship)], suspects: [(pid, rel)]};
    crimes: {id, label, when, incident_id, victim, suspect, offences}."""
    out: dict[tuple, Allegation] = {}
    by_incident: dict[int, dict] = {}
    for inc in incidents:
        by_incident[inc["id"]] = inc
        victims = dict(inc["victims"])
        for suspect, suspect_rel in inc["suspects"]:
            for victim, victim_rel in victims.items():
                if victim == suspect:
                    continue
                key = (f"{INCIDENT}:{inc['id']}", suspect, victim)
                out[key] = Allegation(key[0], inc["label"], inc["when"], suspect, victim,
                                      suspect_rel or victim_rel or "")
    for crime in crimes:
        suspect, victim = crime.get("suspect"), crime.get("victim")
        if not suspect or not victim or suspect == victim:
            continue
        offences = tuple(crime.get("offences") or ())
        inc_id = crime.get("incident_id")
        key = (f"{INCIDENT}:{inc_id}", suspect, victim) if inc_id in by_incident else None
        if key and key in out:
            found = out[key]
            out[key] = Allegation(found.ref, f"{found.label} / {crime['label']}", found.when,
                                  suspect, victim, found.relationship,
                                  found.offences + offences)
        else:
            ref = f"{CRIME}:{crime['id']}"
            out[(ref, suspect, victim)] = Allegation(ref, crime["label"], crime["when"],
                                                     suspect, victim, "", offences)
    return sorted(out.values(), key=lambda a: (a.when, a.ref, a.perpetrator, a.victim))


def resolve_counter_allegations(allegations, recorded: dict | None = None):
    """(allegations kept, [Determination]) — one primary perpetrator per pair recorded both
    ways round. `recorded`: {frozenset(pair): primary id} from a recorded determination."""
    recorded = recorded or {}
    directed: dict[tuple, list[Allegation]] = defaultdict(list)
    for a in allegations:
        directed[(a.perpetrator, a.victim)].append(a)
    drop: set[tuple] = set()
    determinations = []
    for (p, v), rows in sorted(directed.items()):
        if p > v or (v, p) not in directed:
            continue  # each two-way pair once (from its lower id)
        back = directed[(v, p)]
        pair = frozenset((p, v))
        if pair in recorded:
            primary, basis = recorded[pair], "recorded"
        elif len(rows) != len(back):
            primary = p if len(rows) > len(back) else v
            basis = "more often suspect"
        else:
            first_p = min((a.when, a.ref) for a in rows)
            first_v = min((a.when, a.ref) for a in back)
            primary = p if first_p <= first_v else v
            basis = "first recorded as suspect"
        other = v if primary == p else p
        drop.add((other, primary))
        determinations.append(Determination(
            pair, primary, basis, tuple(a.ref for a in directed[(other, primary)])))
    kept = [a for a in allegations if (a.perpetrator, a.victim) not in drop]
    return kept, determinations


def _age_ok(pid, when, dob, min_age) -> bool:
    born = dob.get(pid)
    if born is None:
        return True  # unknown age is not a reason to drop a record
    years = when.year - born.year - ((when.month, when.day) < (born.month, born.day))
    return years >= min_age


def link_index(links) -> dict[int, list[frozenset]]:
    """person id -> the links touching them (so a group's links are found without a scan)."""
    index: dict[int, list[frozenset]] = defaultdict(list)
    for pair in links:
        for member in pair:
            index[member].append(pair)
    return index


def components(ids, links) -> list[list[int]]:
    """Groups of ids joined by links (pairs as frozensets, or a `link_index`), each sorted,
    groups sorted."""
    parent = {i: i for i in ids}
    if isinstance(links, dict):
        links = {pair for i in parent for pair in links.get(i, ())}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for pair in links:
        a, b = tuple(pair) if len(pair) == 2 else (None, None)
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in ids:
        groups[find(i)].append(i)
    return sorted(sorted(g) for g in groups.values())


def _name(value) -> str:
    return "".join(ch for ch in str(value or "").lower() if ch.isalpha())


def _dob_compatible(a, b) -> bool:
    """Missing (or the 1900-01-01 placeholder), equal, or one slip: day and month swapped,
    the same year and one part, or 1 January for a year-only entry."""
    if a is None or b is None or a == b or dt.date(1900, 1, 1) in (a, b):
        return True
    if (1, 1) in ((a.month, a.day), (b.month, b.day)):
        return a.year == b.year
    if (a.day, a.month) == (b.month, b.day) and a.year == b.year:
        return True
    return a.year == b.year and (a.month == b.month or a.day == b.day)


def maybe_same(a, b) -> bool:
    """Two persons (forename, surname, date of birth) who may be one person the linker kept
    apart: the same names with a compatible date of birth, or a shared name (swapped
    forename and surname, a nickname with the same surname) with the same or a missing
    date of birth. Used so that one victim recorded twice is not counted as two unconnected
    victims (a missed link must not make a man serial)."""
    fa, sa, da = _name(a[0]), _name(a[1]), a[2]
    fb, sb, db = _name(b[0]), _name(b[1]), b[2]
    if not (sa or fa) or not (sb or fb):
        return False
    if fa == fb and sa == sb and _dob_compatible(da, db):
        return True
    shared = ({fa, sa} - {""}) & ({fb, sb} - {""})
    return bool(shared) and (da is None or db is None or da == db)


def maybe_same_links(groups, facts: dict) -> set[frozenset]:
    """Pairs within each group (a perpetrator's victims, a victim's abusers) who may be one
    person. facts: person id -> (forename, surname, date of birth)."""
    links: set[frozenset] = set()
    for group in groups:
        members = sorted(group)
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a in facts and b in facts and maybe_same(facts[a], facts[b]):
                    links.add(frozenset((a, b)))
    return links


@dataclass
class Identification:
    person: int
    allegations: list = field(default_factory=list)  # in the serial window, ages checked
    victim_groups: list = field(default_factory=list)  # unconnected groups of victims
    serial: bool = False
    repeat_victims: list = field(default_factory=list)  # victims abused repeatedly

    @property
    def victims(self) -> list[int]:
        return sorted({a.victim for a in self.allegations})

    @property
    def repeat(self) -> bool:
        return bool(self.repeat_victims)


def identify(allegations, *, at: dt.date, serial_days: int, min_victims: int, min_age: int,
             repeat_days: int, links=(), dob=None) -> dict[int, Identification]:
    """Each perpetrator's identification (allegations already resolved for counter-
    allegations). Serial: at least `min_victims` groups of unconnected victims within
    `serial_days` before `at`; repeat: two or more events against one victim within
    `repeat_days` before `at`."""
    dob = dob or {}
    since = at - dt.timedelta(days=serial_days)
    repeat_since = at - dt.timedelta(days=repeat_days)
    index = link_index(links)
    out: dict[int, Identification] = {}
    for a in allegations:
        if not (since <= a.when <= at):
            continue
        if not (_age_ok(a.perpetrator, a.when, dob, min_age)
                and _age_ok(a.victim, a.when, dob, min_age)):
            continue
        out.setdefault(a.perpetrator, Identification(a.perpetrator)).allegations.append(a)
    for ident in out.values():
        ident.victim_groups = components(ident.victims, index)
        ident.serial = len(ident.victim_groups) >= min_victims
        recent: dict[int, set] = defaultdict(set)
        for a in ident.allegations:
            if a.when >= repeat_since:
                recent[a.victim].add(a.ref)
        ident.repeat_victims = sorted(v for v, refs in recent.items() if len(refs) >= 2)
    return out


def several_abusers(allegations, *, at: dt.date, window_days: int, min_abusers: int,
                    min_age: int, links=(), dob=None) -> dict[int, list[list[int]]]:
    """victim id -> unconnected groups of their abusers, for victims with `min_abusers` or
    more groups within the window (the victim-side mirror of `identify`)."""
    mirrored = [Allegation(a.ref, a.label, a.when, a.victim, a.perpetrator, a.relationship,
                           a.offences) for a in allegations]
    found = identify(mirrored, at=at, serial_days=window_days, min_victims=min_abusers,
                     min_age=min_age, repeat_days=0, links=links, dob=dob)
    return {pid: ident.victim_groups for pid, ident in found.items() if ident.serial}


# ---- RFGV ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    component: str  # recency / frequency / gravity / victims
    text: str
    points: int
    ref: str = ""
    label: str = ""


@dataclass
class Score:
    total: int
    parts: list

    def of(self, component: str) -> int:
        return sum(p.points for p in self.parts if p.component == component)


def recency_points(days_since: int, bands) -> int:
    """bands: {up to days: points} (or [[days, points], …]) in any order; past the last
    band, none."""
    pairs = bands.items() if isinstance(bands, dict) else bands
    for limit, points in sorted((int(d), int(p)) for d, p in pairs):
        if days_since <= limit:
            return points
    return 0


def score(allegations, *, at: dt.date, window_days: int, recency_bands, frequency_points: int,
          frequency_cap: int, harm_days: dict, incident_days: int, gravity_per_day: int,
          victim_percent: list) -> Score:
    """The RFGV score of one perpetrator's allegations within `window_days` before `at`.
    Every point is in a Part; the total is their sum."""
    since = at - dt.timedelta(days=window_days)
    rows = sorted((a for a in allegations if since <= a.when <= at),
                  key=lambda a: (a.when, a.ref, a.victim))
    parts: list[Part] = []
    if not rows:
        return Score(0, parts)
    last = rows[-1]
    days_since = (at - last.when).days
    parts.append(Part("recency", f"Last incident {days_since} days ago",
                      recency_points(days_since, recency_bands), last.ref, last.label))
    events: dict[str, Allegation] = {}
    for a in rows:
        events.setdefault(a.ref, a)
    for n, (ref, a) in enumerate(sorted(events.items(), key=lambda e: (e[1].when, e[0]))):
        if n < frequency_cap:
            parts.append(Part("frequency", f"Incident on {a.when:%d %b %Y}",
                              frequency_points, ref, a.label))
    for a in rows:
        if a.offences:
            for offence in a.offences:
                days = int(harm_days.get(offence, harm_days.get("other", incident_days)))
                parts.append(Part("gravity", f"{offence}: {days} days' custody (harm index)",
                                  days * gravity_per_day, a.ref, a.label))
    for ref, a in events.items():
        if not any(r.offences for r in rows if r.ref == ref):
            parts.append(Part("gravity", f"Incident, no crime recorded: {incident_days} days",
                              incident_days * gravity_per_day, ref, a.label))
    victims = sorted({a.victim for a in rows})
    base = sum(p.points for p in parts)
    percent = int(victim_percent[min(len(victims), len(victim_percent)) - 1]) \
        if victim_percent else 100
    added = base * (percent - 100) // 100
    parts.append(Part("victims", f"{len(victims)} victim(s): x{percent} %", added))
    return Score(sum(p.points for p in parts), parts)


def band(total: int, bands: dict) -> str:
    """"high" / "medium" / "standard" by the policy's lower bounds."""
    if total >= int(bands.get("high", 10**12)):
        return "high"
    if total >= int(bands.get("medium", 10**12)):
        return "medium"
    return "standard"


# ---- Harm concentration ---------------------------------------------------------------


def concentration(harms, tops=(1, 2, 5)) -> list[dict]:
    """For each top share (per cent of the population, at least one): how many, their harm
    and its per cent of all harm (Decimal, one place)."""
    values = sorted((int(h) for h in harms), reverse=True)
    total = sum(values)
    out = []
    for top in tops:
        n = max(1, math.ceil(len(values) * top / 100)) if values else 0
        harm = sum(values[:n])
        share = (Decimal(harm * 100) / Decimal(total)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP) if total else Decimal("0.0")
        out.append({"top": top, "count": n, "of": len(values), "harm": harm,
                    "total": total, "share": share})
    return out


# ---- Programme, custody, movement ------------------------------------------------------


def next_meeting_on(adopted_on: dt.date, today: dt.date, interval_weeks: int) -> dt.date:
    """The first meeting on the 4-weekly (policy) cycle from adoption, on or after today."""
    step = dt.timedelta(weeks=interval_weeks)
    when = adopted_on + step
    while when < today:
        when += step
    return when


def harm_before_after(allegations, *, adopted_on: dt.date, today: dt.date, months: int,
                      harm_of) -> dict:
    """Harm in up to `months` months after adoption against the same length before it.
    The after-period is only as long as has passed, and the before-period is cut to match."""
    days = min(months * 30, max((today - adopted_on).days, 0))
    before = [a for a in allegations
              if adopted_on - dt.timedelta(days=days) <= a.when < adopted_on]
    after = [a for a in allegations if adopted_on <= a.when < adopted_on + dt.timedelta(days=days)]
    return {"days": days, "before": sum(harm_of(a) for a in before), "after":
            sum(harm_of(a) for a in after), "incidents_before": len({a.ref for a in before}),
            "incidents_after": len({a.ref for a in after})}


CUSTODY_IN = frozenset({"remand"})
CUSTODY_OUT = frozenset({"released_nfa", "rui", "bail", "prison_release", "no_prosecution",
                         "out_of_court"})


def in_custody(events) -> bool:
    """events: [(when, kind)] of the person's case events. In custody after a remand (or a
    sentence marked custodial, kind "sentence_custody") until a release."""
    state = False
    for _when, kind in sorted(events, key=lambda e: e[0]):
        if kind in CUSTODY_IN or kind == "sentence_custody":
            state = True
        elif kind in CUSTODY_OUT:
            state = False
    return state


def movement(previous_rank: int | None, rank: int) -> str:
    if previous_rank is None:
        return "new"
    if previous_rank == rank:
        return "no change"
    return f"up {previous_rank - rank}" if previous_rank > rank else f"down {rank - previous_rank}"

"""Assurance rules as plain functions over plain data (no database): the stratified sample
draw, scoring an audit against its form, Cohen's kappa between two auditors, and training
needs from failed questions. Policy values are passed in (haven/forces/policy.py)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

YES, NO, NA = "yes", "no", "na"
VALUES = (YES, NO, NA)
VALUE_LABELS = {YES: "Yes", NO: "No", NA: "Not applicable"}
RULES_VERSION = "draw-1"  # bumped if the draw below ever changes (recorded on each sample)
SAMPLE, REAUDIT = "sample", "reaudit"


@dataclass(frozen=True)
class Candidate:
    """One call (or assessment) that may be audited: who handled it, when, its flags."""

    id: int
    staff_id: int
    at: dt.datetime
    repeat: bool = False
    high_risk: bool = False


@dataclass(frozen=True)
class Pick:
    id: int
    staff_id: int
    reason: str  # SAMPLE, or REAUDIT: the extra call of someone who failed an audit
    double: bool  # also marked blind by a second auditor


def weight_of(candidate: Candidate, weights: Mapping[str, float]) -> float:
    """How strongly a candidate is oversampled: the product of the weights of its flags."""
    w = 1.0
    if candidate.repeat:
        w *= float(weights.get("repeat", 1))
    if candidate.high_risk:
        w *= float(weights.get("high_risk", 1))
    return w


def draw(candidates: Iterable[Candidate], *, start: dt.datetime, end: dt.datetime,
         per_staff: int, weights: Mapping[str, float], seed: int, double_share: float,
         reaudit_staff: Iterable[int] = (), reaudit_extra: int = 1) -> list[Pick]:
    """The stratified random sample of one period, reproducible from `seed`.

    - Only candidates with start <= at < end are drawn (never one outside the period).
    - Stratified by member of staff: each gets min(per_staff, what they handled) picks, plus
      `reaudit_extra` for anyone in `reaudit_staff` (they failed an audit before).
    - Within a member of staff, weighted sampling without replacement (Efraimidis-Spirakis:
      key u ** (1/w), the largest keys win), so repeat and high-risk calls are oversampled by
      their weights. Every candidate of the period gets its u from one `random.Random(seed)`
      in (id) order before any choice, so the same seed and candidates give the same picks,
      and raising a weight can only bring more flagged calls in.
    - Then ceil(double_share × picks) of the picks, chosen by the same generator, are marked
      for blind double marking.
    """
    rng = random.Random(seed)
    inside = sorted({c.id: c for c in candidates if start <= c.at < end}.values(),
                    key=lambda c: c.id)
    u = {c.id: rng.random() for c in inside}
    by_staff: dict[int, list[Candidate]] = defaultdict(list)
    for c in inside:
        by_staff[c.staff_id].append(c)
    again = set(reaudit_staff)
    chosen: list[tuple[int, int, str]] = []
    for staff in sorted(by_staff):
        pool = by_staff[staff]
        extra = reaudit_extra if staff in again else 0
        n = min(per_staff + extra, len(pool))

        def key(c, _w=weights):
            return (u[c.id] ** (1.0 / weight_of(c, _w)), -c.id)

        ranked = sorted(pool, key=key, reverse=True)[:n]
        for position, c in enumerate(sorted(ranked, key=lambda c: c.id)):
            chosen.append((c.id, staff, REAUDIT if position < min(extra, n) else SAMPLE))
    doubles = set()
    if chosen and double_share > 0:
        count = min(len(chosen), math.ceil(double_share * len(chosen)))
        doubles = set(rng.sample([pick_id for pick_id, _s, _r in chosen], count))
    return [Pick(pick_id, staff, reason, pick_id in doubles) for pick_id, staff, reason in chosen]


# ---- Scoring -------------------------------------------------------------------------------


def score(answers: Mapping[str, str], weights: Mapping[str, float]) -> float | None:
    """Weighted share of 'yes' among the questions answered yes or no; None when every
    question was 'not applicable' (nothing to score)."""
    yes = sum(weights.get(code, 1) for code, value in answers.items() if value == YES)
    no = sum(weights.get(code, 1) for code, value in answers.items() if value == NO)
    if yes + no == 0:
        return None
    return yes / (yes + no)


def passed(value: float | None, pass_mark: float) -> bool | None:
    return None if value is None else value >= pass_mark - 1e-9


def missing_answers(answers: Mapping[str, str], codes: Iterable[str]) -> list[str]:
    """Codes of the form not answered with one of yes / no / not applicable."""
    return [code for code in codes if answers.get(code) not in VALUES]


# ---- Agreement between auditors ------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    pairs: int
    observed: float | None  # share of pairs giving the same answer
    kappa: float | None  # None: not enough pairs, or no variation to measure against
    note: str


def cohens_kappa(pairs: Iterable[tuple[str, str]], *, min_pairs: int) -> Agreement:
    """Cohen's kappa of two markings of the same items (categories yes / no / na):
    (p_o - p_e) / (1 - p_e), p_e from each marker's own share of each answer."""
    pairs = [(a, b) for a, b in pairs if a in VALUES and b in VALUES]
    n = len(pairs)
    if n == 0:
        return Agreement(0, None, None, "No completed pairs")
    observed = sum(1 for a, b in pairs if a == b) / n
    if n < min_pairs:
        return Agreement(n, observed, None, f"Not enough pairs (fewer than {min_pairs})")
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[v] * second[v] for v in VALUES) / (n * n)
    if expected >= 1:
        return Agreement(n, observed, None, "Both auditors gave one answer throughout: "
                                            "kappa is undefined")
    kappa = (observed - expected) / (1 - expected)
    return Agreement(n, observed, kappa, describe_kappa(kappa))


def describe_kappa(kappa: float) -> str:
    """Landis and Koch's (1977) words for a kappa, a convention, not a standard."""
    kappa = round(kappa, 6)  # 0.6 computed as 0.6000000000000001 is still "moderate"
    for bound, words in ((0.0, "Poor"), (0.2, "Slight"), (0.4, "Fair"), (0.6, "Moderate"),
                         (0.8, "Substantial")):
        if kappa <= bound:
            return f"{words} agreement"
    return "Almost perfect agreement"


# ---- Training needs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """One audit's answer: staff, audit id and date, the question, its module, the answer."""

    staff_id: int
    audit_id: int
    on: dt.date
    code: str
    label: str
    module: str
    value: str
    kind: str


def needs(rows: Iterable[Failure], *, min_failures: int) -> list[dict]:
    """(staff, module) pairs failed ('no') in at least `min_failures` audits: one need each,
    with the audits and the questions that found it."""
    audits: dict[tuple[int, str], set] = defaultdict(set)  # all audits asking the module
    failed: dict[tuple[int, str], dict[int, dt.date]] = defaultdict(dict)
    labels: dict[tuple[int, str], set] = defaultdict(set)
    kinds: dict[tuple[int, str], set] = defaultdict(set)
    for r in rows:
        if not r.module:
            continue
        key = (r.staff_id, r.module)
        if r.value in (YES, NO):
            audits[key].add(r.audit_id)
        if r.value == NO:
            failed[key][r.audit_id] = r.on
            labels[key].add(r.label)
            kinds[key].add(r.kind)
    out = []
    for key in sorted(failed):
        found = failed[key]
        if len(found) < min_failures:
            continue
        staff, module = key
        words = " and ".join(sorted(kinds[key]))
        questions = "; ".join(f"'{label}'" for label in sorted(labels[key]))
        out.append({"staff_id": staff, "module": module, "audit_ids": tuple(sorted(found)),
                    "found_on": max(found.values()),
                    "reason": f"Failed {questions} in {len(found)} of {len(audits[key])} "
                              f"{words} audit{'s' if len(audits[key]) != 1 else ''}"})
    return out

"""The sample draw, scoring, kappa and training needs as plain functions (no database)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.assurance import rules
from haven.assurance.rules import Candidate

START = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
WEIGHTS = {"repeat": 2.0, "high_risk": 3.0}

candidate = st.builds(
    Candidate, id=st.integers(1, 10_000), staff_id=st.integers(1, 6),
    at=st.datetimes(min_value=dt.datetime(2026, 10, 1), max_value=dt.datetime(2026, 12, 31),
                    timezones=st.just(dt.UTC)),
    repeat=st.booleans(), high_risk=st.booleans())
pools = st.lists(candidate, max_size=60, unique_by=lambda c: c.id)


def _draw(pool, seed, per_staff=3, weights=WEIGHTS, share=0.2, **kw):
    return rules.draw(pool, start=START, end=END, per_staff=per_staff, weights=weights,
                      seed=seed, double_share=share, **kw)


@settings(max_examples=150, deadline=None)
@given(pools, st.integers(0, 2**48))
def test_the_same_seed_draws_the_same_calls(pool, seed):
    assert _draw(pool, seed) == _draw(list(reversed(pool)), seed)


@settings(max_examples=150, deadline=None)
@given(pools, st.integers(0, 2**48), st.integers(0, 8))
def test_a_call_outside_the_period_is_never_drawn(pool, seed, per_staff):
    by_id = {c.id: c for c in pool}
    for pick in _draw(pool, seed, per_staff):
        assert START <= by_id[pick.id].at < END


@settings(max_examples=150, deadline=None)
@given(pools, st.integers(0, 2**48), st.integers(0, 8))
def test_each_handler_gets_n_or_all_they_handled(pool, seed, per_staff):
    picks = _draw(pool, seed, per_staff)
    for staff in {c.staff_id for c in pool}:
        available = sum(1 for c in pool if c.staff_id == staff and START <= c.at < END)
        got = [p for p in picks if p.staff_id == staff]
        assert len(got) == min(per_staff, available)
        assert all(by.staff_id == staff for by in got)


@settings(max_examples=150, deadline=None)
@given(pools, st.integers(0, 2**48), st.floats(1, 50))
def test_oversampling_never_lowers_the_flagged_calls_drawn(pool, seed, weight):
    flagged = {c.id for c in pool if c.repeat or c.high_risk}
    plain = _draw(pool, seed, weights={"repeat": 1, "high_risk": 1})
    heavy = _draw(pool, seed, weights={"repeat": weight, "high_risk": weight})
    assert (sum(p.id in flagged for p in heavy) >= sum(p.id in flagged for p in plain))


@settings(max_examples=100, deadline=None)
@given(pools, st.integers(0, 2**48), st.floats(0, 1))
def test_the_double_marked_share_is_rounded_up(pool, seed, share):
    import math
    picks = _draw(pool, seed, share=share)
    assert sum(p.double for p in picks) == min(len(picks), math.ceil(share * len(picks)))


def test_oversampling_raises_the_share_of_repeat_and_high_risk_calls():
    pool = [Candidate(i, 1, START + dt.timedelta(hours=i), repeat=i % 5 == 0) for i in range(1, 41)]
    plain = heavy = 0
    for seed in range(300):
        plain += sum(p.id % 5 == 0 for p in _draw(pool, seed, 5, weights={"repeat": 1}))
        heavy += sum(p.id % 5 == 0 for p in _draw(pool, seed, 5, weights={"repeat": 5}))
    # 8 of 40 are repeats: about 1 in 5 drawn without weights, far more with them.
    assert plain / (300 * 5) == pytest.approx(0.2, abs=0.04)
    assert heavy / (300 * 5) > 0.4


def test_a_handler_due_a_reaudit_gets_extra_calls_marked_as_the_reaudit():
    pool = [Candidate(i, 1 + i % 2, START + dt.timedelta(hours=i)) for i in range(1, 21)]
    picks = _draw(pool, 7, per_staff=3, reaudit_staff={2}, reaudit_extra=1)
    assert sum(p.staff_id == 1 for p in picks) == 3
    assert sum(p.staff_id == 2 for p in picks) == 4
    assert [p.reason for p in picks if p.staff_id == 2].count(rules.REAUDIT) == 1
    assert all(p.reason == rules.SAMPLE for p in picks if p.staff_id == 1)


def test_a_different_seed_draws_differently():
    pool = [Candidate(i, 1, START + dt.timedelta(hours=i)) for i in range(1, 41)]
    assert len({tuple(p.id for p in _draw(pool, s, 5)) for s in range(10)}) > 1


@pytest.mark.parametrize(("answers", "expected"), [
    ({"a": "yes", "b": "yes"}, 1.0),
    ({"a": "yes", "b": "no"}, 1 / 3),  # b weighs 2
    ({"a": "no", "b": "yes", "c": "na"}, 2 / 3),
    ({"a": "na", "b": "na"}, None),
])
def test_score_is_weighted_yes_over_yes_and_no(answers, expected):
    value = rules.score(answers, {"a": 1, "b": 2, "c": 1})
    assert value == (pytest.approx(expected) if expected is not None else None)


def test_pass_mark():
    assert rules.passed(0.8, 0.8) is True
    assert rules.passed(0.79, 0.8) is False
    assert rules.passed(None, 0.8) is None


def test_kappa_by_hand():
    # 10 pairs: 8 the same; each auditor said yes 5 times and no 5 times.
    a = ["yes"] * 5 + ["no"] * 5
    b = ["yes"] * 4 + ["no"] * 5 + ["yes"]
    found = rules.cohens_kappa(zip(a, b, strict=True), min_pairs=10)
    # p_o = 0.8; p_e = 0.5*0.5 + 0.5*0.5 = 0.5; kappa = (0.8-0.5)/(1-0.5) = 0.6
    assert found.observed == pytest.approx(0.8)
    assert found.kappa == pytest.approx(0.6)
    assert found.note == "Moderate agreement"


def test_kappa_with_three_answers_by_hand():
    pairs = [("yes", "yes")] * 4 + [("no", "no")] * 2 + [("na", "na"), ("yes", "no"),
                                                        ("no", "na"), ("yes", "na")]
    # p_o = 7/10; A: yes 6, no 3, na 1; B: yes 4, no 3, na 3
    # p_e = (6*4 + 3*3 + 1*3) / 100 = 0.36; kappa = (0.7-0.36)/0.64 = 0.53125
    assert rules.cohens_kappa(pairs, min_pairs=10).kappa == pytest.approx(0.53125)


def test_kappa_says_not_enough_pairs():
    found = rules.cohens_kappa([("yes", "yes")] * 3, min_pairs=10)
    assert found.kappa is None and found.pairs == 3
    assert "Not enough pairs" in found.note


def test_training_needs_from_failed_questions():
    day = dt.date(2026, 11, 20)
    rows = [rules.Failure(5, 1, day, "stalking", "Stalking asked", "stalking", "no", "call"),
            rules.Failure(5, 2, day, "stalking", "Stalking asked", "stalking", "yes", "call"),
            rules.Failure(5, 1, day, "grade", "Grade fits", "call_handling_da", "yes", "call"),
            rules.Failure(6, 3, day, "stalking", "Stalking asked", "stalking", "na", "call")]
    found = rules.needs(rows, min_failures=1)
    assert [(n["staff_id"], n["module"], n["audit_ids"]) for n in found] == [
        (5, "stalking", (1,))]
    assert found[0]["reason"] == "Failed 'Stalking asked' in 1 of 2 call audits"
    assert rules.needs(rows, min_failures=2) == []

"""The training needs analysis and its planner over plain data: hand-computed cases, then a
property: the plan never exceeds a module's places or the month's hours, and every gap is
either planned or reported beyond the horizon."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from haven.learning import rules
from haven.learning.rules import AUDIT, EXPIRED, EXPIRING, MISSING, AuditNeed, Gap, Staff

TODAY = dt.date(2026, 12, 3)
ANN, BEN, CAT = 1, 2, 3
STAFF = [Staff(ANN, "call_handler", "Contact centre"), Staff(BEN, "call_handler", "Contact centre"),
         Staff(CAT, "response_officer", "Response")]
REQ = {"call_handler": {"dash": 36, "stalking": 0}, "response_officer": {"dash": 36}}
HOURS = {"dash": Decimal("7"), "stalking": Decimal("3.5"), "children": Decimal("3")}


def gaps(completions, needs=(), expiring_days=90):
    return rules.gaps(STAFF, completions, REQ, needs, today=TODAY, expiring_days=expiring_days)


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2026, 12, 3), -36) == dt.date(2023, 12, 3)
    assert rules.add_months(dt.date(2026, 11, 15), 2) == dt.date(2027, 1, 15)


def test_missing_expired_and_expiring_are_found_per_person_and_module():
    found = gaps({(ANN, "dash"): dt.date(2023, 12, 3),      # due today: expired
                  (ANN, "stalking"): dt.date(2015, 1, 1),   # once is enough (0 months)
                  (BEN, "dash"): dt.date(2024, 1, 20),      # due 20 Jan 2027: expiring
                  (CAT, "dash"): dt.date(2025, 6, 1)})      # current
    assert [(g.user_id, g.module, g.kind) for g in found] == [
        (ANN, "dash", EXPIRED), (BEN, "stalking", MISSING), (BEN, "dash", EXPIRING)]
    assert found[0].expires_on == dt.date(2026, 12, 3)
    assert found[2].reason == "Refresh every 36 months: due 20 Jan 2027"


def test_expiring_soon_is_the_policy_window_not_a_fixed_one():
    found = gaps({(ANN, "dash"): dt.date(2024, 1, 20), (ANN, "stalking"): TODAY,
                  (BEN, "dash"): TODAY, (BEN, "stalking"): TODAY, (CAT, "dash"): TODAY},
                 expiring_days=30)
    assert found == []


def test_an_audit_need_becomes_a_gap_and_takes_over_a_requirement_gap():
    needs = [AuditNeed(BEN, "stalking", "Failed the stalking questions in 2 of 3 call audits",
                       dt.date(2026, 11, 1)),
             AuditNeed(CAT, "children", "Children not recorded in 3 DASH audits",
                       dt.date(2026, 10, 1))]
    found = gaps({(ANN, "dash"): TODAY, (ANN, "stalking"): TODAY, (BEN, "dash"): TODAY,
                  (CAT, "dash"): TODAY}, needs)
    assert [(g.user_id, g.module, g.kind, g.also) for g in found] == [
        (BEN, "stalking", AUDIT, (MISSING,)), (CAT, "children", AUDIT, ())]
    assert found[0].reason.startswith("Failed the stalking questions")


def test_training_after_the_audit_meets_the_need_and_other_forces_staff_are_ignored():
    needs = [AuditNeed(ANN, "stalking", "Failed", dt.date(2026, 11, 1)),
             AuditNeed(99, "stalking", "Not our staff", dt.date(2026, 11, 1))]
    found = gaps({(ANN, "dash"): TODAY, (ANN, "stalking"): dt.date(2026, 11, 20),
                  (BEN, "dash"): TODAY, (BEN, "stalking"): TODAY, (CAT, "dash"): TODAY}, needs)
    assert found == []
    before = gaps({(ANN, "dash"): TODAY, (ANN, "stalking"): dt.date(2026, 10, 20),
                   (BEN, "dash"): TODAY, (BEN, "stalking"): TODAY, (CAT, "dash"): TODAY}, needs)
    assert [(g.user_id, g.kind) for g in before] == [(ANN, AUDIT)]


def test_summaries_count_gaps_per_role_team_and_person():
    found = gaps({})
    assert rules.summarise(found, "role") == {
        "call_handler": {"missing": 4, "total": 4}, "response_officer": {"missing": 1,
                                                                         "total": 1}}
    assert rules.summarise(found, "team")["Contact centre"]["total"] == 4
    assert rules.summarise(found, "person")[CAT] == {"missing": 1, "total": 1}


def _gap(user, module, kind, expires=None):
    return Gap(user, "call_handler", "T", module, kind, "", None, expires)


def test_the_plan_starts_next_month_in_priority_order_within_places():
    found = [_gap(1, "dash", EXPIRING, dt.date(2027, 1, 1)), _gap(2, "dash", MISSING),
             _gap(3, "dash", AUDIT), _gap(4, "dash", EXPIRED, dt.date(2026, 5, 1))]
    made = rules.plan(found, capacity={"dash": 2}, hours_per_month=100, durations=HOURS,
                      today=TODAY, horizon_months=2)
    assert [(p.gap.user_id, p.month) for p in made.items] == [
        (3, dt.date(2027, 1, 1)), (4, dt.date(2027, 1, 1)), (2, dt.date(2027, 2, 1)),
        (1, dt.date(2027, 2, 1))]
    assert made.items[0].by == dt.date(2027, 1, 31)
    assert made.beyond == []


def test_the_months_hours_limit_the_plan_and_the_rest_is_beyond_the_horizon():
    found = [_gap(1, "dash", MISSING), _gap(2, "stalking", MISSING),
             _gap(3, "dash", MISSING), _gap(4, "children", MISSING)]
    made = rules.plan(found, capacity={"dash": 5, "stalking": 5}, hours_per_month=Decimal(10.5),
                      durations=HOURS, today=TODAY, horizon_months=1)
    assert [(p.gap.user_id, p.gap.module) for p in made.items] == [(1, "dash"), (2, "stalking")]
    assert [(b.gap.user_id, b.why) for b in made.beyond] == [
        (3, "no room in the next 1 months at the force's training capacity"),
        (4, "no places a month for this module in the force's training capacity")]
    assert made.hours(HOURS)[dt.date(2027, 1, 1)] == Decimal("10.5")


def test_a_module_longer_than_the_months_hours_is_reported_not_lost():
    made = rules.plan([_gap(1, "dash", MISSING)], capacity={"dash": 5}, hours_per_month=6,
                      durations=HOURS, today=TODAY, horizon_months=3)
    assert made.items == [] and "longer than the month" in made.beyond[0].why


MODULES = ["dash", "stalking", "children"]
gap_strategy = st.builds(
    _gap, st.integers(1, 30), st.sampled_from(MODULES), st.sampled_from(list(rules.PRIORITY)),
    st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2028, 1, 1))))


@settings(max_examples=200, deadline=None)
@given(found=st.lists(gap_strategy, max_size=60),
       capacity=st.dictionaries(st.sampled_from(MODULES), st.integers(0, 6)),
       hours=st.integers(0, 40), horizon=st.integers(1, 6))
def test_the_plan_never_exceeds_capacity_and_drops_no_gap(found, capacity, hours, horizon):
    made = rules.plan(found, capacity=capacity, hours_per_month=hours, durations=HOURS,
                      today=TODAY, horizon_months=horizon)
    assert len(made.items) + len(made.beyond) == len(found)
    assert sorted(map(id, [p.gap for p in made.items] + [b.gap for b in made.beyond])) == \
        sorted(map(id, found))
    for month, used in made.load().items():
        assert month > TODAY
        for module, places in used.items():
            assert places <= capacity.get(module, 0)
    for used in made.hours(HOURS).values():
        assert used <= hours
    # Priority: within a module, a more urgent gap is never planned after a less urgent one,
    # nor left beyond the horizon while a less urgent one is planned.
    planned = {id(p.gap): p.month for p in made.items}
    for a in found:
        for b in found:
            if a.module == b.module and a.priority < b.priority and id(b) in planned:
                assert id(a) in planned and planned[id(a)] <= planned[id(b)]

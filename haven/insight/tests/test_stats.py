"""The profile's statistics, by hand, and the planted-effect checks on synthetic series."""

import datetime as dt
import math

import numpy as np
import pytest

from haven.insight import stats

EVENT_DAYS_2024 = {"2024-06-16": "won", "2024-06-20": "drew", "2024-06-25": "drew",
                   "2024-06-30": "won", "2024-07-06": "drew", "2024-07-10": "won",
                   "2024-07-14": "lost"}


def test_rate_ratio_by_hand():
    # 2 event days with 30 and 30 events; 4 control days with 20 each: (60/2)/(80/4) = 1.5
    rr = stats.rate_ratio("x", [30, 30], [20, 20, 20, 20], 0.95)
    assert rr.ratio == 1.5
    se = math.sqrt(1 / 60 + 1 / 80)
    assert rr.low == pytest.approx(1.5 * math.exp(-1.959964 * se), rel=1e-6)
    assert rr.high == pytest.approx(1.5 * math.exp(1.959964 * se), rel=1e-6)
    assert rr.reported
    assert stats.rate_ratio("x", [], [1], 0.95).ratio is None


def test_controls_are_the_same_weekday_and_season_and_never_event_days():
    start = dt.date(2024, 5, 1)
    series = stats.daily_series({}, start, dt.date(2024, 8, 31))
    series = {d: (10 if d == dt.date(2024, 6, 16) else 5) for d in series}
    (all_days, *_kinds) = stats.event_effects(series, {"2024-06-16": "won"}, control_weeks=2,
                                              summer_months={6, 7, 8}, confidence=0.95)
    # Sundays 2 and 9 June (summer) and 23, 30 June: four controls; 2 June is summer too.
    assert all_days.control_days == 4 and all_days.ratio == 2.0


def synthetic(seed, *, summer_rise=0.0, match_rise=0.0, base=30):
    """Poisson daily DA counts for 2024 with planted effects (the generator of the test)."""
    gen = np.random.default_rng(seed)
    series = {}
    day = dt.date(2024, 1, 1)
    while day.year == 2024:
        rate = base * (1 + (summer_rise if day.month in (6, 7, 8) else 0))
        if day.isoformat() in EVENT_DAYS_2024:
            rate *= 1 + match_rise
        series[day] = int(gen.poisson(rate))
        day += dt.timedelta(days=1)
    return series


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_planted_summer_rise_and_match_day_spikes_are_reported_within_their_intervals(seed):
    series = synthetic(seed, summer_rise=0.25, match_rise=0.38)
    season = stats.seasonality(series, summer_months={6, 7, 8}, confidence=0.95,
                               event_days=EVENT_DAYS_2024)
    assert season.reported and season.low <= 1.25 <= season.high
    effect = stats.event_effects(series, EVENT_DAYS_2024, control_weeks=4,
                                 summer_months={6, 7, 8}, confidence=0.95)[0]
    assert effect.reported and effect.low <= 1.38 <= effect.high


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_with_nothing_planted_nothing_is_reported(seed):
    series = synthetic(seed)
    assert not stats.seasonality(series, summer_months={6, 7, 8}, confidence=0.95,
                                 event_days=EVENT_DAYS_2024).reported
    effects = stats.event_effects(series, EVENT_DAYS_2024, control_weeks=4,
                                  summer_months={6, 7, 8}, confidence=0.95)
    assert effects[0].label == "all event days" and not effects[0].reported

"""The step timer behind `haven link`'s INFO log of where its time goes."""

from haven.core import timing


def test_each_step_is_timed_from_the_one_before_and_short_ones_are_left_out(monkeypatch):
    clock = iter([10.0, 12.5, 12.55, 15.0])
    monkeypatch.setattr(timing.time, "perf_counter", lambda: next(clock))
    lap = timing.Laps(at_least=0.1)
    lap("read")      # 2.5 s
    lap("tiny")      # 0.05 s: left out
    lap("written")   # 2.45 s, counted from the tiny step's end
    assert lap.seconds == {"read": 2.5, "written": 2.4}

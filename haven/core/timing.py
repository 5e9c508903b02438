"""Seconds per named step of a long command, for an INFO log of where its time goes."""

import time


class Laps:
    """Call with a step's name as each step ends: `seconds` holds how long each took since
    the one before (steps shorter than `at_least` are left out)."""

    def __init__(self, at_least: float = 0.0):
        self.seconds: dict[str, float] = {}
        self._at_least = at_least
        self._last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        if now - self._last >= self._at_least:
            self.seconds[name] = round(now - self._last, 1)
        self._last = now

"""Progress text for a long analysis: frames done and an estimate of the time left."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Wait for a few frames before guessing the time left: the first frames include loading the model.
_MIN_FRAMES_FOR_ESTIMATE = 10
_MIN_SECONDS_FOR_ESTIMATE = 1.0


def describe_seconds(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest:02d} s"


@dataclass
class ProgressEstimate:
    """Turns (frames done, frames expected) into a fraction and a sentence a person can read."""

    action: str = "Analysing"
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=-1.0)

    def update(self, done: int, total: int) -> tuple[float, str]:
        now = self.clock()
        if self.started < 0:
            self.started = now
        total = max(total, 1)
        done = min(max(done, 0), total)
        fraction = done / total
        text = f"{self.action}: {done} of {total} frames"
        elapsed = now - self.started
        if done >= total:
            return 1.0, f"{text} — done"
        if done >= _MIN_FRAMES_FOR_ESTIMATE and elapsed >= _MIN_SECONDS_FOR_ESTIMATE:
            left = elapsed / done * (total - done)
            text = f"{text} — about {describe_seconds(left)} left"
        return fraction, text

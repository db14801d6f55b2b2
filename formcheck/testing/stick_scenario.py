"""The stick-figure test motion each exercise file declares (``SCENARIO``), and the timeline it is sampled on.

A :class:`Scenario` turns a :class:`Moment` (where a frame is in the set: rest, moving away, active, moving back)
into a :class:`~formcheck.testing.synthetic_pose.StickPose`, clean or with one planted fault, so every exercise
can be tested with exactly known reps and faults without a model. Angles follow
:mod:`formcheck.testing.synthetic_pose`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from formcheck.testing.synthetic_pose import Camera, Limbs, StickPose, render_sequence
from formcheck.types import PoseSequence

FPS = 30.0


@dataclass(frozen=True)
class Moment:
    """Where one frame is in the exercise: ``progress`` 0 = rest … 1 = deepest/extended."""

    progress: float
    segment: str  # "rest", "away", "active" or "back"
    within: float  # 0 → 1 through the current segment
    rep: int  # 0 before the first rep, then 1, 2, …
    side: str = "left"


def timeline(reps: int, rest_s: float, away_s: float, active_s: float, back_s: float) -> list[Moment]:
    """Rest, then ``reps`` × (away, active, back, rest), sampled at :data:`FPS`."""
    moments: list[Moment] = []

    def segment(duration_s: float, name: str, rep: int, start: float, stop: float, side: str) -> None:
        count = max(1, round(duration_s * FPS))
        for i in range(count):
            within = i / count
            moments.append(Moment(start + (stop - start) * within, name, within, rep, side))

    segment(rest_s, "rest", 0, 0.0, 0.0, "left")
    for rep in range(1, reps + 1):
        side = "left" if rep % 2 else "right"
        segment(away_s, "away", rep, 0.0, 1.0, side)
        segment(active_s, "active", rep, 1.0, 1.0, side)
        segment(back_s, "back", rep, 1.0, 0.0, side)
        segment(rest_s, "rest", rep, 0.0, 0.0, side)
    return moments


def lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def symmetric(limbs: Limbs, **rest: float) -> StickPose:
    """A pose with the same limb angles on both sides."""
    return StickPose(left=limbs, right=limbs, **rest)


@dataclass(frozen=True)
class Scenario:
    """An exercise's test motion: ``pose`` gives the stick pose of each :class:`Moment` of ``reps`` reps (or one
    hold), clean or with one planted fault (a check code) strong enough to be reported at the standard profile."""

    pose: Callable[[Moment, str | None], StickPose]
    reps: int
    rest_s: float
    away_s: float
    active_s: float
    back_s: float
    holds: int = 0

    def moments(self) -> list[Moment]:
        return timeline(self.reps or 1, self.rest_s, self.away_s, self.active_s, self.back_s)

    def build(self, fault: str | None = None, camera: Camera | None = None, with_bulge: bool = True) -> PoseSequence:
        poses = [self.pose(moment, fault) for moment in self.moments()]
        if not with_bulge:
            poses = [replace(pose, back_bulge=float("nan")) for pose in poses]
        return render_sequence(poses, camera or Camera(fps=FPS))

    @property
    def expected_reps(self) -> int:
        return self.reps


def expected_sides(scenario: Scenario) -> list[str]:
    return ["left" if rep % 2 else "right" for rep in range(1, scenario.reps + 1)]

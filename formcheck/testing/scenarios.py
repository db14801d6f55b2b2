"""Synthetic clips of each registered exercise, clean or with one planted fault, and of things that are not
exercises (push-ups, lunges, walking in and out of the picture), for tests and demos.

``SCENARIOS[exercise].build(fault, camera)`` returns a :class:`PoseSequence` of the exercise's own test motion (the
``SCENARIO`` its file declares, see :mod:`formcheck.testing.stick_scenario`): ``reps`` reps (or one hold) with the
fault (a check code, or None for clean form) planted in every rep strongly enough to be reported at the standard
profile. ``SCENARIOS`` follows the exercise registry, so an exercise added later is in it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace

import numpy as np

from formcheck.exercises import EXERCISES, scenario_of
from formcheck.exercises.plank import plank_pose
from formcheck.exercises.squat import squat_pose
from formcheck.testing.stick_scenario import FPS, Moment, Scenario, expected_sides, lerp, timeline
from formcheck.testing.synthetic_pose import HIDDEN_VISIBILITY, Camera, Limbs, StickPose, render_sequence
from formcheck.types import Landmark, PoseSequence


class _RegisteredScenarios(Mapping[str, Scenario]):
    """Every registered exercise's test motion, read from the registry at each use."""

    def __getitem__(self, exercise: str) -> Scenario:
        return scenario_of(exercise)

    def __iter__(self) -> Iterator[str]:
        return iter(EXERCISES)

    def __len__(self) -> int:
        return len(EXERCISES)


SCENARIOS: Mapping[str, Scenario] = _RegisteredScenarios()


FEET = tuple(Landmark[f"{side}_{part}"] for side in ("LEFT", "RIGHT") for part in ("ANKLE", "HEEL", "FOOT_INDEX"))


def bar_low(moment: Moment) -> bool:
    """The bar below mid-shin: a plate between a side camera and the lifter hides both feet."""
    return moment.progress > 0.4


def deadlifts_with_hidden_feet(
    fault: str | None, hidden: Callable[[Moment], bool] = bar_low, from_the_bar: bool = True
) -> PoseSequence:
    """Three deadlift reps filmed from the side (the set starting at the bar, or standing) whose feet are hidden on
    the ``hidden`` moments, as a barbell plate hides them on real side-view lifts. Not smoothed: MediaPipe's guess
    of the hidden points is still in the landmarks, at visibility ~0."""
    scenario = SCENARIOS["deadlift"]
    moments = scenario.moments()
    if from_the_bar:
        moments = moments[next(i for i, m in enumerate(moments) if m.rep == 1 and m.segment == "active") :]
    sequence = render_sequence([scenario.pose(m, fault) for m in moments], Camera(fps=FPS))
    sequence.landmarks[np.ix_([hidden(m) for m in moments], [int(lm) for lm in FEET], [3])] = HIDDEN_VISIBILITY
    return sequence


__all__ = [
    "FEET",
    "FPS",
    "SCENARIOS",
    "Moment",
    "Scenario",
    "bar_low",
    "deadlifts_with_hidden_feet",
    "expected_sides",
    "plank_pose",
    "squat_pose",
    "timeline",
]


def push_ups(period_s: float = 1.5, drop_m: float = 0.25) -> PoseSequence:
    """A straight-armed plank body lowered and pushed up again every ``period_s`` (shoulders ``drop_m`` down at the
    bottom, hips half of that; hands and feet stay put): push-ups, which formcheck must not take for a plank."""
    poses = [plank_pose(m, None, high=True) for m in SCENARIOS["plank"].moments()]
    pushing = render_sequence(poses)
    drop = 0.5 * drop_m * (1.0 - np.cos(2.0 * np.pi * np.asarray(pushing.t_s) / period_s))
    upper = list(range(int(Landmark.LEFT_WRIST)))  # face, shoulders, elbows
    hips = [int(Landmark.LEFT_HIP), int(Landmark.RIGHT_HIP)]
    for points, share in ((upper, 1.0), (hips, 0.5)):
        pushing.world[:, points, 1] += share * drop[:, None]  # world y points down
        pushing.landmarks[:, points, 1] += share * drop[:, None] * 0.3  # ~0.3 of the image height a metre
    return pushing


def lunge_pose(m: Moment, fault: str | None = None) -> StickPose:
    """A forward lunge: the front thigh comes down to level, the back knee drops under the hip toward the floor."""
    p = m.progress
    front = Limbs(upper_arm=180.0, forearm=180.0, thigh=lerp(180.0, 90.0, p), shin=180.0)
    back = Limbs(upper_arm=180.0, forearm=180.0, thigh=lerp(180.0, 200.0, p), shin=lerp(180.0, 270.0, p))
    return StickPose(trunk=0.0, left=front, right=back, back_bulge=0.0)


def lunges(reps: int = 3) -> PoseSequence:
    """Forward lunges filmed from the side: an exercise formcheck does not check."""
    moments = timeline(reps, rest_s=0.6, away_s=1.0, active_s=0.4, back_s=1.0)
    return render_sequence([lunge_pose(m) for m in moments], Camera(fps=FPS))


def standing_still(seconds: float = 5.0) -> PoseSequence:
    """Someone standing in front of the camera, arms down, doing nothing."""
    moments = timeline(0, rest_s=seconds, away_s=0.0, active_s=0.0, back_s=0.0)
    return render_sequence([squat_pose(m, None) for m in moments], Camera(fps=FPS))


# Walking into or out of the picture at 1.25 m/s. MediaPipe's world estimate of a walking person's hip height dips
# when they walk towards or away from the camera; here the dip is in the walking poses themselves (knees bending
# toward squat depth for a second mid-walk), so that only where the person stands tells it from a squat.
WALK_S = 2.0
WALK_M_PER_S = 1.25
STRIDE_DEG = 20.0


def _walking(seconds: float) -> list[StickPose]:
    t_s = np.arange(round(seconds * FPS)) / FPS
    dip = np.clip(1.0 - np.abs(t_s - seconds / 2.0) / 0.5, 0.0, 0.8)
    stride = STRIDE_DEG * np.sin(2.0 * np.pi * t_s)
    poses = []
    for depth, swing in zip(dip, stride, strict=True):
        pose = squat_pose(Moment(float(depth), "rest", 0.0, 0), None)
        poses.append(
            replace(
                pose,
                left=replace(pose.left, thigh=pose.left.thigh + float(swing)),
                right=replace(pose.right, thigh=pose.right.thigh - float(swing)),
            )
        )
    return poses


def walk_in_then_squats() -> PoseSequence:
    """Walks in from the left edge of a wide picture (filmed from the side), then does the squat scenario's 3 squats."""
    walk = _walking(WALK_S)
    squats = [squat_pose(m, None) for m in SCENARIOS["squat"].moments()]
    camera = Camera(fps=FPS, width=1280)
    sequence = render_sequence(walk + squats, camera)
    pixels_per_m = 0.8 * camera.height / 1.75  # render_sequence fits the standing figure to 80% of the height
    travel = WALK_M_PER_S * WALK_S * pixels_per_m / camera.width
    shift = np.r_[np.linspace(-travel, 0.0, len(walk)), np.zeros(len(squats))]
    sequence.landmarks[:, :, 0] += shift[:, None]
    return sequence


def squats_then_walk_away(start_m: float = 2.5) -> PoseSequence:
    """The squat scenario's 3 squats ``start_m`` from the camera, then walks straight away from it."""
    squats = [squat_pose(m, None) for m in SCENARIOS["squat"].moments()]
    walk = _walking(WALK_S)
    sequence = render_sequence(squats + walk, Camera(fps=FPS))
    distance_m = start_m + WALK_M_PER_S * np.arange(len(walk)) / FPS
    size = np.r_[np.ones(len(squats)), start_m / distance_m]
    feet = sequence.landmarks[:, [int(lm) for lm in FEET], :2].mean(axis=1, keepdims=True)
    sequence.landmarks[:, :, :2] = feet + (sequence.landmarks[:, :, :2] - feet) * size[:, None, None]
    return sequence

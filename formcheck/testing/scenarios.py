"""Synthetic clips of each registered exercise, clean or with one planted fault, for tests and demos.

``SCENARIOS[exercise].build(fault, camera)`` returns a :class:`PoseSequence` of ``reps`` reps (or one hold) with the
fault (a check code, or None for clean form) planted in every rep strongly enough to be reported at the standard
profile. Adding an exercise means adding one builder here; the contract test asserts every exercise has one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from formcheck.testing.synthetic_pose import (
    FOREARM_M,
    HIDDEN_VISIBILITY,
    SHIN_M,
    THIGH_M,
    TRUNK_M,
    UPPER_ARM_M,
    Camera,
    Limbs,
    StickPose,
    direction,
    render_sequence,
)
from formcheck.types import Landmark, PoseSequence

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


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def _symmetric(limbs: Limbs, **rest: float) -> StickPose:
    """A pose with the same limb angles on both sides."""
    return StickPose(left=limbs, right=limbs, **rest)


# --- squat ------------------------------------------------------------------------------------------------------


def squat_pose(m: Moment, fault: str | None) -> StickPose:
    p = m.progress
    bottom_thigh = 35.0 if fault == "shallow_depth" else -5.0
    bottom_trunk = 58.0 if fault == "forward_lean" else 35.0
    thigh_elevation = _lerp(90.0, bottom_thigh, p)
    legs = Limbs(
        upper_arm=90.0,
        forearm=90.0,
        thigh=90.0 + thigh_elevation,
        shin=_lerp(180.0, 210.0, p),
        foot=_lerp(90.0, 150.0, p) if fault == "heels_lift" else 90.0,
    )
    knee_in = 0.06 * p if fault == "knees_cave" else 0.0
    return _symmetric(legs, trunk=bottom_trunk * p, stance_m=0.06, knee_in_m=knee_in, back_bulge=0.0)


# --- deadlift ---------------------------------------------------------------------------------------------------


def deadlift_pose(m: Moment, fault: str | None) -> StickPose:
    p = m.progress
    # A squatted "deadlift": shins forward 40°, thighs near level, knee at ~65° (within the exercise's plausible
    # range, which stops at a 45° knee).
    shin, thigh_elevation, trunk = (40.0, 10.0, 40.0) if fault == "knee_dominant" else (10.0, 25.0, 60.0)
    # Standing pose (trunk, thigh, shin) the lifter rises to after a rep: faulty lockouts change it.
    top = {"lockout_hyperextension": (-15.0, 180.0, 180.0), "incomplete_lockout": (10.0, 175.0, 185.0)}
    finished = m.rep > 0 and (m.segment in ("back", "rest") or (m.segment == "away" and m.rep > 1))
    top_trunk, top_thigh, top_shin = top.get(fault or "", (0.0, 180.0, 180.0)) if finished else (0.0, 180.0, 180.0)
    trunk_now = _lerp(top_trunk, trunk, p)
    legs_p = p
    if fault == "hips_rise_first" and m.segment == "back":
        # Knees straighten in the first half of the pull while the chest drops, then the back lifts alone.
        q = m.within
        legs_p = max(0.0, 1.0 - 2.0 * q)
        trunk_now = trunk + 15.0 * min(1.0, 2.0 * q) if q < 0.5 else _lerp(trunk + 15.0, 0.0, (q - 0.5) / 0.5)
    thigh = _lerp(top_thigh, 90.0 + thigh_elevation, legs_p)
    shin_angle = _lerp(top_shin, 180.0 + shin, legs_p)
    drift = 0.45 * p if fault == "bar_drift" else 0.0
    arm = _arm_reaching(trunk_now, thigh, shin_angle, MIDFOOT_AHEAD_OF_ANKLE_M + drift)
    rounded = fault == "rounded_back"
    legs = Limbs(upper_arm=arm, forearm=arm, thigh=thigh, shin=shin_angle)
    return _symmetric(
        legs, trunk=trunk_now, neck=25.0 * p if rounded else 5.0 * p, back_bulge=0.08 * p if rounded else 0.01
    )


MIDFOOT_AHEAD_OF_ANKLE_M = 0.05


def _arm_reaching(trunk: float, thigh: float, shin: float, wrist_ahead_of_ankle_m: float) -> float:
    """Angle of straight hanging arms that puts the wrists (the bar) that far ahead of the ankle, when possible."""
    ankle_to_shoulder = -SHIN_M * direction(shin) - THIGH_M * direction(thigh) + TRUNK_M * direction(trunk)
    arm = UPPER_ARM_M + FOREARM_M
    reach = np.clip((wrist_ahead_of_ankle_m - ankle_to_shoulder[0]) / arm, -0.9, 0.9)
    return 180.0 - float(np.degrees(np.arcsin(reach)))


# --- plank ------------------------------------------------------------------------------------------------------


def plank_pose(m: Moment, fault: str | None, high: bool = False) -> StickPose:
    if m.segment != "active":  # kneeling before and after the hold
        kneel = Limbs(upper_arm=180.0, forearm=90.0, thigh=180.0, shin=270.0, foot=270.0)
        return _symmetric(kneel, trunk=80.0, back_bulge=0.0)
    # The fault fills the middle third of the hold.
    faulty = fault is not None and 1 / 3 <= m.within < 2 / 3
    incline = 20.0 if high else 9.0
    sag = {"hips_sag": 15.0, "hips_pike": -32.0}.get(fault or "", 0.0) if faulty else 0.0
    base = 90.0 - incline
    stack = 36.0 if faulty and fault == "shoulders_not_stacked" else 0.0
    arms = Limbs(upper_arm=180.0 + stack, forearm=180.0 + stack if high else 90.0)
    legs = {"thigh": base + 180.0 + sag / 2.0, "shin": base + 180.0 + sag / 2.0, "foot": 180.0}
    return StickPose(
        trunk=base - sag / 2.0,
        neck=32.0 if faulty and fault == "head_drop" else 0.0,
        back_bulge=0.0,
        left=replace(arms, **legs),
        right=replace(arms, **legs),
    )


# --- glute bridge -----------------------------------------------------------------------------------------------


def glute_bridge_pose(m: Moment, fault: str | None) -> StickPose:
    p = m.progress
    lift, hip_bend = {"incomplete_extension": (18.0, -15.0), "over_arch": (30.0, 15.0)}.get(fault or "", (26.0, 0.0))
    knee_at_top = 130.0 if fault == "feet_position" else 90.0
    thigh_top = 90.0 - lift + hip_bend
    thigh = _lerp(45.0, thigh_top, p)
    shin = _lerp(135.0, thigh_top + 180.0 - knee_at_top, p)
    legs = Limbs(upper_arm=-90.0, forearm=-90.0, thigh=thigh, shin=shin, foot=30.0)
    knee_in = 0.07 * p if fault == "knees_cave" else 0.0
    return _symmetric(legs, trunk=-90.0 - lift * p, stance_m=0.06, knee_in_m=knee_in, back_bulge=0.0)


# --- bird dog ---------------------------------------------------------------------------------------------------


def bird_dog_pose(m: Moment, fault: str | None) -> StickPose:
    p = m.progress if m.rep > 0 else 0.0
    arm_target = 90.0 + (30.0 if fault == "limb_below_level" else 0.0)
    leg_target = 270.0 + (20.0 if fault == "leg_too_high" else 0.0)
    support = Limbs(upper_arm=180.0, forearm=180.0, thigh=180.0, shin=270.0, foot=270.0)
    reach_arm = _lerp(180.0, arm_target, p)
    reach_leg = _lerp(180.0, leg_target, p)
    reaching_arm = replace(support, upper_arm=reach_arm, forearm=reach_arm)
    reaching_leg = replace(support, thigh=reach_leg, shin=_lerp(270.0, leg_target, p))
    left, right = (reaching_arm, reaching_leg) if m.side == "left" else (reaching_leg, reaching_arm)
    return StickPose(
        trunk=90.0,
        left=left,
        right=right,
        pelvis_roll=30.0 * p if fault == "trunk_rotation" else 0.0,
        back_bulge=-0.07 * p if fault == "trunk_sag" else 0.0,
    )


@dataclass(frozen=True)
class Scenario:
    exercise: str
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


SCENARIOS: Mapping[str, Scenario] = {
    "squat": Scenario("squat", squat_pose, reps=3, rest_s=0.6, away_s=1.0, active_s=0.4, back_s=1.0),
    "deadlift": Scenario("deadlift", deadlift_pose, reps=3, rest_s=0.8, away_s=1.0, active_s=0.5, back_s=1.2),
    "plank": Scenario("plank", plank_pose, reps=0, rest_s=1.0, away_s=0.3, active_s=6.0, back_s=0.3, holds=1),
    "glute_bridge": Scenario(
        "glute_bridge", glute_bridge_pose, reps=3, rest_s=0.8, away_s=0.8, active_s=1.2, back_s=0.8, holds=3
    ),
    "bird_dog": Scenario("bird_dog", bird_dog_pose, reps=4, rest_s=0.8, away_s=0.6, active_s=1.5, back_s=0.6, holds=4),
}


def expected_sides(scenario: Scenario) -> list[str]:
    return ["left" if rep % 2 else "right" for rep in range(1, scenario.reps + 1)]


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
    front = Limbs(upper_arm=180.0, forearm=180.0, thigh=_lerp(180.0, 90.0, p), shin=180.0)
    back = Limbs(upper_arm=180.0, forearm=180.0, thigh=_lerp(180.0, 200.0, p), shin=_lerp(180.0, 270.0, p))
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

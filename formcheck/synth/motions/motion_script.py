"""What every motion script shares: the clip plan, the script it builds, the registry entry, timelines, easing and
the floor-contact solve."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from formcheck.synth.kinematics import PoseSpec, Skeleton, pose, sagittal_angle, solve_scalar
from formcheck.types import FloatArray, FormcheckError

# Joint-centre heights above the floor at contacts (metres).
CONTACT_HEIGHT = {"elbow": 0.05, "wrist": 0.04, "toe": 0.025, "knee": 0.055, "shoulder": 0.075}
FOOT_TO_SHIN = -73.0  # foot (ankle→ball) angle relative to the shin in a relaxed ankle


@dataclass(frozen=True)
class PlantedFault:
    """A plantable fault: the unit of its magnitude and what the magnitude means."""

    unit: str
    meaning: str
    front_only: bool = False  # only a camera facing the person can see it


@dataclass(frozen=True)
class ClipPlan:
    exercise: str
    variant: str
    faults: dict[str, float] = field(default_factory=dict)
    reps: int = 2
    hold_s: float = 3.5
    lead_in_s: float = 0.8
    fps: float = 20.0
    tempo: float = 1.0  # >1 = slower reps

    def validate(self) -> None:
        # The registry imports every motion module, which imports this one: look it up when validating.
        from formcheck.synth.motions import MOTIONS  # noqa: PLC0415

        if self.exercise not in MOTIONS:
            raise FormcheckError(f"unknown exercise {self.exercise!r}; choose from {', '.join(MOTIONS)}")
        motion = MOTIONS[self.exercise]
        if self.variant not in motion.variants:
            raise FormcheckError(f"{self.exercise} variant must be one of {', '.join(motion.variants)}")
        for code in self.faults:
            if code not in motion.faults:
                choices = ", ".join(motion.faults)
                raise FormcheckError(f"{self.exercise} has no fault {code!r}; choose from {choices}")


@dataclass
class MotionScript:
    plan: ClipPlan
    specs: list[PoseSpec]
    t_s: FloatArray
    intensity: dict[str, FloatArray]
    reps: list[dict[str, float | str]]
    holds: list[dict[str, float | str]]

    def fault_labels(self) -> list[dict[str, float | str]]:
        from formcheck.synth.motions import MOTIONS  # noqa: PLC0415 - see ClipPlan.validate

        faults = MOTIONS[self.plan.exercise].faults
        labels: list[dict[str, float | str]] = []
        dt = 1.0 / self.plan.fps
        for code, magnitude in self.plan.faults.items():
            active = np.abs(self.intensity[code]) >= 0.5 * abs(magnitude)
            start = None
            for i, on in enumerate([*active.tolist(), False]):
                if on and start is None:
                    start = i
                elif not on and start is not None:
                    labels.append(
                        {
                            "code": code,
                            "start_s": round(float(self.t_s[start]), 3),
                            "end_s": round(float(self.t_s[i - 1]) + dt, 3),
                            "magnitude": float(magnitude),
                            "unit": faults[code].unit,
                        }
                    )
                    start = None
        return labels


Builder = Callable[[ClipPlan, Skeleton], MotionScript]


@dataclass(frozen=True)
class ExerciseMotion:
    """One exercise's motion script as the registry holds it (``MOTION = ExerciseMotion(...)`` in its module)."""

    exercise: str
    variants: tuple[str, ...]
    faults: Mapping[str, PlantedFault]
    build: Builder
    # Put each frame's lowest vertex on the floor when rendering. Lying and side-lying scripts solve their contacts
    # with joint-centre heights of an average body; a heavier body's back or pelvis would sink up to 3 cm into the
    # floor without this (measured on the 'carl' body). Standing and all-fours scripts only lower floating bodies.
    mesh_on_floor: bool = False
    # Where the camera stands for it: "side" (yaw measured from the side view) or "front" (the body's line is seen
    # from the person's front, as for a side plank).
    view: str = "side"


def ease(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return 0.5 - 0.5 * math.cos(math.pi * x)


def lerp(a: float, b: float, w: float) -> float:
    return a + (b - a) * w


def standing_flat_foot(skeleton: Skeleton) -> float:
    return sagittal_angle(skeleton.rest_vector("foot.L", "toe1-1.L"))


# --- rep exercises -----------------------------------------------------------------------------------------------

DESCENT_S, ASCENT_S, PAUSE_S = 0.9, 0.9, 0.4


def rep_timeline(plan: ClipPlan) -> tuple[FloatArray, list[tuple[str, float, int]], list[dict[str, float | str]]]:
    """Per frame: (phase name, progress 0..1, rep index) and the rep spans."""
    descent, ascent, pause = DESCENT_S * plan.tempo, ASCENT_S * plan.tempo, PAUSE_S * plan.tempo
    rep_s = descent + ascent + pause
    total = plan.lead_in_s + plan.reps * rep_s
    n = round(total * plan.fps)
    t_s = np.arange(n) / plan.fps
    phases: list[tuple[str, float, int]] = []
    for t in t_s:
        if t < plan.lead_in_s:
            phases.append(("lead_in", t / plan.lead_in_s, -1))
            continue
        k = min(int((t - plan.lead_in_s) // rep_s), plan.reps - 1)
        local = t - plan.lead_in_s - k * rep_s
        if local < descent:
            phases.append(("descent", local / descent, k))
        elif local < descent + ascent:
            phases.append(("ascent", (local - descent) / ascent, k))
        else:
            phases.append(("pause", min(1.0, (local - descent - ascent) / pause), k))
    reps: list[dict[str, float | str]] = [
        {
            "start_s": round(plan.lead_in_s + k * rep_s, 3),
            "end_s": round(plan.lead_in_s + k * rep_s + descent + ascent, 3),
            "side": "both",
        }
        for k in range(plan.reps)
    ]
    return t_s, phases, reps


# --- holds ---------------------------------------------------------------------------------------------------------


def hold_timeline(plan: ClipPlan, raise_s: float = 0.0, lower_s: float = 0.0) -> tuple[FloatArray, FloatArray, float]:
    total = plan.lead_in_s + raise_s + plan.hold_s + lower_s
    n = round(total * plan.fps)
    return np.arange(n) / plan.fps, np.zeros(n), plan.lead_in_s + raise_s


def raised_share(t: float, lead_in_s: float, raise_s: float, hold_end_s: float, lower_s: float) -> float:
    """0 → 1 over the raise after the lead-in, 1 through the hold, 1 → 0 over the lowering (eased)."""
    if t < lead_in_s:
        return 0.0
    if t < lead_in_s + raise_s:
        return ease((t - lead_in_s) / raise_s)
    if t < hold_end_s:
        return 1.0
    return 1.0 - ease((t - hold_end_s) / lower_s)


def fault_ramp(t: float, hold_start: float, hold_end: float) -> float:
    """0 before the hold, rising over 0.6 s from 0.4 s into it, 1 until the hold ends."""
    if t > hold_end:
        return 0.0
    return ease((t - hold_start - 0.4) / 0.6)


def solve_trunk(
    skeleton: Skeleton,
    build: Callable[[float], PoseSpec],
    upper: str,
    lower: str,
    dz: float,
    low: float,
    high: float,
    cache: dict[tuple[float, ...], float],
    key: tuple[float, ...],
) -> PoseSpec:
    """``build(trunk)`` with the trunk angle that puts ``upper`` ``dz`` above ``lower`` (floor contacts)."""
    key = tuple(round(k, 6) for k in key)
    if key in cache:
        return build(cache[key])

    def gap(trunk: float) -> float:
        landmarks = pose(skeleton, build(trunk)).landmarks
        return float(landmarks[upper][2] - landmarks[lower][2]) - dz

    cache[key] = solve_scalar(gap, low, high)
    return build(cache[key])


# --- lying on the back ---------------------------------------------------------------------------------------------

# Joint centres above the floor when lying on the back (metres): the rendered buttocks and upper back then just
# touch it (lowest vertices 0-0.5 cm above the floor; the bridge's 0.075 m shoulders put the thoracic back 2 cm into
# a flat-lying body's floor).
HIP_SUPINE_M = 0.09
SHOULDER_SUPINE_M = 0.097
# A foot standing flat beside hips that rest on the floor is set this much higher than the standing ankle height,
# for the shin's few degrees of lateral lean the sagittal solve leaves out.
FLAT_FOOT_MARGIN_M = 0.005


def hip_shoulder_chord_deg(skeleton: Skeleton, spine_flex: float) -> float:
    """Sagittal angle of the hip→shoulder line of an unpitched body whose spine is flexed by ``spine_flex``."""
    root = pose(skeleton, PoseSpec(trunk=0.0, spine_flex=spine_flex)).rotations["root"]
    return -math.degrees(math.atan2(float(root[2, 1]), float(root[1, 1])))


def supine_trunk_deg(skeleton: Skeleton, build: Callable[[float], PoseSpec]) -> float:
    """The trunk angle of ``build`` that rests the shoulders and the hips on the floor (shoulders below the hips)."""
    dz = SHOULDER_SUPINE_M - HIP_SUPINE_M

    def gap(trunk: float) -> float:
        landmarks = pose(skeleton, build(trunk)).landmarks
        return float(landmarks["left_shoulder"][2] - landmarks["left_hip"][2]) - dz

    return solve_scalar(gap, -130.0, -60.0)


def knee_up_thigh_deg(skeleton: Skeleton, side: str, knee_deg: float) -> float:
    """Thigh angle of a leg bent to ``knee_deg`` whose foot stands flat beside hips resting on the floor."""
    thigh = float(np.linalg.norm(skeleton.rest_vector(f"upperleg01.{side}", f"lowerleg01.{side}")))
    shin = float(np.linalg.norm(skeleton.rest_vector(f"lowerleg01.{side}", f"foot.{side}")))
    ankle_h = skeleton.height_above_floor(f"foot.{side}")

    def gap(phi: float) -> float:
        rise = thigh * math.cos(math.radians(phi)) + shin * math.cos(math.radians(phi + 180.0 - knee_deg))
        return HIP_SUPINE_M + rise - ankle_h - FLAT_FOOT_MARGIN_M

    return solve_scalar(gap, 0.0, 89.0)

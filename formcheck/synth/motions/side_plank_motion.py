"""Side plank on the forearm (variant = the side that is down): motion script and planted faults.

The body is posed upright in its own frame and laid on its side with ``PoseSpec.side_lean``; the lean is solved
per frame so the down elbow and the down ankle rest on the floor. The camera is meant to face the person's front
(the body's line is seen) or 45° off it. From lying on the side (hips on the floor) the hips rise over 1 s, the
plank is held, and the hips come down again over 1 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.synth.kinematics import Limb, PoseSpec, Skeleton, place, pose, solve_scalar
from formcheck.synth.motions.motion_script import (
    ClipPlan,
    ExerciseMotion,
    MotionScript,
    PlantedFault,
    fault_ramp,
    hold_timeline,
    raised_share,
    standing_flat_foot,
)

RAISE_S, LOWER_S = 1.0, 1.0
# Lying on the side with the hips on the floor = the legs bent this far sideways at the hips (frontal plane): with
# the default body it brings the down hip's joint centre to ~0.14 m, the pelvis's side resting on the floor.
HIPS_DOWN_DEG = 31.0
# Joint centres above the floor (metres) where the rendered forearm and the outer edge of the down foot touch it
# (lowest vertices 0-0.7 cm above the floor for the default body and carl), and the stacked ankles' distance apart.
ELBOW_ON_FLOOR_M = 0.035
ANKLE_ON_SIDE_M = 0.1
STACKED_ANKLES_M = 0.075


def _leg_adduction_deg(skeleton: Skeleton) -> float:
    """Each leg turned inwards so the ankles stack ``STACKED_ANKLES_M`` apart under hips set wider apart."""
    hips = skeleton.rest_vector("upperleg01.R", "upperleg01.L")
    leg = skeleton.rest_vector("upperleg01.L", "foot.L")
    inwards = (abs(float(hips[0])) - STACKED_ANKLES_M) / 2.0
    return math.degrees(math.asin(inwards / float(np.linalg.norm(leg))))


def _side_plank(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    t_s, _, hold_start = hold_timeline(plan, RAISE_S, LOWER_S)
    hold_end = hold_start + plan.hold_s
    f = plan.faults
    down = "L" if plan.variant == "left" else "R"
    up = "R" if down == "L" else "L"
    down_name = "left" if down == "L" else "right"
    # +lean lays the body on its left side; the other signs follow the down side.
    towards_down = 1.0 if down == "L" else -1.0
    adduction = _leg_adduction_deg(skeleton)
    flat = standing_flat_foot(skeleton)
    intensity = {code: np.zeros(len(t_s)) for code in f}
    specs: list[PoseSpec] = []
    for i, t in enumerate(t_s):
        up_w = raised_share(float(t), plan.lead_in_s, RAISE_S, hold_end, LOWER_S)
        w = fault_ramp(float(t), hold_start, hold_end - 0.5 / plan.fps)  # gone from the first lowering frame
        for code, magnitude in f.items():
            intensity[code][i] = magnitude * w
        posture = _Posture(
            drop_deg=(1.0 - up_w) * HIPS_DOWN_DEG + (f.get("hips_drop", 0.0) - f.get("hips_pike", 0.0)) * w,
            roll_deg=f.get("trunk_rotation", 0.0) * w,
            arm_lean_deg=f.get("shoulder_not_stacked", 0.0) * w,
        )
        spec = _solve_lean(skeleton, posture, down, up, towards_down, adduction, flat)
        specs.append(place(skeleton, spec, f"{down_name}_ankle", 0.0, ANKLE_ON_SIDE_M))
    holds: list[dict[str, float | str]] = [
        {"start_s": round(hold_start, 3), "end_s": round(hold_end, 3), "side": plan.variant}
    ]
    return MotionScript(plan, specs, t_s, intensity, [], holds)


@dataclass(frozen=True)
class _Posture:
    """One frame's side-plank posture before the lean is solved (degrees)."""

    drop_deg: float  # legs bent sideways at the hips, the hips towards the floor (negative: towards the ceiling)
    roll_deg: float  # upper trunk rolled forward (chest towards the floor) about its long axis
    arm_lean_deg: float  # support upper arm off vertical, the elbow towards the head


def _solve_lean(
    skeleton: Skeleton, p: _Posture, down: str, up: str, towards_down: float, adduction: float, flat: float
) -> PoseSpec:
    def build(lean: float) -> PoseSpec:
        # The support upper arm hangs straight down in the world when its abduction equals the lean.
        abduction = math.radians(lean + p.arm_lean_deg)
        support = Limb(upper=180.0, lower=90.0, end=90.0, lat_upper=math.sin(abduction), lat_lower=0.0)
        resting = Limb(upper=180.0, lower=180.0, end=180.0, lat_upper=0.1, lat_lower=0.05)
        # Sideways bend: both legs swing towards the up side by drop_deg (down side's outwards = +lateral).
        lat_down = math.sin(math.radians(-adduction - p.drop_deg))
        lat_up = math.sin(math.radians(-adduction + p.drop_deg))
        legs = {
            down: Limb(upper=180.0, lower=180.0, end=flat, lat_upper=lat_down, lat_lower=lat_down),
            up: Limb(upper=180.0, lower=180.0, end=flat, lat_upper=lat_up, lat_lower=lat_up),
        }
        base = PoseSpec(trunk_roll=towards_down * p.roll_deg, side_lean=towards_down * lean)
        return base.with_limbs(arms={down: support, up: resting}, legs=legs)

    elbow, ankle = f"{_name(down)}_elbow", f"{_name(down)}_ankle"
    dz = ELBOW_ON_FLOOR_M - ANKLE_ON_SIDE_M

    def gap(lean: float) -> float:
        landmarks = pose(skeleton, build(lean)).landmarks
        return float(landmarks[elbow][2] - landmarks[ankle][2]) - dz

    return build(solve_scalar(gap, 30.0, 89.0))


def _name(side: str) -> str:
    return "left" if side == "L" else "right"


MOTION = ExerciseMotion(
    exercise="side_plank",
    variants=("left", "right"),
    faults={
        "hips_drop": PlantedFault(
            "deg", "frontal-plane bend at the hips, the hip below the shoulder–ankle line (mid-points: 180 − magnitude)"
        ),
        # Hip flexion (the pelvis back) bends the body in a nearly level plane that a camera at phone height sees
        # edge-on from any yaw: 20° of it read 178° in the image at 50° yaw. The hike up is what the front view shows.
        "hips_pike": PlantedFault(
            "deg", "frontal-plane bend at the hips, the hip above the shoulder–ankle line (mid-points: 180 − magnitude)"
        ),
        "trunk_rotation": PlantedFault(
            "deg", "upper trunk rolled forward about its long axis: shoulder line turned from the hip line"
        ),
        "shoulder_not_stacked": PlantedFault(
            "deg", "support upper arm leaning off vertical, the elbow out towards the head"
        ),
    },
    build=_side_plank,
    mesh_on_floor=True,
    view="front",
)

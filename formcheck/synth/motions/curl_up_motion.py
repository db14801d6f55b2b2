"""McGill curl-up (variant = the side whose knee is bent): motion script and planted faults.

Lying on the back, one knee bent with the foot flat, the other leg straight, the hands under the low back. Each
rep lifts the head and shoulders a little off the floor as one piece (the thoracic spine flexes, the pelvis and
the low back stay where they are, the neck stays neutral), holds the lift and lowers it: McGill's description is
a lift of the head and shoulders "only slightly", the neck kept still. The clean lift raises the shoulder joints
``CLEAN_LIFT_M`` off their resting height.
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.synth.kinematics import Limb, PoseSpec, Skeleton, place, pose, solve_scalar
from formcheck.synth.motions.motion_script import (
    FOOT_TO_SHIN,
    HIP_SUPINE_M,
    ClipPlan,
    ExerciseMotion,
    MotionScript,
    PlantedFault,
    ease,
    hip_shoulder_chord_deg,
    knee_up_thigh_deg,
    standing_flat_foot,
    supine_trunk_deg,
)
from formcheck.types import FloatArray

LIFT_S, LOWER_S, REST_S = 0.7, 0.7, 0.6
CLEAN_LIFT_M = 0.05  # shoulder joints' rise in the clean lift: the shoulder blades just clear the floor
BENT_KNEE_DEG = 90.0
# The straight leg's heel rests on the floor with the ankle joint centre this high (metres).
HEEL_SUPINE_M = 0.07
ELBOW_SUPINE_M = 0.05


def _lift_timeline(plan: ClipPlan) -> tuple[FloatArray, FloatArray, list[tuple[float, float, float, float]]]:
    """Per frame the lift 0..1; per rep (lift start, hold start, hold end, lowered)."""
    rep_s = LIFT_S + plan.hold_s + LOWER_S + REST_S
    n = round((plan.lead_in_s + plan.reps * rep_s) * plan.fps)
    t_s = np.arange(n) / plan.fps
    spans = []
    for k in range(plan.reps):
        start = plan.lead_in_s + k * rep_s
        spans.append((start, start + LIFT_S, start + LIFT_S + plan.hold_s, start + LIFT_S + plan.hold_s + LOWER_S))
    lift = np.zeros(n)
    for i, t in enumerate(t_s):
        for start, held, lowering, lowered in spans:
            if start <= t < lowered:
                if t < held:
                    lift[i] = ease((t - start) / LIFT_S)
                elif t < lowering:
                    lift[i] = 1.0
                else:
                    lift[i] = 1.0 - ease((t - lowering) / LOWER_S)
    return t_s, lift, spans


def _curl_up(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    t_s, lift, spans = _lift_timeline(plan)
    f = plan.faults
    bent = "L" if plan.variant == "left" else "R"
    straight = "R" if bent == "L" else "L"
    legs = _legs(skeleton, bent, straight)
    lying = supine_trunk_deg(skeleton, lambda trunk: PoseSpec(trunk=trunk).with_limbs(legs=legs))
    pelvis = lying - hip_shoulder_chord_deg(skeleton, 0.0)  # the pelvis's pitch, kept through the lift
    clean_flex = _clean_spine_flex(skeleton, pelvis, legs)
    intensity = {code: np.zeros(len(t_s)) for code in f}
    specs: list[PoseSpec] = []
    for i, u in enumerate(lift.tolist()):
        for code, magnitude in f.items():
            intensity[code][i] = magnitude * u
        flex = _spine_flex(skeleton, clean_flex * u, f.get("lift_too_high", 0.0) * u)
        trunk = pelvis + hip_shoulder_chord_deg(skeleton, flex)
        spec = PoseSpec(trunk=trunk, spine_flex=flex, neck_flex=f.get("neck_flexion", 0.0) * u).with_limbs(legs=legs)
        spec = spec.with_limbs(arms=_arms_under_back(skeleton, spec))
        specs.append(place(skeleton, spec, f"{_name(bent)}_hip", 0.0, HIP_SUPINE_M))
    reps: list[dict[str, float | str]] = [
        {"start_s": round(start, 3), "end_s": round(lowered, 3), "side": plan.variant} for start, _, _, lowered in spans
    ]
    holds: list[dict[str, float | str]] = [
        {"start_s": round(held, 3), "end_s": round(lowering, 3), "side": plan.variant} for _, held, lowering, _ in spans
    ]
    return MotionScript(plan, specs, t_s, intensity, reps, holds)


def _spine_flex(skeleton: Skeleton, clean: float, extra_deg: float) -> float:
    """Spine flexion that raises the hip→shoulder line ``extra_deg`` above the clean lift's, the pelvis still."""
    if not extra_deg:
        return clean
    target = hip_shoulder_chord_deg(skeleton, clean) + extra_deg
    return solve_scalar(lambda flex: hip_shoulder_chord_deg(skeleton, flex) - target, clean, 160.0)


def _legs(skeleton: Skeleton, bent: str, straight: str) -> dict[str, Limb]:
    thigh = knee_up_thigh_deg(skeleton, bent, BENT_KNEE_DEG)
    leg_len = float(np.linalg.norm(skeleton.rest_vector(f"upperleg01.{straight}", f"foot.{straight}")))
    flat_leg = 90.0 + math.degrees(math.asin((HIP_SUPINE_M - HEEL_SUPINE_M) / leg_len))
    return {
        bent: Limb(upper=thigh, lower=thigh + 180.0 - BENT_KNEE_DEG, end=standing_flat_foot(skeleton), lat_upper=0.05),
        straight: Limb(upper=flat_leg, lower=flat_leg, end=flat_leg + FOOT_TO_SHIN + 10.0, lat_upper=0.03),
    }


def _clean_spine_flex(skeleton: Skeleton, pelvis: float, legs: dict[str, Limb]) -> float:
    """Thoracic flexion that lifts the shoulder joints ``CLEAN_LIFT_M`` with the pelvis still."""

    def shoulder_z(flex: float) -> float:
        spec = PoseSpec(trunk=pelvis + hip_shoulder_chord_deg(skeleton, flex), spine_flex=flex).with_limbs(legs=legs)
        landmarks = pose(skeleton, spec).landmarks
        return float(landmarks["left_shoulder"][2] - landmarks["left_hip"][2])

    rest = shoulder_z(0.0)
    return solve_scalar(lambda flex: shoulder_z(flex) - rest - CLEAN_LIFT_M, 0.0, 80.0)


def _arms_under_back(skeleton: Skeleton, spec: PoseSpec) -> dict[str, Limb]:
    """Upper arms along the floor from wherever the shoulders are, forearms turned in under the low back."""
    landmarks = pose(skeleton, spec).landmarks
    arms = {}
    for side, name in (("L", "left"), ("R", "right")):
        upper_len = float(np.linalg.norm(skeleton.rest_vector(f"upperarm01.{side}", f"lowerarm01.{side}")))
        drop = float(landmarks[f"{name}_shoulder"][2]) - (float(landmarks[f"{name}_hip"][2]) - HIP_SUPINE_M)
        drop -= ELBOW_SUPINE_M
        phi = 90.0 + math.degrees(math.asin(max(-1.0, min(1.0, drop / upper_len))))
        arms[side] = Limb(upper=phi, lower=95.0, end=95.0, lat_upper=0.3, lat_lower=-0.75)
    return arms


def _name(side: str) -> str:
    return "left" if side == "L" else "right"


MOTION = ExerciseMotion(
    exercise="curl_up",
    variants=("left", "right"),
    faults={
        "neck_flexion": PlantedFault(
            "deg", "chin tucked: head and neck flexed relative to the upper trunk during the lift"
        ),
        "lift_too_high": PlantedFault(
            "deg",
            "hip→shoulder line raised this far beyond the clean lift: the trunk curled up further (shoulder blades "
            "well off the floor, towards a sit-up), the pelvis still",
        ),
    },
    build=_curl_up,
    mesh_on_floor=True,
)

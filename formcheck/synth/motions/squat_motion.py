"""Bodyweight squat: motion script and planted faults."""

from __future__ import annotations

import math

import numpy as np

from formcheck.synth.kinematics import Limb, PoseSpec, Skeleton, place
from formcheck.synth.motions.motion_script import (
    ClipPlan,
    ExerciseMotion,
    MotionScript,
    PlantedFault,
    ease,
    rep_timeline,
    standing_flat_foot,
)


def _squat(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    t_s, phases, reps = rep_timeline(plan)
    f = plan.faults
    flat = standing_flat_foot(skeleton)
    toe_h = float(skeleton.keypoints["left_big_toe"][2]) - skeleton.floor_z
    specs: list[PoseSpec] = []
    intensity = {code: np.zeros(len(t_s)) for code in f}
    depth_t = 95.0 - (5.0 + f["shallow_depth"] if "shallow_depth" in f else 0.0)
    for i, (phase, x, _) in enumerate(phases):
        u = {"lead_in": 0.0, "descent": ease(x), "ascent": 1.0 - ease(x), "pause": 0.0}[phase]
        thigh_t = depth_t * u
        shin_s = 32.0 * (depth_t / 95.0) * u
        trunk = 42.0 * (depth_t / 95.0) * u
        if "shallow_depth" in f:
            intensity["shallow_depth"][i] = f["shallow_depth"] * u
        if "forward_lean" in f:
            trunk += f["forward_lean"] * u
            intensity["forward_lean"][i] = f["forward_lean"] * u
        spine = 0.0
        if "rounded_back" in f:
            spine = f["rounded_back"] * u
            intensity["rounded_back"][i] = spine
        foot = flat
        if "heels_lift" in f:
            foot = flat + f["heels_lift"] * u
            intensity["heels_lift"][i] = f["heels_lift"] * u
        lat_u, lat_l = 0.08, 0.02
        if "knees_cave" in f:
            cave = math.sin(math.radians(f["knees_cave"] * u))
            lat_u, lat_l = lat_u - cave, lat_l + 0.9 * cave
            intensity["knees_cave"][i] = f["knees_cave"] * u
        legs = Limb(upper=180.0 - thigh_t, lower=180.0 + shin_s, end=foot, lat_upper=lat_u, lat_lower=lat_l)
        arm_phi = 180.0 - 90.0 * u
        arms = Limb(upper=arm_phi, lower=arm_phi, end=arm_phi, lat_upper=0.08, lat_lower=0.0)
        spec = PoseSpec(trunk=trunk, spine_flex=spine, neck_flex=-0.5 * trunk).with_limbs(arms=arms, legs=legs)
        specs.append(place(skeleton, spec, "left_foot_index", 0.0, toe_h))
    return MotionScript(plan, specs, t_s, intensity, reps, [])


MOTION = ExerciseMotion(
    exercise="squat",
    variants=("bodyweight",),
    faults={
        "shallow_depth": PlantedFault("deg", "thigh above parallel at the bottom"),
        "forward_lean": PlantedFault("deg", "extra trunk lean from vertical at the bottom"),
        "heels_lift": PlantedFault("deg", "foot plantar-flexion about the toes (heels off the floor) at the bottom"),
        "rounded_back": PlantedFault("deg", "thoracolumbar flexion (spine04…spine01) added at the bottom of the squat"),
        "knees_cave": PlantedFault(
            "deg", "thigh adduction in the frontal plane (knees moving towards each other)", front_only=True
        ),
    },
    build=_squat,
)

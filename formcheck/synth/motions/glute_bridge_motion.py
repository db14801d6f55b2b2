"""Glute bridge: motion script and planted faults."""

from __future__ import annotations

import math

import numpy as np

from formcheck.synth.kinematics import Limb, PoseSpec, Skeleton, place
from formcheck.synth.motions.motion_script import (
    CONTACT_HEIGHT,
    ClipPlan,
    ExerciseMotion,
    MotionScript,
    PlantedFault,
    ease,
    fault_ramp,
    hold_timeline,
    lerp,
    solve_trunk,
    standing_flat_foot,
)


def _bridge(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    t_s, _, hold_start = hold_timeline(plan)
    hold_end = float(t_s[-1]) + 1.0 / plan.fps
    f = plan.faults
    flat = standing_flat_foot(skeleton)
    ankle_h = skeleton.height_above_floor("foot.L")
    intensity = {code: np.zeros(len(t_s)) for code in f}
    specs: list[PoseSpec] = []
    cache: dict[tuple[float, ...], float] = {}
    for i, t in enumerate(t_s):
        lead = ease(t / plan.lead_in_s) if t < plan.lead_in_s else 1.0
        w = fault_ramp(float(t), hold_start, hold_end)
        for code, magnitude in f.items():
            intensity[code][i] = magnitude * w
        top_ext = f.get("over_arch", 0.0) * w - f.get("incomplete_extension", 0.0) * w
        hip_ext = lerp(-30.0, top_ext, lead)
        knee = 90.0 + f.get("feet_position", 0.0) * w
        cave = math.sin(math.radians(f.get("knees_cave", 0.0) * w))
        spine = -0.5 * f.get("over_arch", 0.0) * w

        def build(
            trunk: float, hip_ext: float = hip_ext, knee: float = knee, cave: float = cave, spine: float = spine
        ) -> PoseSpec:
            thigh = trunk - 180.0 + hip_ext
            legs = Limb(
                upper=thigh, lower=thigh + (180.0 - knee), end=flat, lat_upper=0.06 - cave, lat_lower=0.0 + 0.9 * cave
            )
            arms = Limb(upper=90.0, lower=90.0, end=90.0, lat_upper=0.25, lat_lower=0.1)
            return PoseSpec(trunk=trunk, spine_flex=spine, neck_flex=-90.0 - trunk).with_limbs(arms=arms, legs=legs)

        spec = solve_trunk(
            skeleton,
            build,
            "left_shoulder",
            "left_ankle",
            CONTACT_HEIGHT["shoulder"] - ankle_h,
            -175.0,
            -90.0,
            cache,
            (hip_ext, knee, cave, spine),
        )
        specs.append(place(skeleton, spec, "left_ankle", 0.0, ankle_h))
    holds: list[dict[str, float | str]] = [{"start_s": round(hold_start, 3), "end_s": round(hold_end, 3)}]
    return MotionScript(plan, specs, t_s, intensity, [], holds)


MOTION = ExerciseMotion(
    exercise="glute_bridge",
    variants=("bilateral",),
    faults={
        "incomplete_extension": PlantedFault("deg", "shoulder–hip–knee short of straight at the top (hips low)"),
        "over_arch": PlantedFault("deg", "shoulder–hip–knee past straight at the top (hips high, back arched)"),
        "feet_position": PlantedFault("deg", "knee angle at the top minus 90 (+ feet too far, − feet too near)"),
        "knees_cave": PlantedFault(
            "deg", "thigh adduction in the frontal plane (knees moving towards each other)", front_only=True
        ),
    },
    build=_bridge,
)

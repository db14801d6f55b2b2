"""Plank (forearm or high): motion script and planted faults."""

from __future__ import annotations

import numpy as np

from formcheck.synth.kinematics import Limb, PoseSpec, Skeleton, place
from formcheck.synth.motions.motion_script import (
    CONTACT_HEIGHT,
    FOOT_TO_SHIN,
    ClipPlan,
    ExerciseMotion,
    MotionScript,
    PlantedFault,
    ease,
    fault_ramp,
    hold_timeline,
    lerp,
    solve_trunk,
)


def _plank(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    t_s, _, hold_start = hold_timeline(plan)
    hold_end = float(t_s[-1]) + 1.0 / plan.fps
    f = plan.faults
    forearm = plan.variant == "forearm"
    support = "left_elbow" if forearm else "left_wrist"
    dz = CONTACT_HEIGHT["elbow" if forearm else "wrist"] - CONTACT_HEIGHT["toe"]
    intensity = {code: np.zeros(len(t_s)) for code in f}
    specs: list[PoseSpec] = []
    cache: dict[tuple[float, ...], float] = {}
    for i, t in enumerate(t_s):
        lead = ease(t / plan.lead_in_s) if t < plan.lead_in_s else 1.0
        w = fault_ramp(float(t), hold_start, hold_end)
        hip_ext = lerp(-35.0, 0.0, lead)
        neck = 0.0
        stack = 0.0
        for code, magnitude in f.items():
            intensity[code][i] = magnitude * w
        hip_ext += f.get("hips_sag", 0.0) * w - f.get("hips_pike", 0.0) * w
        neck += f.get("head_drop", 0.0) * w
        stack += f.get("shoulders_not_stacked", 0.0) * w

        def build(trunk: float, hip_ext: float = hip_ext, neck: float = neck, stack: float = stack) -> PoseSpec:
            leg_phi = trunk - 180.0 + hip_ext
            legs = Limb(upper=leg_phi, lower=leg_phi, end=leg_phi + FOOT_TO_SHIN + 10.0)
            if forearm:
                arms = Limb(upper=180.0 + stack, lower=90.0, end=90.0, lat_upper=0.02, lat_lower=-0.05)
            else:
                arms = Limb(upper=180.0 + stack, lower=180.0 + stack, end=90.0, lat_upper=0.03, lat_lower=0.0)
            return PoseSpec(trunk=trunk, neck_flex=neck).with_limbs(arms=arms, legs=legs)

        spec = solve_trunk(skeleton, build, support, "left_foot_index", dz, 40.0, 130.0, cache, (hip_ext, neck, stack))
        specs.append(place(skeleton, spec, "left_foot_index", 0.0, CONTACT_HEIGHT["toe"]))
    holds: list[dict[str, float | str]] = [{"start_s": round(hold_start, 3), "end_s": round(hold_end, 3)}]
    return MotionScript(plan, specs, t_s, intensity, [], holds)


MOTION = ExerciseMotion(
    exercise="plank",
    variants=("forearm", "high"),
    faults={
        "hips_sag": PlantedFault("deg", "shoulder–hip–ankle bent with the hips towards the floor (180 − magnitude)"),
        "hips_pike": PlantedFault("deg", "shoulder–hip–ankle bent with the hips towards the ceiling (180 − magnitude)"),
        "head_drop": PlantedFault("deg", "neck flexion (head dropped towards the floor) relative to the trunk"),
        "shoulders_not_stacked": PlantedFault(
            "deg", "upper arm leaning back from vertical: shoulders ahead of elbows/wrists"
        ),
    },
    build=_plank,
)

"""Conventional deadlift: motion script and planted faults."""

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


def _deadlift(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:  # noqa: PLR0912, PLR0915 - one script, read top-down
    t_s, phases, reps = rep_timeline(plan)
    f = plan.faults
    flat = standing_flat_foot(skeleton)
    ankle_h = skeleton.height_above_floor("foot.L")
    arm_len = float(np.linalg.norm(skeleton.rest_vector("upperarm01.L", "wrist.L")))
    specs: list[PoseSpec] = []
    intensity = {code: np.zeros(len(t_s)) for code in f}
    for i, (phase, x, _) in enumerate(phases):
        if phase == "lead_in":
            u = u_legs = 0.0
        elif phase == "descent":
            u = u_legs = ease(x)
        elif phase == "ascent":
            u = 1.0 - ease(x)
            u_legs = 1.0 - ease(x * 1.7) if "hips_rise_first" in f else u
        else:
            u = u_legs = 0.0
        knee_extra = f.get("knee_dominant", 0.0) * u
        thigh_t = 55.0 * u_legs + 0.6 * knee_extra
        shin_s = 12.0 * u_legs + 0.4 * knee_extra
        trunk = 58.0 * u - 0.7 * knee_extra
        if "knee_dominant" in f:
            intensity["knee_dominant"][i] = knee_extra
        if "hips_rise_first" in f and phase == "ascent":
            # The hips shoot up while the shoulders stay down: the legs straighten first and the trunk tips further
            # over than it was at the bar, by the magnitude at x = 0.3, before the back lifts alone. (A trunk that
            # merely keeps its angle while the knees extend is a correct pull off the floor.)
            bump = f["hips_rise_first"] * math.sin(math.pi * min(1.0, x / 0.6)) ** 2
            trunk = 58.0 * (1.0 - ease((x - 0.3) / 0.7)) - 0.7 * knee_extra + bump
            intensity["hips_rise_first"][i] = bump
        # Top-of-rep faults: weight 1 at lockout (end of ascent and the pause), 0 at the bottom.
        top = 0.0
        if phase == "ascent":
            top = ease(x) ** 3
        elif phase == "pause":
            top = 1.0
        elif phase == "descent" and phases[i][2] > 0:
            top = (1.0 - ease(x)) ** 3
        hip_ext = 0.0
        if "lockout_hyperextension" in f:
            hip_ext = f["lockout_hyperextension"] * top
            intensity["lockout_hyperextension"][i] = hip_ext
            trunk -= hip_ext
        if "incomplete_lockout" in f:
            short = f["incomplete_lockout"] * top
            intensity["incomplete_lockout"][i] = short
            trunk += short
        spine = 0.0
        if "rounded_back" in f:
            spine = f["rounded_back"] * u
            intensity["rounded_back"][i] = spine
        arm_phi = 180.0
        if "bar_drift" in f:
            drift_m = f["bar_drift"] / 100.0 * u
            arm_phi = 180.0 - math.degrees(math.asin(min(0.9, drift_m / arm_len)))
            intensity["bar_drift"][i] = drift_m * 100.0
        thigh_phi = 180.0 - thigh_t
        shin_phi = 180.0 + shin_s
        legs = Limb(upper=thigh_phi, lower=shin_phi, end=flat)
        arms = Limb(upper=arm_phi, lower=arm_phi, end=arm_phi, lat_upper=0.1, lat_lower=0.02)
        spec = PoseSpec(trunk=trunk, spine_flex=spine, neck_flex=-0.25 * trunk).with_limbs(arms=arms, legs=legs)
        specs.append(place(skeleton, spec, "left_ankle", 0.0, ankle_h))
    return MotionScript(plan, specs, t_s, intensity, reps, [])


MOTION = ExerciseMotion(
    exercise="deadlift",
    variants=("conventional",),
    faults={
        "rounded_back": PlantedFault("deg", "thoracolumbar flexion (spine04…spine01) added at the bottom of the hinge"),
        "hips_rise_first": PlantedFault(
            "deg", "trunk tipped further over than at the bar early in the ascent, legs extending first"
        ),
        "bar_drift": PlantedFault(
            "cm", "horizontal distance the hands (bar) drift forward of the clean path at the bottom"
        ),
        "lockout_hyperextension": PlantedFault(
            "deg", "lean back at lockout: shoulder–hip–ankle bent with the hips forward"
        ),
        "incomplete_lockout": PlantedFault("deg", "hip flexion left at the top: shoulder–hip–ankle short of straight"),
        "knee_dominant": PlantedFault(
            "deg", "extra knee flexion at the bottom (hips lower, knees forward, trunk upright)"
        ),
    },
    build=_deadlift,
)

"""Bird dog (variant = the arm that is raised): motion script and planted faults."""

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
    fault_ramp,
    hold_timeline,
    lerp,
    raised_share,
    solve_trunk,
)


def _bird_dog(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    raise_s, lower_s = 0.6, 0.5
    t_s, _, hold_start = hold_timeline(plan, raise_s, lower_s)
    hold_end = hold_start + plan.hold_s
    f = plan.faults
    arm_side = "L" if plan.variant == "left" else "R"
    leg_side = "R" if arm_side == "L" else "L"
    support_hand = "right_wrist" if arm_side == "L" else "left_wrist"
    support_knee = "left_knee" if leg_side == "R" else "right_knee"
    dz = CONTACT_HEIGHT["wrist"] - CONTACT_HEIGHT["knee"]
    intensity = {code: np.zeros(len(t_s)) for code in f}
    specs: list[PoseSpec] = []
    cache: dict[tuple[float, ...], float] = {}
    for i, t in enumerate(t_s):
        lift = raised_share(float(t), plan.lead_in_s, raise_s, hold_end, lower_s)
        w = fault_ramp(float(t), hold_start, hold_end)
        for code, magnitude in f.items():
            intensity[code][i] = magnitude * w
        arm_phi = lerp(180.0, 90.0 + f.get("limb_below_level", 0.0) * w, lift)
        leg_phi = lerp(180.0, 270.0 + f.get("leg_too_high", 0.0) * w - f.get("limb_below_level", 0.0) * w, lift)
        shin_phi = lerp(270.0, leg_phi, lift)
        spine = -f.get("trunk_sag", 0.0) * w
        roll = f.get("trunk_rotation", 0.0) * w * (1.0 if leg_side == "L" else -1.0)

        def build(
            trunk: float,
            arm_phi: float = arm_phi,
            leg_phi: float = leg_phi,
            shin_phi: float = shin_phi,
            spine: float = spine,
            roll: float = roll,
            lift: float = lift,
        ) -> PoseSpec:
            support_arm = Limb(upper=180.0, lower=180.0, end=90.0, lat_upper=0.04, lat_lower=0.0)
            raised_arm = Limb(upper=arm_phi, lower=arm_phi, end=arm_phi, lat_upper=0.04 + 0.1 * lift, lat_lower=0.0)
            support_leg = Limb(upper=180.0, lower=-90.0, end=-100.0, lat_upper=0.06, lat_lower=0.0)
            foot = lerp(260.0, shin_phi + FOOT_TO_SHIN - 10.0, lift)
            raised_leg = Limb(upper=leg_phi, lower=shin_phi, end=foot, lat_upper=0.06, lat_lower=0.0)
            other_arm = "R" if arm_side == "L" else "L"
            other_leg = "R" if leg_side == "L" else "L"
            base = PoseSpec(trunk=trunk, spine_flex=spine, pelvis_roll=roll, neck_flex=-10.0)
            return base.with_limbs(
                arms={arm_side: raised_arm, other_arm: support_arm}, legs={leg_side: raised_leg, other_leg: support_leg}
            )

        spec = solve_trunk(
            skeleton,
            build,
            support_hand,
            support_knee,
            dz,
            60.0,
            120.0,
            cache,
            (arm_phi, leg_phi, shin_phi, spine, roll),
        )
        specs.append(place(skeleton, spec, support_knee, 0.0, CONTACT_HEIGHT["knee"]))
    holds: list[dict[str, float | str]] = [
        {"start_s": round(hold_start, 3), "end_s": round(hold_end, 3), "side": plan.variant}
    ]
    # One reach, hold and return is one rep (formcheck counts bird-dog reps per side): from the first movement to
    # the limbs back down, which is the clip's last frame.
    reps: list[dict[str, float | str]] = [
        {"start_s": round(plan.lead_in_s, 3), "end_s": round(hold_end + lower_s, 3), "side": plan.variant}
    ]
    return MotionScript(plan, specs, t_s, intensity, reps, holds)


MOTION = ExerciseMotion(
    exercise="bird_dog",
    variants=("left", "right"),
    faults={
        "leg_too_high": PlantedFault("deg", "raised leg above horizontal"),
        "limb_below_level": PlantedFault("deg", "raised arm and leg below horizontal"),
        "trunk_sag": PlantedFault("deg", "lumbar extension (belly dropping) spread over the spine"),
        "trunk_rotation": PlantedFault("deg", "pelvis rolled about the trunk axis, raised-leg hip up"),
    },
    build=_bird_dog,
)

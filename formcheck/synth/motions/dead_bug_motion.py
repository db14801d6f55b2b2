"""Dead bug (variant = the arm that moves first): motion script and planted faults.

Lying on the back in "tabletop": hips and knees at 90° with the shins level, arms pointing at the ceiling. Each
rep lowers one arm overhead while the OPPOSITE leg straightens towards the floor, both to ``REACH_ABOVE_LEVEL_DEG``
above level, over ``LOWER_S`` (slowly, the low back staying on the floor, as the exercise is coached), and brings
them back; the next rep uses the other pair. A rep's side is the side of its moving arm.
"""

from __future__ import annotations

import numpy as np

from formcheck.synth.kinematics import Limb, PoseSpec, Skeleton, place
from formcheck.synth.motions.motion_script import (
    FOOT_TO_SHIN,
    HIP_SUPINE_M,
    SHOULDER_SUPINE_M,
    ClipPlan,
    ExerciseMotion,
    MotionScript,
    PlantedFault,
    ease,
    lerp,
    supine_trunk_deg,
)
from formcheck.types import FloatArray

LOWER_S, RETURN_S, PAUSE_S = 2.0, 1.5, 0.3
REACH_ABOVE_LEVEL_DEG = 10.0
ARM_REACH_DEG = -(90.0 - REACH_ABOVE_LEVEL_DEG)  # overhead: towards the head, just above the floor's level
LEG_REACH_DEG = 90.0 - REACH_ABOVE_LEVEL_DEG  # towards the feet, just above level
LEG_TRAVEL_DEG = LEG_REACH_DEG  # the thigh's travel from vertical in a full reach


def _rep_spans(plan: ClipPlan) -> list[tuple[float, float, float]]:
    """Per rep: (start, lowered, back up)."""
    lower_s = plan.faults.get("limb_too_fast", LOWER_S * plan.tempo)
    rep_s = lower_s + (RETURN_S + PAUSE_S) * plan.tempo
    spans = []
    for k in range(plan.reps):
        start = plan.lead_in_s + k * rep_s
        back = start + lower_s + RETURN_S * plan.tempo
        # Rounded so that a frame time equal to a phase boundary falls on the same side of it whatever the float error.
        spans.append((round(start, 6), round(start + lower_s, 6), round(back, 6)))
    return spans


def _reach(t: float, spans: list[tuple[float, float, float]]) -> tuple[float, int, bool]:
    """(reach 0..1, rep index or −1, lowering?) at time ``t``."""
    for k, (start, lowered, back) in enumerate(spans):
        if start <= t < lowered:
            return ease((t - start) / (lowered - start)), k, True
        if lowered <= t < back:
            return 1.0 - ease((t - lowered) / (back - lowered)), k, False
    return 0.0, -1, False


def _dead_bug(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    spans = _rep_spans(plan)
    end_s = spans[-1][2] + PAUSE_S * plan.tempo
    t_s: FloatArray = np.arange(round(end_s * plan.fps)) / plan.fps
    f = plan.faults
    first = "L" if plan.variant == "left" else "R"
    lying = supine_trunk_deg(skeleton, lambda trunk: PoseSpec(trunk=trunk).with_limbs(legs=_tabletop_leg()))
    intensity = {code: np.zeros(len(t_s)) for code in f}
    specs: list[PoseSpec] = []
    for i, t in enumerate(t_s.tolist()):
        u, k, lowering = _reach(t, spans)
        arm_side = first if k % 2 == 0 else _other(first)
        leg_side = arm_side if "arm_leg_not_opposite" in f else _other(arm_side)
        leg_travel = f.get("arm_leg_not_opposite", LEG_TRAVEL_DEG)
        for code, magnitude in f.items():
            if code == "limb_too_fast":
                intensity[code][i] = magnitude if lowering else 0.0
            else:
                intensity[code][i] = magnitude * u
        arms = {s: Limb(upper=0.0, lower=0.0, end=0.0, lat_upper=0.02, lat_lower=0.0) for s in ("L", "R")}
        arm_phi = lerp(0.0, ARM_REACH_DEG, u)
        arms[arm_side] = Limb(upper=arm_phi, lower=arm_phi, end=arm_phi, lat_upper=0.02 + 0.1 * u, lat_lower=0.0)
        legs = {s: _tabletop_leg() for s in ("L", "R")}
        legs[leg_side] = _reaching_leg(u * leg_travel / LEG_TRAVEL_DEG)
        # trunk_moves: the hips rise off the floor about the resting shoulders as the limbs lower (the pelvis rocks).
        spec = PoseSpec(trunk=lying - f.get("trunk_moves", 0.0) * u).with_limbs(arms=arms, legs=legs)
        if "trunk_moves" in f:
            specs.append(place(skeleton, spec, "left_shoulder", 0.0, SHOULDER_SUPINE_M))
        else:
            specs.append(place(skeleton, spec, "left_hip", 0.0, HIP_SUPINE_M))
    reps: list[dict[str, float | str]] = [
        {
            "start_s": round(start, 3),
            "end_s": round(back, 3),
            "side": plan.variant if k % 2 == 0 else ("right" if plan.variant == "left" else "left"),
        }
        for k, (start, _, back) in enumerate(spans)
    ]
    return MotionScript(plan, specs, t_s, intensity, reps, [])


def _tabletop_leg() -> Limb:
    return Limb(upper=0.0, lower=90.0, end=90.0 + FOOT_TO_SHIN, lat_upper=0.04, lat_lower=0.0)


def _reaching_leg(w: float) -> Limb:
    """A tabletop leg straightened a fraction ``w`` of the way to the full reach (thigh and shin in line)."""
    thigh = lerp(0.0, LEG_REACH_DEG, w)
    shin = lerp(90.0, LEG_REACH_DEG, w)
    return Limb(upper=thigh, lower=shin, end=shin + FOOT_TO_SHIN + 10.0 * w, lat_upper=0.04, lat_lower=0.0)


def _other(side: str) -> str:
    return "R" if side == "L" else "L"


MOTION = ExerciseMotion(
    exercise="dead_bug",
    variants=("left", "right"),
    faults={
        "arm_leg_not_opposite": PlantedFault(
            "deg",
            "the same-side leg reaches instead of the opposite one: that thigh's travel from vertical (80 = the full "
            "reach, knee straightening in proportion); the opposite leg stays in tabletop",
        ),
        "trunk_moves": PlantedFault(
            "deg",
            "the hips rising off the floor as the arm and leg lower: the hip→shoulder line tilted about the resting "
            "shoulders (the pelvis rocking), growing with each reach",
        ),
        "limb_too_fast": PlantedFault("s", "seconds each arm-and-leg lowering takes (clean: 2 s)"),
    },
    build=_dead_bug,
    mesh_on_floor=True,
)

"""Motion scripts: per exercise, a posture per frame (``PoseSpec``) with planted faults and their labels.

Every fault is planted as an exact change of one sagittal (or frontal) angle, by ``magnitude`` in ``unit``;
``FAULT_UNITS`` says what the number means. A fault's per-frame intensity (0 … magnitude) is kept, and its label
spans the frames where the intensity is at least half the magnitude.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from formcheck.synth.kinematics import Limb, PoseSpec, Skeleton, place, pose, sagittal_angle, solve_scalar
from formcheck.types import FloatArray, FormcheckError

EXERCISES = ("deadlift", "plank", "glute_bridge", "bird_dog", "squat")
VARIANTS: dict[str, tuple[str, ...]] = {
    "deadlift": ("conventional",),
    "plank": ("forearm", "high"),
    "glute_bridge": ("bilateral",),
    "bird_dog": ("left", "right"),
    "squat": ("bodyweight",),
}
FAULTS: dict[str, tuple[str, ...]] = {
    "deadlift": (
        "rounded_back",
        "hips_rise_first",
        "bar_drift",
        "lockout_hyperextension",
        "incomplete_lockout",
        "knee_dominant",
    ),
    "plank": ("hips_sag", "hips_pike", "head_drop", "shoulders_not_stacked"),
    "glute_bridge": ("incomplete_extension", "over_arch", "feet_position", "knees_cave"),
    "bird_dog": ("leg_too_high", "limb_below_level", "trunk_sag", "trunk_rotation"),
    "squat": ("shallow_depth", "forward_lean", "heels_lift", "knees_cave"),
}
# (unit, what the magnitude means)
FAULT_UNITS: dict[str, tuple[str, str]] = {
    "rounded_back": ("deg", "thoracolumbar flexion (spine04…spine01) added at the bottom of the hinge"),
    "hips_rise_first": ("deg", "trunk tipped further over than at the bar early in the ascent, legs extending first"),
    "bar_drift": ("cm", "horizontal distance the hands (bar) drift forward of the clean path at the bottom"),
    "lockout_hyperextension": ("deg", "lean back at lockout: shoulder–hip–ankle bent with the hips forward"),
    "incomplete_lockout": ("deg", "hip flexion left at the top: shoulder–hip–ankle short of straight"),
    "knee_dominant": ("deg", "extra knee flexion at the bottom (hips lower, knees forward, trunk upright)"),
    "hips_sag": ("deg", "shoulder–hip–ankle bent with the hips towards the floor (180 − magnitude)"),
    "hips_pike": ("deg", "shoulder–hip–ankle bent with the hips towards the ceiling (180 − magnitude)"),
    "head_drop": ("deg", "neck flexion (head dropped towards the floor) relative to the trunk"),
    "shoulders_not_stacked": ("deg", "upper arm leaning back from vertical: shoulders ahead of elbows/wrists"),
    "incomplete_extension": ("deg", "shoulder–hip–knee short of straight at the top (hips low)"),
    "over_arch": ("deg", "shoulder–hip–knee past straight at the top (hips high, back arched)"),
    "feet_position": ("deg", "knee angle at the top minus 90 (+ feet too far, − feet too near)"),
    "knees_cave": ("deg", "thigh adduction in the frontal plane (knees moving towards each other)"),
    "leg_too_high": ("deg", "raised leg above horizontal"),
    "limb_below_level": ("deg", "raised arm and leg below horizontal"),
    "trunk_sag": ("deg", "lumbar extension (belly dropping) spread over the spine"),
    "trunk_rotation": ("deg", "pelvis rolled about the trunk axis, raised-leg hip up"),
    "shallow_depth": ("deg", "thigh above parallel at the bottom"),
    "forward_lean": ("deg", "extra trunk lean from vertical at the bottom"),
    "heels_lift": ("deg", "foot plantar-flexion about the toes (heels off the floor) at the bottom"),
}
FRONT_ONLY_FAULTS = frozenset({"knees_cave"})

# Joint-centre heights above the floor at contacts (metres).
_CONTACT_HEIGHT = {"elbow": 0.05, "wrist": 0.04, "toe": 0.025, "knee": 0.055, "shoulder": 0.075}
_FOOT_TO_SHIN = -73.0  # foot (ankle→ball) angle relative to the shin in a relaxed ankle
_ARM_DOWN = Limb(upper=180.0, lower=180.0, end=180.0, lat_upper=0.12, lat_lower=0.05)


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
        if self.exercise not in EXERCISES:
            raise FormcheckError(f"unknown exercise {self.exercise!r}; choose from {', '.join(EXERCISES)}")
        if self.variant not in VARIANTS[self.exercise]:
            raise FormcheckError(f"{self.exercise} variant must be one of {', '.join(VARIANTS[self.exercise])}")
        for code in self.faults:
            if code not in FAULTS[self.exercise]:
                choices = ", ".join(FAULTS[self.exercise])
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
                            "unit": FAULT_UNITS[code][0],
                        }
                    )
                    start = None
        return labels


def ease(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return 0.5 - 0.5 * math.cos(math.pi * x)


def lerp(a: float, b: float, w: float) -> float:
    return a + (b - a) * w


def build_motion(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    plan.validate()
    builder = {
        "deadlift": _deadlift,
        "squat": _squat,
        "plank": _plank,
        "glute_bridge": _bridge,
        "bird_dog": _bird_dog,
    }[plan.exercise]
    return builder(plan, skeleton)


# --- rep exercises -----------------------------------------------------------------------------------------------

_DESCENT_S, _ASCENT_S, _PAUSE_S = 0.9, 0.9, 0.4


def _rep_timeline(plan: ClipPlan) -> tuple[FloatArray, list[tuple[str, float, int]], list[dict[str, float | str]]]:
    """Per frame: (phase name, progress 0..1, rep index) and the rep spans."""
    descent, ascent, pause = _DESCENT_S * plan.tempo, _ASCENT_S * plan.tempo, _PAUSE_S * plan.tempo
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


def _standing_flat_foot(skeleton: Skeleton) -> float:
    return sagittal_angle(skeleton.rest_vector("foot.L", "toe1-1.L"))


def _deadlift(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:  # noqa: PLR0912, PLR0915 - one script, read top-down
    t_s, phases, reps = _rep_timeline(plan)
    f = plan.faults
    flat = _standing_flat_foot(skeleton)
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


def _squat(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    t_s, phases, reps = _rep_timeline(plan)
    f = plan.faults
    flat = _standing_flat_foot(skeleton)
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
        spec = PoseSpec(trunk=trunk, neck_flex=-0.5 * trunk).with_limbs(arms=arms, legs=legs)
        specs.append(place(skeleton, spec, "left_foot_index", 0.0, toe_h))
    return MotionScript(plan, specs, t_s, intensity, reps, [])


# --- holds ---------------------------------------------------------------------------------------------------------


def _hold_timeline(plan: ClipPlan, raise_s: float = 0.0, lower_s: float = 0.0) -> tuple[FloatArray, FloatArray, float]:
    total = plan.lead_in_s + raise_s + plan.hold_s + lower_s
    n = round(total * plan.fps)
    return np.arange(n) / plan.fps, np.zeros(n), plan.lead_in_s + raise_s


def _fault_ramp(t: float, hold_start: float, hold_end: float) -> float:
    """0 before the hold, rising over 0.6 s from 0.4 s into it, 1 until the hold ends."""
    if t > hold_end:
        return 0.0
    return ease((t - hold_start - 0.4) / 0.6)


def _solve_trunk(
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


def _plank(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    t_s, _, hold_start = _hold_timeline(plan)
    hold_end = float(t_s[-1]) + 1.0 / plan.fps
    f = plan.faults
    forearm = plan.variant == "forearm"
    support = "left_elbow" if forearm else "left_wrist"
    dz = _CONTACT_HEIGHT["elbow" if forearm else "wrist"] - _CONTACT_HEIGHT["toe"]
    intensity = {code: np.zeros(len(t_s)) for code in f}
    specs: list[PoseSpec] = []
    cache: dict[tuple[float, ...], float] = {}
    for i, t in enumerate(t_s):
        lead = ease(t / plan.lead_in_s) if t < plan.lead_in_s else 1.0
        w = _fault_ramp(float(t), hold_start, hold_end)
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
            legs = Limb(upper=leg_phi, lower=leg_phi, end=leg_phi + _FOOT_TO_SHIN + 10.0)
            if forearm:
                arms = Limb(upper=180.0 + stack, lower=90.0, end=90.0, lat_upper=0.02, lat_lower=-0.05)
            else:
                arms = Limb(upper=180.0 + stack, lower=180.0 + stack, end=90.0, lat_upper=0.03, lat_lower=0.0)
            return PoseSpec(trunk=trunk, neck_flex=neck).with_limbs(arms=arms, legs=legs)

        spec = _solve_trunk(skeleton, build, support, "left_foot_index", dz, 40.0, 130.0, cache, (hip_ext, neck, stack))
        specs.append(place(skeleton, spec, "left_foot_index", 0.0, _CONTACT_HEIGHT["toe"]))
    holds: list[dict[str, float | str]] = [{"start_s": round(hold_start, 3), "end_s": round(hold_end, 3)}]
    return MotionScript(plan, specs, t_s, intensity, [], holds)


def _bridge(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    t_s, _, hold_start = _hold_timeline(plan)
    hold_end = float(t_s[-1]) + 1.0 / plan.fps
    f = plan.faults
    flat = _standing_flat_foot(skeleton)
    ankle_h = skeleton.height_above_floor("foot.L")
    intensity = {code: np.zeros(len(t_s)) for code in f}
    specs: list[PoseSpec] = []
    cache: dict[tuple[float, ...], float] = {}
    for i, t in enumerate(t_s):
        lead = ease(t / plan.lead_in_s) if t < plan.lead_in_s else 1.0
        w = _fault_ramp(float(t), hold_start, hold_end)
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

        spec = _solve_trunk(
            skeleton,
            build,
            "left_shoulder",
            "left_ankle",
            _CONTACT_HEIGHT["shoulder"] - ankle_h,
            -175.0,
            -90.0,
            cache,
            (hip_ext, knee, cave, spine),
        )
        specs.append(place(skeleton, spec, "left_ankle", 0.0, ankle_h))
    holds: list[dict[str, float | str]] = [{"start_s": round(hold_start, 3), "end_s": round(hold_end, 3)}]
    return MotionScript(plan, specs, t_s, intensity, [], holds)


def _bird_dog(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    raise_s, lower_s = 0.6, 0.5
    t_s, _, hold_start = _hold_timeline(plan, raise_s, lower_s)
    hold_end = hold_start + plan.hold_s
    f = plan.faults
    arm_side = "L" if plan.variant == "left" else "R"
    leg_side = "R" if arm_side == "L" else "L"
    support_hand = "right_wrist" if arm_side == "L" else "left_wrist"
    support_knee = "left_knee" if leg_side == "R" else "right_knee"
    dz = _CONTACT_HEIGHT["wrist"] - _CONTACT_HEIGHT["knee"]
    intensity = {code: np.zeros(len(t_s)) for code in f}
    specs: list[PoseSpec] = []
    cache: dict[tuple[float, ...], float] = {}
    for i, t in enumerate(t_s):
        if t < plan.lead_in_s:
            lift = 0.0
        elif t < hold_start:
            lift = ease((t - plan.lead_in_s) / raise_s)
        elif t < hold_end:
            lift = 1.0
        else:
            lift = 1.0 - ease((t - hold_end) / lower_s)
        w = _fault_ramp(float(t), hold_start, hold_end)
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
            foot = lerp(260.0, shin_phi + _FOOT_TO_SHIN - 10.0, lift)
            raised_leg = Limb(upper=leg_phi, lower=shin_phi, end=foot, lat_upper=0.06, lat_lower=0.0)
            other_arm = "R" if arm_side == "L" else "L"
            other_leg = "R" if leg_side == "L" else "L"
            base = PoseSpec(trunk=trunk, spine_flex=spine, pelvis_roll=roll, neck_flex=-10.0)
            return base.with_limbs(
                arms={arm_side: raised_arm, other_arm: support_arm}, legs={leg_side: raised_leg, other_leg: support_leg}
            )

        spec = _solve_trunk(
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
        specs.append(place(skeleton, spec, support_knee, 0.0, _CONTACT_HEIGHT["knee"]))
    holds: list[dict[str, float | str]] = [
        {"start_s": round(hold_start, 3), "end_s": round(hold_end, 3), "side": plan.variant}
    ]
    # One reach, hold and return is one rep (formcheck counts bird-dog reps per side): from the first movement to
    # the limbs back down, which is the clip's last frame.
    reps: list[dict[str, float | str]] = [
        {"start_s": round(plan.lead_in_s, 3), "end_s": round(hold_end + lower_s, 3), "side": plan.variant}
    ]
    return MotionScript(plan, specs, t_s, intensity, reps, holds)

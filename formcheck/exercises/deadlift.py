"""Conventional deadlift, judged from the side: a hip hinge from the floor to standing tall."""

from dataclasses import replace

import numpy as np

from formcheck.exercises.spec import (
    EQUIPMENT,
    Check,
    Exercise,
    Gate,
    Limit,
    Looks,
    Metric,
    Motion,
    Posture,
    Severity,
    Sign,
)
from formcheck.features import FEATURES, Body, Joint, feature, joint_landmark
from formcheck.geometry import View
from formcheck.testing.stick_scenario import Moment, Scenario, lerp, symmetric
from formcheck.testing.synthetic_pose import (
    FOREARM_M,
    SHIN_M,
    THIGH_M,
    TRUNK_M,
    UPPER_ARM_M,
    Limbs,
    StickPose,
    direction,
)
from formcheck.types import BoolArray, FloatArray

_SIDE = (View.SIDE,)
_MOVING = ("lowering", "bottom", "pull")

# Recognition, read at the bottom of the movement (the tenth of the clip with the shoulders lowest). The hands low is
# the stronger sign (a bar on the floor: wrists below half a leg length); the hips staying high separates a hinge from
# a squat less reliably, since a squatted deadlift (a fault that must still be judged) sits the hips low too.
# A clear hinge shape (the hips folding far more than the knees bend) moves an undecided clip toward the deadlift,
# e.g. a hinge with the hands only to the knees; it is one-sided because world landmarks of real lifters behind a
# loaded bar often read the knees as bent as the hips, so its absence says nothing.
HANDS_LOW_MAX_WRIST_HEIGHT_NORM = 0.5
HIPS_HIGH_MIN_HIP_HEIGHT_NORM = 0.6
CLEAR_HINGE_MIN_KNEE_MINUS_HIP_DEG = 30.0
HANDS_LOW = Sign("wrist_height_norm", below=HANDS_LOW_MAX_WRIST_HEIGHT_NORM, scale=0.08, weight=0.7, frames="deepest")
HIPS_HIGH = Sign("hip_height_norm", above=HIPS_HIGH_MIN_HIP_HEIGHT_NORM, scale=0.04, weight=0.3, frames="deepest")
CLEAR_HINGE = Sign(
    "world_knee_minus_hip_deg",
    above=CLEAR_HINGE_MIN_KNEE_MINUS_HIP_DEG,
    scale=6.0,
    weight=0.3,
    frames="deepest",
    one_sided=True,
)
DEADLIFT_SIGNS = (HANDS_LOW, HIPS_HIGH, CLEAR_HINGE)

# Feet hidden behind the plates at the bar. The feet stay planted through a pull, so where the near ankle, heel and
# toe were seen while standing tall (the plates at hip height, the feet in full view) is where they are at the bar.
# Only when those standing readings agree: on real side views filmed from a tripod they spread (interquartile range)
# 0.004-0.063 leg lengths, a median of 0.017; a clip that changes camera angle 0.3-0.66. 0.05 is under the gap
# between a correct bar path and a drifting one (real: up to 0.12 vs 0.18-0.20), so a placed foot cannot on its own
# carry a lift across the bar_drift limit. Frames seen on the way down to the bar are not used: as a plate covers
# the feet, MediaPipe's guesses slide (one real clip: 0.33 leg lengths in half a second), which is what sank a fill
# from every seen frame. Rendered lifts with the feet hidden on the lowest quarter of the movement judge as with
# them seen (bench/deadlift_hidden_feet.py).
STANDING_MIN_KNEE_DEG = 160.0
STANDING_MAX_TRUNK_DEG = 20.0
PLANTED_MAX_SPREAD_NORM = 0.05
PLANTED_MIN_STANDING_FRAMES = 3
# The exercise's plausible range (see ``plausible`` below), applied to a placed ankle too.
MAX_PLAUSIBLE_SHIN_DEG = 75.0
MIN_PLAUSIBLE_KNEE_DEG = 45.0
_FOOT = (Joint.ANKLE, Joint.HEEL, Joint.FOOT)


def planted_feet(body: Body) -> Body:
    """``body`` with its hidden near ankle, heel and toe each put where it stood while the person stood tall; a point
    that too few standing frames saw, or whose standing readings disagree, stays hidden (the knee angle needs only the
    ankle, the mid-foot the heel and toe)."""
    standing = _standing_tall(body)
    if not standing.any():
        return body
    leg_px = float(np.nanmedian(body.leg_length_px()[standing]))
    xy = body.xy.copy()
    placed = False
    for joint in _FOOT:
        column = int(joint_landmark(joint, body.near))
        seen = standing & np.all(np.isfinite(xy[:, column]), axis=1)
        if seen.sum() < PLANTED_MIN_STANDING_FRAMES or not np.isfinite(leg_px):
            continue
        quartiles = np.percentile(xy[seen, column], [25.0, 75.0], axis=0)
        if float(np.max(quartiles[1] - quartiles[0])) / leg_px > PLANTED_MAX_SPREAD_NORM:
            continue
        hidden = ~np.all(np.isfinite(xy[:, column]), axis=1)
        xy[hidden, column] = np.median(xy[seen, column], axis=0)
        placed = True
    return replace(body, xy=xy) if placed else body


def _standing_tall(body: Body) -> BoolArray:
    knee_deg = FEATURES["hip_knee_ankle_deg"].compute(body)
    trunk_deg = FEATURES["trunk_to_vertical_deg"].compute(body)
    with np.errstate(invalid="ignore"):
        return np.asarray((knee_deg >= STANDING_MIN_KNEE_DEG) & (trunk_deg <= STANDING_MAX_TRUNK_DEG), dtype=bool)


@feature(
    "wrist_ahead_of_planted_midfoot_norm",
    "wrist_ahead_of_midfoot_norm, with feet hidden at the bar placed where they stood: + toward the toes",
    (Joint.HIP, Joint.KNEE, Joint.WRIST),
    reference="where your feet stood while you stood tall in this set, when the plates hid them",
    placed=_FOOT,
)
def _wrist_ahead_of_planted_midfoot(body: Body) -> FloatArray:
    return FEATURES["wrist_ahead_of_midfoot_norm"].compute(planted_feet(body))


@feature(
    "knee_minus_hip_planted_deg",
    "knee_minus_hip_angle_deg, with an ankle hidden at the bar placed where it stood",
    (Joint.SHOULDER, Joint.HIP, Joint.KNEE),
    reference="where your feet stood while you stood tall in this set, when the plates hid them",
    placed=(Joint.ANKLE,),
)
def _knee_minus_hip_planted(body: Body) -> FloatArray:
    planted = planted_feet(body)
    value = FEATURES["knee_minus_hip_angle_deg"].compute(planted)
    shin_deg = FEATURES["shin_to_vertical_deg"].compute(planted)
    knee_deg = FEATURES["hip_knee_ankle_deg"].compute(planted)
    with np.errstate(invalid="ignore"):
        implausible = (shin_deg > MAX_PLAUSIBLE_SHIN_DEG) | (knee_deg < MIN_PLAUSIBLE_KNEE_DEG)
    return np.asarray(np.where(implausible, np.nan, value), dtype=np.float64)


EXERCISE = Exercise(
    name="deadlift",
    title="Deadlift",
    looks=Looks(Posture.UPRIGHT, signs=DEADLIFT_SIGNS),
    description="Rep = from standing, down to the bar and back to lockout; a clip may start at the bar.",
    motion=Motion(
        # Shoulder height (world metres over leg+trunk length) works from any view: 1 standing, ~0.6 at the bar on
        # real lifts from the floor. Rendered hinges (no barbell, hands to just below the knee) bottom out at
        # 0.70-0.75, so the bottom starts at 0.8; lockout is back above 0.9 (standing reads 0.99). The "any" variant
        # measures from a guessed floor when a plate hides both feet at the bar, so a set starting there is counted.
        driver="shoulder_height_any_norm",
        active_when="below",
        enter=0.80,
        exit=0.90,
        phase_names={"rest": "lockout", "away": "lowering", "active": "bottom", "back": "pull"},
        first_rep_may_start_active=True,
    ),
    checks=(
        Check(
            code="rounded_back",
            # Real side-view clips: the ear–shoulder–hip angle did not separate rounded from flat backs at all (head
            # posture dominates it: flat backs with the head up read 40-50°), while the median back outline over the
            # movement did (rounded ≥ 0.04, flat ≤ 0.02 of trunk length). So the outline alone decides; without a
            # segmentation mask the check is unjudged. It is read at the bottom, where the back carries the bar off
            # the floor: real clips read the same there (rounded 0.031-0.091, correct side views ≤ 0.025), while on
            # the way down and up the arms cross the outline (a clean render read up to 0.09 in the pull) and a
            # back that rounds as it reaches the bar is diluted (a 30° rendered rounding: 0.04-0.058 at the bottom,
            # a median of 0.024-0.032 over the whole movement). bench/back_rounding_stills.py measures the renders.
            limits=(Limit("back_bulge_norm", "max", "max_bulge_norm"),),
            thresholds={"max_bulge_norm": (0.045, 0.035, 0.03)},
            aggregate="median",
            phases=("bottom",),
            views=_SIDE,
            severity=Severity.HIGH,
            cue="Keep your chest proud and your back flat — brace before you pull.",
            why="A rounded back under load shifts the work from your hips onto your spine.",
        ),
        Check(
            code="hips_rise_first",
            limits=(Limit("trunk_to_vertical_deg", "max", "max_deg"),),
            # How far the trunk tips further over after the hips were lowest: hips shooting up while the shoulders
            # stay down. (Measured from the lowest shoulders instead, the fault hides itself: the shoulders dip
            # while the trunk tips.) Renders with 15-25° of it read 15.6-24.9°, clean renders ≤ 5.3°, correct real
            # lifts ≤ 10.7° (tracking noise at the bottom); thresholds sit above that.
            thresholds={"max_deg": (18.0, 14.0, 10.0)},
            aggregate="rise_from_extreme",
            rise_from_lowest="hip_height_norm",
            phases=("bottom", "pull"),
            views=_SIDE,
            severity=Severity.MEDIUM,
            cue="Push the floor away so your hips and shoulders rise together.",
            why="When the hips shoot up first your back ends up lifting the bar on its own.",
        ),
        Check(
            code="bar_drift",
            limits=(Limit("wrist_ahead_of_planted_midfoot_norm", "max", "max_norm"),),
            # Real clips: heel/toe landmarks under a loaded bar are poor; over a whole movement (lowering, bottom,
            # pull) correct side-view lifts read a median of up to 0.12 leg lengths, the drifting bar 0.18-0.20.
            # Rendered hinges: clean 0.08-0.13, a 12 cm drift 0.28. Only for a barbell: a kettlebell between the legs
            # or dumbbells at the sides move the hands differently, and unseen kettlebell lifts read as drift.
            thresholds={"max_norm": (0.25, 0.18, 0.15)},
            equipment=("barbell",),
            aggregate="median",
            phases=_MOVING,
            views=_SIDE,
            severity=Severity.MEDIUM,
            cue="Keep the bar close — drag it up your shins and thighs.",
            why="Every centimetre the bar drifts forward adds leverage against your lower back.",
        ),
        Check(
            code="lockout_hyperextension",
            limits=(Limit("shoulder_hip_knee_deviation_deg", "max", "max_deg"),),
            # Correct real lockouts read up to 10°; clips labelled hyperextended 18-20°.
            thresholds={"max_deg": (16.0, 13.0, 10.0)},
            phases=("lockout",),
            views=_SIDE,
            severity=Severity.MEDIUM,
            cue="Finish by standing tall — squeeze your glutes, don't lean back.",
            why="Leaning back at the top arches and compresses your lower back.",
        ),
        Check(
            code="incomplete_lockout",
            # Even at its most upright moment of the lockout the body stays folded at the hips AND the trunk still
            # leans forward; both readings must agree. On their best frames rendered 12-22 degree short lockouts read
            # -0.7 to -18 degrees of hip line and 6-19 degrees of trunk lean; clean renders +4.7 to +9 and at most
            # 2.9; correct real lockouts -1.4 to +8.5 and 0.6 to 8.0 (10 fps and full frame rate). Correct real
            # lifters who stand with the trunk 6.8-8.0 degrees forward read +1.2 to +2.1 of hip line, so the hip
            # line's limit sits between them and the mildest rendered short lockout (-0.7): 0. The hip line alone
            # cued correct real lifts (the hip landmark sits forward of the joint on real bodies).
            limits=(
                Limit("shoulder_hip_knee_deviation_deg", "min", "min_deg"),
                Limit("trunk_to_vertical_deg", "max", "max_lean_deg"),
            ),
            combine="all_available",
            thresholds={"min_deg": (-3.0, 0.0, 2.0), "max_lean_deg": (8.0, 5.0, 4.0)},
            aggregate="best",
            # Standing around between sets (turning, walking, bending to the bar) is not a lockout to judge: only
            # frames where the trunk is near vertical in the image count, and only once a pull has finished (a real
            # lifter leaning over the bar to set up read as a short lockout).
            only_when=(Gate("trunk_to_vertical_deg", max_value=30.0), Gate("hip_knee_ankle_deg", min_value=150.0)),
            after_first_rep=True,
            phases=("lockout",),
            views=_SIDE,
            severity=Severity.LOW,
            cue="Stand all the way up — bring your hips through at the top.",
            why="Stopping short leaves your back holding the weight in a half-bent position.",
        ),
        Check(
            code="knee_dominant",
            # How much more the hips fold than the knees bend, over the bottom: a hinge folds the hips far more
            # (rendered clean hinges 36-48°, real side-view lifts 46-66°), a squatted bar bends both alike
            # (rendered 25° knee-dominant hinge 18-19°, the real squatted lift 8°). The shin angle alone did not
            # separate real clips (correct lifts from the floor read 35-48°). Frames with a near-upright trunk (world
            # trunk within 30° of vertical, any view) are not a bottom position to judge (a real clip tracked at 16°
            # of trunk lean read -10°).
            limits=(Limit("knee_minus_hip_planted_deg", "min", "min_deg"),),
            thresholds={"min_deg": (17.0, 22.0, 27.0)},
            aggregate="median",
            only_when=(Gate("hip_lift_deg", min_value=-60.0),),
            # A barbell's fault: its bar must pass the knees. A kettlebell between the feet, a trap bar or dumbbells
            # at the sides are lifted with more knee bend by design (unseen correct kettlebell lifts were cued).
            equipment=("barbell",),
            phases=("bottom",),
            views=_SIDE,
            severity=Severity.LOW,
            cue="Hinge, don't squat: push your hips back and keep your shins near vertical.",
            why="Squatting the bar puts your knees in its path, so it swings forward, away from your back.",
        ),
    ),
    metrics=(
        Metric("bottom_hip_angle_deg", "shoulder_hip_knee_deg", "min"),
        Metric("bottom_trunk_to_vertical_deg", "trunk_to_vertical_deg", "max"),
        Metric("bottom_shin_to_vertical_deg", "shin_to_vertical_deg", "max"),
        Metric("max_ear_shoulder_hip_signed_deg", "ear_shoulder_hip_signed_deg", "max"),
        Metric("max_wrist_ahead_of_midfoot_norm", "wrist_ahead_of_midfoot_norm", "max"),
    ),
    # In a deadlift the ankle stays below the knee and the knee never folds past ~80°; readings beyond these are
    # tracking errors where the plates hide the legs (real clips: shins read 84-143°, knees 3-28°, for a frame or
    # three), and judging or counting on them produced a phantom 0.2 s rep and cues on correct lifts.
    plausible=(
        Gate("shin_to_vertical_deg", max_value=MAX_PLAUSIBLE_SHIN_DEG),
        Gate("hip_knee_ankle_deg", min_value=MIN_PLAUSIBLE_KNEE_DEG),
    ),
    equipment=EQUIPMENT,
)


# --- test motion: a stick figure doing the exercise, clean or with one planted fault ---------------------------


def deadlift_pose(m: Moment, fault: str | None) -> StickPose:
    p = m.progress
    # A squatted "deadlift": shins forward 40°, thighs near level, knee at ~65° (within the exercise's plausible
    # range, which stops at a 45° knee).
    shin, thigh_elevation, trunk = (40.0, 10.0, 40.0) if fault == "knee_dominant" else (10.0, 25.0, 60.0)
    # Standing pose (trunk, thigh, shin) the lifter rises to after a rep: faulty lockouts change it.
    top = {"lockout_hyperextension": (-15.0, 180.0, 180.0), "incomplete_lockout": (10.0, 175.0, 185.0)}
    finished = m.rep > 0 and (m.segment in ("back", "rest") or (m.segment == "away" and m.rep > 1))
    top_trunk, top_thigh, top_shin = top.get(fault or "", (0.0, 180.0, 180.0)) if finished else (0.0, 180.0, 180.0)
    trunk_now = lerp(top_trunk, trunk, p)
    legs_p = p
    if fault == "hips_rise_first" and m.segment == "back":
        # Knees straighten in the first half of the pull while the chest drops, then the back lifts alone.
        q = m.within
        legs_p = max(0.0, 1.0 - 2.0 * q)
        trunk_now = trunk + 15.0 * min(1.0, 2.0 * q) if q < 0.5 else lerp(trunk + 15.0, 0.0, (q - 0.5) / 0.5)
    thigh = lerp(top_thigh, 90.0 + thigh_elevation, legs_p)
    shin_angle = lerp(top_shin, 180.0 + shin, legs_p)
    drift = 0.45 * p if fault == "bar_drift" else 0.0
    arm = _arm_reaching(trunk_now, thigh, shin_angle, MIDFOOT_AHEAD_OF_ANKLE_M + drift)
    rounded = fault == "rounded_back"
    legs = Limbs(upper_arm=arm, forearm=arm, thigh=thigh, shin=shin_angle)
    return symmetric(
        legs, trunk=trunk_now, neck=25.0 * p if rounded else 5.0 * p, back_bulge=0.08 * p if rounded else 0.01
    )


MIDFOOT_AHEAD_OF_ANKLE_M = 0.05


def _arm_reaching(trunk: float, thigh: float, shin: float, wrist_ahead_of_ankle_m: float) -> float:
    """Angle of straight hanging arms that puts the wrists (the bar) that far ahead of the ankle, when possible."""
    ankle_to_shoulder = -SHIN_M * direction(shin) - THIGH_M * direction(thigh) + TRUNK_M * direction(trunk)
    arm = UPPER_ARM_M + FOREARM_M
    reach = np.clip((wrist_ahead_of_ankle_m - ankle_to_shoulder[0]) / arm, -0.9, 0.9)
    return 180.0 - float(np.degrees(np.arcsin(reach)))


SCENARIO = Scenario(deadlift_pose, reps=3, rest_s=0.8, away_s=1.0, active_s=0.5, back_s=1.2)

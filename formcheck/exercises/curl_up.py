"""McGill curl-up: lying on the back, one knee bent and the other leg straight, hands under the low back; the head
and shoulders lift a little off the floor as one piece and the lift is held. Judged from the side.

A rep's side is the side of the bent knee (people swap legs between sets); reps = lifts, the time lifted is a hold.
"""

import numpy as np

from formcheck.exercises.spec import Check, Exercise, Gate, Limit, Looks, Metric, Motion, Posture, Severity, Sign
from formcheck.features import FEATURES, Body, Joint, feature
from formcheck.geometry import SIDE_VIEW_MIN_YAW_FLOOR_DEG, Side, View, joint_angle_deg
from formcheck.testing.stick_scenario import Moment, Scenario, lerp
from formcheck.testing.synthetic_pose import Limbs, StickPose
from formcheck.types import FloatArray

_SIDE = (View.SIDE,)
# The lowest tenth of a set's trunk readings is where the person lies flat between lifts (a set of 10-s holds still
# spends a quarter of its time down or on the way).
LYING_PERCENTILE = 10.0
# Frames within the least-lifted quarter of the set are "lying" for the head's own reference.
HEAD_REFERENCE_PERCENTILE = 25.0
MIN_REFERENCE_FRAMES = 3
# Feet on the floor: the higher ankle at most this far above the hips (leg lengths). Feet on the floor read ~0 (the
# ankle and the hip joint centre are both a hand's breadth above the floor); a dead bug's tabletop reads ~0.5.
FEET_DOWN_MAX_NORM = 0.2


def _world_elevation_deg(p: FloatArray, q: FloatArray) -> FloatArray:
    """3-D angle of ``p→q`` above the horizontal plane (world y points down)."""
    step = q - p
    return np.asarray(np.degrees(np.arctan2(-step[:, 1], np.hypot(step[:, 0], step[:, 2]))), dtype=np.float64)


def _world_mid(body: Body, joint: Joint) -> FloatArray:
    left, right = body.world_at(joint, Side.LEFT), body.world_at(joint, Side.RIGHT)
    return np.asarray(np.where(np.isnan(left), right, np.where(np.isnan(right), left, (left + right) / 2)))


def _trunk_elevation_deg(body: Body) -> FloatArray:
    return _world_elevation_deg(_world_mid(body, Joint.HIP), _world_mid(body, Joint.SHOULDER))


def _above_reference(values: FloatArray, reference: float) -> FloatArray:
    return np.asarray(values - reference, dtype=np.float64)


@feature(
    "trunk_curl_deg",
    "mid-hip→mid-shoulder line raised above its own lying level (world, any view): how far the shoulders curl up",
    (Joint.SHOULDER, Joint.HIP),
    sides="both",
    reference="your own lying position (the lowest tenth of the set)",
)
def _trunk_curl(body: Body) -> FloatArray:
    elevation = _trunk_elevation_deg(body)
    finite = elevation[np.isfinite(elevation)]
    if finite.size < MIN_REFERENCE_FRAMES:
        return np.full(len(elevation), np.nan)
    return _above_reference(elevation, float(np.percentile(finite, LYING_PERCENTILE)))


@feature(
    "neck_flexion_deg",
    "head folded toward the chest beyond its own lying position: ear–shoulder–hip bend, + chin toward the chest",
    (Joint.EAR, Joint.SHOULDER, Joint.HIP),
    reference="your own head position lying flat in this set",
)
def _neck_flexion(body: Body) -> FloatArray:
    head = FEATURES["ear_shoulder_hip_signed_deg"].compute(body)
    curl = _trunk_curl(body)
    known = np.isfinite(head) & np.isfinite(curl)
    if known.sum() < MIN_REFERENCE_FRAMES:
        return np.full(len(head), np.nan)
    lying = known & (curl <= np.percentile(curl[known], HEAD_REFERENCE_PERCENTILE))
    return _above_reference(head, float(np.median(head[lying])))


def _knee_angles_deg(body: Body) -> tuple[FloatArray, FloatArray]:
    left, right = (
        joint_angle_deg(*(body.world_at(joint, side) for joint in (Joint.HIP, Joint.KNEE, Joint.ANKLE)))
        for side in (Side.LEFT, Side.RIGHT)
    )
    return left, right


@feature(
    "bent_knee_side_deg",
    "right minus left knee angle (world, any view): + the left knee bent more",
    (Joint.HIP, Joint.KNEE, Joint.ANKLE),
    sides="both",
)
def _bent_knee_side(body: Body) -> FloatArray:
    left, right = _knee_angles_deg(body)
    return np.asarray(right - left, dtype=np.float64)


def _feet_above_hips_norm(body: Body) -> FloatArray:
    hip_y = _world_mid(body, Joint.HIP)[:, 1]
    ankle_y = np.fmin(body.world_at(Joint.ANKLE, Side.LEFT)[:, 1], body.world_at(Joint.ANKLE, Side.RIGHT)[:, 1])
    leg_m = np.linalg.norm(body.world_at(Joint.KNEE) - body.world_at(Joint.HIP), axis=-1) + np.linalg.norm(
        body.world_at(Joint.ANKLE) - body.world_at(Joint.KNEE), axis=-1
    )
    return np.asarray((hip_y - ankle_y) / np.where(leg_m > 1e-6, leg_m, np.nan), dtype=np.float64)


@feature(
    "feet_down_knee_difference_deg",
    "how much more one knee is bent than the other with both feet down (world, any view); 0 with a foot in the "
    "air: a curl-up's bent and straight legs read ~90, a bridge's two bent knees ~0",
    (Joint.HIP, Joint.KNEE, Joint.ANKLE),
    sides="both",
)
def _feet_down_knee_difference(body: Body) -> FloatArray:
    left, right = _knee_angles_deg(body)
    with np.errstate(invalid="ignore"):
        feet_up = _feet_above_hips_norm(body) > FEET_DOWN_MAX_NORM
    return np.asarray(np.where(feet_up, 0.0, np.abs(left - right)), dtype=np.float64)


EXERCISE = Exercise(
    name="curl_up",
    title="Curl-up",
    looks=Looks(
        Posture.SUPINE,
        # One knee bent, the other leg straight on the floor: stick figures read 90°; both knees bent read ~0 (real
        # bridges 6-15°), a foot in the air 0 (a dead bug's tabletop, a real single-leg bridge).
        signs=(Sign("feet_down_knee_difference_deg", above=45.0, scale=8.0),),
    ),
    description="Rep = head and shoulders lifted a little off the floor and lowered; the time lifted is a hold.",
    motion=Motion(
        driver="trunk_curl_deg",
        active_when="above",
        # McGill's curl-up lifts the head and shoulders "only slightly": the rendered clean lift raises the shoulder
        # joints 5 cm, ~6° of the hip→shoulder line over a 0.5 m trunk.
        enter=3.5,
        exit=2.0,
        phase_names={"rest": "down", "away": "curling_up", "active": "lifted", "back": "lowering"},
        times_holds=True,
        # As for the bridge's top: a lift touched for less than half a second is a turnaround, not a hold.
        min_hold_s=0.5,
        side_feature="bent_knee_side_deg",
        gates=(Gate("ventral_downward_ratio", max_value=-0.5),),
        # Seen from the head or the feet the lift is a change of depth, which MediaPipe reads poorly.
        views=(View.SIDE, View.OBLIQUE),
    ),
    checks=(
        Check(
            code="neck_flexion",
            limits=(Limit("neck_flexion_deg", "max", "max_deg"),),
            # McGill: the head and neck move as one with the trunk ("as if the head rests on a scale"), chin neither
            # tucked nor poked. The stick figure's clean lift reads 0°, a 30° chin tuck 30°.
            thresholds={"max_deg": (25.0, 18.0, 12.0)},
            aggregate="median",
            phases=("lifted",),
            views=_SIDE,
            severity=Severity.MEDIUM,
            cue="Keep your chin off your chest — lift your head and shoulders together as one piece.",
            why="Tucking the chin strains the neck while the trunk muscles do less of the work.",
        ),
        Check(
            code="lift_too_high",
            limits=(Limit("trunk_curl_deg", "max", "max_deg"),),
            # McGill: only the head and shoulders clear the floor, the low back stays flat; the rendered clean lift
            # reads ~6° and a curl 10° higher ~16°, a sit-up 30° and more.
            thresholds={"max_deg": (16.0, 13.0, 11.0)},
            aggregate="max",
            phases=("lifted",),
            views=_SIDE,
            severity=Severity.MEDIUM,
            cue="Lift only your head and shoulders — just clear the floor, no higher.",
            why="Curling higher turns it into a sit-up that bends and loads the lower back.",
        ),
    ),
    metrics=(
        Metric("max_trunk_curl_deg", "trunk_curl_deg", "max", phases=("lifted",)),
        Metric("mean_neck_flexion_deg", "neck_flexion_deg", "mean", phases=("lifted",)),
    ),
    side_view_min_yaw_deg=SIDE_VIEW_MIN_YAW_FLOOR_DEG,
)


# --- test motion: a stick figure doing the exercise, clean or with one planted fault ---------------------------

_STRAIGHT_LEG = Limbs(upper_arm=95.0, forearm=90.0, thigh=90.0, shin=90.0, foot=0.0)
_BENT_LEG = Limbs(upper_arm=95.0, forearm=90.0, thigh=45.0, shin=135.0, foot=30.0)


def curl_up_pose(m: Moment, fault: str | None) -> StickPose:
    p = m.progress
    lift_deg = 30.0 if fault == "lift_too_high" else 8.0
    bent_left = m.side == "left"
    return StickPose(
        trunk=-90.0 + lerp(0.0, lift_deg, p),
        neck=30.0 * p if fault == "neck_flexion" else 0.0,
        left=_BENT_LEG if bent_left else _STRAIGHT_LEG,
        right=_STRAIGHT_LEG if bent_left else _BENT_LEG,
        back_bulge=0.0,
    )


SCENARIO = Scenario(curl_up_pose, reps=4, rest_s=1.0, away_s=0.7, active_s=2.0, back_s=0.7, holds=4)

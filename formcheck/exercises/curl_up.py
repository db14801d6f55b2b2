"""McGill curl-up: lying on the back, one knee bent and the other leg straight, hands under the low back; the head
and shoulders lift a little off the floor as one piece and the lift is held. Judged from the side (how high the
shoulders lift, also from up to about 45° off it).

A rep's side is the side of the bent knee (people swap legs between sets); reps = lifts, the time lifted is a hold.
"""

import numpy as np

from formcheck.exercises.spec import Check, Exercise, Gate, Limit, Looks, Metric, Motion, Posture, Severity, Sign
from formcheck.features import FEATURES, Body, Joint, feature, world_elevation_deg, world_knee_angles_deg, world_mid
from formcheck.geometry import SIDE_VIEW_MIN_YAW_FLOOR_DEG, Side, View
from formcheck.testing.stick_scenario import Moment, Scenario, lerp
from formcheck.testing.synthetic_pose import Limbs, StickPose
from formcheck.types import FloatArray, Landmark

_SIDE = (View.SIDE,)
# Rendered curl-ups filmed 45° off the side read an estimated yaw of 41-50° (oblique).
_SIDE_OR_OBLIQUE = (View.SIDE, View.OBLIQUE)
# The lowest tenth of a set's trunk readings is where the person lies flat between lifts (a set of 10-s holds still
# spends a quarter of its time down or on the way).
LYING_PERCENTILE = 10.0
# A set's typical lift: where its trunk_curl_deg spends the top tenth of the set (the holds fill most of a set).
# Below MIN_TYPICAL_LIFT_DEG nothing lifted: the landmarks of a body lying still wander by ~1°.
TYPICAL_LIFT_PERCENTILE = 90.0
MIN_TYPICAL_LIFT_DEG = 2.5
# Frames within the least-lifted quarter of the set are "lying" for the head's own reference.
HEAD_REFERENCE_PERCENTILE = 25.0
MIN_REFERENCE_FRAMES = 3
NOSE_MIN_VISIBILITY = 0.5
# Feet on the floor: the higher ankle at most this far above the hips (leg lengths). Feet on the floor read ~0 (the
# ankle and the hip joint centre are both a hand's breadth above the floor); a dead bug's tabletop reads ~0.5.
FEET_DOWN_MAX_NORM = 0.2
FEET_UP_READING_DEG = 90.0
BENT_KNEE_DEG, STRAIGHT_KNEE_DEG = 90.0, 180.0
STRAIGHT_PLUS_BENT_DEG = BENT_KNEE_DEG + STRAIGHT_KNEE_DEG


def _trunk_elevation_deg(body: Body) -> FloatArray:
    return world_elevation_deg(world_mid(body, Joint.HIP), world_mid(body, Joint.SHOULDER))


def _above_reference(values: FloatArray, reference: float) -> FloatArray:
    return np.asarray(values - reference, dtype=np.float64)


@feature(
    "trunk_curl_deg",
    "mid-hip→mid-shoulder line raised above its own lying level (world, any view): how far the shoulders curl up",
    # The far shoulder and hip are often hidden from the side: the mid-point is then the near one.
    (Joint.SHOULDER, Joint.HIP),
    reference="your own lying position (the lowest tenth of the set)",
)
def _trunk_curl(body: Body) -> FloatArray:
    elevation = _trunk_elevation_deg(body)
    finite = elevation[np.isfinite(elevation)]
    if finite.size < MIN_REFERENCE_FRAMES:
        return np.full(len(elevation), np.nan)
    return _above_reference(elevation, float(np.percentile(finite, LYING_PERCENTILE)))


@feature(
    "curl_up_lift_ratio",
    "trunk_curl_deg over the set's typical lift (its 90th percentile): 1 at the usual top of a lift, 0 lying; 0 "
    "throughout when nothing lifts",
    (Joint.SHOULDER, Joint.HIP),
    fraction_of="your typical lift in this set",
    reference="your own lying position and typical lift in this set",
)
def _curl_up_lift(body: Body) -> FloatArray:
    curl = _trunk_curl(body)
    finite = curl[np.isfinite(curl)]
    if finite.size < MIN_REFERENCE_FRAMES:
        return np.full(len(curl), np.nan)
    typical_deg = float(np.percentile(finite, TYPICAL_LIFT_PERCENTILE))
    if typical_deg < MIN_TYPICAL_LIFT_DEG:
        return np.asarray(np.where(np.isfinite(curl), 0.0, np.nan), dtype=np.float64)
    return np.asarray(curl / typical_deg, dtype=np.float64)


def _cross(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.asarray(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0], dtype=np.float64)


def _face_to_trunk_deg(body: Body) -> FloatArray:
    """Angle of the face (ear→nose, image) from the hip→shoulder line, + turned toward the chest."""
    trunk = body.at(Joint.SHOULDER) - body.at(Joint.HIP)
    face = body.xy[:, int(Landmark.NOSE)] - body.at(Joint.EAR)
    turn_deg = np.degrees(np.arctan2(_cross(trunk, face), np.sum(trunk * face, axis=1)))
    # The person's front (ventral) fixes which way round is "toward the chest", whichever way they lie.
    toward_chest = np.sign(_cross(trunk, body.ventral()))
    with np.errstate(invalid="ignore"):
        nose_seen = body.visibility[:, int(Landmark.NOSE)] >= NOSE_MIN_VISIBILITY
    return np.asarray(np.where(nose_seen, turn_deg * toward_chest, np.nan), dtype=np.float64)


@feature(
    "neck_flexion_deg",
    "face (ear→nose) turned toward the chest against the hip→shoulder line, beyond its own angle lying flat: "
    "+ chin tucked",
    (Joint.EAR, Joint.SHOULDER, Joint.HIP),
    reference="your own head position lying flat in this set",
)
def _neck_flexion(body: Body) -> FloatArray:
    return _from_lying(body, _face_to_trunk_deg(body))


def _from_lying(body: Body, head_deg: FloatArray) -> FloatArray:
    """``head_deg`` over its median on the frames where the person lies flattest (the least-lifted quarter)."""
    curl = _trunk_curl(body)
    known = np.isfinite(head_deg) & np.isfinite(curl)
    if known.sum() < MIN_REFERENCE_FRAMES:
        return np.full(len(head_deg), np.nan)
    lying = known & (curl <= np.percentile(curl[known], HEAD_REFERENCE_PERCENTILE))
    return _above_reference(head_deg, float(np.median(head_deg[lying])))


@feature(
    "head_forward_deg",
    "ear–shoulder–hip bend beyond its own angle lying flat: + the head carried toward the chest",
    (Joint.EAR, Joint.SHOULDER, Joint.HIP),
    reference="your own head position lying flat in this set",
)
def _head_forward(body: Body) -> FloatArray:
    return _from_lying(body, FEATURES["ear_shoulder_hip_signed_deg"].compute(body))


@feature(
    "bent_knee_side_deg",
    "right minus left knee angle (world, any view): + the left knee bent more; a hidden knee is taken to be the "
    "other kind (straight beside a bent one, bent beside a straight one)",
    (Joint.HIP, Joint.KNEE, Joint.ANKLE),
)
def _bent_knee_side(body: Body) -> FloatArray:
    # From the side the far knee is hidden (rendered curl-ups: visibility 0.3, no world position) while the near one
    # reads 93° bent or ~175° straight: the near knee alone says which side is bent.
    left, right = world_knee_angles_deg(body)
    left = np.where(np.isnan(left), _other_kind_deg(right), left)
    right = np.where(np.isnan(right), _other_kind_deg(left), right)
    return np.asarray(right - left, dtype=np.float64)


def _other_kind_deg(seen_deg: FloatArray) -> FloatArray:
    """The angle of the knee that is not seen, from the one that is: straight (180°) beside a bent knee (90°)."""
    return np.asarray(np.clip(STRAIGHT_PLUS_BENT_DEG - seen_deg, BENT_KNEE_DEG, STRAIGHT_KNEE_DEG), dtype=np.float64)


def _feet_above_hips_norm(body: Body) -> FloatArray:
    hip_y = world_mid(body, Joint.HIP)[:, 1]
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
    left, right = world_knee_angles_deg(body)
    with np.errstate(invalid="ignore"):
        feet_up = _feet_above_hips_norm(body) > FEET_DOWN_MAX_NORM
    return np.asarray(np.where(feet_up, 0.0, np.abs(left - right)), dtype=np.float64)


@feature(
    "feet_down_hip_lift_deg",
    "hip_lift_deg (hips above the shoulders, world, any view) with both feet down; 90 with a foot in the air, a "
    "posture neither a curl-up nor a bridge is in",
    (Joint.SHOULDER, Joint.HIP, Joint.KNEE, Joint.ANKLE),
    sides="both",
)
def _feet_down_hip_lift(body: Body) -> FloatArray:
    with np.errstate(invalid="ignore"):
        feet_up = _feet_above_hips_norm(body) > FEET_DOWN_MAX_NORM
    return np.asarray(np.where(feet_up, FEET_UP_READING_DEG, FEATURES["hip_lift_deg"].compute(body)), dtype=np.float64)


EXERCISE = Exercise(
    name="curl_up",
    title="Curl-up",
    looks=Looks(
        Posture.SUPINE,
        signs=(
            # The shoulders, not the hips, come up, with the feet down: the median of hip_lift_deg (hips above the
            # shoulders) over the set reads -4°, -5° and -9° on clean rendered curl-ups (side, side with the far knee
            # bent, 45°), +4° to +21° on real bridges and +12° to +37° on rendered ones. Rendered dead bugs read -3° to
            # +1° with their feet in the air (90 here); the real single-leg bridge lifts a foot too.
            Sign("feet_down_hip_lift_deg", below=-1.0, scale=1.5),
            # One knee bent, the other leg straight on the floor: rendered curl-ups read 65-70°, real bridges 6-15°,
            # a foot in the air 0 (a dead bug's tabletop, a real single-leg bridge). From the side the far knee is
            # often hidden (a rendered bridge and a rendered curl-up): this sign is then unread, so it weighs less.
            Sign("feet_down_knee_difference_deg", above=45.0, scale=8.0, weight=0.5),
        ),
    ),
    description="Rep = head and shoulders lifted a little off the floor and lowered; the time lifted is a hold.",
    motion=Motion(
        driver="curl_up_lift_ratio",
        active_when="above",
        # McGill's curl-up lifts the head and shoulders "only slightly": the rendered clean lift raises the shoulder
        # joints 5 cm (trunk_curl_deg 7.3-7.8° on three bodies and views), a person's own lift may be less. So the
        # lift is followed as a share of the set's typical lift, and a hold is timed from 85 % of it: rendered
        # 2.5-s holds (0.7-s eased lift and lowering) read +0.6 to +0.8 s from 3.5° (half the lift).
        enter=0.85,
        exit=0.75,
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
            limits=(
                Limit("neck_flexion_deg", "max", "max_face_deg"),
                Limit("head_forward_deg", "max", "max_ear_deg"),
            ),
            # McGill: the head and neck move as one with the trunk, the chin neither tucked nor poked. A fault only
            # when both the face's angle and the ear's place say so: curling the upper back higher carries the ear
            # forward (rendered lifts 12° and 20° too high: ear 14-15° and 21°) while the face keeps its angle
            # (11-23°), and the face's angle differs between bodies (clean 9-19°, ear 9-11°). A rendered 25° chin
            # tuck reads face 31-32°, ear 24°. Side view only: both angles are read in the picture, and 45° off the
            # side that tuck reads face -9° to -10°, ear -1° to -2°, as clean lifts do (face -9° to +5°, ear -4° to
            # +2°).
            thresholds={"max_face_deg": (25.0, 21.0, 18.0), "max_ear_deg": (20.0, 17.0, 15.0)},
            combine="all_available",
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
            # McGill: only the head and shoulders clear the floor, the low back stays flat. Clean rendered lifts read
            # 6.6-7.8° (three bodies), a lift 20° too high 27.8° (so 10° too high ~17.5°), a sit-up 30° and more.
            # The lift is read from the world landmarks, which keep it 45° off the side: clean lifts read 5.4-9.0°
            # there (three bodies), one 20° too high 29.7-30.2°, one 8° too high 12.6-13.8° (one of its two reps past
            # the standard limit).
            thresholds={"max_deg": (16.0, 13.0, 11.0)},
            aggregate="max",
            phases=("lifted",),
            views=_SIDE_OR_OBLIQUE,
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

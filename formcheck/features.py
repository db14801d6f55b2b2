"""Named per-frame features of a pose sequence: the vocabulary exercise checks are written in.

Every feature is a (T,) float array, NaN where it cannot be computed. Its name ends with its unit:

* ``_deg``: degrees (conventions of :mod:`formcheck.geometry`; image-plane angles from pixel coordinates);
* ``_norm``: a length divided by a body length (leg length hip→knee→ankle, or shoulder–hip length for
  ``back_bulge``), so it does not depend on camera distance;
* ``_ratio``: a dimensionless ratio;
* ``_s``: seconds (how long a movement took).

Side-view features use the body side nearer the camera (one side for the whole clip, by
:func:`formcheck.geometry.dominant_near_side`), because the far side is partly hidden and less accurate.
Signs follow the body, not the image: "ventral" is the person's front whichever way they face or lie.

Each feature declares the joints it needs so that checks can be gated on their visibility.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Literal, TypeVar

import numpy as np

from formcheck import geometry
from formcheck.geometry import Side
from formcheck.types import BoolArray, FloatArray, Landmark, PoseSequence

FEATURE_UNITS = ("_deg", "_norm", "_ratio", "_s")

# Above this elbow angle the straight arm (wrist) carries a plank; below it the forearm (elbow) does.
HIGH_PLANK_MIN_ELBOW_DEG = 135.0


class Joint(StrEnum):
    """A body joint independent of side; :class:`Body` resolves it to the near, far, left or right landmark."""

    EAR = "ear"
    SHOULDER = "shoulder"
    ELBOW = "elbow"
    WRIST = "wrist"
    HIP = "hip"
    KNEE = "knee"
    ANKLE = "ankle"
    HEEL = "heel"
    FOOT = "foot"


_JOINT_LANDMARKS: dict[Joint, tuple[Landmark, Landmark]] = {
    Joint.EAR: (Landmark.LEFT_EAR, Landmark.RIGHT_EAR),
    Joint.SHOULDER: (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    Joint.ELBOW: (Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW),
    Joint.WRIST: (Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST),
    Joint.HIP: (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    Joint.KNEE: (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),
    Joint.ANKLE: (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE),
    Joint.HEEL: (Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL),
    Joint.FOOT: (Landmark.LEFT_FOOT_INDEX, Landmark.RIGHT_FOOT_INDEX),
}


def joint_landmark(joint: Joint, side: Side) -> Landmark:
    left, right = _JOINT_LANDMARKS[joint]
    return left if side is Side.LEFT else right


@dataclass(frozen=True)
class Body:
    """Pixel positions and visibility of one sequence, with its near side resolved."""

    xy: FloatArray  # (T, 33, 2) pixels
    world: FloatArray  # (T, 33, 3) metres, y down
    visibility: FloatArray  # (T, 33)
    near: Side
    back_bulge: FloatArray | None
    t_s: FloatArray  # (T,) seconds
    world_with_hidden: FloatArray | None = None  # (T, 33, 3) incl. MediaPipe's guesses for hidden joints
    outside_frame: BoolArray | None = None  # (T, 33) points placed outside the picture

    @classmethod
    def from_sequence(cls, seq: PoseSequence) -> Body:
        outside = seq.outside_frame
        if outside is None:  # not gated yet: the positions still say where each point is
            outside = np.any((seq.landmarks[..., :2] < 0.0) | (seq.landmarks[..., :2] > 1.0), axis=-1)
        return cls(
            xy=seq.xy_px(),
            world=seq.world,
            visibility=seq.visibility,
            near=geometry.dominant_near_side(seq.landmarks),
            back_bulge=seq.back_bulge,
            t_s=np.asarray(seq.t_s, dtype=np.float64),
            world_with_hidden=seq.world_with_hidden,
            outside_frame=np.asarray(outside, dtype=np.bool_),
        )

    @property
    def far(self) -> Side:
        return Side.RIGHT if self.near is Side.LEFT else Side.LEFT

    def at(self, joint: Joint, side: Side | None = None) -> FloatArray:
        """(T, 2) pixel position of ``joint`` on ``side`` (default: the near side)."""
        return self.xy[:, int(joint_landmark(joint, side or self.near))]

    def world_at(self, joint: Joint, side: Side | None = None) -> FloatArray:
        """(T, 3) world position (metres, y down) of ``joint`` on ``side`` (default: the near side)."""
        return self.world[:, int(joint_landmark(joint, side or self.near))]

    def world_or_guess_at(self, joint: Joint, side: Side | None = None) -> FloatArray:
        """:meth:`world_at`, with MediaPipe's guess where the joint is hidden. Only for whole-body measures that a
        guess cannot turn into a cue (how high the shoulders are above feet hidden behind a barbell plate)."""
        seen = self.world_at(joint, side)
        if self.world_with_hidden is None:
            return seen
        guess = self.world_with_hidden[:, int(joint_landmark(joint, side or self.near))]
        return np.asarray(np.where(np.isnan(seen), guess, seen), dtype=np.float64)

    def ventral(self) -> FloatArray:
        """(T, 2) unit vector out of the person's front, perpendicular to the near-side trunk."""
        return geometry.ventral_direction(self.at(Joint.HIP), self.at(Joint.SHOULDER), self.near)

    def leg_length_px(self) -> FloatArray:
        hip, knee, ankle = self.at(Joint.HIP), self.at(Joint.KNEE), self.at(Joint.ANKLE)
        length = np.linalg.norm(knee - hip, axis=-1) + np.linalg.norm(ankle - knee, axis=-1)
        return np.where(length > 1e-6, length, np.nan)


SideUse = Literal["near", "both"]


@dataclass(frozen=True)
class Feature:
    """One named per-frame measurement.

    ``sides``: "near" needs ``joints`` on the near side only; "both" needs them on both sides (front-view and
    left/right comparisons). ``needs_back_bulge``: computed from the segmentation outline, NaN without it.
    """

    name: str
    description: str
    joints: tuple[Joint, ...]
    compute: Callable[[Body], FloatArray]
    sides: SideUse = "near"
    needs_back_bulge: bool = False
    # ``_norm`` and ``_ratio`` only: what the measure is a fraction of, as a report says it ("0.052 of trunk
    # length"); empty means leg length for ``_norm`` and a bare ratio for ``_ratio``.
    fraction_of: str = ""
    # Measures taken against the person's own reading in the same clip (not an absolute angle or length): that
    # reference in words, so an explanation can say what a value was measured against; empty for absolute measures.
    reference: str = ""
    # Joints the measure puts in place itself where the camera does not see them (the deadlift's feet behind a plate,
    # placed where they stood): a frame is judged without them, but they are named when the measure could not be made.
    placed: tuple[Joint, ...] = ()

    def landmarks(self, body: Body) -> tuple[Landmark, ...]:
        sides = (body.near,) if self.sides == "near" else (Side.LEFT, Side.RIGHT)
        return tuple(joint_landmark(joint, side) for side in sides for joint in self.joints)

    @property
    def unit(self) -> str:
        """The unit of a value in words: "deg", "s", the length a ``_norm`` is a fraction of, or "ratio"."""
        if self.name.endswith("_deg"):
            return "deg"
        if self.name.endswith("_s"):
            return "s"
        if self.name.endswith("_norm"):
            return self.fraction_of or "leg length"
        return self.fraction_of or "ratio"


FeatureFunction = Callable[[Body], FloatArray]
_Function = TypeVar("_Function", bound=FeatureFunction)

_REGISTRY: dict[str, Feature] = {}
# Every feature by name: this module's, and those an exercise file registers next to its own functions.
FEATURES: Mapping[str, Feature] = MappingProxyType(_REGISTRY)


def register_feature(new: Feature) -> None:
    """Add ``new`` to :data:`FEATURES`; its name must end with a unit and be new."""
    if not new.name.endswith(FEATURE_UNITS):
        raise ValueError(f"feature {new.name!r} must end with a unit suffix, one of {FEATURE_UNITS}")
    if new.name in _REGISTRY:
        raise ValueError(f"feature {new.name!r} is defined twice")
    _REGISTRY[new.name] = new


def unregister_feature(name: str) -> None:
    """Remove a feature an exercise file registered (for an exercise that is taken out of the registry again)."""
    _REGISTRY.pop(name, None)


def feature(
    name: str,
    description: str,
    joints: tuple[Joint, ...],
    *,
    sides: SideUse = "near",
    needs_back_bulge: bool = False,
    fraction_of: str = "",
    reference: str = "",
    placed: tuple[Joint, ...] = (),
) -> Callable[[_Function], _Function]:
    """Register the decorated ``Body -> (T,)`` function as the feature ``name`` (see :class:`Feature`)."""

    def register(compute: _Function) -> _Function:
        register_feature(
            Feature(name, description, joints, compute, sides, needs_back_bulge, fraction_of, reference, placed)
        )
        return compute

    return register


_TRUNK = (Joint.SHOULDER, Joint.HIP)
_LEG = (Joint.HIP, Joint.KNEE, Joint.ANKLE)


# --- feature functions (Body -> (T,)) -------------------------------------------------------------------------


@feature("trunk_to_vertical_deg", "hip→shoulder from straight up: 0 upright, 90 horizontal", _TRUNK)
def _trunk_to_vertical(body: Body) -> FloatArray:
    return geometry.segment_angle_to_vertical_deg(body.at(Joint.HIP), body.at(Joint.SHOULDER))


@feature("shin_to_vertical_deg", "ankle→knee from straight up: knees travelling forward", (Joint.KNEE, Joint.ANKLE))
def _shin_to_vertical(body: Body) -> FloatArray:
    return geometry.segment_angle_to_vertical_deg(body.at(Joint.ANKLE), body.at(Joint.KNEE))


@feature(
    "thigh_elevation_deg",
    "knee→hip above horizontal: 90 standing, 0 thigh parallel to the floor",
    (Joint.HIP, Joint.KNEE),
)
def _thigh_elevation(body: Body) -> FloatArray:
    return geometry.segment_elevation_deg(body.at(Joint.KNEE), body.at(Joint.HIP))


@feature("shoulder_hip_knee_deg", "hip angle, unsigned, 180 = straight", (Joint.SHOULDER, Joint.HIP, Joint.KNEE))
def _shoulder_hip_knee(body: Body) -> FloatArray:
    return geometry.joint_angle_deg(body.at(Joint.SHOULDER), body.at(Joint.HIP), body.at(Joint.KNEE))


@feature("hip_knee_ankle_deg", "knee angle, unsigned, 180 = straight", _LEG)
def _hip_knee_ankle(body: Body) -> FloatArray:
    return geometry.joint_angle_deg(body.at(Joint.HIP), body.at(Joint.KNEE), body.at(Joint.ANKLE))


@feature(
    "knee_minus_hip_angle_deg",
    "knee angle minus hip angle: large in a hip hinge (knees soft, hips folded), small when squatting",
    (Joint.SHOULDER, *_LEG),
)
def _knee_minus_hip_angle(body: Body) -> FloatArray:
    return _hip_knee_ankle(body) - _shoulder_hip_knee(body)


@feature("elbow_deg", "elbow angle, unsigned, 180 = straight", (Joint.SHOULDER, Joint.ELBOW, Joint.WRIST))
def _elbow(body: Body) -> FloatArray:
    return geometry.joint_angle_deg(body.at(Joint.SHOULDER), body.at(Joint.ELBOW), body.at(Joint.WRIST))


@feature(
    "hip_line_deviation_deg",
    "hip off the shoulder–ankle line: + toward the front (plank sag), − toward the back (pike)",
    (Joint.SHOULDER, Joint.HIP, Joint.ANKLE),
)
def _hip_line_deviation(body: Body) -> FloatArray:
    return geometry.signed_line_deviation_deg(
        body.at(Joint.SHOULDER), body.at(Joint.HIP), body.at(Joint.ANKLE), body.ventral()
    )


@feature(
    "shoulder_hip_knee_deviation_deg",
    "hip off the shoulder–knee line: + toward the front (hip hyperextension), − hip flexion (hinge)",
    (Joint.SHOULDER, Joint.HIP, Joint.KNEE),
)
def _shoulder_hip_knee_deviation(body: Body) -> FloatArray:
    return geometry.signed_line_deviation_deg(
        body.at(Joint.SHOULDER), body.at(Joint.HIP), body.at(Joint.KNEE), body.ventral()
    )


@feature(
    "ear_shoulder_hip_signed_deg",
    "head/upper back off the trunk line: + forward (rounding, flexion), − back (extension)",
    (Joint.EAR, Joint.SHOULDER, Joint.HIP),
)
def _ear_shoulder_hip_signed(body: Body) -> FloatArray:
    # The shoulder bulging to the back of the ear–hip line means the head and upper back fold forward (flexion).
    return geometry.signed_line_deviation_deg(
        body.at(Joint.EAR), body.at(Joint.SHOULDER), body.at(Joint.HIP), -body.ventral()
    )


@feature(
    "support_arm_to_vertical_deg",
    "shoulder over the floor contact (wrist, or elbow on forearms): + shoulders ahead toward the head",
    (Joint.SHOULDER, Joint.ELBOW, Joint.WRIST, Joint.HIP),
)
def _support_arm_to_vertical(body: Body) -> FloatArray:
    shoulder, elbow, wrist, hip = (body.at(j) for j in (Joint.SHOULDER, Joint.ELBOW, Joint.WRIST, Joint.HIP))
    high_plank = _elbow(body) > HIGH_PLANK_MIN_ELBOW_DEG
    contact = np.where(high_plank[:, None], wrist, elbow)
    magnitude = geometry.segment_angle_to_vertical_deg(contact, shoulder)
    toward_head = np.sign((shoulder[:, 0] - contact[:, 0]) * (shoulder[:, 0] - hip[:, 0]))
    return np.asarray(magnitude * toward_head, dtype=np.float64)


# Straight-arm planks read 165-180° at the elbow (renders 167-174°, real 179°). Between 135° and this the arm is
# in transition or MediaPipe is guessing a hidden wrist (hands behind a box read 125-170°, leaning 14-17°).
_STRAIGHT_ARM_MIN_ELBOW_DEG = 160.0


@feature(
    "straight_arm_to_vertical_deg",
    "support_arm_to_vertical_deg on straight-arm (high plank) frames only; NaN on forearm frames",
    (Joint.SHOULDER, Joint.ELBOW, Joint.WRIST, Joint.HIP),
)
def _straight_arm_to_vertical(body: Body) -> FloatArray:
    # The same lean, only where a straight arm carries the plank: a wrist under the shoulder is a well-defined
    # point, unlike the loose elbow landmark of a forearm plank, so it can be held to a stricter limit.
    straight = _elbow(body) > _STRAIGHT_ARM_MIN_ELBOW_DEG
    return np.asarray(np.where(straight, _support_arm_to_vertical(body), np.nan), dtype=np.float64)


def _arm_elevations(body: Body) -> FloatArray:
    return np.stack(
        [
            geometry.segment_elevation_deg(body.at(Joint.SHOULDER, side), body.at(Joint.WRIST, side))
            for side in (Side.LEFT, Side.RIGHT)
        ]
    )


def _leg_elevations(body: Body) -> FloatArray:
    return np.stack(
        [
            geometry.segment_elevation_deg(body.at(Joint.HIP, side), body.at(Joint.ANKLE, side))
            for side in (Side.LEFT, Side.RIGHT)
        ]
    )


@feature(
    "arm_elevation_deg", "higher arm, shoulder→wrist above horizontal", (Joint.SHOULDER, Joint.WRIST), sides="both"
)
def _arm_elevation(body: Body) -> FloatArray:
    return np.asarray(np.max(_arm_elevations(body), axis=0), dtype=np.float64)


@feature("leg_elevation_deg", "higher leg, hip→ankle above horizontal", (Joint.HIP, Joint.ANKLE), sides="both")
def _leg_elevation(body: Body) -> FloatArray:
    return np.asarray(np.max(_leg_elevations(body), axis=0), dtype=np.float64)


# A thigh within this angle of straight down (knee under the hip) is seen at its full length from any camera yaw.
_HANGING_THIGH_MAX_DEG = 20.0
_RATIO_HALF_WINDOW_S = 1.0


@feature(
    "raised_thigh_length_ratio",
    "image length of the higher thigh over its own hanging length: ~1 from the side, less when turned",
    (Joint.HIP, Joint.KNEE),
    sides="both",
    fraction_of="your hanging thigh length",
    reference="your own hanging thigh length in this set",
)
def _raised_thigh_length_ratio(body: Body) -> FloatArray:
    """Image length of the higher thigh over that thigh's own length when it hangs straight down (which no camera
    yaw foreshortens). A thigh reaching back level reads ~1 from the side and shrinks as the camera turns toward
    the head or feet: it tells a turned camera even when the body's yaw estimate cannot (see
    geometry.SIDE_VIEW_MIN_YAW_FLOOR_DEG)."""
    ratios, heights = [], []
    for side in (Side.LEFT, Side.RIGHT):
        thigh = body.at(Joint.KNEE, side) - body.at(Joint.HIP, side)
        length = np.linalg.norm(thigh, axis=-1)
        hanging = np.abs(thigh[:, 0]) < np.tan(np.radians(_HANGING_THIGH_MAX_DEG)) * thigh[:, 1]
        reference = float(np.median(length[hanging])) if np.count_nonzero(hanging) >= _MIN_BASELINE_FRAMES else np.nan
        ratios.append(np.where(hanging, np.nan, length / reference))
        heights.append(body.at(Joint.KNEE, side)[:, 1])
    knee_y = np.stack(heights)
    higher = np.argmin(np.where(np.isnan(knee_y), np.inf, knee_y), axis=0)  # image y grows downward
    ratio = np.take_along_axis(np.stack(ratios), higher[None, :], axis=0)[0]
    # The camera does not move within a second: bridge frames where the knee was lost with their neighbours' reading.
    window = _window_table(body.t_s, ratio, _RATIO_HALF_WINDOW_S, _RATIO_HALF_WINDOW_S)
    return np.asarray(np.nanmedian(window, axis=1), dtype=np.float64)


def _axis_roll(body: Body, joint: Joint) -> FloatArray:
    # How far the left–right axis tips out of the horizontal plane (world y is down): a square pelvis reads 0.
    axis = body.world[:, int(joint_landmark(joint, Side.LEFT))] - body.world[:, int(joint_landmark(joint, Side.RIGHT))]
    length = np.linalg.norm(axis, axis=-1)
    sine = np.abs(axis[:, 1]) / np.where(length > 1e-9, length, np.nan)
    return np.asarray(np.degrees(np.arcsin(np.clip(sine, 0.0, 1.0))), dtype=np.float64)


@feature("heel_lift_norm", "heel height above the toe over leg length", (*_LEG, Joint.HEEL, Joint.FOOT))
def _heel_lift(body: Body) -> FloatArray:
    return (body.at(Joint.FOOT)[:, 1] - body.at(Joint.HEEL)[:, 1]) / body.leg_length_px()


# Standing tall: hip at least this high over the leg length (a squat's motion driver leaves its rest state at 0.90).
_STANDING_MIN_HIP_HEIGHT_NORM = 0.9
_MIN_BASELINE_FRAMES = 3


def _foot_pitch_deg(body: Body) -> FloatArray:
    heel, toe = body.at(Joint.HEEL), body.at(Joint.FOOT)
    return np.asarray(np.degrees(np.arctan2(toe[:, 1] - heel[:, 1], np.abs(toe[:, 0] - heel[:, 0]))), np.float64)


@feature(
    "heel_rise_deg",
    "foot pitch (heel above toe) over its own median while standing tall in a side view",
    (*_LEG, Joint.HEEL, Joint.FOOT),
    reference="your own standing foot angle in this set",
)
def _heel_rise(body: Body) -> FloatArray:
    """Foot pitch (heel above toe, image degrees) over its own median while standing tall in a side view.

    The clip's own standing reading is the baseline because MediaPipe's heel and toe points sit differently on
    every shoe and camera height (correct real squats stand at -3 to +8 degrees of pitch); NaN without three
    side-view standing frames to learn it from.
    """
    pitch = _foot_pitch_deg(body)
    yaw = _camera_yaw(body)
    standing = (_hip_height(body) >= _STANDING_MIN_HIP_HEIGHT_NORM) & (np.abs(yaw) >= geometry.SIDE_VIEW_MIN_YAW_DEG)
    baseline = pitch[standing & ~np.isnan(pitch)]
    if len(baseline) < _MIN_BASELINE_FRAMES:
        return np.full(len(pitch), np.nan)
    return np.asarray(pitch - float(np.median(baseline)), dtype=np.float64)


@feature(
    "wrist_ahead_of_midfoot_norm",
    "wrist (bar) horizontally ahead of mid-foot over leg length: + toward the toes",
    (*_LEG, Joint.WRIST, Joint.HEEL, Joint.FOOT),
)
def _wrist_ahead_of_midfoot(body: Body) -> FloatArray:
    heel, toe = body.at(Joint.HEEL), body.at(Joint.FOOT)
    midfoot_x = (heel[:, 0] + toe[:, 0]) / 2.0
    forward = np.sign(toe[:, 0] - heel[:, 0])
    return np.asarray((body.at(Joint.WRIST)[:, 0] - midfoot_x) * forward / body.leg_length_px(), dtype=np.float64)


@feature(
    "knee_ankle_width_ratio",
    "knee spacing over ankle spacing in the image (front view): < 1 knees in",
    (Joint.KNEE, Joint.ANKLE),
    sides="both",
    fraction_of="ankle spacing",
)
def _knee_ankle_width(body: Body) -> FloatArray:
    knees = np.abs(body.at(Joint.KNEE, Side.LEFT)[:, 0] - body.at(Joint.KNEE, Side.RIGHT)[:, 0])
    ankles = np.abs(body.at(Joint.ANKLE, Side.LEFT)[:, 0] - body.at(Joint.ANKLE, Side.RIGHT)[:, 0])
    return np.asarray(knees / np.where(ankles > 1e-6, ankles, np.nan), dtype=np.float64)


# The camera set-up changes slowly; a per-frame estimate jumps when MediaPipe briefly pulls the far side onto the near
# one (a bridge filmed 20° off the side read 49-84° within a second, and judged the frames that read side-on).
_YAW_HALF_WINDOW_S = 0.5


@feature("camera_yaw_deg", "camera yaw: 0 = person faces the camera, 90 = exact side view", _TRUNK, sides="both")
def _camera_yaw(body: Body) -> FloatArray:
    per_frame = geometry.camera_yaw_deg(body.xy, body.world)
    steady = np.nanmedian(_window_table(body.t_s, per_frame, _YAW_HALF_WINDOW_S, _YAW_HALF_WINDOW_S), axis=1)
    return np.asarray(np.where(np.isnan(per_frame), np.nan, steady), dtype=np.float64)  # no pose: no view


@feature(
    "back_bulge_norm",
    "back outline bulging off the shoulder–hip line (+ rounded), over trunk length",
    _TRUNK,
    needs_back_bulge=True,
    fraction_of="trunk length",
)
def _back_bulge(body: Body) -> FloatArray:
    frames = body.xy.shape[0]
    if body.back_bulge is None:
        return np.full(frames, np.nan)
    return np.asarray(body.back_bulge, dtype=np.float64)


@feature(
    "back_sag_norm",
    "back outline dipping below the shoulder–hip line (+ sagging), over trunk length",
    _TRUNK,
    needs_back_bulge=True,
    fraction_of="trunk length",
)
def _back_sag(body: Body) -> FloatArray:
    return -_back_bulge(body)


# --- world-landmark features: metres, y down; independent of the camera's viewpoint, used to drive phases -------


def world_elevation_deg(p: FloatArray, q: FloatArray) -> FloatArray:
    """3-D angle of ``p→q`` above the horizontal plane (world y is down), in [−90, 90]; NaN for a zero-length step.
    From the arctangent, which keeps its precision near vertical (a dead bug's limbs up), unlike the arcsine."""
    d = q - p
    horizontal = np.hypot(d[..., 0], d[..., 2])
    elevation = np.degrees(np.arctan2(-d[..., 1], horizontal))
    return np.asarray(np.where(np.linalg.norm(d, axis=-1) > 1e-9, elevation, np.nan), dtype=np.float64)


def _world_length(p: FloatArray, q: FloatArray) -> FloatArray:
    return np.asarray(np.linalg.norm(q - p, axis=-1), dtype=np.float64)


def world_mid(body: Body, joint: Joint) -> FloatArray:
    """Midpoint of the left and right ``joint``; the one side seen when the other is hidden (side views)."""
    left, right = body.world_at(joint, Side.LEFT), body.world_at(joint, Side.RIGHT)
    mid = (left + right) / 2.0
    return np.where(np.isnan(left), right, np.where(np.isnan(right), left, mid))


def _floor_y(body: Body, guess_hidden_feet: bool = False) -> FloatArray:
    """World y of the lower ankle: the floor, even when one leg is lifted (bird dog). ``guess_hidden_feet``: when
    neither ankle is seen, MediaPipe's guess of them (see :func:`_hip_height_any`)."""
    seen = np.fmax(body.world_at(Joint.ANKLE, Side.LEFT)[:, 1], body.world_at(Joint.ANKLE, Side.RIGHT)[:, 1])
    if not guess_hidden_feet:
        return seen
    guessed = np.fmax(
        body.world_or_guess_at(Joint.ANKLE, Side.LEFT)[:, 1], body.world_or_guess_at(Joint.ANKLE, Side.RIGHT)[:, 1]
    )
    return np.asarray(np.where(np.isnan(seen), guessed, seen), dtype=np.float64)


def _world_leg(body: Body, guess_hidden_feet: bool = False) -> tuple[FloatArray, FloatArray]:
    """(height of the near hip above the floor, near hip→knee→ankle length), metres. ``guess_hidden_feet``: the
    floor and the leg's length may use guessed joints where they are hidden."""
    at = body.world_or_guess_at if guess_hidden_feet else body.world_at
    hip, knee, ankle = (at(j) for j in (Joint.HIP, Joint.KNEE, Joint.ANKLE))
    height = _floor_y(body, guess_hidden_feet) - body.world_at(Joint.HIP)[:, 1]
    return height, _world_length(hip, knee) + _world_length(knee, ankle)


@feature(
    "hip_height_norm", "near hip height above the lower ankle over leg length (world, any view): 1 standing tall", _LEG
)
def _hip_height(body: Body, guess_hidden_feet: bool = False) -> FloatArray:
    height, leg = _world_leg(body, guess_hidden_feet)
    return np.asarray(height / np.where(leg > 1e-9, leg, np.nan), dtype=np.float64)


@feature(
    "shoulder_height_norm",
    "near shoulder height above the lower ankle over leg + trunk length (world, any view): 1 standing",
    (Joint.SHOULDER, *_LEG),
    fraction_of="leg + trunk length",
)
def _shoulder_height(body: Body, guess_hidden_feet: bool = False) -> FloatArray:
    _, leg = _world_leg(body, guess_hidden_feet)
    shoulder_mid, hip_mid = world_mid(body, Joint.SHOULDER), world_mid(body, Joint.HIP)
    total = leg + _world_length(hip_mid, shoulder_mid)
    floor = _floor_y(body, guess_hidden_feet)
    return np.asarray((floor - shoulder_mid[:, 1]) / np.where(total > 1e-9, total, np.nan), dtype=np.float64)


# Rep machines may count on a floor under hidden feet: a barbell plate hides both ankles at the bottom of a deadlift
# filmed from the side, and a start at the bar (how most real sets begin) was then never seen, so its rep was lost
# (real clips: 22 of 32 deadlift rep counts exact, 28 with the guess). A guessed floor only moves the phase
# boundaries; checks and recognition keep the seen-only heights, so no cue rests on it.


@feature(
    "hip_height_any_norm",
    "hip_height_norm, also where the feet are hidden (MediaPipe's guess of them): for rep machines only",
    (Joint.HIP,),
)
def _hip_height_any(body: Body) -> FloatArray:
    return _hip_height(body, guess_hidden_feet=True)


@feature(
    "shoulder_height_any_norm",
    "shoulder_height_norm, also where the feet are hidden (MediaPipe's guess of them): for rep machines only",
    (Joint.SHOULDER, Joint.HIP),
    fraction_of="leg + trunk length",
)
def _shoulder_height_any(body: Body) -> FloatArray:
    return _shoulder_height(body, guess_hidden_feet=True)


# The shoulders' up-and-down travel is measured over the past 0.8 s: push-ups (one every 1-2 s) move them through
# most of their range within it, a held plank only breathes. Looking back only keeps the recorded and live
# verdicts the same; a hold is timed from the moment the person has settled.
BOB_WINDOW_S = 0.8
# Held real planks move the shoulders by at most 0.08 in that time (breathing, tracking), push-ups by 0.1-0.25.
STILL_MAX_SHOULDER_BOB_NORM = 0.10


@feature(
    "shoulder_bob_norm",
    "how far shoulder_height_norm travelled in the past 0.8 s: held planks ≤ 0.08, push-ups 0.1-0.25",
    (Joint.SHOULDER, *_LEG),
    fraction_of="leg + trunk length",
)
def _shoulder_bob(body: Body) -> FloatArray:
    window = _window_table(body.t_s, _shoulder_height(body), BOB_WINDOW_S, 0.0)
    enough = np.sum(np.isfinite(window), axis=1) >= 3
    travel = np.nanmax(window, axis=1) - np.nanmin(window, axis=1)  # all-NaN windows warn (compute_features mutes)
    return np.asarray(np.where(enough, travel, np.nan), dtype=np.float64)


# A push-up takes the shoulders down and back up within this time on either side of its bottom (real push-ups: 1-3 s
# each); getting down into a plank moves them once and they stay there, which is no swing.
SWING_WINDOW_S = 1.6


@feature(
    "shoulder_swing_norm",
    "how far shoulder_height_norm went below its highs (or above its lows) both within 1.6 s before and after: "
    "push-ups 0.1-0.3, a plank 0 (getting down into it is one step, not a swing)",
    (Joint.SHOULDER, *_LEG),
    fraction_of="leg + trunk length",
)
def _shoulder_swing(body: Body) -> FloatArray:
    height = _shoulder_height(body)
    before = _window_table(body.t_s, height, SWING_WINDOW_S, 0.0)
    after = _window_table(body.t_s, height, 0.0, SWING_WINDOW_S)
    dip = np.fmin(np.nanmax(before, axis=1), np.nanmax(after, axis=1)) - height  # all-NaN rows warn (muted)
    peak = height - np.fmax(np.nanmin(before, axis=1), np.nanmin(after, axis=1))
    return np.asarray(np.fmax(dip, peak), dtype=np.float64)


def _window_table(t_s: FloatArray, values: FloatArray, before_s: float, after_s: float) -> FloatArray:
    """(T, W) table: row i holds the values of the frames within ``before_s`` before and ``after_s`` after frame i,
    NaN elsewhere (reduce it with nan-aware numpy functions)."""
    frames = np.arange(len(values))
    first = np.searchsorted(t_s, t_s - before_s)
    last = np.searchsorted(t_s, t_s + after_s, side="right") - 1
    behind, ahead = int(np.max(frames - first, initial=0)), int(np.max(last - frames, initial=0))
    index = frames[:, None] + np.arange(-behind, ahead + 1)[None, :]
    inside = (index >= first[:, None]) & (index <= last[:, None])
    return np.where(inside, values[np.clip(index, 0, max(len(values) - 1, 0))], np.nan)


@feature(
    "wrist_height_norm",
    "near wrist height above the lower ankle over leg length (world, any view): low holding a bar",
    (Joint.WRIST, *_LEG),
)
def _wrist_height(body: Body) -> FloatArray:
    height, leg = _world_leg(body)
    wrist_above_hip = body.world_at(Joint.HIP)[:, 1] - body.world_at(Joint.WRIST)[:, 1]
    return np.asarray((height + wrist_above_hip) / np.where(leg > 1e-9, leg, np.nan), dtype=np.float64)


@feature(
    "body_to_horizontal_deg",
    "mid-ankle–mid-shoulder line from the horizontal plane (world, any view), unsigned",
    (Joint.SHOULDER, Joint.ANKLE),
)
def _body_to_horizontal(body: Body) -> FloatArray:
    return np.abs(world_elevation_deg(world_mid(body, Joint.ANKLE), world_mid(body, Joint.SHOULDER)))


@feature(
    "hip_lift_deg",
    "mid-shoulder→mid-hip above the horizontal plane (world, any view): hips raised above the shoulders",
    _TRUNK,
)
def _hip_lift(body: Body) -> FloatArray:
    return world_elevation_deg(world_mid(body, Joint.SHOULDER), world_mid(body, Joint.HIP))


@feature(
    "ventral_downward_ratio",
    "downward component of the body's front (world, any view): +1 face down, −1 face up",
    _TRUNK,
)
def _ventral_downward(body: Body) -> FloatArray:
    # Front = up × right in the right-handed world frame (x right, y down, z away from the camera).
    up = world_mid(body, Joint.SHOULDER) - world_mid(body, Joint.HIP)
    right = (body.world_at(Joint.SHOULDER, Side.RIGHT) - body.world_at(Joint.SHOULDER, Side.LEFT)) + (
        body.world_at(Joint.HIP, Side.RIGHT) - body.world_at(Joint.HIP, Side.LEFT)
    )
    front = np.cross(up, right)
    length = np.linalg.norm(front, axis=-1)
    return np.asarray(front[:, 1] / np.where(length > 1e-9, length, np.nan), dtype=np.float64)


def _world_limb_elevations(body: Body, root: Joint, tip: Joint, guess_hidden: bool = False) -> FloatArray:
    at = body.world_or_guess_at if guess_hidden else body.world_at
    return np.stack([world_elevation_deg(at(root, side), at(tip, side)) for side in (Side.LEFT, Side.RIGHT)])


def _limb_elevations_one_guessed(body: Body, root: Joint, tip: Joint) -> FloatArray:
    """Both sides' limb elevations, a side hidden while the other is seen taking MediaPipe's guess. On all fours
    filmed from the side the far wrist hides behind the near arm: without the guess no frame of the set-up could be
    read as all fours, and no rep would start (a raised limb is in the clear, in front of the head or behind the hips,
    so a hidden one is almost always hanging or kneeling, as the guess says)."""
    seen = _world_limb_elevations(body, root, tip)
    guessed = _world_limb_elevations(body, root, tip, guess_hidden=True)
    other_side_seen = ~np.isnan(seen[::-1])
    return np.asarray(np.where(np.isnan(seen) & other_side_seen, guessed, seen), dtype=np.float64)


# A limb hanging this far below the horizontal is not reaching, so the pair is not either, whatever the hidden other
# limb does: at 45° the kneeling shins hide an ankle, and the set-up on all fours (where a rep starts) was unknown.
LIMB_DOWN_MAX_DEG = -60.0


@feature(
    "limb_reach_deg",
    "lower of the higher arm and higher leg above the horizontal plane (world, any view): bird dog reach",
    (Joint.SHOULDER, Joint.WRIST, Joint.HIP, Joint.ANKLE),
    sides="both",
)
def _limb_reach(body: Body) -> FloatArray:
    arm = np.max(_limb_elevations_one_guessed(body, Joint.SHOULDER, Joint.WRIST), axis=0)
    leg = np.max(_limb_elevations_one_guessed(body, Joint.HIP, Joint.ANKLE), axis=0)
    lower_seen = np.fmin(arm, leg)  # the lower of the two, or the one that is seen
    return np.asarray(np.where(lower_seen <= LIMB_DOWN_MAX_DEG, lower_seen, np.minimum(arm, leg)), dtype=np.float64)


def world_knee_angles_deg(body: Body) -> tuple[FloatArray, FloatArray]:
    """(left, right) hip-knee-ankle angles from 3-D world landmarks, 180 = straight: the same from any camera."""
    left, right = (
        geometry.joint_angle_deg(*(body.world_at(joint, side) for joint in (Joint.HIP, Joint.KNEE, Joint.ANKLE)))
        for side in (Side.LEFT, Side.RIGHT)
    )
    return left, right


@feature(
    "world_knee_bend_deg",
    "the more bent knee's angle from 3-D world landmarks, any view: ~180 legs straight (a plank), ~90 kneeling on all "
    "fours (exercise recognition)",
    _LEG,
    sides="both",
)
def _world_knee_bend(body: Body) -> FloatArray:
    per_side = world_knee_angles_deg(body)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a side never seen is NaN on both: the min is NaN
        return np.asarray(np.nanmin(per_side, axis=0), dtype=np.float64)


@feature(
    "world_knee_minus_hip_deg",
    "knee_minus_hip_angle_deg from 3-D world landmarks, both sides averaged: any view (exercise recognition)",
    (Joint.SHOULDER, *_LEG),
    sides="both",
)
def _world_knee_minus_hip(body: Body) -> FloatArray:
    # 3-D angles from world landmarks read the same from any camera direction.
    per_side = [
        knee - geometry.joint_angle_deg(*(body.world_at(j, side) for j in (Joint.SHOULDER, Joint.HIP, Joint.KNEE)))
        for knee, side in zip(world_knee_angles_deg(body), (Side.LEFT, Side.RIGHT), strict=True)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a side never seen is NaN on both: the mean is NaN
        return np.asarray(np.nanmean(per_side, axis=0), dtype=np.float64)


@feature(
    "grip_width_ratio",
    "distance between the wrists over shoulder width, 3-D world landmarks: a bar grip is wider than the "
    "shoulders, a kettlebell is held with the hands together",
    (Joint.SHOULDER, Joint.WRIST),
    sides="both",
    fraction_of="shoulder width",
)
def _grip_width(body: Body) -> FloatArray:
    # 3-D, so a bar grip reads wide from the front and oblique views; from the side the far wrist is hidden (NaN).
    wrists = _world_length(body.world_at(Joint.WRIST, Side.LEFT), body.world_at(Joint.WRIST, Side.RIGHT))
    shoulders = _world_length(body.world_at(Joint.SHOULDER, Side.LEFT), body.world_at(Joint.SHOULDER, Side.RIGHT))
    return np.asarray(wrists / np.where(shoulders > 1e-6, shoulders, np.nan), dtype=np.float64)


@feature(
    "arm_raise_asymmetry_deg",
    "left minus right arm elevation (world, any view): + left arm raised",
    (Joint.SHOULDER, Joint.WRIST),
    sides="both",
)
def _arm_raise_asymmetry(body: Body) -> FloatArray:
    left, right = _world_limb_elevations(body, Joint.SHOULDER, Joint.WRIST)
    return np.asarray(left - right, dtype=np.float64)


@feature(
    "thigh_split_deg",
    "difference between the two thighs' elevations (world, any view): ~0 standing or squatting, 50+ at the "
    "bottom of a lunge (front thigh level, back thigh pointing down)",
    (Joint.HIP, Joint.KNEE),
    sides="both",
)
def _thigh_split(body: Body) -> FloatArray:
    # Unsigned: which leg leads does not matter, and a lunge is done leading with either.
    left, right = _world_limb_elevations(body, Joint.HIP, Joint.KNEE)
    return np.asarray(np.abs(left - right), dtype=np.float64)


# Segments whose image length over their world length (in the image plane: world x and y are the camera's) gives the
# body's scale in the picture; several together, so that turning or bending one does not change it much.
_SCALE_SEGMENTS = tuple(
    (joint_landmark(a, side_a), joint_landmark(b, side_b))
    for a, side_a, b, side_b in (
        (Joint.SHOULDER, Side.LEFT, Joint.SHOULDER, Side.RIGHT),
        (Joint.HIP, Side.LEFT, Joint.HIP, Side.RIGHT),
        *((Joint.SHOULDER, side, Joint.HIP, side) for side in Side),
        *((Joint.HIP, side, Joint.KNEE, side) for side in Side),
        *((Joint.KNEE, side, Joint.ANKLE, side) for side in Side),
    )
)
# Below this much world length in the image plane (metres) the scale is not measured (a body end-on to the camera).
_MIN_SCALE_LENGTH_M = 0.3


def _pixels_per_metre(body: Body) -> FloatArray:
    image = np.zeros(len(body.t_s))
    world = np.zeros(len(body.t_s))
    for a, b in _SCALE_SEGMENTS:
        image_length = np.linalg.norm(body.xy[:, a] - body.xy[:, b], axis=-1)
        world_length = np.linalg.norm(body.world[:, a, :2] - body.world[:, b, :2], axis=-1)
        seen = np.isfinite(image_length) & np.isfinite(world_length)
        image += np.where(seen, image_length, 0.0)
        world += np.where(seen, world_length, 0.0)
    return np.asarray(np.where(world >= _MIN_SCALE_LENGTH_M, image / np.maximum(world, 1e-9), np.nan), dtype=np.float64)


@feature(
    "body_scale_ratio",
    "the body's size in the picture (pixels per world metre of trunk, hips, shoulders and legs) over its median "
    "in the clip: above 1 nearer the camera, below 1 further away",
    _TRUNK,
    sides="both",
    fraction_of="your typical size in the picture",
    reference="your own typical size in the picture in this set",
)
def _body_scale(body: Body) -> FloatArray:
    scale = _pixels_per_metre(body)
    if not np.isfinite(scale).any():
        return scale
    return np.asarray(scale / np.nanmedian(scale), dtype=np.float64)


@feature(
    "stance_x_norm",
    "where the person stands across the picture: the ankles' (else the hips') image x in leg lengths at the "
    "body's image scale; changes when they walk, not when they squat or hinge",
    (Joint.HIP,),
    sides="both",
)
def _stance_x(body: Body) -> FloatArray:
    ankles = np.stack([body.at(Joint.ANKLE, side)[:, 0] for side in Side])
    hips = np.stack([body.at(Joint.HIP, side)[:, 0] for side in Side])
    seen_ankles = np.isfinite(ankles).any(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without a pose
        x_px = np.asarray(np.where(seen_ankles, np.nanmean(ankles, axis=0), np.nanmean(hips, axis=0)), dtype=float)
        _, leg_m = _world_leg(body)
        leg_px = _pixels_per_metre(body) * np.nanmedian(leg_m) if np.isfinite(leg_m).any() else np.nan
    return np.asarray(x_px / leg_px, dtype=np.float64)


@feature(
    "pelvis_roll_deg",
    "hip axis tipped out of the horizontal (hips not square), from world landmarks",
    (Joint.HIP,),
    sides="both",
)
def _pelvis_roll(body: Body) -> FloatArray:
    return _axis_roll(body, Joint.HIP)


@feature(
    "shoulder_roll_deg",
    "shoulder axis tipped out of the horizontal, from world landmarks",
    (Joint.SHOULDER,),
    sides="both",
)
def _shoulder_roll(body: Body) -> FloatArray:
    return _axis_roll(body, Joint.SHOULDER)


@feature(
    "left_side_down_ratio",
    "the left–right axis (shoulder and hip lines) tipped out of the horizontal, as a sine (world, any view): +1 "
    "lying on the left side, −1 on the right, 0 with the shoulders level",
    _TRUNK,
    sides="both",
)
def _left_side_down(body: Body) -> FloatArray:
    return geometry.left_side_down_ratio(body.world)


def compute_features(body: Body, names: tuple[str, ...] | None = None) -> dict[str, FloatArray]:
    """Named (T,) arrays for ``names`` (default: every registered feature)."""
    selected = tuple(FEATURES) if names is None else names
    unknown = [name for name in selected if name not in FEATURES]
    if unknown:
        raise KeyError(f"unknown features: {', '.join(unknown)}")
    # Frames without a pose are all-NaN by design; numpy's "empty slice" warnings about them are noise.
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return {name: np.asarray(FEATURES[name].compute(body), dtype=np.float64) for name in selected}

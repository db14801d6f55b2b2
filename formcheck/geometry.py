"""Pure-numpy body geometry, vectorised over frames.

Conventions, stated once for the whole package:

* Points are arrays of shape (..., 2) in **image pixels** (x right, y down). Use pixels, not normalised
  coordinates, so that a non-square frame does not distort angles (``PoseSequence.xy_px``).
* All angles are **degrees**. Functions that return one say so with a ``_deg`` suffix.
* ``joint_angle_deg(a, b, c)`` is the unsigned angle at ``b`` between ``b→a`` and ``b→c``, in [0, 180];
  180 means the three points are collinear with ``b`` between them.
* ``signed_line_deviation_deg(a, b, c, positive_toward)`` is ``180 − joint_angle_deg(a, b, c)`` with a sign:
  positive when ``b`` lies off the line ``a–c`` on the side ``positive_toward`` points to. A plank with
  ``positive_toward`` = image down (towards the floor) reads +15 for hips sagging by 15° and −15 for a 15° pike.
* ``segment_elevation_deg(p, q)``: angle of the segment ``p→q`` above the horizontal, in [−90, 90], positive when
  ``q`` is higher in the image than ``p`` (whichever way the segment points left/right).
* ``segment_angle_to_vertical_deg(p, q)``: angle between ``p→q`` and straight up, in [0, 180]
  (0 = ``q`` directly above ``p``, 90 = horizontal, 180 = directly below).
* The **near side** is the body side facing the camera. Seen from the side, a person whose right side faces the
  camera has their front (ventral side) at ``+90°`` from the hip→shoulder direction (rotating x towards y), and
  one whose left side faces the camera at ``−90°``; this holds standing, hinged, prone or supine, because
  lying down only rotates the body within the image plane.
* Anything computed from a NaN or a zero-length segment is NaN: missing data never becomes a number.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from formcheck.types import FloatArray, Landmark

_EPS = 1e-9


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


class View(StrEnum):
    SIDE = "side"
    OBLIQUE = "oblique"
    FRONT = "front"


# Camera yaw (0° = person faces the camera, 90° = exact side view) boundaries between the views.
SIDE_VIEW_MIN_YAW_DEG = 62.0
FRONT_VIEW_MAX_YAW_DEG = 28.0
# A body on the floor reads more side-on than it is: MediaPipe pulls the far shoulder and hip toward the near ones.
# Rendered planks and bird dogs filmed from 45° read 41-78° (median ~65°), from within 10° of the side 78-88°; real
# side-view floor clips 77-87°. Floor exercises therefore start the side view at 75°.
SIDE_VIEW_MIN_YAW_FLOOR_DEG = 75.0


def _as_float(points: npt.ArrayLike) -> FloatArray:
    return np.asarray(points, dtype=np.float64)


def _norm(vectors: FloatArray) -> FloatArray:
    length = np.linalg.norm(vectors, axis=-1)
    return np.where(length > _EPS, length, np.nan)


def joint_angle_deg(a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike) -> FloatArray:
    """Unsigned angle at ``b`` in [0, 180] degrees; NaN if a segment has zero length or a point is NaN."""
    a_, b_, c_ = _as_float(a), _as_float(b), _as_float(c)
    ba, bc = a_ - b_, c_ - b_
    cosine = np.sum(ba * bc, axis=-1) / (_norm(ba) * _norm(bc))
    return np.asarray(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))), dtype=np.float64)


def signed_line_deviation_deg(
    a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike, positive_toward: npt.ArrayLike
) -> FloatArray:
    """How far ``b`` bends off the straight line ``a–c``, in degrees, signed by ``positive_toward`` (see module doc)."""
    a_, b_, c_ = _as_float(a), _as_float(b), _as_float(c)
    magnitude = 180.0 - joint_angle_deg(a_, b_, c_)
    line = c_ - a_
    line_unit = line / _norm(line)[..., None]
    offset = (b_ - a_) - np.sum((b_ - a_) * line_unit, axis=-1)[..., None] * line_unit
    sign = np.sign(np.sum(offset * _as_float(positive_toward), axis=-1))
    return np.asarray(magnitude * sign, dtype=np.float64)


def segment_elevation_deg(p: npt.ArrayLike, q: npt.ArrayLike) -> FloatArray:
    """Angle of ``p→q`` above horizontal in [−90, 90] (positive: ``q`` higher in the image)."""
    d = _as_float(q) - _as_float(p)
    rise = -d[..., 1]  # image y points down
    run = np.abs(d[..., 0])
    result = np.degrees(np.arctan2(rise, run))
    return np.where(np.isnan(_norm(d)), np.nan, result)


def segment_angle_to_horizontal_deg(p: npt.ArrayLike, q: npt.ArrayLike) -> FloatArray:
    """Unsigned inclination of the line through ``p`` and ``q``, in [0, 90]."""
    return np.abs(segment_elevation_deg(p, q))


def segment_angle_to_vertical_deg(p: npt.ArrayLike, q: npt.ArrayLike) -> FloatArray:
    """Angle between ``p→q`` and straight up, in [0, 180]."""
    d = _as_float(q) - _as_float(p)
    up = np.array([0.0, -1.0])
    cosine = np.sum(d * up, axis=-1) / _norm(d)
    return np.asarray(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))), dtype=np.float64)


def midpoint(p: npt.ArrayLike, q: npt.ArrayLike) -> FloatArray:
    return (_as_float(p) + _as_float(q)) / 2.0


def ventral_direction(hip: npt.ArrayLike, shoulder: npt.ArrayLike, near_side: Side) -> FloatArray:
    """Unit vector (..., 2) perpendicular to the trunk, pointing out of the person's front (see module doc)."""
    trunk = _as_float(shoulder) - _as_float(hip)
    trunk = trunk / _norm(trunk)[..., None]
    rotated = np.stack([-trunk[..., 1], trunk[..., 0]], axis=-1)  # +90°: (x, y) → (−y, x)
    return rotated if near_side is Side.RIGHT else -rotated


_SIDE_JOINTS = {
    Side.LEFT: (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    Side.RIGHT: (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
}


def side_visibility(landmarks: FloatArray, side: Side) -> FloatArray:
    """(T,) mean visibility of shoulder, hip, knee and ankle on one side; ``landmarks`` is (T, 33, ≥4)."""
    joints = [int(j) for j in _SIDE_JOINTS[side]]
    return np.asarray(np.mean(landmarks[:, joints, 3], axis=1), dtype=np.float64)


def near_side_per_frame(landmarks: FloatArray) -> npt.NDArray[np.str_]:
    """(T,) 'left'/'right': the side nearer the camera, by MediaPipe depth, falling back to visibility.

    MediaPipe's ``z`` is smaller for points nearer the camera; it is decisive for side views, where the far side is
    hidden, while visibility saturates near 1 on both sides.
    """
    left = [int(j) for j in _SIDE_JOINTS[Side.LEFT]]
    right = [int(j) for j in _SIDE_JOINTS[Side.RIGHT]]
    # Joint by joint where both sides are seen: averaging each side over whatever it shows compared a far side reduced
    # to its shoulder and hip (knee and ankle hidden) with a whole near side, and z varies along the body, so a plank
    # filmed from the side was read from its far side and its plainly visible legs called hidden (a real plank file:
    # all 55 frames).
    paired = _mean_of_seen(landmarks[:, left, 2] - landmarks[:, right, 2])
    unpaired = _mean_of_seen(landmarks[:, left, 2]) - _mean_of_seen(landmarks[:, right, 2])
    depth_diff = np.where(np.isnan(paired), unpaired, paired)
    vis_diff = side_visibility(landmarks, Side.LEFT) - side_visibility(landmarks, Side.RIGHT)
    left_nearer = np.where(np.isnan(depth_diff), vis_diff > 0, depth_diff < 0)
    return np.where(left_nearer, Side.LEFT.value, Side.RIGHT.value)


def _mean_of_seen(values: FloatArray) -> FloatArray:
    """(T,) mean of each row's known values, NaN for a row with none: np.nanmean warns "Mean of empty slice" there,
    and a side hidden for a moment (the far side of a side view) made ``formcheck analyze`` print that warning."""
    seen = ~np.isnan(values)
    count = seen.sum(axis=1)
    total = np.where(seen, values, 0.0).sum(axis=1)
    return np.asarray(np.where(count > 0, total / np.maximum(count, 1), np.nan), dtype=np.float64)


def dominant_near_side(landmarks: FloatArray) -> Side:
    """The side nearer the camera over most frames that have a pose."""
    has_pose = ~np.isnan(landmarks[:, :, 0]).all(axis=1)
    sides = near_side_per_frame(landmarks[has_pose])
    if len(sides) == 0:
        return Side.LEFT
    return Side.LEFT if np.mean(sides == Side.LEFT.value) >= 0.5 else Side.RIGHT


def camera_yaw_deg(xy_px: FloatArray, world: FloatArray) -> FloatArray:
    """(T,) estimated camera yaw relative to the body: 0° = facing the camera, 90° = exact side view.

    Two estimates are averaged: the depth-vs-width direction of the shoulder and hip lines in MediaPipe's world
    landmarks, and the image width of the shoulders relative to the torso length (a front-facing adult's shoulders
    span about 0.75 torso lengths; the ratio shrinks as the body turns). Where the shoulder line reads far more
    frontal than the hip line, something across the shoulders (a barbell and its plates) has spread them, and the
    hip line alone is used (see ``BARBELL_SHOULDERS_MARGIN_DEG``).

    A body lying on its side (a side plank) has its left–right axis upright, in the picture from any level camera,
    so neither estimate says where the camera is; its facing is horizontal instead, and the camera turns from it as
    the body's long axis turns out of the picture (see :func:`lying_on_side` and :func:`_long_axis_yaw_deg`).
    """
    shoulders_world = _world_yaw_deg(world, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    hips_world = _world_yaw_deg(world, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    shoulder_width = _norm(xy_px[:, Landmark.LEFT_SHOULDER] - xy_px[:, Landmark.RIGHT_SHOULDER])
    shoulder_mid = midpoint(xy_px[:, Landmark.LEFT_SHOULDER], xy_px[:, Landmark.RIGHT_SHOULDER])
    hip_mid = midpoint(xy_px[:, Landmark.LEFT_HIP], xy_px[:, Landmark.RIGHT_HIP])
    torso_length = _norm(shoulder_mid - hip_mid)
    ratio = np.clip(shoulder_width / (0.75 * torso_length), 0.0, 1.0)
    yaw_image = np.degrees(np.arccos(ratio))
    trunk = midpoint(world[:, Landmark.LEFT_SHOULDER], world[:, Landmark.RIGHT_SHOULDER]) - midpoint(
        world[:, Landmark.LEFT_HIP], world[:, Landmark.RIGHT_HIP]
    )
    with np.errstate(invalid="ignore"):
        both = _mean_of_seen(np.stack([(shoulders_world + hips_world) / 2.0, yaw_image], axis=1))
        upright = -trunk[:, 1] > np.cos(np.radians(BARBELL_MAX_TRUNK_LEAN_DEG)) * _norm(trunk)  # world y is down
        spread = upright & (shoulders_world < hips_world - BARBELL_SHOULDERS_MARGIN_DEG)
    yaw = np.where(lying_on_side(world), _long_axis_yaw_deg(xy_px, world), np.where(spread, hips_world, both))
    return np.asarray(yaw, dtype=np.float64)


# The left–right axis tipped at least this far out of the horizontal plane: the body lies on its side. Lying flat
# (prone, supine, on all fours) tips it by a few degrees, a side plank by ~75° (its body line rises ~15°).
SIDE_LYING_MIN_TILT_DEG = 45.0


def left_side_down_ratio(world: FloatArray) -> FloatArray:
    """(T,) the sine of the left–right axis's tilt out of the horizontal plane (shoulder and hip lines together,
    world y down): +1 lying on the left side, −1 on the right, 0 with the shoulders level."""
    across = (world[:, Landmark.LEFT_SHOULDER] - world[:, Landmark.RIGHT_SHOULDER]) + (
        world[:, Landmark.LEFT_HIP] - world[:, Landmark.RIGHT_HIP]
    )
    return np.asarray(across[:, 1] / _norm(across), dtype=np.float64)


def lying_on_side(world: FloatArray) -> npt.NDArray[np.bool_]:
    """(T,) frames whose left–right axis stands closer to vertical than to horizontal (see SIDE_LYING_MIN_TILT_DEG)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(np.abs(left_side_down_ratio(world)) >= np.sin(np.radians(SIDE_LYING_MIN_TILT_DEG)))


def _long_axis_yaw_deg(xy_px: FloatArray, world: FloatArray) -> FloatArray:
    """How far the camera is turned from the front (or back) of a body lying on its side, 0-90°: how far the body's
    long axis (mid-ankles, else mid-hips, to mid-shoulders) points out of the picture.

    Two estimates are averaged, as for an upright body: the axis's depth in the world landmarks, and its length in
    the picture against the shoulder and hip widths (upright, so the camera's turn does not shorten them) over the
    same proportion in the world. The world depth alone reads short: rendered side planks filmed 45° off the front
    read 22-27° from it (front-on 1-3°), from the proportion 43° (front-on 6°).
    """
    depth = _long_axis(world)
    world_yaw = np.degrees(np.arctan2(np.abs(depth[:, 2]), np.hypot(depth[:, 0], depth[:, 1])))
    with np.errstate(invalid="ignore", divide="ignore"):
        in_picture = _norm(_long_axis(xy_px)) / _widths(xy_px)
        in_world = _norm(depth) / _widths(world)
        image_yaw = np.degrees(np.arccos(np.clip(in_picture / in_world, 0.0, 1.0)))
    return _mean_of_seen(np.stack([world_yaw, image_yaw], axis=1))


def _long_axis(points: FloatArray) -> FloatArray:
    shoulders = midpoint(points[:, Landmark.LEFT_SHOULDER], points[:, Landmark.RIGHT_SHOULDER])
    ankles = midpoint(points[:, Landmark.LEFT_ANKLE], points[:, Landmark.RIGHT_ANKLE])
    hips = midpoint(points[:, Landmark.LEFT_HIP], points[:, Landmark.RIGHT_HIP])
    return np.asarray(shoulders - np.where(np.isnan(ankles), hips, ankles), dtype=np.float64)


def _widths(points: FloatArray) -> FloatArray:
    shoulders = _norm(points[:, Landmark.LEFT_SHOULDER] - points[:, Landmark.RIGHT_SHOULDER])
    hips = _norm(points[:, Landmark.LEFT_HIP] - points[:, Landmark.RIGHT_HIP])
    return np.asarray(shoulders + hips, dtype=np.float64)


# Renders (no barbell) read the shoulder line 2-17° *more* side-on than the hip line; real lifters with a bar on
# their back read it 13-23° more frontal, whatever the view (a side-view back squat: shoulders 54°, hips 76°).
BARBELL_SHOULDERS_MARGIN_DEG = 15.0
# Only a trunk standing within this of vertical (shoulders above the hips) carries a bar on its back; lying on the
# floor the hip line's yaw is no better than the shoulders' (a glute bridge filmed from its feet read side-on from
# the hips and got two wrong cues).
BARBELL_MAX_TRUNK_LEAN_DEG = 60.0


def _world_yaw_deg(world: FloatArray, left: Landmark, right: Landmark) -> FloatArray:
    """Yaw of the ``left``→``right`` line (shoulders or hips) from its depth against its width, 0-90°."""
    d = world[:, left] - world[:, right]
    return np.asarray(np.degrees(np.arctan2(np.abs(d[:, 2]), np.abs(d[:, 0]))), dtype=np.float64)


def classify_view(
    yaw_deg: FloatArray, side_min_yaw_deg: float = SIDE_VIEW_MIN_YAW_DEG
) -> tuple[npt.NDArray[np.str_], FloatArray]:
    """Per-frame view ('side'/'oblique'/'front', '' where unknown) and a confidence in [0, 1].

    ``side_min_yaw_deg``: where the side view starts (an exercise may ask for more, see ``Exercise``). Confidence
    grows with the distance from the nearest view boundary, reaching 1 at 15° from it.
    """
    yaw = np.asarray(yaw_deg, dtype=np.float64)
    views = np.where(
        yaw >= side_min_yaw_deg,
        View.SIDE.value,
        np.where(yaw <= FRONT_VIEW_MAX_YAW_DEG, View.FRONT.value, View.OBLIQUE.value),
    )
    views = np.where(np.isnan(yaw), "", views)
    margin = np.minimum(np.abs(yaw - side_min_yaw_deg), np.abs(yaw - FRONT_VIEW_MAX_YAW_DEG))
    confidence = np.clip(margin / 15.0, 0.0, 1.0)
    return views, np.where(np.isnan(yaw), 0.0, confidence)


def most_common_view(views: npt.NDArray[np.str_]) -> str | None:
    """The view of most of these frames ('' frames, where it is unknown, do not count); None when none is known."""
    names, counts = np.unique(views[views != ""], return_counts=True)
    return str(names[int(np.argmax(counts))]) if len(names) else None

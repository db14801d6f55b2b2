"""A kinematic stick figure: 33 BlazePose landmarks placed from segment angles, seen by a virtual camera.

For tests without a model. Angles (degrees) are in the body's sagittal plane, measured from straight **up**,
positive toward +X (the way a standing person faces): 0 = up, 90 = +X, 180 = down, −90/270 = −X. The person's
right side is +Z. A prone body lies with its head at +X (trunk 90°), a supine one with its head at −X (trunk −90°).

The camera is orthographic. ``yaw_deg`` follows :func:`formcheck.geometry.camera_yaw_deg`: 90 = exact side view,
0 = the body's +X side faces the camera. ``near`` picks which side faces it in a side view. Outputs follow
:mod:`formcheck.types`: image x, y normalised (y down), MediaPipe-like z; world metres (x right, y down, z away
from the camera) centred between the hips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from formcheck.geometry import Side
from formcheck.types import FloatArray, Landmark, PoseSequence

TRUNK_M = 0.50
NECK_M = 0.22
UPPER_ARM_M = 0.30
FOREARM_M = 0.27
THIGH_M = 0.45
SHIN_M = 0.43
HIP_HALF_WIDTH_M = 0.09
SHOULDER_HALF_WIDTH_M = 0.18
NEAR_VISIBILITY = 0.98
FAR_VISIBILITY = 0.85
HIDDEN_VISIBILITY = 0.05


def direction(angle_deg: float) -> FloatArray:
    """Unit vector in the sagittal plane (X, Y, 0) for an angle from straight up toward +X."""
    rad = np.radians(angle_deg)
    return np.array([np.sin(rad), np.cos(rad), 0.0])


@dataclass(frozen=True)
class Limbs:
    """Segment angles of one side (degrees, see module docstring)."""

    upper_arm: float = 180.0
    forearm: float = 180.0
    thigh: float = 180.0
    shin: float = 180.0
    foot: float = 90.0  # heel→toe; 90 = flat foot pointing +X; above 90 the heel lifts
    arm_out: float = 0.0  # upper arm swung sideways out of the sagittal plane, away from the midline (abduction)
    leg_out: float = 0.0  # thigh and shin swung sideways away from the midline (negative: across it)


@dataclass(frozen=True)
class StickPose:
    """One frame of the stick figure."""

    trunk: float = 0.0  # hip→shoulder
    neck: float = 0.0  # shoulder→ear relative to the trunk, + toward the front (flexion)
    left: Limbs = field(default_factory=Limbs)
    right: Limbs = field(default_factory=Limbs)
    pelvis_roll: float = 0.0  # rotation of the hips about the trunk axis (degrees)
    shoulder_roll: float = 0.0  # rotation of the shoulder line about the trunk axis (degrees)
    stance_m: float = 0.0  # extra sideways distance of each foot beyond hip width
    knee_in_m: float = 0.0  # knees moved toward the midline (valgus)
    back_bulge: float = float("nan")
    # The whole body turned about its forward (X) axis: + lays it on its left side, − on its right (a side plank).
    side_lean: float = 0.0


def _side_sign(side: Side) -> float:
    return 1.0 if side is Side.RIGHT else -1.0  # +Z is the person's right


def _lateral(amount: float) -> FloatArray:
    return np.array([0.0, 0.0, amount])


def _swung_out(sagittal: FloatArray, out_deg: float, sign: float) -> FloatArray:
    """A sagittal-plane direction swung ``out_deg`` sideways, away from the midline on the side of ``sign``."""
    out = np.radians(out_deg)
    return np.asarray(np.cos(out) * sagittal + np.sin(out) * _lateral(sign), dtype=np.float64)


def _limb_points(pose: StickPose, side: Side, hip: FloatArray, shoulder: FloatArray) -> dict[Landmark, FloatArray]:
    limbs = pose.left if side is Side.LEFT else pose.right
    sign = _side_sign(side)
    left = side is Side.LEFT
    elbow = shoulder + UPPER_ARM_M * _swung_out(direction(limbs.upper_arm), limbs.arm_out, sign)
    wrist = elbow + FOREARM_M * direction(limbs.forearm)
    hand = direction(limbs.forearm)
    thigh = THIGH_M * _swung_out(direction(limbs.thigh), limbs.leg_out, sign)
    knee = hip + thigh + _lateral(sign * (pose.stance_m - pose.knee_in_m))
    ankle = knee + SHIN_M * _swung_out(direction(limbs.shin), limbs.leg_out, sign) + _lateral(sign * pose.knee_in_m)
    foot, sole = direction(limbs.foot), direction(limbs.foot + 90.0)
    L = Landmark  # noqa: N806 - short alias keeps the table readable
    return {
        L.LEFT_ELBOW if left else L.RIGHT_ELBOW: elbow,
        L.LEFT_WRIST if left else L.RIGHT_WRIST: wrist,
        L.LEFT_PINKY if left else L.RIGHT_PINKY: wrist + 0.08 * hand + _lateral(sign * 0.02),
        L.LEFT_INDEX if left else L.RIGHT_INDEX: wrist + 0.09 * hand,
        L.LEFT_THUMB if left else L.RIGHT_THUMB: wrist + 0.05 * hand - _lateral(sign * 0.02),
        L.LEFT_KNEE if left else L.RIGHT_KNEE: knee,
        L.LEFT_ANKLE if left else L.RIGHT_ANKLE: ankle,
        L.LEFT_HEEL if left else L.RIGHT_HEEL: ankle - 0.05 * foot + 0.06 * sole,
        L.LEFT_FOOT_INDEX if left else L.RIGHT_FOOT_INDEX: ankle + 0.15 * foot + 0.06 * sole,
    }


def body_points(pose: StickPose) -> FloatArray:
    """(33, 3) positions in metres, hip centre at the origin: X forward, Y up, Z right, turned by ``side_lean``."""
    trunk_dir = direction(pose.trunk)
    roll, shoulder_roll = np.radians(pose.pelvis_roll), np.radians(pose.shoulder_roll)
    across = np.cross(trunk_dir, [0.0, 0.0, 1.0])  # perpendicular to trunk and Z: the roll axis's partner
    hip_axis = np.cos(roll) * np.array([0.0, 0.0, 1.0]) + np.sin(roll) * across
    shoulder_mid = TRUNK_M * trunk_dir
    head_dir = direction(pose.trunk + pose.neck)
    face = direction(pose.trunk + pose.neck + 90.0)
    ear_mid = shoulder_mid + NECK_M * head_dir
    points = np.zeros((33, 3))
    hips = {Side.LEFT: -HIP_HALF_WIDTH_M * hip_axis, Side.RIGHT: HIP_HALF_WIDTH_M * hip_axis}
    for side in (Side.LEFT, Side.RIGHT):
        sign = _side_sign(side)
        shoulder_axis = np.cos(shoulder_roll) * np.array([0.0, 0.0, 1.0]) + np.sin(shoulder_roll) * across
        shoulder = shoulder_mid + sign * SHOULDER_HALF_WIDTH_M * shoulder_axis
        hip_lm, shoulder_lm, ear_lm = (
            (Landmark.LEFT_HIP, Landmark.LEFT_SHOULDER, Landmark.LEFT_EAR)
            if side is Side.LEFT
            else (Landmark.RIGHT_HIP, Landmark.RIGHT_SHOULDER, Landmark.RIGHT_EAR)
        )
        points[hip_lm] = hips[side]
        points[shoulder_lm] = shoulder
        points[ear_lm] = ear_mid + _lateral(sign * 0.07)
        for landmark, position in _limb_points(pose, side, hips[side], shoulder).items():
            points[landmark] = position
    nose = ear_mid + 0.1 * face + 0.02 * head_dir
    points[Landmark.NOSE] = nose
    for landmark, lateral in (
        (Landmark.LEFT_EYE_INNER, -0.015),
        (Landmark.LEFT_EYE, -0.03),
        (Landmark.LEFT_EYE_OUTER, -0.045),
        (Landmark.RIGHT_EYE_INNER, 0.015),
        (Landmark.RIGHT_EYE, 0.03),
        (Landmark.RIGHT_EYE_OUTER, 0.045),
    ):
        points[landmark] = nose - 0.01 * face + 0.03 * head_dir + _lateral(lateral)
    points[Landmark.MOUTH_LEFT] = nose - 0.04 * head_dir + _lateral(-0.025)
    points[Landmark.MOUTH_RIGHT] = nose - 0.04 * head_dir + _lateral(0.025)
    return _leaned(points, pose.side_lean)


def _leaned(points: FloatArray, lean_deg: float) -> FloatArray:
    """``points`` turned about the forward (X) axis: the head toward the left (−Z) and the right side up for + lean."""
    lean = np.radians(lean_deg)
    about_forward = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(lean), np.sin(lean)], [0.0, -np.sin(lean), np.cos(lean)]])
    return np.asarray(points @ about_forward.T, dtype=np.float64)


@dataclass(frozen=True)
class Camera:
    yaw_deg: float = 90.0
    near: Side = Side.RIGHT
    width: int = 640
    height: int = 480
    fps: float = 30.0
    noise_px: float = 0.0
    seed: int = 0

    def rotation(self) -> FloatArray:
        """Body frame → camera frame (x right, y down, z away from the camera)."""
        beta = np.radians(self.yaw_deg - 90.0 if self.near is Side.RIGHT else 270.0 - self.yaw_deg)
        about_up = np.array([[np.cos(beta), 0.0, np.sin(beta)], [0.0, 1.0, 0.0], [-np.sin(beta), 0.0, np.cos(beta)]])
        to_camera = np.diag([1.0, -1.0, -1.0])
        return np.asarray(to_camera @ about_up, dtype=np.float64)


def render_sequence(
    poses: Sequence[StickPose], camera: Camera | None = None, hidden: Sequence[Landmark] = ()
) -> PoseSequence:
    """Project ``poses`` (one per frame) into a :class:`PoseSequence`; ``hidden`` landmarks get ~0 visibility."""
    cam = camera or Camera()
    body = np.stack([body_points(pose) for pose in poses])  # (T, 33, 3)
    lowest = body[:, :, 1].min(axis=1, keepdims=True)
    body[:, :, 1] -= lowest  # stand the figure on the floor (y = 0) in every frame
    camera_xyz = body @ cam.rotation().T
    hip_mid = (camera_xyz[:, Landmark.LEFT_HIP] + camera_xyz[:, Landmark.RIGHT_HIP]) / 2.0
    world = camera_xyz - hip_mid[:, None, :]
    scale, offset = _fit(camera_xyz[:, :, :2], cam)
    pixels = camera_xyz[:, :, :2] * scale + offset
    if cam.noise_px > 0:
        pixels = pixels + np.random.default_rng(cam.seed).normal(0.0, cam.noise_px, pixels.shape)
    frames = len(poses)
    landmarks = np.zeros((frames, 33, 5))
    landmarks[:, :, 0] = pixels[:, :, 0] / cam.width
    landmarks[:, :, 1] = pixels[:, :, 1] / cam.height
    landmarks[:, :, 2] = world[:, :, 2] * scale / cam.width
    near_depth = world[:, :, 2] <= 0.02
    landmarks[:, :, 3] = np.where(near_depth, NEAR_VISIBILITY, FAR_VISIBILITY)
    landmarks[:, [int(lm) for lm in hidden], 3] = HIDDEN_VISIBILITY
    landmarks[:, :, 4] = 0.99
    bulge = np.array([pose.back_bulge for pose in poses])
    return PoseSequence(
        t_ms=np.arange(frames, dtype=np.float64) * (1000.0 / cam.fps),
        landmarks=landmarks,
        world=world,
        width=cam.width,
        height=cam.height,
        fps=cam.fps,
        back_bulge=None if np.all(np.isnan(bulge)) else bulge,
    )


def _fit(xy: FloatArray, cam: Camera) -> tuple[float, FloatArray]:
    """Scale (px per metre) and offset that fit every frame's figure into 80% of the image."""
    low, high = xy.reshape(-1, 2).min(axis=0), xy.reshape(-1, 2).max(axis=0)
    extent = np.maximum(high - low, 1e-6)
    scale = float(0.8 * min(cam.width / extent[0], cam.height / extent[1]))
    centre = (low + high) / 2.0
    return scale, np.array([cam.width / 2.0, cam.height / 2.0]) - centre * scale

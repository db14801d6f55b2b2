"""Posing a body skeleton from a few sagittal-plane angles, in plain numpy (no torch, no anny).

World frame (anny's): metres, ``x`` = the body's left, the body faces ``−y``, ``z`` = up. A **sagittal angle**
``phi`` gives a direction in the body's sagittal (y–z) plane, measured from straight up towards the front:
``0`` = up, ``90`` = forward and horizontal, ``180`` = down, ``−90`` = backward and horizontal. A rotation about
``+x`` by ``a`` degrees adds ``a`` to the sagittal angle of every vector it turns.

Posing follows anny's ``local-ref`` convention: each bone gets a world rotation ``G[b]`` (about its own head, in
the rest pose's world axes); the head of a child bone sits at ``head[parent] + G[parent] @ (rest[child] −
rest[parent])``. So a limb segment's direction is set exactly by aligning its rest vector (joint centre to joint
centre) with the wanted direction, and the angles a motion script asks for are met exactly by the joint centres,
whatever body the rest skeleton belongs to. anny itself is fed ``delta[b] = G[parent]ᵀ G[b]``.

Joint centres are bone heads (``upperarm01`` shoulder, ``lowerarm01`` elbow, ``wrist``, ``upperleg01`` hip,
``lowerleg01`` knee, ``foot`` ankle); face and foot points (ears, eyes, nose, heels, big toes) are anny's COCO
surface keypoints, carried rigidly with the head and foot bones here (anny regresses them from the posed mesh).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import numpy as np

from formcheck.types import FloatArray

SIDES = ("L", "R")

# Which rotation each bone of the reduced skeleton takes (see ``solve_rotations``).
_BONE_CONTROL: dict[str, str] = {
    "root": "root",
    "pelvis": "root",
    "spine05": "root",
    "spine04": "spine1",
    "spine03": "spine2",
    "spine02": "spine3",
    "spine01": "spine4",
    "clavicle": "spine4",
    "shoulder01": "spine4",
    "neck01": "neck1",
    "neck02": "neck2",
    "neck03": "neck3",
    "head": "neck3",
    "upperarm01": "upper_arm",
    "upperarm02": "upper_arm",
    "lowerarm01": "forearm",
    "lowerarm02": "forearm",
    "wrist": "hand",
    "metacarpal3": "hand",
    "upperleg01": "thigh",
    "upperleg02": "thigh",
    "lowerleg01": "shin",
    "lowerleg02": "shin",
    "foot": "foot",
    "toe1-1": "foot",
}

# Limb segments: (control, head bone, tail bone) per side; the tail is the next joint centre.
_LIMB_SEGMENTS = {
    "upper_arm": ("upperarm01", "lowerarm01"),
    "forearm": ("lowerarm01", "wrist"),
    "hand": ("wrist", "metacarpal3"),
    "thigh": ("upperleg01", "lowerleg01"),
    "shin": ("lowerleg01", "foot"),
    "foot": ("foot", "toe1-1"),
}

# BlazePose landmark name -> (bone, None) for joint centres or (None, keypoint) for surface keypoints.
LANDMARK_SOURCES: dict[str, tuple[str | None, str | None]] = {
    "nose": (None, "nose"),
    "left_eye": (None, "left_eye"),
    "right_eye": (None, "right_eye"),
    "left_ear": (None, "left_ear"),
    "right_ear": (None, "right_ear"),
    "left_shoulder": ("upperarm01.L", None),
    "right_shoulder": ("upperarm01.R", None),
    "left_elbow": ("lowerarm01.L", None),
    "right_elbow": ("lowerarm01.R", None),
    "left_wrist": ("wrist.L", None),
    "right_wrist": ("wrist.R", None),
    "left_hip": ("upperleg01.L", None),
    "right_hip": ("upperleg01.R", None),
    "left_knee": ("lowerleg01.L", None),
    "right_knee": ("lowerleg01.R", None),
    "left_ankle": ("foot.L", None),
    "right_ankle": ("foot.R", None),
    "left_heel": (None, "left_heel"),
    "right_heel": (None, "right_heel"),
    "left_foot_index": (None, "left_big_toe"),
    "right_foot_index": (None, "right_big_toe"),
}
# Bone that carries each surface keypoint rigidly in the numpy model.
_KEYPOINT_BONE = {
    "nose": "head",
    "left_eye": "head",
    "right_eye": "head",
    "left_ear": "head",
    "right_ear": "head",
    "left_heel": "foot.L",
    "right_heel": "foot.R",
    "left_big_toe": "toe1-1.L",
    "right_big_toe": "toe1-1.R",
}


def sagittal_dir(phi_deg: float, lateral: float = 0.0) -> FloatArray:
    """Unit vector whose projection on the sagittal plane has angle ``phi_deg``; ``lateral`` is its x component."""
    phi = math.radians(phi_deg)
    s = math.sqrt(max(0.0, 1.0 - lateral * lateral))
    return np.array([lateral, -math.sin(phi) * s, math.cos(phi) * s])


def sagittal_angle(vector: FloatArray) -> float:
    """Sagittal angle (degrees, in (−180, 180]) of a 3-D vector's projection on the y–z plane."""
    return math.degrees(math.atan2(-float(vector[1]), float(vector[2])))


def rot_x(deg: float) -> FloatArray:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rot_axis(axis: FloatArray, deg: float) -> FloatArray:
    """Rotation by ``deg`` about unit ``axis`` (right-handed)."""
    u = axis / math.sqrt(float(axis @ axis))
    a = math.radians(deg)
    k = np.array([[0.0, -u[2], u[1]], [u[2], 0.0, -u[0]], [-u[1], u[0], 0.0]])
    return np.asarray(np.eye(3) + math.sin(a) * k + (1.0 - math.cos(a)) * (k @ k), dtype=np.float64)


def _cross(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def rot_align(a: FloatArray, b: FloatArray) -> FloatArray:
    """The smallest rotation turning the direction of ``a`` into the direction of ``b``."""
    u = a / math.sqrt(float(a @ a))
    v = b / math.sqrt(float(b @ b))
    cross = _cross(u, v)
    cosine = float(u @ v)
    sine = math.sqrt(float(cross @ cross))
    if sine < 1e-12:
        if cosine > 0:
            return np.eye(3)
        perpendicular = _cross(u, np.array([1.0, 0.0, 0.0]))
        if np.linalg.norm(perpendicular) < 1e-6:
            perpendicular = _cross(u, np.array([0.0, 1.0, 0.0]))
        return rot_axis(perpendicular, 180.0)
    return rot_axis(cross, math.degrees(math.atan2(sine, cosine)))


@dataclass(frozen=True)
class Limb:
    """World sagittal angles (degrees) of one limb's segments; ``lat_*`` are lateral components (+ = outwards)."""

    upper: float = 180.0
    lower: float = 180.0
    end: float = 107.0
    lat_upper: float = 0.05
    lat_lower: float = 0.03
    lat_end: float = 0.0


@dataclass(frozen=True)
class PoseSpec:
    """One frame's posture.

    ``trunk``: sagittal angle of the mid-hip → mid-shoulder line. ``spine_flex``: flexion (+, rounding) or extension
    (−) spread over spine04…spine01. ``neck_flex``: head/neck flexion relative to the upper spine (+ = chin
    towards chest). ``pelvis_roll``: rotation of the pelvis about the trunk's long axis (bird dog hips not square;
    + lifts the left hip). ``trunk_roll``: rotation of the upper trunk about its long axis, spread over spine04…spine01
    (the shoulders turn by the whole amount relative to the pelvis; + turns the left shoulder backwards). ``side_lean``:
    the whole posed body turned about the world front–back (y) axis, after everything else (+ tips the head towards
    +x, the left side down: 90 lays the body on its left side). Limb angles are in the body's own frame before the
    lean. Arms: upper = shoulder→elbow, lower = elbow→wrist, end = wrist→knuckles. Legs: upper =
    hip→knee, lower = knee→ankle, end = ankle→ball of the big toe.
    """

    trunk: float = 0.0
    spine_flex: float = 0.0
    neck_flex: float = 0.0
    pelvis_roll: float = 0.0
    trunk_roll: float = 0.0
    side_lean: float = 0.0
    arms: dict[str, Limb] = field(default_factory=lambda: {s: Limb(lat_upper=0.12, lat_lower=0.05) for s in SIDES})
    legs: dict[str, Limb] = field(default_factory=lambda: {s: Limb() for s in SIDES})
    translation: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def with_limbs(
        self, arms: Limb | dict[str, Limb] | None = None, legs: Limb | dict[str, Limb] | None = None
    ) -> PoseSpec:
        new_arms = self.arms if arms is None else (arms if isinstance(arms, dict) else dict.fromkeys(SIDES, arms))
        new_legs = self.legs if legs is None else (legs if isinstance(legs, dict) else dict.fromkeys(SIDES, legs))
        return replace(self, arms=dict(new_arms), legs=dict(new_legs))


@dataclass
class Skeleton:
    """Rest-pose bone heads and surface keypoints of one body, reduced to the bones formcheck poses."""

    bones: dict[str, str | None]  # name -> parent
    rest: dict[str, FloatArray]
    keypoints: dict[str, FloatArray]
    floor_z: float
    order: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.order:
            done: list[str] = []
            pending = list(self.bones)
            while pending:
                for name in list(pending):
                    parent = self.bones[name]
                    if parent is None or parent in done:
                        done.append(name)
                        pending.remove(name)
            self.order = done

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Skeleton:
        bones = {
            name: (info["parent"] if info["parent"] in data["bones"] else None) for name, info in data["bones"].items()
        }
        # Bones whose real parent is not kept (metacarpal3 under wrist) keep their nearest kept ancestor.
        bones["metacarpal3.L"] = "wrist.L"
        bones["metacarpal3.R"] = "wrist.R"
        bones["root"] = None
        rest = {name: np.asarray(info["head"], dtype=np.float64) for name, info in data["bones"].items()}
        keypoints = {name: np.asarray(v, dtype=np.float64) for name, v in data["keypoints"].items()}
        return cls(bones=bones, rest=rest, keypoints=keypoints, floor_z=float(data["floor_z"]))

    @classmethod
    def default(cls) -> Skeleton:
        text = resources.files("formcheck.synth").joinpath("default_skeleton.json").read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text))

    def rest_vector(self, head: str, tail: str) -> FloatArray:
        return self.rest[tail] - self.rest[head]

    def height_above_floor(self, bone: str) -> float:
        return float(self.rest[bone][2] - self.floor_z)


def _control(bone: str) -> str:
    base = bone[:-2] if bone.endswith((".L", ".R")) else bone
    return _BONE_CONTROL[base]


def solve_rotations(skeleton: Skeleton, spec: PoseSpec) -> dict[str, FloatArray]:
    """World rotation (3×3) of every bone of ``skeleton`` for ``spec``."""
    groups: dict[str, FloatArray] = {}
    flex = spec.spine_flex / 4.0
    neck = spec.neck_flex / 3.0
    # Trunk pitch: measure the hip→shoulder line with no pitch, then turn the whole body so it reads spec.trunk.
    upper = {f"spine{i}": rot_x(flex * i) for i in range(1, 5)}
    positions0 = _trunk_positions(skeleton, upper)
    v0 = positions0["shoulder_mid"] - positions0["hip_mid"]
    pitch = rot_x(spec.trunk - sagittal_angle(v0))
    trunk_axis = pitch @ (v0 / np.linalg.norm(v0))
    groups["root"] = rot_axis(trunk_axis, spec.pelvis_roll) @ pitch
    for i in range(1, 5):
        groups[f"spine{i}"] = pitch @ upper[f"spine{i}"]
        if spec.trunk_roll:
            groups[f"spine{i}"] = rot_axis(trunk_axis, spec.trunk_roll * i / 4.0) @ groups[f"spine{i}"]
    for i in range(1, 4):
        groups[f"neck{i}"] = groups["spine4"] @ rot_x(neck * i)
    rotations: dict[str, FloatArray] = {}
    limb_rotations: dict[tuple[str, str], FloatArray] = {}
    for bone in skeleton.order:
        control = _control(bone)
        if control in _LIMB_SEGMENTS:
            side = bone[-1]
            if (control, side) not in limb_rotations:
                limbs = spec.arms if control in ("upper_arm", "forearm", "hand") else spec.legs
                limb_rotations[control, side] = _limb_rotation(skeleton, control, side, limbs[side])
            rotations[bone] = limb_rotations[control, side]
        else:
            rotations[bone] = groups[control]
    if spec.side_lean:
        lean = rot_axis(np.array([0.0, 1.0, 0.0]), spec.side_lean)
        rotations = {bone: lean @ rotation for bone, rotation in rotations.items()}
    return rotations


def _limb_rotation(skeleton: Skeleton, control: str, side: str, limb: Limb) -> FloatArray:
    head, tail = _LIMB_SEGMENTS[control]
    rest = skeleton.rest_vector(f"{head}.{side}", f"{tail}.{side}")
    outwards = 1.0 if side == "L" else -1.0
    if control in ("upper_arm", "thigh"):
        phi, lat = limb.upper, limb.lat_upper
    elif control in ("forearm", "shin"):
        phi, lat = limb.lower, limb.lat_lower
    else:
        phi, lat = limb.end, limb.lat_end
    return rot_align(rest, sagittal_dir(phi, outwards * lat))


def _trunk_positions(skeleton: Skeleton, upper: dict[str, FloatArray]) -> dict[str, FloatArray]:
    spec_rotations = {bone: upper.get(_control(bone), np.eye(3)) for bone in skeleton.order}
    heads = forward_kinematics(skeleton, spec_rotations, np.zeros(3))
    return {
        "shoulder_mid": (heads["upperarm01.L"] + heads["upperarm01.R"]) / 2.0,
        "hip_mid": (heads["upperleg01.L"] + heads["upperleg01.R"]) / 2.0,
    }


def forward_kinematics(skeleton: Skeleton, rotations: dict[str, FloatArray], root: FloatArray) -> dict[str, FloatArray]:
    """World head position of every bone (the root's head at ``root``)."""
    heads: dict[str, FloatArray] = {}
    for bone in skeleton.order:
        parent = skeleton.bones[bone]
        if parent is None:
            heads[bone] = np.asarray(root, dtype=np.float64) + (skeleton.rest[bone] - skeleton.rest["root"])
        else:
            heads[bone] = heads[parent] + rotations[parent] @ (skeleton.rest[bone] - skeleton.rest[parent])
    return heads


def landmarks_from_heads(
    skeleton: Skeleton,
    heads: dict[str, FloatArray],
    rotations: dict[str, FloatArray],
    keypoints: dict[str, FloatArray] | None = None,
) -> dict[str, FloatArray]:
    """BlazePose-named 3-D points: joint centres from bone heads, face/foot points from ``keypoints`` if given
    (anny's regressor on the posed mesh) or carried rigidly from the rest keypoints."""
    out: dict[str, FloatArray] = {}
    for name, (bone, keypoint) in LANDMARK_SOURCES.items():
        if bone is not None:
            out[name] = heads[bone]
        else:
            assert keypoint is not None
            if keypoints is not None:
                out[name] = keypoints[keypoint]
            else:
                carrier = _KEYPOINT_BONE[keypoint]
                offset = skeleton.keypoints[keypoint] - skeleton.rest[carrier]
                out[name] = heads[carrier] + rotations[carrier] @ offset
    return out


@dataclass
class PosedFrame:
    spec: PoseSpec
    rotations: dict[str, FloatArray]
    heads: dict[str, FloatArray]
    landmarks: dict[str, FloatArray]


def pose(skeleton: Skeleton, spec: PoseSpec) -> PosedFrame:
    """Rotations, bone heads and BlazePose-named points of ``skeleton`` posed by ``spec`` (root at its translation)."""
    rotations = solve_rotations(skeleton, spec)
    heads = forward_kinematics(skeleton, rotations, np.asarray(spec.translation, dtype=np.float64))
    return PosedFrame(spec, rotations, heads, landmarks_from_heads(skeleton, heads, rotations))


def place(skeleton: Skeleton, spec: PoseSpec, anchor: str, target_y: float, target_z: float) -> PoseSpec:
    """``spec`` translated so that landmark ``anchor`` sits at (y, z) = (target_y, target_z), x unchanged."""
    posed = pose(skeleton, replace(spec, translation=(0.0, 0.0, 0.0)))
    point = posed.landmarks.get(anchor, posed.heads.get(anchor))
    assert point is not None, anchor
    return replace(spec, translation=(0.0, target_y - float(point[1]), target_z - float(point[2])))


def solve_scalar(function: Any, low: float, high: float, iterations: int = 60) -> float:
    """Root of ``function`` on [low, high] (Brent's method); the nearer end if the ends do not bracket a root."""
    # scipy.optimize takes 0.35 s to import; the command line reads the motion registry for its help on every run.
    from scipy.optimize import brentq  # noqa: PLC0415

    f_low = function(low)
    f_high = function(high)
    if f_low * f_high > 0:
        return low if abs(f_low) < abs(f_high) else high
    return float(brentq(function, low, high, xtol=1e-10, maxiter=iterations))

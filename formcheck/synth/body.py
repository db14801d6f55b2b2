"""anny bodies posed by :mod:`formcheck.synth.kinematics` (needs the ``synth`` extra: torch, anny).

Import this module only from code that has already checked the extra is installed (``require_synth_extra``).
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from formcheck.synth.kinematics import Skeleton
from formcheck.types import FloatArray, FormcheckError

log = logging.getLogger(__name__)

# Back rounding (see ``back_rounding_offsets_m``). anny's spine joints bend near the pelvis and above the shoulder
# landmark, so its own flexion tips the trunk but leaves the back's outline hollow: a commanded 30° rounding read -0.041
# of trunk length in the person mask, inside the clean renders' -0.030 to -0.067. A flexed spine turns the lumbar
# hollow into a convex curve, so the back surface between the top of the buttocks and the shoulder blades is pushed
# dorsally. Peak offset = gain × hip–shoulder height × flexion (rad): with 0.2, side-view stills of the deadlift's
# bottom read 0.047-0.094 at 30° (real rounded backs 0.031-0.091) and the clean back is unchanged.
BACK_ROUNDING_GAIN = 0.2
# The rounding spans this part of the hip→shoulder height (0 = hip joints, 1 = shoulder joints), largest mid-back;
# outside it the buttocks, shoulder girdle and neck do not move, so arms (which never move) meet no seam.
BACK_ROUNDING_SPAN = (0.05, 0.85)
_DEPTH_BIN_M = 0.01  # slices of the torso in which front, middle and back are found
# A back that faces the floor lies on it (the curl-up, whose flexion lifts the head and shoulders off the floor while
# the low back stays down): the floor keeps it from bulging. The rounding fades out as the pelvis's back turns from
# 17° below horizontal (the z of its dorsal direction -0.3) to 44° below (-0.7); a deadlift's hinge faces it upwards.
_BACK_ON_FLOOR_DORSAL_Z = (-0.7, -0.3)
# A loose shirt (``RenderedBody.load(..., loose_shirt=True)``, see ``loose_shirt_offsets_m``). anny is skin with the
# clothes painted on, so a clean back shows the whole lumbar hollow of standing anatomy (3.8 cm under the line from
# the buttocks to the shoulder blades on carl, 4.9 cm on ben): clean side-view deadlift bottoms read -0.034 to -0.074
# of trunk length where real flat backs, in shirts, read at most 0.023. Drawn across the hollow, the shirt brings
# them to -0.024..-0.008 (five bodies). It spans this part of the hip→shoulder height (the buttocks to the shoulders).
LOOSE_SHIRT_SPAN = (-0.15, 1.0)
_SHIRT_MIDLINE_HALF_WIDTH_M = 0.05  # the back profile the shirt is drawn over: vertices this close to the midline
_SHIRT_SMOOTHING_SLICES = 5  # the gap under the shirt is averaged over 5 cm of height, so no fold shows
_ARM_BONE_PREFIXES = ("upperarm", "lowerarm", "wrist", "metacarpal", "finger")

INSTALL_HINT = "pip install -e '.[synth]'"
SKELETON_BONES = (
    "root",
    "spine05",
    "spine04",
    "spine03",
    "spine02",
    "spine01",
    "neck01",
    "neck02",
    "neck03",
    "head",
    *(
        f"{b}.{s}"
        for s in ("L", "R")
        for b in (
            "pelvis",
            "upperleg01",
            "upperleg02",
            "lowerleg01",
            "lowerleg02",
            "foot",
            "toe1-1",
            "clavicle",
            "shoulder01",
            "upperarm01",
            "upperarm02",
            "lowerarm01",
            "lowerarm02",
            "wrist",
            "metacarpal3",
        )
    ),
)


def configure_caches(cache_dir: Path) -> None:
    """Point anny, warp and XDG caches at ``cache_dir`` unless already set (anny writes ~800 MB on first load)."""
    os.environ.setdefault("ANNY_CACHE_DIR", str(cache_dir / "anny"))
    os.environ.setdefault("WARP_CACHE_PATH", str(cache_dir / "warp"))
    os.environ.setdefault("XDG_CACHE_HOME", str(cache_dir))


def require_synth_extra() -> None:
    """Raise a FormcheckError naming the install command when torch/anny/pyrender are missing."""
    missing = []
    for module in ("torch", "anny", "pyrender", "trimesh"):
        try:
            __import__(module) if module != "pyrender" else _import_pyrender()
        except ImportError:
            missing.append(module)
    if missing:
        raise FormcheckError(
            f"rendering needs {', '.join(missing)} (the synth extra): run  {INSTALL_HINT}  "
            "(torch 2.13.0 CPU build; Debian packages libegl1 libegl-mesa0 libgl1-mesa-dri for offscreen EGL)"
        )


def _import_pyrender() -> Any:
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    if not hasattr(np, "infty"):
        np.infty = np.inf  # type: ignore[attr-defined]  # pyrender 0.1.45 still uses the alias numpy 2 removed
    import pyrender  # noqa: PLC0415 - optional dependency, imported when used

    return pyrender


def thoracolumbar_flexion_deg(rotations: dict[str, FloatArray]) -> float:
    """Flexion (+, rounding) of the upper spine (spine01) relative to the pelvis (spine05) about the body's left–right
    axis, in degrees, from world bone rotations: what :class:`~formcheck.synth.kinematics.PoseSpec` ``spine_flex``
    commands (a rotation about ``+x`` in anny's rest frame; extension reads negative)."""
    relative = rotations["spine05"].T @ rotations["spine01"]
    return math.degrees(math.atan2(float(relative[2, 1]), float(relative[1, 1])))


def back_off_floor_weight(rotations: dict[str, FloatArray]) -> float:
    """How free the back is to round, from world bone rotations: 1 when the pelvis's back (rest ``+y``) faces
    sideways or up, 0 when it faces the floor (lying on the back), linear in between (``_BACK_ON_FLOOR_DORSAL_Z``)."""
    dorsal_z = float((rotations["spine05"] @ np.array([0.0, 1.0, 0.0]))[2])
    low, high = _BACK_ON_FLOOR_DORSAL_Z
    return float(np.clip((dorsal_z - low) / (high - low), 0.0, 1.0))


def back_rounding_offsets_m(
    rest_vertices_m: FloatArray,
    movable: npt.NDArray[np.bool_],
    hip_z_m: float,
    shoulder_z_m: float,
    flexion_deg: float,
) -> FloatArray:
    """Offsets (V×3, metres) that round the back of a rest-pose mesh for a thoracolumbar flexion of ``flexion_deg``.

    Rest frame (anny's): metres, ``x`` = the body's left, the body faces ``−y`` (so ``+y`` is dorsal), ``z`` = up;
    ``hip_z_m`` and ``shoulder_z_m`` are the heights of the hip and shoulder joint centres. Only ``movable`` vertices
    move, and only dorsally (``+y``): by ``BACK_ROUNDING_GAIN × (shoulder_z_m − hip_z_m) × flexion`` (radians) times
    a sin² profile over ``BACK_ROUNDING_SPAN`` of that height (1 mid-back, 0 at its ends) times a depth weight (0 on
    the front half of the torso's slice at that height, rising linearly to 1 on its back surface). Zero or negative
    flexion (extension) returns zeros: the mesh is left as anny poses it.
    """
    offsets = np.zeros_like(rest_vertices_m, dtype=np.float64)
    if flexion_deg <= 0.0:
        return offsets
    profile = _rounding_profile(rest_vertices_m[:, 2], hip_z_m, shoulder_z_m)
    depth = _dorsal_depth_weight(rest_vertices_m, movable)
    peak_m = BACK_ROUNDING_GAIN * (shoulder_z_m - hip_z_m) * math.radians(flexion_deg)
    offsets[:, 1] = np.where(movable, peak_m * profile * depth, 0.0)
    return offsets


def _rounding_profile(z_m: FloatArray, hip_z_m: float, shoulder_z_m: float) -> FloatArray:
    """The rounding's sin² profile over ``BACK_ROUNDING_SPAN`` of the hip→shoulder height (1 mid-back, 0 outside)."""
    low, high = BACK_ROUNDING_SPAN
    within_span = ((z_m - hip_z_m) / (shoulder_z_m - hip_z_m) - low) / (high - low)
    inside = (within_span > 0.0) & (within_span < 1.0)
    return np.asarray(np.where(inside, np.sin(np.pi * within_span) ** 2, 0.0), dtype=np.float64)


def _dorsal_depth_weight(rest_vertices_m: FloatArray, movable: npt.NDArray[np.bool_]) -> FloatArray:
    """Per vertex: 0 at or in front of the middle of its height slice of the movable mesh, 1 on the slice's back."""
    weight = np.zeros(len(rest_vertices_m))
    slices = np.floor(rest_vertices_m[:, 2] / _DEPTH_BIN_M).astype(np.int64)
    for index in np.unique(slices[movable]):
        members = movable & (slices == index)
        depth_y = rest_vertices_m[members, 1]
        middle, back = 0.5 * (depth_y.min() + depth_y.max()), depth_y.max()
        weight[members] = np.clip((depth_y - middle) / max(back - middle, 1e-9), 0.0, 1.0)
    return weight


def loose_shirt_offsets_m(
    rest_vertices_m: FloatArray,
    movable: npt.NDArray[np.bool_],
    hip_z_m: float,
    shoulder_z_m: float,
    flexion_deg: float = 0.0,
) -> FloatArray:
    """Offsets (V×3, metres) of a shirt drawn straight across the hollows of the back of a rest-pose mesh, over the
    back as ``back_rounding_offsets_m`` rounds it for ``flexion_deg`` (the rounding itself not included).

    Same frame and arguments as :func:`back_rounding_offsets_m`. The back's midline profile (the most dorsal ``y`` of
    each 1-cm slice of height within ``LOOSE_SHIRT_SPAN``) is covered by its upper hull, as cloth stretched from the
    buttocks to the shoulder blades would be; the gap under it (smoothed over height) moves the back half of the torso
    dorsally, tapering to 0 at mid-depth. Convex parts (the buttocks, the shoulder blades, a rounded back) keep their
    shape, and a rounding back pushes the shirt out instead of adding to it; only dorsal ``+y`` offsets, never negative.
    """
    offsets = np.zeros_like(rest_vertices_m, dtype=np.float64)
    shirt = LooseShirt.of_rest_mesh(rest_vertices_m, movable, hip_z_m, shoulder_z_m)
    if shirt is not None:
        offsets[:, 1] = shirt.dorsal_offsets_m(max(0.0, math.radians(flexion_deg)))
    return offsets


@dataclass(frozen=True)
class LooseShirt:
    """A shirt over the back's midline profile (rest frame, see :func:`loose_shirt_offsets_m`) and the vertices it
    moves: their heights and depth weights."""

    slice_z_m: FloatArray  # (S,) heights of the profile's 1-cm slices
    back_y_m: FloatArray  # (S,) the most dorsal y of each slice
    rounding_per_rad_m: FloatArray  # (S,) how far the back surface there moves per radian of flexion
    vertex_z_m: FloatArray  # (M,)
    vertex_depth: FloatArray  # (M,) 0 at or in front of mid-depth (or not movable), 1 on the back surface

    def dorsal_offsets_m(self, flexion_rad: float) -> FloatArray:
        """(M,) the gap under the shirt over the back rounded by ``flexion_rad``, times each vertex's depth weight."""
        skin_y = self.back_y_m + flexion_rad * self.rounding_per_rad_m
        gap_m = _upper_hull_at(self.slice_z_m, skin_y) - skin_y
        kernel = np.ones(_SHIRT_SMOOTHING_SLICES) / _SHIRT_SMOOTHING_SLICES
        gap_m = np.convolve(np.pad(gap_m, _SHIRT_SMOOTHING_SLICES // 2, mode="edge"), kernel, mode="valid")
        gap_at_vertices = np.interp(self.vertex_z_m, self.slice_z_m, gap_m, left=0.0, right=0.0)
        return np.asarray(gap_at_vertices * self.vertex_depth, dtype=np.float64)

    def moves(self) -> npt.NDArray[np.bool_]:
        """Which of its vertices the shirt can move (behind mid-depth, within the profile's heights)."""
        within = (self.vertex_z_m >= self.slice_z_m[0]) & (self.vertex_z_m <= self.slice_z_m[-1])
        return np.asarray(within & (self.vertex_depth > 0.0), dtype=np.bool_)

    def of_vertices(self, ids: npt.NDArray[np.int64]) -> LooseShirt:
        return replace(self, vertex_z_m=self.vertex_z_m[ids], vertex_depth=self.vertex_depth[ids])

    @classmethod
    def of_rest_mesh(
        cls, rest_vertices_m: FloatArray, movable: npt.NDArray[np.bool_], hip_z_m: float, shoulder_z_m: float
    ) -> LooseShirt | None:
        """The shirt of a rest-pose mesh (every vertex); None when the back's profile cannot be found."""
        depth = _dorsal_depth_weight(rest_vertices_m, movable)
        trunk_m = shoulder_z_m - hip_z_m
        low_z, high_z = (hip_z_m + fraction * trunk_m for fraction in LOOSE_SHIRT_SPAN)
        z = rest_vertices_m[:, 2]
        midline = movable & (depth > 0.5) & (np.abs(rest_vertices_m[:, 0]) < _SHIRT_MIDLINE_HALF_WIDTH_M)
        midline &= (z > low_z) & (z < high_z)
        slices = np.floor(z / _DEPTH_BIN_M).astype(np.int64)
        profile_slices = np.unique(slices[midline])
        if len(profile_slices) < 2:
            return None
        slice_z = (profile_slices + 0.5).astype(np.float64) * _DEPTH_BIN_M
        return cls(
            slice_z_m=slice_z,
            back_y_m=np.array([rest_vertices_m[midline & (slices == index), 1].max() for index in profile_slices]),
            rounding_per_rad_m=BACK_ROUNDING_GAIN * trunk_m * _rounding_profile(slice_z, hip_z_m, shoulder_z_m),
            vertex_z_m=np.asarray(z, dtype=np.float64),
            vertex_depth=np.where(movable, depth, 0.0),
        )


def _upper_hull_at(x: FloatArray, y: FloatArray) -> FloatArray:
    """The upper convex hull of the points (x, y) (x increasing), evaluated at x."""
    hull: list[int] = []
    for i in range(len(x)):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            if (x[b] - x[a]) * (y[i] - y[a]) - (y[b] - y[a]) * (x[i] - x[a]) >= 0.0:
                hull.pop()
            else:
                break
        hull.append(i)
    return np.asarray(np.interp(x, x[hull], y[hull]), dtype=np.float64)


@dataclass(frozen=True)
class BackRounding:
    """What posing needs to shape one body's back: the moving vertices, their rest-frame offsets per radian of
    flexion and, with a loose shirt, at any flexion; their skinning weights and the rest-pose bone rotations (anny
    skins linearly, so a rest-frame offset moves with the blend of its bones' rotations)."""

    vertex_ids: npt.NDArray[np.int64]
    offsets_per_rad_m: FloatArray  # (M, 3)
    weights: FloatArray  # (M, K)
    bone_ids: npt.NDArray[np.int64]  # (M, K)
    rest_bone_rotations: FloatArray  # (B, 3, 3)
    shirt: LooseShirt | None = None  # None: the clothes are painted on the skin

    def posed_offsets_m(self, bone_rotations: FloatArray, flexion_deg: float) -> FloatArray:
        """(M, 3) world offsets of the moving vertices for posed bone rotations (B, 3, 3)."""
        skinning = bone_rotations @ np.transpose(self.rest_bone_rotations, (0, 2, 1))
        blend = np.einsum("mk,mkij->mij", self.weights, skinning[self.bone_ids])
        flexion_rad = max(0.0, math.radians(flexion_deg))
        offsets = flexion_rad * self.offsets_per_rad_m
        if self.shirt is not None:
            offsets[:, 1] += self.shirt.dorsal_offsets_m(flexion_rad)
        return np.asarray(np.einsum("mij,mj->mi", blend, offsets), dtype=np.float64)

    @classmethod
    def of_rest_mesh(cls, out: Any, model: Any, vertex_bone: list[str], loose_shirt: bool = False) -> BackRounding:
        """From anny's output for a phenotype (its skinning rest frame, not the default-posed ``vertices``)."""
        rest_vertices = out["rest_vertices"][0].numpy().astype(np.float64)
        heads = out["rest_bone_heads"][0].numpy().astype(np.float64)
        labels: list[str] = list(model.bone_labels)
        hip_z = 0.5 * float(heads[labels.index("upperleg01.L"), 2] + heads[labels.index("upperleg01.R"), 2])
        shoulder_z = 0.5 * float(heads[labels.index("upperarm01.L"), 2] + heads[labels.index("upperarm01.R"), 2])
        movable = np.array([not bone.startswith(_ARM_BONE_PREFIXES) for bone in vertex_bone])
        per_rad = back_rounding_offsets_m(rest_vertices, movable, hip_z, shoulder_z, math.degrees(1.0))
        shirt = LooseShirt.of_rest_mesh(rest_vertices, movable, hip_z, shoulder_z) if loose_shirt else None
        moved = np.any(per_rad != 0.0, axis=1) | (shirt.moves() if shirt is not None else False)
        ids = np.flatnonzero(moved)
        return cls(
            vertex_ids=ids,
            offsets_per_rad_m=per_rad[ids],
            weights=model.vertex_bone_weights.numpy().astype(np.float64)[ids],
            bone_ids=model.vertex_bone_indices.numpy().astype(np.int64)[ids],
            rest_bone_rotations=out["rest_bone_poses"][0, :, :3, :3].numpy().astype(np.float64),
            shirt=shirt.of_vertices(ids) if shirt is not None else None,
        )


_MODEL: Any = None
_KEYPOINTS: Any = None


def _model() -> tuple[Any, Any]:
    global _MODEL, _KEYPOINTS  # noqa: PLW0603 - one anny model per process (0.4 s to load from cache, 800 MB)
    if _MODEL is None:
        import anny  # noqa: PLC0415 - optional dependency, imported when used

        log.info("loading anny (the first load builds a ~800 MB cache and takes about a minute)")
        _MODEL = anny.Anny()
        _KEYPOINTS = anny.KeypointsRegressor.coco(_MODEL)
    return _MODEL, _KEYPOINTS


@dataclass
class RenderedBody:
    """One anny body (phenotype), its reduced rest skeleton and what the renderer needs."""

    phenotype: dict[str, float]
    skeleton: Skeleton
    faces: npt.NDArray[np.int64]
    vertex_bone: list[str]  # dominant bone name per vertex
    rest_vertices: FloatArray
    back_rounding: BackRounding
    _bone_index: dict[str, int]
    _parents: list[int]

    @classmethod
    def load(cls, phenotype: dict[str, float], loose_shirt: bool = False) -> RenderedBody:
        """The body of ``phenotype``; ``loose_shirt`` draws its shirt across the back's hollows (see
        ``loose_shirt_offsets_m``) instead of painting it on the skin."""
        import torch  # noqa: PLC0415 - optional dependency, imported when used

        model, regressor = _model()
        with torch.no_grad():
            out = model(phenotype_kwargs=phenotype)
            keypoints = regressor(out)[0].numpy().astype(np.float64)
        heads = out["bone_poses"][0, :, :3, 3].numpy().astype(np.float64)
        labels: list[str] = list(model.bone_labels)
        index = {name: i for i, name in enumerate(labels)}
        parents = [-1] + [int(p) for p in model.bone_parents[1:]]
        bones: dict[str, Any] = {}
        for name in SKELETON_BONES:
            i = index[name]
            bones[name] = {"parent": labels[parents[i]] if i > 0 else None, "head": heads[i].tolist()}
        skeleton = Skeleton.from_dict(
            {
                "bones": bones,
                "keypoints": {label: keypoints[k].tolist() for k, label in enumerate(regressor.labels)},
                "floor_z": float(out["vertices"][0, :, 2].min()),
            }
        )
        weights = model.vertex_bone_weights.numpy()
        bone_ids = model.vertex_bone_indices.numpy()
        dominant = bone_ids[np.arange(len(bone_ids)), np.argmax(weights, axis=1)]
        faces = model.get_triangular_faces().numpy().astype(np.int64)
        rest_vertices = out["vertices"][0].numpy().astype(np.float64)
        vertex_bone = [labels[int(b)] for b in dominant]
        back = BackRounding.of_rest_mesh(out, model, vertex_bone, loose_shirt)
        return cls(phenotype, skeleton, faces, vertex_bone, rest_vertices, back, index, parents)

    def posed(
        self, rotations: dict[str, FloatArray], translation: FloatArray
    ) -> tuple[FloatArray, FloatArray, dict[str, FloatArray]]:
        """Vertices (V×3), bone heads (B×3) and COCO keypoints of this body with world rotations ``rotations``.

        A flexed spine (``thoracolumbar_flexion_deg`` > 0) also rounds the back surface (``back_rounding_offsets_m``)
        unless the back lies on the floor (``back_off_floor_weight``); bone heads and keypoints are anny's, so the
        truth landmarks do not depend on it.
        """
        import torch  # noqa: PLC0415 - optional dependency, imported when used

        model, regressor = _model()
        world = {name: rotations[name] for name in rotations}
        deltas: dict[str, Any] = {}
        for name, g in world.items():
            parent = self.skeleton.bones[name]
            parent_rot = world[parent] if parent is not None else np.eye(3)
            matrix = np.eye(4)
            matrix[:3, :3] = parent_rot.T @ g
            if parent is None:
                rest_root = self.skeleton.rest[name]
                matrix[:3, 3] = np.asarray(translation) - g @ rest_root + rest_root
            deltas[name] = torch.as_tensor(matrix[None], dtype=model.dtype)
        with torch.no_grad():
            out = model(pose_parameters=deltas, phenotype_kwargs=self.phenotype)
            keypoints = regressor(out)[0].numpy().astype(np.float64)
        vertices = out["vertices"][0].numpy().astype(np.float64)
        heads = out["bone_poses"][0, :, :3, 3].numpy().astype(np.float64)
        flexion_deg = thoracolumbar_flexion_deg(rotations) * back_off_floor_weight(rotations)
        if flexion_deg > 0.0 or self.back_rounding.shirt is not None:
            bone_rotations = out["bone_poses"][0, :, :3, :3].numpy().astype(np.float64)
            back = self.back_rounding
            vertices[back.vertex_ids] += back.posed_offsets_m(bone_rotations, flexion_deg)
        return vertices, heads, {label: keypoints[k] for k, label in enumerate(regressor.labels)}

    def head_of(self, heads: FloatArray, bone: str) -> FloatArray:
        return np.asarray(heads[self._bone_index[bone]], dtype=np.float64)

"""anny bodies posed by :mod:`formcheck.synth.kinematics` (needs the ``synth`` extra: torch, anny).

Import this module only from code that has already checked the extra is installed (``require_synth_extra``).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from formcheck.synth.kinematics import Skeleton
from formcheck.types import FloatArray, FormcheckError

log = logging.getLogger(__name__)

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
    _bone_index: dict[str, int]
    _parents: list[int]

    @classmethod
    def load(cls, phenotype: dict[str, float]) -> RenderedBody:
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
        return cls(phenotype, skeleton, faces, [labels[int(b)] for b in dominant], rest_vertices, index, parents)

    def posed(
        self, rotations: dict[str, FloatArray], translation: FloatArray
    ) -> tuple[FloatArray, FloatArray, dict[str, FloatArray]]:
        """Vertices (V×3), bone heads (B×3) and COCO keypoints of this body with world rotations ``rotations``."""
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
        return vertices, heads, {label: keypoints[k] for k, label in enumerate(regressor.labels)}

    def head_of(self, heads: FloatArray, bone: str) -> FloatArray:
        return np.asarray(heads[self._bone_index[bone]], dtype=np.float64)

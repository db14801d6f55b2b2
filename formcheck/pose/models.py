"""The bundled MediaPipe Pose Landmarker models, verified by sha256 before use.

The files live in the repository's ``models/`` folder (or ``$FORMCHECK_MODELS_DIR``), listed with their digests in
``models/SHA256SUMS``. mediapipe 1.x ships no models and formcheck never downloads one.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from formcheck.types import FormcheckError

MODEL_NAMES = ("lite", "full", "heavy")
DEFAULT_MODEL = "full"

MODEL_SHA256 = {
    "lite": "20a33fb48ec5d358b20d1287e1245a541620c96fa169ba9e05932f41b3057fe7",
    "full": "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad",
    "heavy": "64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b",
}


class ModelError(FormcheckError):
    """A model file is unknown, missing or altered."""


def models_dir() -> Path:
    override = os.environ.get("FORMCHECK_MODELS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "models"


def model_filename(name: str) -> str:
    return f"pose_landmarker_{name}.task"


def resolve_model(name: str = DEFAULT_MODEL) -> Path:
    """Path of the named model after checking its sha256; ModelError names the file and the fix otherwise."""
    if name not in MODEL_SHA256:
        raise ModelError(f"unknown model {name!r}: choose one of {', '.join(MODEL_NAMES)}")
    path = models_dir() / model_filename(name)
    _verify(path, MODEL_SHA256[name], path.stat().st_mtime_ns if path.exists() else 0)
    return path


@cache
def _verify(path: Path, expected_sha256: str, _mtime_ns: int) -> None:
    """Hash once per process and file version (the mtime is part of the cache key)."""
    fix = "restore it from a fresh checkout of formcheck (git checkout -- models/) or set FORMCHECK_MODELS_DIR"
    if not path.is_file():
        raise ModelError(f"model file {path} is missing: {fix}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected_sha256:
        raise ModelError(
            f"model file {path} is damaged or altered (sha256 {digest[:12]}…, expected {expected_sha256[:12]}…): {fix}"
        )

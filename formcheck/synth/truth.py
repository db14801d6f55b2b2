"""Ground truth beside each rendered clip (``CLIP.truth.json``, schema ``formcheck.truth/1``) and its validator.

Angles are computed with :mod:`formcheck.geometry` from the projected joint centres in **pixels**, so the truth and
the checker share one definition. Signs (see ``truth_schema.json``):

* ``hip_line_deviation_deg`` = ``signed_line_deviation_deg(shoulder, hip, ankle, +ventral)``: positive when the hip
  lies off the shoulder–ankle line towards the person's front — a sagging plank, a lean-back at lockout;
  negative for a pike or unfinished hip extension. ``hip_knee_line_deviation_deg`` is the same with the knee
  (bridges: + over-arched, − hips short of the line).
* ``neck_line_deviation_deg`` = ``signed_line_deviation_deg(ear, shoulder, hip, −ventral)``: positive when the
  shoulder lies behind the ear–hip line, i.e. the head is forward/dropped or the upper back rounded.

``ventral`` is :func:`formcheck.geometry.ventral_direction` for the near side.
"""

from __future__ import annotations

import itertools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from formcheck import geometry as g
from formcheck.types import FloatArray, FormcheckError

SCHEMA_ID = "formcheck.truth/1"
ANGLE_KEYS = (
    "shoulder_hip_ankle_deg",
    "shoulder_hip_knee_deg",
    "hip_knee_ankle_deg",
    "ear_shoulder_hip_deg",
    "trunk_to_vertical_deg",
    "hip_line_deviation_deg",
    "hip_knee_line_deviation_deg",
    "neck_line_deviation_deg",
    "left_arm_elevation_deg",
    "right_arm_elevation_deg",
    "left_leg_elevation_deg",
    "right_leg_elevation_deg",
)


def angles_2d(points: dict[str, FloatArray], near_side: str) -> dict[str, float]:
    """The truth angle set from 2-D points (pixels, y down) of one frame; ``near_side`` 'left'/'right'."""
    side = g.Side(near_side)
    sh, hip, knee, ankle, ear = (points[f"{near_side}_{j}"] for j in ("shoulder", "hip", "knee", "ankle", "ear"))
    ventral = g.ventral_direction(hip, sh, side)
    values = {
        "shoulder_hip_ankle_deg": g.joint_angle_deg(sh, hip, ankle),
        "shoulder_hip_knee_deg": g.joint_angle_deg(sh, hip, knee),
        "hip_knee_ankle_deg": g.joint_angle_deg(hip, knee, ankle),
        "ear_shoulder_hip_deg": g.joint_angle_deg(ear, sh, hip),
        "trunk_to_vertical_deg": g.segment_angle_to_vertical_deg(hip, sh),
        "hip_line_deviation_deg": g.signed_line_deviation_deg(sh, hip, ankle, ventral),
        "hip_knee_line_deviation_deg": g.signed_line_deviation_deg(sh, hip, knee, ventral),
        "neck_line_deviation_deg": g.signed_line_deviation_deg(ear, sh, hip, -ventral),
    }
    for s in ("left", "right"):
        values[f"{s}_arm_elevation_deg"] = g.segment_elevation_deg(points[f"{s}_shoulder"], points[f"{s}_wrist"])
        values[f"{s}_leg_elevation_deg"] = g.segment_elevation_deg(points[f"{s}_hip"], points[f"{s}_ankle"])
    return {k: round(float(v), 2) for k, v in values.items()}


def sagittal_points(points_3d: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """World points seen orthographically from the body's left (+x): image x = world y, image y = −world z."""
    return {name: np.array([p[1], -p[2]]) for name, p in points_3d.items()}


def angles_3d(points_3d: dict[str, FloatArray], near_side: str) -> dict[str, float]:
    sh, hip, knee, ankle, ear = (points_3d[f"{near_side}_{j}"] for j in ("shoulder", "hip", "knee", "ankle", "ear"))
    values = {
        "shoulder_hip_ankle_deg": g.joint_angle_deg(sh, hip, ankle),
        "shoulder_hip_knee_deg": g.joint_angle_deg(sh, hip, knee),
        "hip_knee_ankle_deg": g.joint_angle_deg(hip, knee, ankle),
        "ear_shoulder_hip_deg": g.joint_angle_deg(ear, sh, hip),
    }
    return {k: round(float(v), 2) for k, v in values.items()}


def frame_truth(
    t_ms: int,
    points_3d: dict[str, FloatArray],
    projected: dict[str, FloatArray],
    width: int,
    height: int,
    near_side: str,
) -> dict[str, Any]:
    """One ``frames[]`` entry. ``projected``: name -> (x_norm, y_norm, depth)."""
    px = {name: np.array([p[0] * width, p[1] * height]) for name, p in projected.items()}
    return {
        "t_ms": int(t_ms),
        "landmarks_2d": {name: [round(float(p[0]), 4), round(float(p[1]), 4)] for name, p in projected.items()},
        "angles": angles_2d(px, near_side),
        # Sagittal angles are seen from the left: its ventral sign rule is the left side's.
        "angles_sagittal": angles_2d(sagittal_points(points_3d), "left"),
        "angles_3d": angles_3d(points_3d, near_side),
    }


def load_schema() -> dict[str, Any]:
    text = resources.files("formcheck.synth").joinpath("truth_schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_truth(truth: dict[str, Any]) -> None:
    """Raise FormcheckError if ``truth`` does not follow ``truth_schema.json`` or is internally inconsistent."""
    try:
        import jsonschema  # noqa: PLC0415 - optional dependency, imported when used
    except ImportError as error:  # pragma: no cover - jsonschema ships with the synth and test extras
        raise FormcheckError("validating truth files needs jsonschema: pip install jsonschema") from error
    try:
        jsonschema.validate(truth, load_schema())
    except jsonschema.ValidationError as error:
        where = list(error.absolute_path)
        raise FormcheckError(f"truth does not match {SCHEMA_ID}: {error.message} at {where}") from error
    if len(truth["frames"]) != truth["frame_count"]:
        raise FormcheckError("truth frame_count differs from the number of frames")
    times = [f["t_ms"] for f in truth["frames"]]
    if any(b <= a for a, b in itertools.pairwise(times)):
        raise FormcheckError("truth t_ms must be strictly increasing")


def load_truth(path: Path) -> dict[str, Any]:
    truth: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return truth


def write_truth(path: Path, truth: dict[str, Any]) -> None:
    validate_truth(truth)
    path.write_text(json.dumps(truth, separators=(",", ":")) + "\n", encoding="utf-8")

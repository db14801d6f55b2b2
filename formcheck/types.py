"""Core data types shared by every layer of formcheck.

Conventions (used throughout the package):

* Image landmarks are MediaPipe's: ``x`` and ``y`` normalised to [0, 1] by frame width and height, origin top-left,
  ``y`` pointing down; ``z`` is MediaPipe's relative depth (same scale as ``x``, smaller = nearer the camera);
  ``visibility`` and ``presence`` are probabilities in [0, 1].
* World landmarks are metres, origin between the hips, ``y`` pointing down.
* Timestamps are integer milliseconds from the start of the video (``t_ms``), strictly increasing.
* A frame without a detected person is a row of NaN, never a missing row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

NUM_LANDMARKS = 33


class Landmark(IntEnum):
    """The 33 BlazePose landmark ids, in MediaPipe's order."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


# Bones drawn by the overlay and used for body-size estimates.
SKELETON_EDGES: tuple[tuple[Landmark, Landmark], ...] = (
    (Landmark.LEFT_EAR, Landmark.LEFT_SHOULDER),
    (Landmark.RIGHT_EAR, Landmark.RIGHT_SHOULDER),
    (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_ELBOW),
    (Landmark.LEFT_ELBOW, Landmark.LEFT_WRIST),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_ELBOW),
    (Landmark.RIGHT_ELBOW, Landmark.RIGHT_WRIST),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP),
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    (Landmark.LEFT_HIP, Landmark.LEFT_KNEE),
    (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE),
    (Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_HEEL),
    (Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_FOOT_INDEX),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_HEEL),
    (Landmark.RIGHT_HEEL, Landmark.RIGHT_FOOT_INDEX),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_FOOT_INDEX),
)


class FormcheckError(Exception):
    """Base of every error formcheck raises on purpose; its message is written for the person using it."""


@dataclass
class PoseSequence:
    """Landmarks of one person over a video, one row per analysed frame.

    ``landmarks``: (T, 33, 5) x, y, z, visibility, presence (NaN where no pose).
    ``world``: (T, 33, 3) metres. ``t_ms``: (T,) strictly increasing milliseconds.
    ``back_bulge``: (T,) optional per-frame measure of how far the back outline (from the segmentation mask) bulges
    off the shoulder–hip line, as a fraction of the shoulder–hip distance (NaN where unknown).
    ``world_with_hidden``: (T, 33, 3) optional world points smoothed *without* the visibility gate, so joints the
    camera cannot see keep MediaPipe's guess. Set by the smoothers; only whole-body measures that tolerate a guess use
    it (where the floor is under feet hidden behind a barbell plate), never a check on a limb.
    ``outside_frame``: (T, 33) optional, True where the landmarker placed a point outside the picture (set by the
    visibility gate, which blanks those points): a hidden joint there needs the person to step back, not an
    obstacle moved.
    """

    t_ms: FloatArray
    landmarks: FloatArray
    world: FloatArray
    width: int
    height: int
    fps: float
    back_bulge: FloatArray | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    world_with_hidden: FloatArray | None = None
    outside_frame: BoolArray | None = None

    def __post_init__(self) -> None:
        frames = len(self.t_ms)
        if self.landmarks.shape != (frames, NUM_LANDMARKS, 5):
            raise ValueError(f"landmarks must be ({frames}, 33, 5), got {self.landmarks.shape}")
        for name, world in (("world", self.world), ("world_with_hidden", self.world_with_hidden)):
            if world is not None and world.shape != (frames, NUM_LANDMARKS, 3):
                raise ValueError(f"{name} must be ({frames}, 33, 3), got {world.shape}")
        if self.outside_frame is not None and self.outside_frame.shape != (frames, NUM_LANDMARKS):
            raise ValueError(f"outside_frame must be ({frames}, 33), got {self.outside_frame.shape}")
        if frames > 1 and not np.all(np.diff(self.t_ms) > 0):
            raise ValueError("t_ms must be strictly increasing")

    @property
    def num_frames(self) -> int:
        return len(self.t_ms)

    @property
    def t_s(self) -> FloatArray:
        return self.t_ms / 1000.0

    @property
    def visibility(self) -> FloatArray:
        """(T, 33) visibility, NaN where no pose."""
        return self.landmarks[:, :, 3]

    def xy_px(self) -> FloatArray:
        """(T, 33, 2) image positions in pixels, so that angles are not distorted by the frame's aspect ratio."""
        scale = np.array([self.width, self.height], dtype=np.float64)
        return self.landmarks[:, :, :2] * scale

    def has_pose(self) -> npt.NDArray[np.bool_]:
        """(T,) True where a person was found."""
        return np.asarray(~np.isnan(self.landmarks[:, :, 0]).all(axis=1), dtype=np.bool_)

    def save_npz(self, path: Path) -> None:
        arrays: dict[str, Any] = {
            "t_ms": self.t_ms,
            "landmarks": self.landmarks.astype(np.float32),
            "world": self.world.astype(np.float32),
            "width": np.int32(self.width),
            "height": np.int32(self.height),
            "fps": np.float64(self.fps),
        }
        if self.back_bulge is not None:
            arrays["back_bulge"] = self.back_bulge.astype(np.float32)
        np.savez_compressed(path, **arrays)

    @classmethod
    def load_npz(cls, path: Path) -> PoseSequence:
        with np.load(path, allow_pickle=False) as data:
            bulge = data["back_bulge"].astype(np.float64) if "back_bulge" in data else None
            return cls(
                t_ms=data["t_ms"].astype(np.float64),
                landmarks=data["landmarks"].astype(np.float64),
                world=data["world"].astype(np.float64),
                width=int(data["width"]),
                height=int(data["height"]),
                fps=float(data["fps"]),
                back_bulge=bulge,
            )

    def slice(self, start: int, stop: int) -> PoseSequence:
        bulge = None if self.back_bulge is None else self.back_bulge[start:stop]
        return PoseSequence(
            t_ms=self.t_ms[start:stop],
            landmarks=self.landmarks[start:stop],
            world=self.world[start:stop],
            width=self.width,
            height=self.height,
            fps=self.fps,
            back_bulge=bulge,
            meta=dict(self.meta),
            world_with_hidden=None if self.world_with_hidden is None else self.world_with_hidden[start:stop],
            outside_frame=None if self.outside_frame is None else self.outside_frame[start:stop],
        )


def empty_pose_arrays(frames: int) -> tuple[FloatArray, FloatArray]:
    """All-NaN (landmarks, world) arrays for ``frames`` frames."""
    return (
        np.full((frames, NUM_LANDMARKS, 5), np.nan),
        np.full((frames, NUM_LANDMARKS, 3), np.nan),
    )

"""A thin, explicitly closed wrapper around MediaPipe's PoseLandmarker (Tasks API, mediapipe 1.x).

Results come back as numpy arrays in formcheck's conventions (see :mod:`formcheck.types`): image landmarks
(33, 5) normalised x, y, z, visibility, presence; world landmarks (33, 3) metres; an optional person mask (H, W)
float32 in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions, vision

from formcheck.pose.models import DEFAULT_MODEL, resolve_model
from formcheck.types import NUM_LANDMARKS, FloatArray
from formcheck.video import RgbImage


class RunningMode(StrEnum):
    IMAGE = "image"  # every frame detected from scratch
    VIDEO = "video"  # tracks the person from frame to frame: about twice as fast, needs increasing timestamps


_MP_MODES = {RunningMode.IMAGE: vision.RunningMode.IMAGE, RunningMode.VIDEO: vision.RunningMode.VIDEO}


@dataclass(frozen=True)
class DetectedPose:
    landmarks: FloatArray  # (33, 5)
    world: FloatArray  # (33, 3)
    mask: np.ndarray | None  # (H, W) float32, person probability

    def bbox_norm(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) of the visible landmarks, normalised."""
        visible = self.landmarks[:, 3] > 0.3
        points = self.landmarks[visible if visible.sum() >= 4 else slice(None), :2]
        x0, y0 = np.min(points, axis=0)
        x1, y1 = np.max(points, axis=0)
        return float(x0), float(y0), float(x1), float(y1)


@dataclass(frozen=True)
class LandmarkerSettings:
    model: str = DEFAULT_MODEL
    mode: RunningMode = RunningMode.VIDEO
    num_poses: int = 1
    segmentation: bool = False
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5


class PoseLandmarker:
    """One MediaPipe landmarker. Use as a context manager or call ``close()``: mediapipe 1.2 prints a traceback at
    interpreter exit when a landmarker is left to the garbage collector."""

    def __init__(self, settings: LandmarkerSettings = LandmarkerSettings()) -> None:
        self.settings = settings
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(resolve_model(settings.model))),
            running_mode=_MP_MODES[settings.mode],
            num_poses=settings.num_poses,
            min_pose_detection_confidence=settings.min_detection_confidence,
            min_pose_presence_confidence=settings.min_detection_confidence,
            min_tracking_confidence=settings.min_tracking_confidence,
            output_segmentation_masks=settings.segmentation,
        )
        self._landmarker: vision.PoseLandmarker | None = vision.PoseLandmarker.create_from_options(options)

    def detect(self, image: RgbImage, t_ms: int | None = None) -> list[DetectedPose]:
        """All poses found in ``image`` (an empty list when nobody is there). VIDEO mode needs ``t_ms``."""
        if self._landmarker is None:
            raise RuntimeError("this PoseLandmarker is closed")
        mp_image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image))
        if self.settings.mode is RunningMode.VIDEO:
            if t_ms is None:
                raise ValueError("VIDEO mode needs the frame's timestamp t_ms")
            result = self._landmarker.detect_for_video(mp_image, int(t_ms))
        else:
            result = self._landmarker.detect(mp_image)
        masks = result.segmentation_masks or []
        return [
            DetectedPose(
                landmarks=_image_landmarks(result.pose_landmarks[i]),
                world=_world_landmarks(result.pose_world_landmarks[i]),
                mask=masks[i].numpy_view().reshape(image.shape[:2]) if i < len(masks) else None,
            )
            for i in range(len(result.pose_landmarks))
        ]

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> PoseLandmarker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _image_landmarks(points: list[object]) -> FloatArray:
    out = np.empty((NUM_LANDMARKS, 5))
    for i, p in enumerate(points[:NUM_LANDMARKS]):
        out[i] = (p.x, p.y, p.z, p.visibility or 0.0, p.presence or 0.0)  # type: ignore[attr-defined]
    return out


def _world_landmarks(points: list[object]) -> FloatArray:
    out = np.empty((NUM_LANDMARKS, 3))
    for i, p in enumerate(points[:NUM_LANDMARKS]):
        out[i] = (p.x, p.y, p.z)  # type: ignore[attr-defined]
    return out

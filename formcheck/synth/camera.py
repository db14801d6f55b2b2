"""A pinhole camera that frames a clip, and projection of world points to MediaPipe-normalised image coordinates.

Pure numpy: the renderer (pyrender, OpenGL conventions: the camera looks down its −z axis, y up) and the truth
writer share this one definition, so projected truth lines up with the rendered pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.types import FloatArray


@dataclass(frozen=True)
class RenderCamera:
    position: FloatArray
    target: FloatArray
    yfov_deg: float
    width: int
    height: int

    @property
    def rotation(self) -> FloatArray:
        """3×3, columns = camera right, up, back (OpenGL) in world coordinates."""
        back = self.position - self.target
        back = back / np.linalg.norm(back)
        right = np.cross(np.array([0.0, 0.0, 1.0]), back)
        right = right / np.linalg.norm(right)
        up = np.cross(back, right)
        return np.stack([right, up, back], axis=1)

    @property
    def pose(self) -> FloatArray:
        matrix = np.eye(4)
        matrix[:3, :3] = self.rotation
        matrix[:3, 3] = self.position
        return matrix

    @property
    def focal_px(self) -> float:
        return (self.height / 2.0) / math.tan(math.radians(self.yfov_deg) / 2.0)

    def project(self, points: FloatArray) -> FloatArray:
        """(..., 3) world points -> (..., 3): x, y normalised by width/height (origin top-left), depth in metres."""
        local = (np.asarray(points, dtype=np.float64) - self.position) @ self.rotation
        depth = -local[..., 2]
        u = self.width / 2.0 + self.focal_px * local[..., 0] / depth
        v = self.height / 2.0 - self.focal_px * local[..., 1] / depth
        return np.stack([u / self.width, v / self.height, depth], axis=-1)


def frame_camera(
    points: FloatArray,
    yaw_from_side_deg: float,
    near_side: str,
    width: int,
    height: int,
    yfov_deg: float = 45.0,
    camera_height: float = 0.9,
    margin: float = 1.15,
    offset: tuple[float, float] = (0.0, 0.0),
) -> RenderCamera:
    """A fixed camera that keeps every point of ``points`` (N×3, the whole clip) in view.

    ``yaw_from_side_deg``: 0 = exact side view of the ``near_side`` ('left' = camera on the body's +x side), 90 =
    facing the person's front. ``offset`` shifts the framed centre (fractions of the body extent) for variety.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre = (lo + hi) / 2.0
    yaw = math.radians(yaw_from_side_deg)
    sx = 1.0 if near_side == "left" else -1.0
    direction = np.array([sx * math.cos(yaw), -math.sin(yaw), 0.0])
    extent = hi - lo
    centre = centre + np.array([0.0, offset[0] * extent[1], offset[1] * extent[2]])
    tan_v = math.tan(math.radians(yfov_deg) / 2.0)
    tan_h = tan_v * width / height
    distance = 2.0
    for _ in range(4):
        position = centre + direction * distance
        position[2] = camera_height
        camera = RenderCamera(position, centre, yfov_deg, width, height)
        local = (pts - camera.position) @ camera.rotation
        depth = -local[:, 2]
        need_h = np.max(np.abs(local[:, 0]) / tan_h - depth)
        need_v = np.max(np.abs(local[:, 1]) / tan_v - depth)
        distance = max(1.2, distance + max(need_h, need_v))
    distance *= margin
    position = centre + direction * distance
    position[2] = camera_height
    return RenderCamera(position, centre, yfov_deg, width, height)

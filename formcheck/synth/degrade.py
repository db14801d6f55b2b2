"""Image degradations that make clean renders look more like phone video: blur, sensor noise, JPEG blocking and
a static occluder (an object between camera and person). All seeded; applied per frame before H.264 encoding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Degradations:
    blur_sigma: float = 0.0  # Gaussian blur, pixels
    noise_sigma: float = 0.0  # additive Gaussian noise, 0-255 scale
    jpeg_quality: int = 0  # 0 = off; else re-encode each frame as JPEG at this quality
    occluder: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 normalised

    def to_json(self) -> dict[str, Any]:
        return {
            "blur_sigma": self.blur_sigma,
            "noise_sigma": self.noise_sigma,
            "jpeg_quality": self.jpeg_quality,
            "occluder": list(self.occluder) if self.occluder else None,
        }

    @property
    def any(self) -> bool:
        return bool(self.blur_sigma or self.noise_sigma or self.jpeg_quality or self.occluder)


def apply(frame: npt.NDArray[np.uint8], spec: Degradations, rng: np.random.Generator) -> npt.NDArray[np.uint8]:
    out = frame
    if spec.occluder is not None:
        h, w = out.shape[:2]
        x0, y0, x1, y1 = spec.occluder
        out = out.copy()
        out[int(y0 * h) : int(y1 * h), int(x0 * w) : int(x1 * w)] = (70, 62, 55)
    if spec.blur_sigma > 0:
        out = np.asarray(cv2.GaussianBlur(out, (0, 0), spec.blur_sigma), dtype=np.uint8)
    if spec.noise_sigma > 0:
        noise = rng.normal(0.0, spec.noise_sigma, size=out.shape)
        out = np.clip(out.astype(np.float64) + noise, 0, 255).astype(np.uint8)
    if spec.jpeg_quality:
        ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, spec.jpeg_quality])
        if ok:
            out = np.asarray(cv2.imdecode(data, cv2.IMREAD_UNCHANGED), dtype=np.uint8)
    return np.ascontiguousarray(out)

"""How much the back bulges, measured on the person segmentation mask (pure numpy).

MediaPipe has no spine landmarks, so the shoulder–hip line alone cannot show a rounded back. The segmentation
mask can: from points along the shoulder→hip segment we walk in the **dorsal** direction (away from the person's
front, see :mod:`formcheck.geometry`) until we leave the body, which traces the back's outline. A flat back's
outline runs parallel to the shoulder–hip line; a rounded back's middle stands further out than its ends.

``back_bulge_fraction`` returns the outline's largest excess over the straight chord joining its ends, as a fraction
of the shoulder–hip distance (0 = flat, ~0.05–0.10 = visibly rounded; negative = a hollow, arched back).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from formcheck.types import FloatArray

_ALONG = np.linspace(0.15, 0.85, 15)  # positions along shoulder→hip where the outline is sampled
_MASK_THRESHOLD = 0.5


def back_bulge_fraction(
    mask: npt.NDArray[np.floating],
    shoulder_px: FloatArray,
    hip_px: FloatArray,
    dorsal_unit: FloatArray,
) -> float:
    """Outline bulge as a fraction of shoulder–hip length; NaN when the outline cannot be traced."""
    trunk = hip_px - shoulder_px
    trunk_length = float(np.hypot(*trunk))
    if not np.isfinite(trunk_length) or trunk_length < 20 or not np.all(np.isfinite(dorsal_unit)):
        return float("nan")
    max_reach = int(0.6 * trunk_length)
    starts = shoulder_px[None, :] + _ALONG[:, None] * trunk[None, :]  # (K, 2)
    steps = np.arange(max_reach)[None, :, None] * dorsal_unit[None, None, :]  # (1, S, 2)
    samples = np.rint(starts[:, None, :] + steps).astype(np.int64)  # (K, S, 2)
    height, width = mask.shape[:2]
    inside_frame = (
        (samples[..., 0] >= 0) & (samples[..., 0] < width) & (samples[..., 1] >= 0) & (samples[..., 1] < height)
    )
    xs = np.clip(samples[..., 0], 0, width - 1)
    ys = np.clip(samples[..., 1], 0, height - 1)
    on_body = (mask[ys, xs] >= _MASK_THRESHOLD) & inside_frame
    outline = _first_exit(on_body)
    if np.count_nonzero(np.isfinite(outline)) < len(_ALONG) - 2 or np.any(outline >= max_reach - 1):
        return float("nan")  # the outline is lost (mask hole, body leaves the frame, or background merges)
    chord = np.interp(_ALONG, [_ALONG[0], _ALONG[-1]], [outline[0], outline[-1]])
    excess = outline - chord
    return (
        float(np.nanmax(excess) / trunk_length)
        if np.nanmax(excess) > -np.nanmin(excess)
        else float(np.nanmin(excess) / trunk_length)
    )


def _first_exit(on_body: npt.NDArray[np.bool_]) -> FloatArray:
    """Per row, the index of the first sample off the body (NaN when the row starts outside the body)."""
    off = ~on_body
    first = np.argmax(off, axis=1).astype(np.float64)
    first[~off.any(axis=1)] = on_body.shape[1]
    first[~on_body[:, 0]] = np.nan
    return np.asarray(first, dtype=np.float64)

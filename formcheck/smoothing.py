"""Cleaning landmark tracks: low-visibility points dropped, short gaps filled, jitter filtered.

* Recorded video: zero-phase Butterworth low-pass (SciPy ``sosfiltfilt``; no lag, so rep timing stays exact),
  applied to each stretch of continuous data; default cut-off 6 Hz, as in Sports2D/Pose2Sim gait work.
* Live camera: the One-Euro filter (Casiez et al., CHI 2012), causal, little lag when moving fast and strong
  smoothing when still. Its parameters are in Hz and normalised-image units per second.

Gaps: a landmark below ``min_visibility``, or outside the frame, counts as missing (NaN). Gaps up to
``max_gap_ms`` are filled by linear interpolation; longer gaps stay NaN, so no check ever judges invented data.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
from scipy.signal import butter, sosfiltfilt

from formcheck.types import BoolArray, FloatArray, PoseSequence

DEFAULT_MIN_VISIBILITY = 0.5
DEFAULT_MAX_GAP_MS = 300.0
DEFAULT_CUTOFF_HZ = 6.0
FRAME_MARGIN = 0.02  # normalised: a point this far past the frame edge is not seen


def gate_visibility(sequence: PoseSequence, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> PoseSequence:
    """Set x, y, z (and the matching world point) to NaN where visibility is below ``min_visibility`` or the point
    lies outside the frame: MediaPipe extrapolates a hand or foot that leaves the picture, sometimes with high
    visibility, and a check must not judge a limb it cannot see."""
    landmarks = sequence.landmarks.copy()
    world = sequence.world.copy()
    outside = outside_the_frame(landmarks)
    hidden = _unseen(landmarks, min_visibility, outside)
    landmarks[:, :, :3][hidden] = np.nan
    world[hidden] = np.nan
    return replace(sequence, landmarks=landmarks, world=world, outside_frame=outside)


def outside_the_frame(landmarks: FloatArray) -> BoolArray:
    """Points (any leading shape, last axis x, y, …) the landmarker placed outside the picture."""
    xy = landmarks[..., :2]
    return np.asarray(np.any((xy < -FRAME_MARGIN) | (xy > 1.0 + FRAME_MARGIN), axis=-1), dtype=np.bool_)


def _unseen(landmarks: FloatArray, min_visibility: float, outside: BoolArray) -> BoolArray:
    """Points below ``min_visibility`` or outside the frame."""
    return np.asarray(~(landmarks[..., 3] >= min_visibility) | outside, dtype=np.bool_)


def interpolate_gaps(values: FloatArray, t_ms: FloatArray, max_gap_ms: float = DEFAULT_MAX_GAP_MS) -> FloatArray:
    """Fill NaN runs no longer than ``max_gap_ms`` (between two known samples) along axis 0; others stay NaN."""
    flat = values.reshape(len(values), -1).copy()
    for column in range(flat.shape[1]):
        _fill_column(flat[:, column], t_ms, max_gap_ms)
    return flat.reshape(values.shape)


def _fill_column(column: FloatArray, t_ms: FloatArray, max_gap_ms: float) -> None:
    known = np.flatnonzero(~np.isnan(column))
    if len(known) < 2:
        return
    for left, right in itertools.pairwise(known):
        if right - left > 1 and t_ms[right] - t_ms[left] <= max_gap_ms:
            gap = slice(left + 1, right)
            column[gap] = np.interp(t_ms[gap], [t_ms[left], t_ms[right]], [column[left], column[right]])


def lowpass_zero_phase(values: FloatArray, fs_hz: float, cutoff_hz: float = DEFAULT_CUTOFF_HZ) -> FloatArray:
    """Zero-phase 2nd-order Butterworth along axis 0, run separately on each NaN-free stretch."""
    if cutoff_hz >= fs_hz / 2:
        return values.copy()
    sos = butter(2, cutoff_hz, btype="low", fs=fs_hz, output="sos")
    flat = values.reshape(len(values), -1).copy()
    valid = np.asarray(~np.isnan(flat).any(axis=1), dtype=np.bool_)
    for start, stop in _runs(valid):
        if stop - start > 15:  # sosfiltfilt pads 3 × (order + 1) samples on each side
            flat[start:stop] = sosfiltfilt(sos, flat[start:stop], axis=0)
    return flat.reshape(values.shape)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def smooth_offline(
    sequence: PoseSequence,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,
    min_visibility: float = DEFAULT_MIN_VISIBILITY,
    max_gap_ms: float = DEFAULT_MAX_GAP_MS,
) -> PoseSequence:
    """Visibility gate → short-gap interpolation → zero-phase low-pass, per landmark coordinate (the world points
    are also smoothed without the gate, as ``world_with_hidden``)."""
    gated = gate_visibility(sequence, min_visibility)
    fs_hz = _sample_rate_hz(sequence.t_ms, sequence.fps)
    landmarks = gated.landmarks.copy()
    positions = interpolate_gaps(landmarks[:, :, :3], sequence.t_ms, max_gap_ms)
    landmarks[:, :, :3] = _lowpass_per_landmark(positions, fs_hz, cutoff_hz)

    def smooth_world(world: FloatArray) -> FloatArray:
        return _lowpass_per_landmark(interpolate_gaps(world, sequence.t_ms, max_gap_ms), fs_hz, cutoff_hz)

    return replace(
        gated,
        landmarks=landmarks,
        world=smooth_world(gated.world),
        world_with_hidden=smooth_world(sequence.world),
    )


def _lowpass_per_landmark(values: FloatArray, fs_hz: float, cutoff_hz: float) -> FloatArray:
    """Filter each landmark's track on its own, so one landmark's gap does not cut the others' stretches."""
    out = values.copy()
    for landmark in range(values.shape[1]):
        out[:, landmark] = lowpass_zero_phase(values[:, landmark], fs_hz, cutoff_hz)
    return out


def _sample_rate_hz(t_ms: FloatArray, fallback_fps: float) -> float:
    if len(t_ms) < 2:
        return fallback_fps
    return float(1000.0 / np.median(np.diff(t_ms)))


@dataclass
class OneEuroFilter:
    """Causal One-Euro filter over an array of any shape, one sample per call (NaN samples reset that element)."""

    min_cutoff_hz: float = 1.5
    beta: float = 10.0
    derivative_cutoff_hz: float = 1.0
    _last_t_ms: float | None = None
    _value: FloatArray | None = None
    _derivative: FloatArray | None = None

    def __call__(self, t_ms: float, sample: FloatArray) -> FloatArray:
        sample = np.asarray(sample, dtype=np.float64)
        if self._value is None or self._derivative is None or self._last_t_ms is None or t_ms <= self._last_t_ms:
            self._reset(t_ms, sample)
            return sample.copy()
        dt_s = (t_ms - self._last_t_ms) / 1000.0
        derivative = (sample - self._value) / dt_s
        derivative_hat = _blend(self._derivative, derivative, _alpha(self.derivative_cutoff_hz, dt_s))
        cutoff = self.min_cutoff_hz + self.beta * np.abs(derivative_hat)
        value = _blend(self._value, sample, _alpha(cutoff, dt_s))
        restart = np.isnan(self._value) & ~np.isnan(sample)  # an element reappearing after a gap starts afresh
        value = np.where(restart, sample, value)
        derivative_hat = np.where(restart | np.isnan(derivative_hat), 0.0, derivative_hat)
        self._value, self._derivative, self._last_t_ms = value, derivative_hat, t_ms
        return value.copy()

    def _reset(self, t_ms: float, sample: FloatArray) -> None:
        self._value = sample.copy()
        self._derivative = np.zeros_like(sample)
        self._last_t_ms = t_ms


def _alpha(cutoff_hz: FloatArray | float, dt_s: float) -> FloatArray:
    tau = 1.0 / (2.0 * np.pi * np.asarray(cutoff_hz, dtype=np.float64))
    return np.asarray(1.0 / (1.0 + tau / dt_s), dtype=np.float64)


def _blend(previous: FloatArray, current: FloatArray, alpha: FloatArray) -> FloatArray:
    return np.asarray(alpha * current + (1.0 - alpha) * previous, dtype=np.float64)


@dataclass(frozen=True)
class SmoothedFrame:
    """One live frame after :class:`LiveSmoother` (see :class:`PoseSequence` for each field's meaning)."""

    landmarks: FloatArray  # (33, 5) gated and smoothed
    world: FloatArray  # (33, 3) gated and smoothed
    world_with_hidden: FloatArray  # (33, 3) smoothed without the gate
    outside_frame: BoolArray  # (33,)


class LiveSmoother:
    """The live path for one frame at a time: visibility and out-of-frame gating, then causal One-Euro filters."""

    def __init__(self, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> None:
        self.min_visibility = min_visibility
        self._image = OneEuroFilter()
        self._world = OneEuroFilter(min_cutoff_hz=1.5, beta=2.0)
        self._world_with_hidden = OneEuroFilter(min_cutoff_hz=1.5, beta=2.0)

    def __call__(self, t_ms: float, landmarks: FloatArray, world: FloatArray) -> SmoothedFrame:
        """(33, 5) landmarks and (33, 3) world landmarks of one frame in; new arrays out."""
        outside = outside_the_frame(landmarks)
        hidden = _unseen(landmarks, self.min_visibility, outside)
        gated = landmarks.copy()
        gated[hidden, :3] = np.nan
        gated_world = np.where(hidden[:, None], np.nan, world)
        gated[:, :3] = self._image(t_ms, gated[:, :3])
        return SmoothedFrame(gated, self._world(t_ms, gated_world), self._world_with_hidden(t_ms, world), outside)


def smooth_live(sequence: PoseSequence, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> PoseSequence:
    """The live path applied to a whole sequence (what a webcam session would have seen), for tests and replays."""
    smoother = LiveSmoother(min_visibility)
    frames = [smoother(float(t), sequence.landmarks[i], sequence.world[i]) for i, t in enumerate(sequence.t_ms)]
    if not frames:
        return sequence
    return replace(
        sequence,
        landmarks=np.stack([f.landmarks for f in frames]),
        world=np.stack([f.world for f in frames]),
        world_with_hidden=np.stack([f.world_with_hidden for f in frames]),
        outside_frame=np.stack([f.outside_frame for f in frames]),
    )

"""Smoothing: visibility gate, gap filling, zero-phase and causal filters."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.smoothing import (
    OneEuroFilter,
    gate_visibility,
    interpolate_gaps,
    lowpass_zero_phase,
    smooth_live,
    smooth_offline,
)
from formcheck.types import PoseSequence


def _sequence(frames: int = 90, fps: float = 30.0) -> PoseSequence:
    t_ms = np.arange(frames) * 1000.0 / fps
    landmarks = np.zeros((frames, 33, 5))
    landmarks[:, :, 0] = 0.5 + 0.1 * np.sin(2 * np.pi * 0.5 * t_ms / 1000.0)[:, None]
    landmarks[:, :, 1] = 0.5
    landmarks[:, :, 3:] = 0.95
    return PoseSequence(t_ms, landmarks, np.zeros((frames, 33, 3)), 640, 480, fps)


def test_low_visibility_becomes_nan() -> None:
    sequence = _sequence()
    sequence.landmarks[10, 5, 3] = 0.2
    gated = gate_visibility(sequence, 0.5)
    assert np.isnan(gated.landmarks[10, 5, :3]).all()
    assert not np.isnan(gated.landmarks[11, 5, :3]).any()


def test_points_outside_the_frame_become_nan() -> None:
    sequence = _sequence()
    sequence.landmarks[10, 15, :2] = (1.08, 0.5)  # a hand past the right edge, visibility still 0.95
    sequence.landmarks[11, 15, :2] = (1.01, 0.5)  # on the edge: kept
    gated = gate_visibility(sequence, 0.5)
    assert np.isnan(gated.landmarks[10, 15, :3]).all()
    assert not np.isnan(gated.landmarks[11, 15, :3]).any()


def test_short_gap_filled_long_gap_kept() -> None:
    t_ms = np.arange(20) * 100.0
    values = np.arange(20, dtype=float)
    values[3:5] = np.nan  # 300 ms between known samples 2 and 5
    values[10:16] = np.nan  # 700 ms
    filled = interpolate_gaps(values, t_ms, max_gap_ms=300)
    assert filled[3] == pytest.approx(3.0)
    assert filled[4] == pytest.approx(4.0)
    assert np.isnan(filled[10:16]).all()


def test_zero_phase_filter_keeps_slow_motion_without_lag() -> None:
    t = np.arange(300) / 30.0
    slow = np.sin(2 * np.pi * 0.5 * t)
    noisy = slow + 0.05 * np.random.default_rng(0).standard_normal(len(t))
    filtered = lowpass_zero_phase(noisy, fs_hz=30.0, cutoff_hz=6.0)
    clean = lowpass_zero_phase(slow, fs_hz=30.0, cutoff_hz=6.0)
    assert np.argmax(clean[:60]) == np.argmax(slow[:60])  # the peak is not delayed
    assert np.std(filtered[20:-20] - slow[20:-20]) < 0.7 * np.std(
        noisy - slow
    )  # white noise keeps ~0.63 of its std below 6 Hz


def test_offline_smoothing_keeps_nan_rows() -> None:
    sequence = _sequence()
    sequence.landmarks[40:60] = np.nan  # 667 ms with nobody in frame
    smoothed = smooth_offline(sequence)
    assert np.isnan(smoothed.landmarks[45, :, 0]).all()
    assert not np.isnan(smoothed.landmarks[20, :, 0]).any()


def test_one_euro_settles_on_constant_and_resets_after_gap() -> None:
    one_euro = OneEuroFilter()
    out = np.array([1.0])
    for i in range(30):
        out = one_euro(i * 33.0, np.array([1.0]))
    assert out[0] == pytest.approx(1.0)
    assert np.isnan(one_euro(1000.0, np.array([np.nan]))[0])
    assert one_euro(1033.0, np.array([5.0]))[0] == pytest.approx(5.0)  # no drift in from stale state


def test_one_euro_is_causal() -> None:
    sequence = _sequence()
    first = smooth_live(sequence)
    changed = _sequence()
    changed.landmarks[60:, :, 0] += 0.3
    second = smooth_live(changed)
    np.testing.assert_allclose(first.landmarks[:60, :, :2], second.landmarks[:60, :, :2])

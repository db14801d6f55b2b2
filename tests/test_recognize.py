"""Recognition refuses push-ups rather than judging them as planks."""

from __future__ import annotations

import numpy as np

from formcheck.recognize import PUSHUP_MIN_ELBOW_RANGE_DEG, _looks_like_pushups


def test_bending_elbows_face_down_are_pushups() -> None:
    t = np.linspace(0, 6, 120)
    pushups = {"elbow_deg": 125 + 50 * np.sin(2 * np.pi * 0.5 * t)}
    assert _looks_like_pushups(pushups)


def test_a_steady_plank_is_not() -> None:
    plank = {"elbow_deg": np.full(120, 75.0) + np.random.default_rng(0).normal(0, 3, 120)}
    assert not _looks_like_pushups(plank)
    shifting = {"elbow_deg": np.r_[np.full(100, 170.0), np.full(20, 170.0 - PUSHUP_MIN_ELBOW_RANGE_DEG - 20)]}
    assert not _looks_like_pushups(shifting)  # a brief change of grip is not a set of push-ups

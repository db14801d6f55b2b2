"""PoseSequence: shape validation and the .npz round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.types import PoseSequence, empty_pose_arrays


def test_npz_round_trip(tmp_path: Path) -> None:
    landmarks, world = empty_pose_arrays(3)
    landmarks[1] = 0.5
    sequence = PoseSequence(np.array([0.0, 33.0, 67.0]), landmarks, world, 640, 480, 30.0)
    sequence.save_npz(tmp_path / "x.npz")
    loaded = PoseSequence.load_npz(tmp_path / "x.npz")
    assert loaded.width == 640 and loaded.height == 480 and loaded.fps == 30.0
    assert loaded.has_pose().tolist() == [False, True, False]
    np.testing.assert_allclose(loaded.xy_px()[1, 0], [320.0, 240.0])


def test_rejects_non_increasing_time() -> None:
    landmarks, world = empty_pose_arrays(2)
    with pytest.raises(ValueError, match="strictly increasing"):
        PoseSequence(np.array([5.0, 5.0]), landmarks, world, 10, 10, 30.0)

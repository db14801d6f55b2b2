"""Geometry with exact numbers (see formcheck.geometry for the conventions)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from formcheck.geometry import (
    Side,
    View,
    camera_yaw_deg,
    classify_view,
    joint_angle_deg,
    near_side_per_frame,
    segment_angle_to_horizontal_deg,
    segment_angle_to_vertical_deg,
    segment_elevation_deg,
    signed_line_deviation_deg,
    ventral_direction,
)
from formcheck.types import Landmark

DOWN = np.array([0.0, 1.0])


def test_right_angle_is_90() -> None:
    assert joint_angle_deg([1, 0], [0, 0], [0, 1]) == pytest.approx(90.0)


def test_collinear_is_180_and_folded_is_0() -> None:
    assert joint_angle_deg([0, 0], [1, 1], [2, 2]) == pytest.approx(180.0)
    assert joint_angle_deg([2, 0], [0, 0], [1, 0]) == pytest.approx(0.0)


def test_zero_length_segment_is_nan() -> None:
    assert np.isnan(joint_angle_deg([0, 0], [0, 0], [1, 0]))


def test_nan_passes_through_vectorised() -> None:
    a = np.array([[1.0, 0.0], [np.nan, 0.0]])
    b = np.zeros((2, 2))
    c = np.array([[0.0, 1.0], [0.0, 1.0]])
    result = joint_angle_deg(a, b, c)
    assert result[0] == pytest.approx(90.0)
    assert np.isnan(result[1])


def test_signed_deviation_separates_sag_from_pike() -> None:
    # Shoulder at x=0, ankle at x=200 on the same height; hips 15° below / above the line, image y down.
    half = 100.0
    drop = half * np.tan(np.radians(7.5))  # each half bends 7.5°, the angle at the hip is 165°
    sag = signed_line_deviation_deg([0, 0], [half, drop], [2 * half, 0], DOWN)
    pike = signed_line_deviation_deg([0, 0], [half, -drop], [2 * half, 0], DOWN)
    assert sag == pytest.approx(15.0)
    assert pike == pytest.approx(-15.0)
    assert joint_angle_deg([0, 0], [half, drop], [2 * half, 0]) == pytest.approx(165.0)


def test_signed_deviation_straight_is_zero() -> None:
    assert signed_line_deviation_deg([0, 0], [1, 0], [2, 0], DOWN) == pytest.approx(0.0)


def test_elevation_is_signed_and_direction_free() -> None:
    assert segment_elevation_deg([0, 0], [10, -10]) == pytest.approx(45.0)
    assert segment_elevation_deg([0, 0], [-10, -10]) == pytest.approx(45.0)
    assert segment_elevation_deg([0, 0], [10, 10]) == pytest.approx(-45.0)
    assert segment_angle_to_horizontal_deg([0, 0], [10, 10]) == pytest.approx(45.0)
    assert np.isnan(segment_elevation_deg([1, 1], [1, 1]))


def test_angle_to_vertical() -> None:
    assert segment_angle_to_vertical_deg([0, 0], [0, -5]) == pytest.approx(0.0)
    assert segment_angle_to_vertical_deg([0, 0], [5, 0]) == pytest.approx(90.0)
    assert segment_angle_to_vertical_deg([0, 0], [0, 5]) == pytest.approx(180.0)
    assert segment_angle_to_vertical_deg([0, 0], [3, -3]) == pytest.approx(45.0)


def test_ventral_direction_upright_and_prone() -> None:
    # Standing, right side to the camera: the person faces image-right.
    assert ventral_direction([0, 100], [0, 0], Side.RIGHT) == pytest.approx([1.0, 0.0])
    assert ventral_direction([0, 100], [0, 0], Side.LEFT) == pytest.approx([-1.0, 0.0])
    # Prone plank, head to the right, right side to the camera: the chest faces the floor (image down).
    assert ventral_direction([0, 0], [100, 0], Side.RIGHT) == pytest.approx([0.0, 1.0])


def _person(yaw_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Image (px) and world landmarks of an upright torso turned by yaw about the vertical axis."""
    xy = np.zeros((1, 33, 2))
    world = np.zeros((1, 33, 3))
    half_width = 0.2
    yaw = np.radians(yaw_deg)
    for left, right, height in (
        (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, -0.5),
        (Landmark.LEFT_HIP, Landmark.RIGHT_HIP, 0.0),
    ):
        for joint, sign in ((left, 1.0), (right, -1.0)):
            world[0, joint] = [sign * half_width * np.cos(yaw), height, sign * half_width * np.sin(yaw)]
            xy[0, joint] = [sign * half_width * np.cos(yaw) * 1000 + 500, height * 1000 + 800]
    return xy, world


@pytest.mark.parametrize(("yaw", "view"), [(0.0, View.FRONT), (45.0, View.OBLIQUE), (85.0, View.SIDE)])
def test_camera_view_estimate(yaw: float, view: View) -> None:
    xy, world = _person(yaw)
    estimate = camera_yaw_deg(xy, world)
    views, confidence = classify_view(estimate)
    assert views[0] == view.value
    assert 0.0 <= confidence[0] <= 1.0


def test_shoulders_spread_by_a_barbell_leave_the_view_to_the_hips() -> None:
    xy, world = _person(85.0)
    assert camera_yaw_deg(xy, world)[0] == pytest.approx(85.0, abs=0.5)  # both lines agree: unchanged
    # A bar across the back (a side-view back squat): MediaPipe spreads the shoulders as if seen from the front, in
    # the image and in depth, while the hip line still reads side-on. The hips alone then give the view.
    front_xy, front_world = _person(20.0)
    shoulders = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]
    xy[0, shoulders], world[0, shoulders] = front_xy[0, shoulders], front_world[0, shoulders]
    assert camera_yaw_deg(xy, world)[0] == pytest.approx(85.0)
    # Not for a body whose shoulders are not above its hips (a glute bridge seen from its feet): no bar there, and
    # the hip line is no better than the shoulders'.
    bridge_world = world.copy()
    bridge_world[0, shoulders, 1] = 0.3
    assert camera_yaw_deg(xy, bridge_world)[0] < 60.0
    # A smaller disagreement is ordinary noise (renders read the shoulders 2-17° off the hips): both still count.
    near_xy, near_world = _person(75.0)
    xy[0, shoulders], world[0, shoulders] = near_xy[0, shoulders], near_world[0, shoulders]
    assert camera_yaw_deg(xy, world)[0] < 82.0


def test_near_side_from_depth() -> None:
    landmarks = np.zeros((1, 33, 5))
    landmarks[0, :, 3] = 0.9
    landmarks[0, [Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE], 2] = -0.2
    assert near_side_per_frame(landmarks)[0] == "left"


def test_near_side_compares_joints_seen_on_both_sides() -> None:
    # Side view of a plank: depth grows from shoulder to ankle along the body; the far knee and ankle are hidden. Each
    # side's own average would compare the near side's whole length with the far side's shoulder and hip, and pick
    # the far side (then its hidden legs made every leg check unjudged).
    landmarks = np.full((1, 33, 5), np.nan)
    near = [Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE]
    far = [Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP]
    landmarks[0, near, 2] = [-0.3, -0.1, 0.2, 0.4]
    landmarks[0, far, 2] = [-0.2, 0.0]
    landmarks[0, near + far, 3] = 0.9
    assert near_side_per_frame(landmarks)[0] == "left"


def test_a_side_hidden_for_a_moment_gives_no_numpy_warning() -> None:
    """After smoothing, a side whose four joints were hidden has no depth at all: the near side and the camera yaw
    are still found, without numpy's "Mean of empty slice" (it leaked to the terminal from formcheck analyze)."""
    from formcheck.analysis import analyze_sequence  # noqa: PLC0415
    from formcheck.smoothing import smooth_offline  # noqa: PLC0415
    from formcheck.testing.scenarios import SCENARIOS  # noqa: PLC0415
    from formcheck.types import Landmark  # noqa: PLC0415

    sequence = SCENARIOS["squat"].build()
    left = [int(Landmark[f"LEFT_{joint}"]) for joint in ("SHOULDER", "HIP", "KNEE", "ANKLE")]
    sequence.landmarks[20:40, left, 3] = 0.05
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = analyze_sequence(smooth_offline(sequence), "squat")
        nobody = camera_yaw_deg(np.full((2, 33, 2), np.nan), np.full((2, 33, 3), np.nan))
    assert len(report.reps) == 3
    assert np.isnan(nobody).all()

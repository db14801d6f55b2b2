"""Side plank, curl-up and dead bug scripts: each planted fault changes exactly the angle it claims (no rendering)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.synth.kinematics import PosedFrame, Skeleton, pose, sagittal_angle
from formcheck.synth.motions import ClipPlan, MotionScript, build_motion
from formcheck.synth.motions import curl_up_motion as curl_up
from formcheck.synth.motions import dead_bug_motion as dead_bug
from formcheck.synth.motions import side_plank_motion as side_plank
from formcheck.types import FloatArray


@pytest.fixture(scope="module")
def skeleton() -> Skeleton:
    return Skeleton.default()


def _angle_deg(a: FloatArray, b: FloatArray) -> float:
    cosine = float(a @ b) / float(np.linalg.norm(a) * np.linalg.norm(b))
    return math.degrees(math.acos(max(-1.0, min(1.0, cosine))))


def _mid(frame: PosedFrame, joint: str) -> FloatArray:
    return (frame.landmarks[f"left_{joint}"] + frame.landmarks[f"right_{joint}"]) / 2.0


def _body_line_deg(frame: PosedFrame) -> float:
    """Mid-shoulder – mid-hip – mid-ankle angle in 3-D."""
    hip = _mid(frame, "hip")
    return _angle_deg(_mid(frame, "shoulder") - hip, _mid(frame, "ankle") - hip)


def _at(motion: MotionScript, t_s: float, skeleton: Skeleton) -> PosedFrame:
    return pose(skeleton, motion.specs[int(np.argmin(np.abs(motion.t_s - t_s)))])


def _side_plank_hold(skeleton: Skeleton, variant: str, faults: dict[str, float]) -> tuple[MotionScript, PosedFrame]:
    motion = build_motion(ClipPlan("side_plank", variant, faults), skeleton)
    return motion, _at(motion, float(motion.holds[0]["end_s"]) - 0.3, skeleton)


@pytest.mark.parametrize("variant", ["left", "right"])
def test_side_plank_clean_is_one_straight_line_on_a_vertical_forearm(skeleton: Skeleton, variant: str) -> None:
    motion, frame = _side_plank_hold(skeleton, variant, {})
    down = variant
    assert _body_line_deg(frame) == pytest.approx(180.0, abs=1e-6)
    upper_arm = frame.landmarks[f"{down}_elbow"] - frame.landmarks[f"{down}_shoulder"]
    assert _angle_deg(upper_arm, np.array([0.0, 0.0, -1.0])) == pytest.approx(0.0, abs=1e-6)
    assert frame.landmarks[f"{down}_elbow"][2] == pytest.approx(side_plank.ELBOW_ON_FLOOR_M, abs=1e-6)
    assert frame.landmarks[f"{down}_ankle"][2] == pytest.approx(side_plank.ANKLE_ON_SIDE_M, abs=1e-9)
    other = "right" if down == "left" else "left"
    assert frame.landmarks[f"{other}_hip"][2] > frame.landmarks[f"{down}_hip"][2] + 0.15  # lying on the down side
    assert motion.holds == [{"start_s": 1.8, "end_s": 5.3, "side": variant}]
    first = pose(skeleton, motion.specs[0])
    assert _body_line_deg(first) == pytest.approx(180.0 - side_plank.HIPS_DOWN_DEG, abs=1e-6)  # hips on the floor


@pytest.mark.parametrize("variant", ["left", "right"])
def test_side_plank_hips_drop_bends_the_line_with_the_hip_towards_the_floor(skeleton: Skeleton, variant: str) -> None:
    motion, frame = _side_plank_hold(skeleton, variant, {"hips_drop": 15.0})
    assert _body_line_deg(frame) == pytest.approx(165.0, abs=1e-6)
    shoulder, hip, ankle = _mid(frame, "shoulder"), _mid(frame, "hip"), _mid(frame, "ankle")
    w = (hip[0] - ankle[0]) / (shoulder[0] - ankle[0])
    assert hip[2] < ankle[2] + w * (shoulder[2] - ankle[2]) - 0.05
    (label,) = motion.fault_labels()
    assert label == {"code": "hips_drop", "start_s": 2.55, "end_s": 5.3, "magnitude": 15.0, "unit": "deg"}


@pytest.mark.parametrize("variant", ["left", "right"])
def test_side_plank_hips_pike_bends_the_line_with_the_hip_towards_the_ceiling(skeleton: Skeleton, variant: str) -> None:
    _, frame = _side_plank_hold(skeleton, variant, {"hips_pike": 15.0})
    assert _body_line_deg(frame) == pytest.approx(165.0, abs=1e-6)
    shoulder, hip, ankle = _mid(frame, "shoulder"), _mid(frame, "hip"), _mid(frame, "ankle")
    w = (hip[0] - ankle[0]) / (shoulder[0] - ankle[0])
    assert hip[2] > ankle[2] + w * (shoulder[2] - ankle[2]) + 0.05
    assert frame.landmarks[f"{variant}_elbow"][2] == pytest.approx(side_plank.ELBOW_ON_FLOOR_M, abs=1e-6)


@pytest.mark.parametrize(("variant", "top"), [("left", "right"), ("right", "left")])
def test_side_plank_trunk_rotation_turns_the_shoulders_from_the_hips(
    skeleton: Skeleton, variant: str, top: str
) -> None:
    _, clean = _side_plank_hold(skeleton, variant, {})
    _, frame = _side_plank_hold(skeleton, variant, {"trunk_rotation": 20.0})
    axis = _mid(frame, "shoulder") - _mid(frame, "hip")
    axis = axis / np.linalg.norm(axis)

    def across(a: FloatArray, b: FloatArray) -> FloatArray:
        v = a - b
        return v - float(v @ axis) * axis

    shoulders = across(frame.landmarks["left_shoulder"], frame.landmarks["right_shoulder"])
    hips = across(frame.landmarks["left_hip"], frame.landmarks["right_hip"])
    assert _angle_deg(shoulders, hips) == pytest.approx(20.0, abs=0.2)  # the trunk axis leans 0.1° with the roll
    assert frame.landmarks[f"{top}_shoulder"][1] < clean.landmarks[f"{top}_shoulder"][1] - 0.05  # top one forward
    assert _body_line_deg(clean) == pytest.approx(180.0, abs=1e-6)


def test_side_plank_shoulder_not_stacked_leans_the_upper_arm_towards_the_head(skeleton: Skeleton) -> None:
    _, frame = _side_plank_hold(skeleton, "right", {"shoulder_not_stacked": 12.0})
    upper_arm = frame.landmarks["right_elbow"] - frame.landmarks["right_shoulder"]
    assert _angle_deg(upper_arm, np.array([0.0, 0.0, -1.0])) == pytest.approx(12.0, abs=1e-6)
    head_way = frame.landmarks["right_shoulder"] - frame.landmarks["right_hip"]
    assert float(upper_arm[0]) * float(head_way[0]) > 0  # the elbow sits out towards the head
    assert frame.landmarks["right_elbow"][2] == pytest.approx(side_plank.ELBOW_ON_FLOOR_M, abs=1e-6)


def _curl_up_hold(skeleton: Skeleton, variant: str, faults: dict[str, float]) -> tuple[MotionScript, PosedFrame]:
    motion = build_motion(ClipPlan("curl_up", variant, faults, hold_s=2.5), skeleton)
    return motion, _at(motion, float(motion.holds[0]["end_s"]) - 0.3, skeleton)


def test_curl_up_clean_lifts_the_shoulders_with_the_pelvis_still(skeleton: Skeleton) -> None:
    motion, top = _curl_up_hold(skeleton, "left", {})
    lying = pose(skeleton, motion.specs[0])
    assert top.landmarks["left_shoulder"][2] - lying.landmarks["left_shoulder"][2] == pytest.approx(
        curl_up.CLEAN_LIFT_M, abs=1e-6
    )
    np.testing.assert_allclose(top.rotations["root"], lying.rotations["root"], atol=1e-9)
    assert top.spec.neck_flex == 0.0
    bent_knee = _angle_deg(
        top.landmarks["left_hip"] - top.landmarks["left_knee"], top.landmarks["left_ankle"] - top.landmarks["left_knee"]
    )
    assert bent_knee == pytest.approx(90.0, abs=0.5)
    assert motion.reps == [
        {"start_s": 0.8, "end_s": 4.7, "side": "left"},
        {"start_s": 5.3, "end_s": 9.2, "side": "left"},
    ]
    assert motion.holds == [
        {"start_s": 1.5, "end_s": 4.0, "side": "left"},
        {"start_s": 6.0, "end_s": 8.5, "side": "left"},
    ]


def test_curl_up_neck_flexion_turns_only_the_head(skeleton: Skeleton) -> None:
    _, clean = _curl_up_hold(skeleton, "right", {})
    motion, tucked = _curl_up_hold(skeleton, "right", {"neck_flexion": 20.0})

    def neck_flexion_deg(frame: PosedFrame) -> float:
        relative = frame.rotations["spine01"].T @ frame.rotations["head"]
        return math.degrees(math.atan2(relative[2, 1], relative[1, 1]))

    assert neck_flexion_deg(clean) == pytest.approx(0.0, abs=1e-9)
    assert neck_flexion_deg(tucked) == pytest.approx(20.0, abs=1e-6)
    np.testing.assert_allclose(tucked.landmarks["left_shoulder"], clean.landmarks["left_shoulder"], atol=1e-9)
    assert len(motion.fault_labels()) == 2


def test_curl_up_lift_too_high_raises_the_hip_shoulder_line_by_its_magnitude(skeleton: Skeleton) -> None:
    _, clean = _curl_up_hold(skeleton, "left", {})
    _, high = _curl_up_hold(skeleton, "left", {"lift_too_high": 15.0})

    def elevation_deg(frame: PosedFrame) -> float:
        return sagittal_angle(_mid(frame, "shoulder") - _mid(frame, "hip"))

    assert elevation_deg(high) - elevation_deg(clean) == pytest.approx(15.0, abs=1e-6)
    np.testing.assert_allclose(high.rotations["root"], clean.rotations["root"], atol=1e-9)


def _dead_bug_reach(skeleton: Skeleton, faults: dict[str, float], rep: int = 0) -> tuple[MotionScript, PosedFrame]:
    motion = build_motion(ClipPlan("dead_bug", "left", faults), skeleton)
    return motion, _at(motion, float(motion.reps[rep]["start_s"]) + dead_bug.LOWER_S, skeleton)


def _segment_deg(frame: PosedFrame, side: str, head: str, tail: str) -> float:
    return sagittal_angle(frame.landmarks[f"{side}_{tail}"] - frame.landmarks[f"{side}_{head}"])


def test_dead_bug_lowers_opposite_arm_and_leg_to_near_level_side_by_side(skeleton: Skeleton) -> None:
    motion, first = _dead_bug_reach(skeleton, {})
    assert _segment_deg(first, "left", "shoulder", "wrist") == pytest.approx(-80.0, abs=1e-6)
    assert _segment_deg(first, "right", "hip", "ankle") == pytest.approx(80.0, abs=1e-6)
    assert _segment_deg(first, "right", "shoulder", "wrist") == pytest.approx(0.0, abs=1e-6)
    assert _segment_deg(first, "left", "hip", "knee") == pytest.approx(0.0, abs=1e-6)
    assert _segment_deg(first, "left", "knee", "ankle") == pytest.approx(90.0, abs=1e-6)
    _, second = _dead_bug_reach(skeleton, {}, rep=1)
    assert _segment_deg(second, "right", "shoulder", "wrist") == pytest.approx(-80.0, abs=1e-6)
    assert _segment_deg(second, "left", "hip", "ankle") == pytest.approx(80.0, abs=1e-6)
    assert [rep["side"] for rep in motion.reps] == ["left", "right"]
    assert motion.reps[0] == {"start_s": 0.8, "end_s": 4.3, "side": "left"}


def test_dead_bug_arm_leg_not_opposite_moves_the_same_side_leg(skeleton: Skeleton) -> None:
    motion, frame = _dead_bug_reach(skeleton, {"arm_leg_not_opposite": 40.0})
    assert _segment_deg(frame, "left", "hip", "knee") == pytest.approx(40.0, abs=1e-6)
    assert _segment_deg(frame, "right", "hip", "knee") == pytest.approx(0.0, abs=1e-6)
    assert [label["magnitude"] for label in motion.fault_labels()] == [40.0, 40.0]


def test_dead_bug_trunk_moves_lifts_the_hips_about_the_resting_shoulders(skeleton: Skeleton) -> None:
    _, clean = _dead_bug_reach(skeleton, {})
    _, rocked = _dead_bug_reach(skeleton, {"trunk_moves": 15.0})

    def tilt_deg(frame: PosedFrame) -> float:
        step = _mid(frame, "shoulder") - _mid(frame, "hip")
        return math.degrees(math.atan2(float(step[2]), float(np.hypot(step[0], step[1]))))

    assert tilt_deg(clean) - tilt_deg(rocked) == pytest.approx(15.0, abs=0.5)
    assert _mid(rocked, "shoulder")[2] == pytest.approx(_mid(clean, "shoulder")[2], abs=2e-3)
    assert _mid(rocked, "hip")[2] > _mid(clean, "hip")[2] + 0.05


def test_dead_bug_limb_too_fast_lowers_in_its_magnitude_of_seconds(skeleton: Skeleton) -> None:
    motion = build_motion(ClipPlan("dead_bug", "right", {"limb_too_fast": 0.6}), skeleton)
    labels = motion.fault_labels()
    assert [(label["start_s"], label["end_s"], label["unit"]) for label in labels] == [
        (0.8, 1.4, "s"),
        (3.2, 3.8, "s"),
    ]
    arm = [_segment_deg(pose(skeleton, spec), "right", "shoulder", "wrist") for spec in motion.specs]
    reached = int(np.argmin(arm))
    assert motion.t_s[reached] == pytest.approx(1.4, abs=0.051)
    assert [(rep["start_s"], rep["end_s"]) for rep in motion.reps] == [(0.8, 2.9), (3.2, 5.3)]

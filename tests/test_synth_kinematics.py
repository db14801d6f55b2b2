"""Posing and planted-fault truth of the synthetic-clip generator, without rendering (no torch/anny needed)."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.synth.generate import eval_specs, sample_specs
from formcheck.synth.kinematics import Limb, PoseSpec, Skeleton, pose, sagittal_angle, sagittal_dir
from formcheck.synth.motions import FAULTS, FRONT_ONLY_FAULTS, ClipPlan, build_motion
from formcheck.synth.truth import angles_2d, sagittal_points
from formcheck.types import FormcheckError


@pytest.fixture(scope="module")
def skeleton() -> Skeleton:
    return Skeleton.default()


def _sagittal_angles(skeleton: Skeleton, spec: PoseSpec) -> dict[str, float]:
    return angles_2d(sagittal_points(pose(skeleton, spec).landmarks), "left")


def _plateau(motion_t: np.ndarray, start: float, end: float) -> np.ndarray:
    return np.flatnonzero((motion_t >= start) & (motion_t < end))


def test_sagittal_direction_round_trip() -> None:
    for phi in (-170.0, -90.0, 0.0, 45.0, 90.0, 179.0):
        assert sagittal_angle(sagittal_dir(phi, 0.2)) == pytest.approx(phi)


def test_limb_directions_are_met_exactly(skeleton: Skeleton) -> None:
    spec = PoseSpec(trunk=30.0).with_limbs(legs=Limb(upper=100.0, lower=190.0))
    heads = pose(skeleton, spec).heads
    assert sagittal_angle(heads["lowerleg01.L"] - heads["upperleg01.L"]) == pytest.approx(100.0)
    assert sagittal_angle(heads["foot.R"] - heads["lowerleg01.R"]) == pytest.approx(-170.0)
    shoulders = (heads["upperarm01.L"] + heads["upperarm01.R"]) / 2
    hips = (heads["upperleg01.L"] + heads["upperleg01.R"]) / 2
    assert sagittal_angle(shoulders - hips) == pytest.approx(30.0)


@pytest.mark.parametrize("variant", ["forearm", "high"])
def test_plank_sag_15_gives_165_signed_as_sag(skeleton: Skeleton, variant: str) -> None:
    motion = build_motion(ClipPlan("plank", variant, {"hips_sag": 15.0}), skeleton)
    (label,) = motion.fault_labels()
    assert label["code"] == "hips_sag" and label["magnitude"] == 15.0 and label["unit"] == "deg"
    frames = _plateau(motion.t_s, float(label["start_s"]) + 0.5, float(label["end_s"]))
    assert len(frames) > 10
    for i in frames:
        angles = _sagittal_angles(skeleton, motion.specs[i])
        assert angles["shoulder_hip_ankle_deg"] == pytest.approx(165.0, abs=1e-6)
        assert angles["hip_line_deviation_deg"] == pytest.approx(15.0, abs=1e-6)


def test_plank_pike_reads_negative_and_clean_reads_straight(skeleton: Skeleton) -> None:
    pike = build_motion(ClipPlan("plank", "high", {"hips_pike": 15.0}), skeleton)
    clean = build_motion(ClipPlan("plank", "forearm"), skeleton)
    assert _sagittal_angles(skeleton, pike.specs[-1])["hip_line_deviation_deg"] == pytest.approx(-15.0, abs=1e-6)
    last = _sagittal_angles(skeleton, clean.specs[-1])
    assert last["shoulder_hip_ankle_deg"] == pytest.approx(180.0, abs=1e-6)
    assert clean.fault_labels() == []
    assert clean.holds[0]["start_s"] == pytest.approx(0.8)


def test_plank_contacts_are_on_the_floor(skeleton: Skeleton) -> None:
    motion = build_motion(ClipPlan("plank", "forearm", {"hips_sag": 10.0}), skeleton)
    landmarks = pose(skeleton, motion.specs[-1]).landmarks
    assert landmarks["left_elbow"][2] == pytest.approx(0.05, abs=1e-4)
    assert landmarks["left_foot_index"][2] == pytest.approx(0.025, abs=1e-6)


@pytest.mark.parametrize(("fault", "expected"), [("incomplete_extension", -20.0), ("over_arch", 20.0)])
def test_bridge_hip_line_at_the_top(skeleton: Skeleton, fault: str, expected: float) -> None:
    motion = build_motion(ClipPlan("glute_bridge", "bilateral", {fault: abs(expected)}), skeleton)
    angles = _sagittal_angles(skeleton, motion.specs[-1])
    assert angles["hip_knee_line_deviation_deg"] == pytest.approx(expected, abs=1e-6)
    assert angles["hip_knee_ankle_deg"] == pytest.approx(90.0, abs=1e-6)


def test_bridge_feet_position_changes_knee_angle(skeleton: Skeleton) -> None:
    motion = build_motion(ClipPlan("glute_bridge", "bilateral", {"feet_position": 30.0}), skeleton)
    angles = _sagittal_angles(skeleton, motion.specs[-1])
    assert angles["hip_knee_ankle_deg"] == pytest.approx(120.0, abs=1e-6)
    assert angles["shoulder_hip_knee_deg"] == pytest.approx(180.0, abs=1e-6)


def test_bird_dog_leg_too_high(skeleton: Skeleton) -> None:
    motion = build_motion(ClipPlan("bird_dog", "left", {"leg_too_high": 20.0}), skeleton)
    hold = motion.holds[0]
    i = _plateau(motion.t_s, float(hold["end_s"]) - 0.5, float(hold["end_s"]))[0]
    angles = _sagittal_angles(skeleton, motion.specs[i])
    # Seen from the left with the head towards image left, the right (raised) leg points right and 20° up.
    assert angles["right_leg_elevation_deg"] == pytest.approx(20.0, abs=1e-6)
    assert angles["left_arm_elevation_deg"] == pytest.approx(0.0, abs=1e-6)


def test_deadlift_lockout_hyperextension(skeleton: Skeleton) -> None:
    motion = build_motion(ClipPlan("deadlift", "conventional", {"lockout_hyperextension": 12.0}), skeleton)
    assert len(motion.reps) == 2
    labels = motion.fault_labels()
    assert len(labels) == 2
    end = float(motion.reps[0]["end_s"])
    i = int(np.argmin(np.abs(motion.t_s - (end + 0.2))))
    angles = _sagittal_angles(skeleton, motion.specs[i])
    assert angles["hip_line_deviation_deg"] == pytest.approx(12.0, abs=1e-6)


def _trunk_rise_after_the_bottom(skeleton: Skeleton, faults: dict[str, float]) -> tuple[float, float]:
    """(how far the trunk tips over beyond its angle at the bar, how far the hips rise meanwhile / hip height)."""
    motion = build_motion(ClipPlan("deadlift", "conventional", faults), skeleton)
    end = float(motion.reps[0]["end_s"])
    frames = [pose(skeleton, spec) for spec in motion.specs]
    trunk = np.array([angles_2d(sagittal_points(frame.landmarks), "left")["trunk_to_vertical_deg"] for frame in frames])
    hip_z = np.array([frame.heads["upperleg01.L"][2] for frame in frames])
    first_rep = motion.t_s < end
    bottom = int(np.argmin(np.where(first_rep, hip_z, np.inf)))  # at the bar: the hips at their lowest
    tipped = int(np.argmax(np.where(first_rep & (np.arange(len(trunk)) > bottom), trunk, -np.inf)))
    return trunk[tipped] - trunk[bottom], (hip_z[tipped] - hip_z[bottom]) / hip_z[0]


def test_deadlift_hips_rise_first_tips_the_trunk_over_by_its_magnitude(skeleton: Skeleton) -> None:
    tipped, hips_rose = _trunk_rise_after_the_bottom(skeleton, {"hips_rise_first": 15.0})
    assert tipped == pytest.approx(15.0, abs=1.0)  # the legs are part-way straight at the peak, so 2-D ≈ planted
    assert hips_rose > 0.1
    clean_tipped, _ = _trunk_rise_after_the_bottom(skeleton, {})
    assert clean_tipped < 0.5


def test_squat_shallow_depth(skeleton: Skeleton) -> None:
    motion = build_motion(ClipPlan("squat", "bodyweight", {"shallow_depth": 30.0}), skeleton)
    thighs = []
    for spec in motion.specs:
        heads = pose(skeleton, spec).heads
        thighs.append(sagittal_angle(heads["lowerleg01.L"] - heads["upperleg01.L"]))
    # Thigh direction at the deepest point: 30° above parallel = 120° from straight up.
    assert min(thighs) == pytest.approx(120.0, abs=0.05)


@pytest.mark.parametrize("exercise", sorted(FAULTS))
def test_every_fault_is_labelled(skeleton: Skeleton, exercise: str) -> None:
    from formcheck.synth.motions import VARIANTS  # noqa: PLC0415 - optional dependency, imported when used

    for code in FAULTS[exercise]:
        magnitude = 12.0
        plan = ClipPlan(exercise, VARIANTS[exercise][0], {code: magnitude}, hold_s=2.0, reps=1, fps=10.0)
        motion = build_motion(plan, skeleton)
        labels = motion.fault_labels()
        assert labels, code
        assert all(lab["code"] == code and lab["magnitude"] == magnitude for lab in labels)
        assert all(0 <= lab["start_s"] < lab["end_s"] <= motion.t_s[-1] + 0.1 for lab in labels)


def test_unknown_fault_is_refused(skeleton: Skeleton) -> None:
    with pytest.raises(FormcheckError, match="no fault"):
        build_motion(ClipPlan("plank", "forearm", {"knees_cave": 10.0}), skeleton)


def test_motion_is_deterministic(skeleton: Skeleton) -> None:
    plan = ClipPlan("bird_dog", "right", {"trunk_rotation": 15.0}, fps=10.0)
    a, b = build_motion(plan, skeleton), build_motion(plan, skeleton)
    for x, y in zip(a.specs, b.specs, strict=True):
        assert x == y


def test_eval_specs_are_seeded() -> None:
    first, second, other = eval_specs(40, seed=7), eval_specs(40, seed=7), eval_specs(40, seed=8)
    assert first == second
    assert first != other
    assert len({spec.name for spec in first}) == 40
    for spec in first:
        if any(code in FRONT_ONLY_FAULTS for code in spec.plan.faults):
            assert spec.camera_yaw_deg >= 75


def test_sample_set_covers_every_fault_and_view() -> None:
    specs = sample_specs()
    assert len(specs) >= 30
    planted = {code for spec in specs for code in spec.plan.faults}
    assert planted == {code for codes in FAULTS.values() for code in codes}
    for spec in specs:
        if "knees_cave" in spec.plan.faults:
            assert spec.view == "front"
    assert {spec.view for spec in specs} == {"side", "oblique", "front"}
    assert len({tuple(sorted(spec.phenotype.items())) for spec in specs}) >= 4

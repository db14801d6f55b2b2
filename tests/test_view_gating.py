"""Checks whose measure holds on a camera turned off the side accept it; the others keep the exercise's side view."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.analysis import analyze_sequence
from formcheck.exercises import EXERCISES, ExerciseDefinitionError, validate_exercise
from formcheck.geometry import View
from formcheck.judge import check_view_ok
from formcheck.testing.scenarios import SCENARIOS
from formcheck.testing.synthetic_pose import Camera

# synthetic_pose.Camera's yaw: 90° = exact side view. The stick plank's yaw estimate reads 64° at 65° and 32° at 45°.
OFF_SIDE_25_DEG = 65.0
OFF_SIDE_45_DEG = 45.0
STRICT_SIDE_CHECKS = {"head_drop", "shoulders_not_stacked"}


@pytest.mark.parametrize("fault", ["hips_sag", "hips_pike"])
def test_plank_hip_fault_25_degrees_off_the_side_is_judged_and_cued(fault: str) -> None:
    report = analyze_sequence(SCENARIOS["plank"].build(fault, Camera(yaw_deg=OFF_SIDE_25_DEG)), exercise="plank")
    assert [f.code for f in report.faults] == [fault]
    assert {entry.check for entry in report.unjudged} == STRICT_SIDE_CHECKS
    assert all(entry.fix == "turn so your side faces the camera" for entry in report.unjudged)


def test_straight_plank_25_degrees_off_the_side_holds_in_good_form() -> None:
    report = analyze_sequence(SCENARIOS["plank"].build(None, Camera(yaw_deg=OFF_SIDE_25_DEG)), exercise="plank")
    assert report.faults == ()
    assert len(report.holds) == 1
    assert report.holds[0].good_form_s == pytest.approx(report.holds[0].duration_s)


@pytest.mark.parametrize("fault", [None, "hips_sag", "hips_pike"])
def test_plank_45_degrees_off_the_side_stays_unjudged(fault: str | None) -> None:
    report = analyze_sequence(SCENARIOS["plank"].build(fault, Camera(yaw_deg=OFF_SIDE_45_DEG)), exercise="plank")
    assert report.faults == ()
    assert {entry.check for entry in report.unjudged} == {"hips_sag", "hips_pike", *STRICT_SIDE_CHECKS}


def test_a_checks_own_gate_takes_oblique_frames_whose_yaw_reaches_it() -> None:
    plank = EXERCISES["plank"]
    views = np.array(["side", "side", "oblique", "oblique", "front", ""])
    features = {"camera_yaw_deg": np.array([85.0, 80.0, 56.0, 54.0, 20.0, np.nan])}
    sag = plank.check("hips_sag")
    assert sag.side_view_min_yaw_deg == 55.0
    assert check_view_ok(sag, plank, views, features).tolist() == [True, True, True, False, False, False]
    # The head's boundary is stricter than the plank's: a side frame 10° off the side is refused.
    head = plank.check("head_drop")
    assert head.side_view_min_yaw_deg == 83.0
    assert check_view_ok(head, plank, views, features).tolist() == [True, False, False, False, False, False]


def test_a_checks_own_gate_still_needs_the_exercises_side_view_readings() -> None:
    bird_dog = EXERCISES["bird_dog"]
    check = replace(bird_dog.checks[0], side_view_min_yaw_deg=55.0)
    views = np.array(["oblique", "oblique"])
    # The second frame's raised thigh reads short: turned towards the camera, not side-on (side_view_requires).
    features = {"camera_yaw_deg": np.array([60.0, 60.0]), "raised_thigh_length_ratio": np.array([0.95, 0.5])}
    assert check_view_ok(check, bird_dog, views, features).tolist() == [True, False]


@pytest.mark.parametrize("gate_deg", [20.0, 90.0])
def test_a_checks_own_gate_lies_between_the_front_view_and_the_exact_side_view(gate_deg: float) -> None:
    plank = EXERCISES["plank"]
    checks = tuple(replace(check, side_view_min_yaw_deg=gate_deg) for check in plank.checks)
    with pytest.raises(ExerciseDefinitionError, match="side_view_min_yaw_deg"):
        validate_exercise(replace(plank, checks=checks))


def test_only_a_side_view_check_may_have_its_own_side_view_gate() -> None:
    squat = EXERCISES["squat"]
    front_check = next(check for check in squat.checks if View.SIDE not in check.views)
    checks = tuple(replace(c, side_view_min_yaw_deg=50.0) if c is front_check else c for c in squat.checks)
    with pytest.raises(ExerciseDefinitionError, match="not judged from the side"):
        validate_exercise(replace(squat, checks=checks))


# The stick bridge's 15° over-arch reads 15.0° side-on and 12.6° from 25° off the side: over the standard 14° limit
# only side-on, over the strict 10° from both.
@pytest.mark.parametrize(
    ("fault", "profile"), [("incomplete_extension", "standard"), ("over_arch", "strict"), ("feet_position", "standard")]
)
def test_bridge_fault_25_degrees_off_the_side_is_judged_and_cued(fault: str, profile: str) -> None:
    bridge = SCENARIOS["glute_bridge"]
    sequence = bridge.build(fault, Camera(yaw_deg=OFF_SIDE_25_DEG))
    report = analyze_sequence(sequence, exercise="glute_bridge", profile=profile)
    assert {f.code for f in report.faults} == {fault}
    assert [rep.faults for rep in report.reps] == [(fault,)] * bridge.reps
    assert {entry.check for entry in report.unjudged} == {"knees_cave"}


@pytest.mark.parametrize("fault", ["incomplete_extension", "over_arch", "feet_position"])
def test_bridge_45_degrees_off_the_side_stays_unjudged(fault: str) -> None:
    bridge = SCENARIOS["glute_bridge"]
    report = analyze_sequence(bridge.build(fault, Camera(yaw_deg=OFF_SIDE_45_DEG)), exercise="glute_bridge")
    assert report.faults == ()
    assert len(report.reps) == bridge.reps
    assert {entry.check for entry in report.unjudged} == {
        "incomplete_extension",
        "over_arch",
        "feet_position",
        "knees_cave",
    }

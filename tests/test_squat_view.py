"""The squat's trunk lean is judged up to ~30° off the side; depth, heels and back need the side view."""

from __future__ import annotations

import pytest

from formcheck.analysis import analyze_sequence
from formcheck.exercises import EXERCISES
from formcheck.testing.scenarios import SCENARIOS
from formcheck.testing.synthetic_pose import Camera

# synthetic_pose.Camera's yaw: 90° = exact side view. The stick squat's yaw estimate reads 59-61° at 60° and
# 39-46° at 45°; its planted 58° lean reads 50.6° at 60° (over the standard 48° limit), its clean 35° lean 26.4°.
OFF_SIDE_30_DEG = 60.0
OFF_SIDE_45_DEG = 45.0
SIDE_VIEW_ONLY_CHECKS = {"shallow_depth", "heels_lift", "rounded_back"}


def test_forward_lean_accepts_a_lower_yaw_than_the_squats_side_view() -> None:
    squat = EXERCISES["squat"]
    gate_deg = squat.check("forward_lean").side_view_min_yaw_deg
    assert gate_deg == 50.0
    assert gate_deg < squat.side_view_min_yaw_deg
    assert all(squat.check(code).side_view_min_yaw_deg is None for code in SIDE_VIEW_ONLY_CHECKS)


def test_forward_lean_30_degrees_off_the_side_is_judged_and_cued() -> None:
    squat = SCENARIOS["squat"]
    report = analyze_sequence(squat.build("forward_lean", Camera(yaw_deg=OFF_SIDE_30_DEG)), exercise="squat")
    assert [rep.faults for rep in report.reps] == [("forward_lean",)] * squat.reps
    assert {entry.check for entry in report.unjudged} == {*SIDE_VIEW_ONLY_CHECKS, "knees_cave"}


def test_clean_squat_30_degrees_off_the_side_gets_no_lean_cue() -> None:
    report = analyze_sequence(SCENARIOS["squat"].build(None, Camera(yaw_deg=OFF_SIDE_30_DEG)), exercise="squat")
    assert report.faults == ()
    assert "forward_lean" not in {entry.check for entry in report.unjudged}


@pytest.mark.parametrize("fault", [None, "forward_lean"])
def test_squat_45_degrees_off_the_side_leaves_the_lean_unjudged(fault: str | None) -> None:
    report = analyze_sequence(SCENARIOS["squat"].build(fault, Camera(yaw_deg=OFF_SIDE_45_DEG)), exercise="squat")
    assert report.faults == ()
    assert {entry.check for entry in report.unjudged} == {*SIDE_VIEW_ONLY_CHECKS, "forward_lean", "knees_cave"}

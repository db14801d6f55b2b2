"""Dead bug, beyond the contract every exercise keeps (tests/test_exercise_contract.py): which side each rep is,
how the arm and leg pairing, the trunk's movement and the lowering's duration are read, and recognition among the
exercises lying on the back."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.analysis import analyze_sequence
from formcheck.features import FEATURES, Body, compute_features
from formcheck.geometry import Side
from formcheck.recognize import recognize_exercise
from formcheck.reporting.explain import fault_evidence
from formcheck.reporting.plot_data import feature_label
from formcheck.testing.scenarios import SCENARIOS
from formcheck.testing.stick_scenario import Moment, Scenario
from formcheck.testing.synthetic_pose import Camera, StickPose
from formcheck.types import PoseSequence

DEAD_BUG = SCENARIOS["dead_bug"]


def _features(sequence: PoseSequence, *names: str) -> dict[str, np.ndarray]:
    return compute_features(Body.from_sequence(sequence), names)


def _only_arm_pose(m: Moment, fault: str | None) -> StickPose:
    """The scenario's arm lowering with both legs left in tabletop (a common regression of the dead bug)."""
    pose = DEAD_BUG.pose(m, None)
    moving = pose.left if m.side == "left" else pose.right
    tabletop = replace(moving, thigh=0.0, shin=90.0, foot=0.0)
    still = pose.right if m.side == "left" else pose.left
    still_tabletop = replace(still, thigh=0.0, shin=90.0, foot=0.0)
    left, right = (tabletop, still_tabletop) if m.side == "left" else (still_tabletop, tabletop)
    return replace(pose, left=left, right=right)


@pytest.mark.parametrize("near", ["left", "right"])
def test_reps_alternate_sides_by_the_lowered_arm_and_are_counted_per_side(near: str) -> None:
    report = analyze_sequence(DEAD_BUG.build(None, Camera(near=Side(near))), exercise="dead_bug")
    assert [rep.side for rep in report.reps] == ["left", "right", "left", "right"]
    assert "Reps: 4 (left 2, right 2)" in report.summary_text()


def test_the_lowering_is_timed_from_the_tabletop_to_the_reach() -> None:
    clean = _features(DEAD_BUG.build(None), "limb_lowering_s")["limb_lowering_s"]
    fast = _features(DEAD_BUG.build("limb_too_fast"), "limb_lowering_s")["limb_lowering_s"]
    # Stick figures lower at an even speed, 80 % of the way in 80 % of the time, read as a smooth human movement
    # that takes twice its middle 80 %: 2 s read 3.2 s, a quarter of it 0.8 s (0.87 s in whole frames at 30 fps).
    assert np.nanmin(clean) == pytest.approx(3.2, abs=0.04)
    assert np.nanmax(clean) == pytest.approx(3.2, abs=0.04)
    assert np.nanmax(fast) == pytest.approx(0.87, abs=0.01)
    assert FEATURES["limb_lowering_s"].unit == "s"


def test_a_fast_lowering_is_explained_in_seconds() -> None:
    report = analyze_sequence(DEAD_BUG.build("limb_too_fast"), exercise="dead_bug")
    fault = report.faults[0]
    assert (fault.code, fault.feature, fault.unit) == ("limb_too_fast", "limb_lowering_s", "s")
    assert fault_evidence(fault) == "measured: 0.9 s (lower limit 1.1 s, typical value over the lowering)"
    assert feature_label("limb_lowering_s") == "Limb lowering (s)"


def test_arm_and_leg_pairing_reads_plus_one_opposite_minus_one_same_side() -> None:
    clean = _features(DEAD_BUG.build(None), "arm_leg_opposition_ratio", "dead_bug_reach_deg")
    same = _features(DEAD_BUG.build("arm_leg_not_opposite"), "arm_leg_opposition_ratio", "dead_bug_reach_deg")
    reached = clean["dead_bug_reach_deg"] > 70.0
    assert np.allclose(clean["arm_leg_opposition_ratio"][reached], 1.0)
    assert np.allclose(same["arm_leg_opposition_ratio"][same["dead_bug_reach_deg"] > 70.0], -1.0)


def test_lowering_an_arm_alone_is_a_rep_but_not_a_same_side_fault() -> None:
    only_arm = Scenario(_only_arm_pose, reps=4, rest_s=1.0, away_s=2.0, active_s=0.5, back_s=1.5).build()
    ratio = _features(only_arm, "arm_leg_opposition_ratio")["arm_leg_opposition_ratio"]
    assert np.nanmin(ratio) == pytest.approx(0.0, abs=1e-9)
    report = analyze_sequence(only_arm, exercise="dead_bug")
    assert len(report.reps) == 4 and report.faults == ()


def test_the_trunk_is_measured_against_its_own_tabletop_position() -> None:
    tilted = _features(DEAD_BUG.build("trunk_moves"), "trunk_tilt_change_deg", "dead_bug_reach_deg")
    at_reach = tilted["dead_bug_reach_deg"] > 79.0
    assert np.allclose(tilted["trunk_tilt_change_deg"][at_reach], 12.0, atol=0.05)
    assert np.nanmin(tilted["trunk_tilt_change_deg"]) == pytest.approx(0.0, abs=1e-6)
    assert FEATURES["trunk_tilt_change_deg"].reference == "your own tabletop position (limbs up) in this set"
    report = analyze_sequence(DEAD_BUG.build("trunk_moves"), exercise="dead_bug")
    assert [round(fault.value, 1) for fault in report.faults] == [12.0] * 4


ON_THE_BACK = {"dead_bug": 0.99, "curl_up": 0.98, "glute_bridge": 1.0}


@pytest.mark.parametrize("exercise", sorted(ON_THE_BACK))
def test_the_three_exercises_on_the_back_are_told_apart(exercise: str) -> None:
    recognition = recognize_exercise(compute_features(Body.from_sequence(SCENARIOS[exercise].build(None))))
    assert recognition.exercise == exercise
    assert recognition.confidence == pytest.approx(ON_THE_BACK[exercise], abs=0.01)


def test_which_arm_and_leg_move_is_judged_from_an_oblique_camera_the_trunk_and_the_tempo_are_not() -> None:
    oblique = Camera(yaw_deg=60.0, near=Side.LEFT)
    same_side = analyze_sequence(DEAD_BUG.build("arm_leg_not_opposite", oblique), exercise="dead_bug")
    assert same_side.view == "oblique"
    assert [fault.code for fault in same_side.faults] == ["arm_leg_not_opposite"] * 4
    assert {entry.check for entry in same_side.unjudged} == {"trunk_moves", "limb_too_fast"}
    assert all(entry.reason.startswith("needs a side view") for entry in same_side.unjudged)
    clean = analyze_sequence(DEAD_BUG.build(None, oblique), exercise="dead_bug")
    assert (len(clean.reps), clean.faults) == (4, ())

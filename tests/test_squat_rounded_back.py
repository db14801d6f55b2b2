"""The squat's rounded back: the deadlift's back-outline evidence, read only when the hands are out in front."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.analysis import analyze_sequence
from formcheck.exercises.squat import SCENARIO, squat_pose
from formcheck.features import Body, compute_features
from formcheck.synth.kinematics import Skeleton
from formcheck.synth.motions import ClipPlan, build_motion
from formcheck.testing.stick_scenario import Moment, Scenario
from formcheck.testing.synthetic_pose import StickPose


def _hands_on_a_bar_behind_the_neck(m: Moment, fault: str | None) -> StickPose:
    pose = squat_pose(m, fault)
    # Upper arm hanging, forearm folded straight back up: the wrist sits at the shoulder, as on a back squat's bar.
    holding = replace(pose.left, upper_arm=180.0, forearm=0.0)
    return replace(pose, left=holding, right=replace(pose.right, upper_arm=180.0, forearm=0.0))


BACK_SQUAT = Scenario(_hands_on_a_bar_behind_the_neck, reps=3, rest_s=0.6, away_s=1.0, active_s=0.4, back_s=1.0)


def test_rounded_squat_with_the_arms_forward_is_cued_on_every_rep() -> None:
    report = analyze_sequence(SCENARIO.build("rounded_back"), exercise="squat")
    assert [rep.faults for rep in report.reps] == [("rounded_back",)] * SCENARIO.reps
    assert "rounded_back" not in {entry.check for entry in report.unjudged}


def test_flat_backed_squat_is_not_cued() -> None:
    report = analyze_sequence(SCENARIO.build(None), exercise="squat")
    assert report.faults == ()
    assert report.not_checked == ()


def test_the_back_outline_is_not_read_with_the_hands_on_a_bar_behind_the_neck() -> None:
    sequence = BACK_SQUAT.build("rounded_back")
    reach = compute_features(Body.from_sequence(sequence))["set_wrist_ahead_of_shoulder_norm"]
    assert reach == pytest.approx(0.0, abs=1e-6)
    report = analyze_sequence(sequence, exercise="squat")
    assert report.faults == ()
    assert "rounded_back" not in {entry.check for entry in report.unjudged}
    # Said, not silent: the report names the check and how to have it checked.
    (entry,) = report.not_checked
    assert entry.check == "rounded_back" and "out in front" in entry.reason
    assert f"Not checked: rounded back — {entry.reason}." in report.summary_text()


def test_the_reach_of_arms_held_forward_is_read_over_the_whole_set() -> None:
    reach = compute_features(Body.from_sequence(SCENARIO.build(None)))["set_wrist_ahead_of_shoulder_norm"]
    assert float(reach.min()) == pytest.approx(float(reach.max()))
    assert float(reach[0]) > 0.2


def test_the_squat_motions_rounded_back_bends_only_the_spine_by_its_magnitude() -> None:
    skeleton = Skeleton.default()
    clean = build_motion(ClipPlan("squat", "bodyweight", {}), skeleton)
    rounded = build_motion(ClipPlan("squat", "bodyweight", {"rounded_back": 30.0}), skeleton)
    deepest = int(np.argmax(rounded.intensity["rounded_back"]))
    assert float(rounded.intensity["rounded_back"][deepest]) == pytest.approx(30.0)
    assert rounded.specs[deepest].spine_flex == pytest.approx(30.0)
    assert clean.specs[deepest].spine_flex == 0.0
    # Only the spine differs; the whole body is placed again on the toes, so its position moves with it.
    unbent = replace(rounded.specs[deepest], spine_flex=0.0, translation=clean.specs[deepest].translation)
    assert unbent == clean.specs[deepest]

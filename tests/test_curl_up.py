"""Curl-up, beyond the contract every exercise keeps (tests/test_exercise_contract.py): the side of each rep (the
bent knee), the lift and the head measured against the person's own lying position, the holds timed, and
recognition among the exercises lying on the back."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.analysis import analyze_sequence
from formcheck.features import FEATURES, Body, compute_features
from formcheck.geometry import Side
from formcheck.recognize import recognize_exercise
from formcheck.testing.scenarios import SCENARIOS
from formcheck.testing.stick_scenario import Moment, Scenario
from formcheck.testing.synthetic_pose import Camera, StickPose
from formcheck.types import Landmark, PoseSequence

CURL_UP = SCENARIOS["curl_up"]


def _features(sequence: PoseSequence, *names: str) -> dict[str, np.ndarray]:
    return compute_features(Body.from_sequence(sequence), names)


def _left_knee_bent(m: Moment, fault: str | None) -> StickPose:
    """The scenario's lifts with the left knee bent in every rep (one set on one side)."""
    return CURL_UP.pose(replace(m, side="left"), fault)


@pytest.mark.parametrize("near", ["left", "right"])
def test_a_rep_is_on_the_side_of_the_bent_knee(near: str) -> None:
    alternating = analyze_sequence(CURL_UP.build(None, Camera(near=Side(near))), exercise="curl_up")
    assert [rep.side for rep in alternating.reps] == ["left", "right", "left", "right"]
    assert [hold.side for hold in alternating.holds] == ["left", "right", "left", "right"]
    assert "Reps: 4 (left 2, right 2)" in alternating.summary_text()
    assert "Hold 2, right side: 2.2 s" in alternating.summary_text()
    one_side = Scenario(_left_knee_bent, reps=3, rest_s=1.0, away_s=0.7, active_s=2.0, back_s=0.7, holds=3)
    report = analyze_sequence(one_side.build(None, Camera(near=Side(near))), exercise="curl_up")
    assert [rep.side for rep in report.reps] == ["left"] * 3


def test_each_lift_is_a_rep_and_its_time_up_a_hold() -> None:
    report = analyze_sequence(CURL_UP.build(None), exercise="curl_up")
    assert len(report.reps) == len(report.holds) == 4
    # 2.0 s at the top, from 85 % of the set's typical lift on the 0.7-s way up to 75 % on the way down: 2.23 s.
    assert [round(hold.duration_s, 2) for hold in report.holds] == [2.23] * 4


def test_the_lift_is_measured_from_the_persons_own_lying_position_and_typical_lift() -> None:
    lift = _features(CURL_UP.build(None), "trunk_curl_deg", "curl_up_lift_ratio")
    curl = lift["trunk_curl_deg"]
    assert (np.nanmin(curl), np.nanmax(curl)) == (pytest.approx(0.0, abs=1e-6), pytest.approx(8.0, abs=0.05))
    assert np.nanmax(lift["curl_up_lift_ratio"]) == pytest.approx(1.0, abs=1e-6)
    high = _features(CURL_UP.build("lift_too_high"), "trunk_curl_deg")["trunk_curl_deg"]
    assert np.nanmax(high) == pytest.approx(30.0, abs=0.05)
    assert FEATURES["trunk_curl_deg"].reference == "your own lying position (the lowest tenth of the set)"


def test_lying_still_is_no_lift() -> None:
    lying = Scenario(lambda m, fault: CURL_UP.pose(replace(m, progress=0.0), fault), 3, 1.0, 0.7, 2.0, 0.7).build()
    assert np.nanmax(_features(lying, "curl_up_lift_ratio")["curl_up_lift_ratio"]) == 0.0
    report = analyze_sequence(lying, exercise="curl_up")
    assert report.reps == () and report.holds == ()


def test_a_tucked_chin_reads_its_angle_and_a_neutral_head_zero() -> None:
    neutral = _features(CURL_UP.build(None), "neck_flexion_deg")["neck_flexion_deg"]
    tucked = _features(CURL_UP.build("neck_flexion"), "neck_flexion_deg")["neck_flexion_deg"]
    assert np.nanmax(np.abs(neutral)) == pytest.approx(0.0, abs=0.05)
    assert np.nanmax(tucked) == pytest.approx(30.0, abs=0.05)
    report = analyze_sequence(CURL_UP.build("neck_flexion"), exercise="curl_up")
    assert [fault.code for fault in report.faults] == ["neck_flexion"] * 4


def test_the_ear_carried_forward_with_the_face_in_line_is_no_tucked_chin() -> None:
    """As when the upper back curls higher: the ear moves toward the chest but the face keeps its angle to the
    trunk. Only both together (ear and face) are a tucked chin."""
    tucked, clean = CURL_UP.build("neck_flexion"), CURL_UP.build(None)
    ear_forward = replace(tucked, landmarks=tucked.landmarks.copy())
    near_ear, nose = Landmark.RIGHT_EAR, Landmark.NOSE  # the default camera sees the right side
    clean_face = clean.landmarks[:, nose, :2] - clean.landmarks[:, near_ear, :2]
    ear_forward.landmarks[:, nose, :2] = tucked.landmarks[:, near_ear, :2] + clean_face
    readings = _features(ear_forward, "neck_flexion_deg", "head_forward_deg")
    assert np.nanmax(readings["head_forward_deg"]) == pytest.approx(30.0, abs=0.5)
    assert np.nanmax(np.abs(readings["neck_flexion_deg"])) == pytest.approx(0.0, abs=0.5)
    assert analyze_sequence(ear_forward, exercise="curl_up").faults == ()
    assert [f.code for f in analyze_sequence(tucked, exercise="curl_up").faults] == ["neck_flexion"] * 4


def test_a_curl_up_is_recognised_with_either_knee_bent() -> None:
    one_side = Scenario(_left_knee_bent, reps=3, rest_s=1.0, away_s=0.7, active_s=2.0, back_s=0.7, holds=3)
    for sequence in (CURL_UP.build(None), one_side.build(None)):
        recognition = recognize_exercise(compute_features(Body.from_sequence(sequence)))
        assert recognition.exercise == "curl_up"
        assert recognition.confidence == pytest.approx(0.975, abs=0.01)


def test_a_lift_too_high_is_judged_from_an_oblique_camera_the_chin_is_not() -> None:
    oblique = Camera(yaw_deg=60.0, near=Side.LEFT)
    too_high = analyze_sequence(CURL_UP.build("lift_too_high", oblique), exercise="curl_up")
    assert too_high.view == "oblique"
    assert [fault.code for fault in too_high.faults] == ["lift_too_high"] * 4
    assert [entry.check for entry in too_high.unjudged] == ["neck_flexion"]
    assert too_high.unjudged[0].reason.startswith("needs a side view")
    clean = analyze_sequence(CURL_UP.build(None, oblique), exercise="curl_up")
    assert (len(clean.reps), clean.faults) == (4, ())

"""Checks about one piece of equipment apply only to it: the deadlift's bar path is for a barbell, said or seen."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.analysis import analyze_sequence
from formcheck.equipment import BAR_GRIP_MIN_RATIO, for_equipment, seen_equipment
from formcheck.exercises import EXERCISES
from formcheck.features import Body, compute_features
from formcheck.testing.scenarios import SCENARIOS
from formcheck.types import FormcheckError


def _bar_drift_set() -> Body:
    return Body.from_sequence(SCENARIOS["deadlift"].build("bar_drift"))


def test_a_drifting_bar_is_cued_when_the_person_says_barbell() -> None:
    report = analyze_sequence(SCENARIOS["deadlift"].build("bar_drift"), "deadlift", equipment="barbell")
    assert {fault.code for fault in report.faults} == {"bar_drift"}
    assert report.equipment == "barbell" and report.equipment_used == "barbell" and report.not_checked == ()


@pytest.mark.parametrize("equipment", ["kettlebell", "dumbbell", "trap_bar", "none"])
def test_the_same_hands_say_nothing_about_a_bar_with_other_equipment(equipment: str) -> None:
    report = analyze_sequence(SCENARIOS["deadlift"].build("bar_drift"), "deadlift", equipment=equipment)
    assert report.faults == ()
    # Both barbell checks stand down: the bar's path, and knees bending more than a bar allows.
    assert [entry.check for entry in report.not_checked] == ["bar_drift", "knee_dominant"]
    assert not {"bar_drift", "knee_dominant"} & {entry.check for entry in report.unjudged}  # not a camera problem
    assert "Not checked: bar drift — it is about a barbell; this set was done with: " in report.summary_text()
    assert report.to_json_dict()["not_checked"][0] == {"check": "bar_drift", "reason": report.not_checked[0].reason}


def test_knees_bending_like_a_squat_are_cued_only_for_a_barbell() -> None:
    knee_dominant = SCENARIOS["deadlift"].build("knee_dominant")
    assert {f.code for f in analyze_sequence(knee_dominant, "deadlift", equipment="barbell").faults} == {
        "knee_dominant"
    }
    assert analyze_sequence(knee_dominant, "deadlift", equipment="kettlebell").faults == ()


def test_not_said_and_not_seen_the_bar_path_is_not_judged() -> None:
    # The stick figure holds its hands shoulder-width apart: not wider than the shoulders, so no bar is seen.
    report = analyze_sequence(SCENARIOS["deadlift"].build("bar_drift"), "deadlift")
    assert report.faults == ()
    assert report.equipment == "auto" and report.equipment_used is None
    assert "could not see one in this clip — choose the equipment if you use one" in report.not_checked[0].reason


def test_a_grip_wider_than_the_shoulders_held_for_a_second_is_a_barbell() -> None:
    body = _bar_drift_set()
    features = compute_features(body)
    t_s = body.t_s
    frames = len(t_s)
    wide = {**features, "grip_width_ratio": np.full(frames, BAR_GRIP_MIN_RATIO + 0.1)}
    narrow = {**features, "grip_width_ratio": np.full(frames, BAR_GRIP_MIN_RATIO - 0.1)}
    assert seen_equipment(body, wide, t_s) == "barbell"
    assert seen_equipment(body, narrow, t_s) is None
    brief = np.full(frames, np.nan)
    brief[: int(0.5 / float(t_s[1] - t_s[0]))] = BAR_GRIP_MIN_RATIO + 0.5  # half a second is not enough
    assert seen_equipment(body, {**features, "grip_width_ratio": brief}, t_s) is None
    hidden = replace(body, visibility=np.zeros_like(body.visibility))
    assert seen_equipment(hidden, wide, t_s) is None  # wrists not seen: nothing is assumed


def test_exercises_without_equipment_keep_every_check_and_report_none() -> None:
    squat = EXERCISES["squat"]
    body = Body.from_sequence(SCENARIOS["squat"].build(None))
    kept, use = for_equipment(squat, "kettlebell", body, compute_features(body), body.t_s)
    assert kept is squat and use.not_checked == ()
    report = analyze_sequence(SCENARIOS["squat"].build(None), "squat")
    assert report.equipment is None and "equipment" not in report.to_json_dict()


def test_unknown_equipment_is_a_clear_error() -> None:
    with pytest.raises(FormcheckError, match="unknown equipment 'sandbag'; choose one of: auto, barbell"):
        analyze_sequence(SCENARIOS["deadlift"].build(None), "deadlift", equipment="sandbag")

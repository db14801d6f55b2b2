"""Deadlift, beyond the contract every exercise keeps (tests/test_exercise_contract.py): feet hidden behind the
plates at the bar are placed where they stood while the lifter stood tall."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from formcheck.analysis import analyze_sequence
from formcheck.exercises.deadlift import PLANTED_MAX_SPREAD_NORM, planted_feet
from formcheck.features import Body
from formcheck.report import Report
from formcheck.smoothing import smooth_offline
from formcheck.testing.scenarios import FEET, Moment, bar_low, deadlifts_with_hidden_feet
from formcheck.types import Landmark, PoseSequence

_FEET_CHECKS = ("bar_drift", "knee_dominant")


def _planted_set(
    fault: str | None,
    hidden: Callable[[Moment], bool],
    moved_norm: float = 0.0,
    moved: tuple[Landmark, ...] = FEET,
) -> PoseSequence:
    """Deadlifts from the side whose feet stay planted (the stick figure is drawn with its hips in place, so every
    frame is moved to keep the ankles where they were), hidden on the ``hidden`` moments. ``moved_norm``: from the
    middle of the set on, the ``moved`` points are that many leg lengths further back (a handheld camera that
    moved)."""
    sequence = deadlifts_with_hidden_feet(fault, hidden)
    landmarks = sequence.landmarks
    ankles_x = landmarks[:, [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE], 0].mean(axis=1)
    landmarks[:, :, 0] -= (ankles_x - ankles_x[0])[:, None]
    if moved_norm:
        leg = np.linalg.norm(landmarks[0, Landmark.LEFT_HIP, :2] - landmarks[0, Landmark.LEFT_ANKLE, :2])
        later = np.arange(len(landmarks)) >= len(landmarks) // 2
        landmarks[np.ix_(later, [int(lm) for lm in moved], [0])] -= moved_norm * leg
    return sequence


def _verdicts(report: Report) -> list[tuple[str, int | None, str, float]]:
    return [(v.check, v.rep, v.status, v.value) for v in report.verdicts if v.check in _FEET_CHECKS]


@pytest.mark.parametrize("fault", [None, "bar_drift", "knee_dominant"])
def test_feet_hidden_at_the_bar_are_placed_where_they_stood_tall(fault: str | None) -> None:
    seen = analyze_sequence(smooth_offline(_planted_set(fault, lambda m: False)), "deadlift", equipment="barbell")
    hidden = analyze_sequence(smooth_offline(_planted_set(fault, bar_low)), "deadlift", equipment="barbell")
    assert [v[:3] for v in _verdicts(hidden)] == [v[:3] for v in _verdicts(seen)]
    assert [v[3] for v in _verdicts(hidden)] == pytest.approx([v[3] for v in _verdicts(seen)], abs=0.02)
    assert {f.code for f in hidden.faults} == {f.code for f in seen.faults} == ({fault} - {None})
    assert not {u.check for u in hidden.unjudged} & set(_FEET_CHECKS)


def test_feet_are_left_hidden_when_where_they_stood_is_not_clear() -> None:
    wobbly = smooth_offline(_planted_set(None, bar_low, moved_norm=2.0 * PLANTED_MAX_SPREAD_NORM))
    body = Body.from_sequence(wobbly)
    assert planted_feet(body) is body
    report = analyze_sequence(wobbly, "deadlift", equipment="barbell")
    assert {v[2] for v in _verdicts(report)} == {"unjudged"}
    # The report names what the camera did not see, as it does for any measure that needs the feet.
    reasons = {u.check: u.reason for u in report.unjudged if u.check in _FEET_CHECKS}
    assert reasons == {
        "bar_drift": "ankles, heels and feet hidden from the camera",
        "knee_dominant": "ankles hidden from the camera",
    }


def test_each_foot_point_is_placed_on_its_own_standing_readings() -> None:
    # Toes read all over the place while the ankles stood still: the knee angle (hip, knee, ankle) is judged, the
    # mid-foot (heel and toe) is not.
    toes = (Landmark.LEFT_FOOT_INDEX, Landmark.RIGHT_FOOT_INDEX)
    moved_toes = _planted_set(None, bar_low, moved_norm=2.0 * PLANTED_MAX_SPREAD_NORM, moved=toes)
    report = analyze_sequence(smooth_offline(moved_toes), "deadlift", equipment="barbell")
    assert {(v[0], v[2]) for v in _verdicts(report)} == {("bar_drift", "unjudged"), ("knee_dominant", "passed")}

"""Following the exercising person among bystanders (pure logic, no model)."""

from __future__ import annotations

import warnings

import numpy as np

from formcheck.pose.subject import Candidate, SubjectTracker, choose_subject


def _candidate(x: float, y: float, size: float, wiggle: float = 0.0) -> Candidate:
    shape = np.full((33, 2), 0.5) + wiggle
    return Candidate((x - size / 2, y - size / 2, x + size / 2, y + size / 2), shape)


def test_choose_the_large_central_moving_body() -> None:
    frames = [[_candidate(0.5, 0.5, 0.6, wiggle=0.05 * (i % 2)), _candidate(0.9, 0.4, 0.3)] for i in range(6)]
    box = choose_subject(frames)
    assert box is not None and abs((box[0] + box[2]) / 2 - 0.5) < 1e-9


def test_tracker_never_jumps_to_a_bystander() -> None:
    tracker = SubjectTracker((0.2, 0.2, 0.8, 0.8))
    subject, bystander = (0.25, 0.2, 0.85, 0.8), (0.85, 0.3, 1.0, 0.7)
    assert tracker.pick([bystander, subject], t_ms=0) == 1
    # The subject is hidden for a moment: the bystander alone must not be picked.
    assert tracker.pick([bystander], t_ms=33) is None
    assert tracker.pick([subject, bystander], t_ms=66) == 0


def test_tracker_reacquires_after_a_long_absence() -> None:
    tracker = SubjectTracker((0.2, 0.2, 0.8, 0.8))
    assert tracker.pick([(0.2, 0.2, 0.8, 0.8)], t_ms=0) == 0
    far = (0.7, 0.1, 0.95, 0.5)
    assert tracker.pick([far], t_ms=500) is None
    assert tracker.pick([far], t_ms=3000) == 0


def test_a_body_with_unplaced_landmarks_is_chosen_without_a_numpy_warning() -> None:
    still = Candidate((0.2, 0.2, 0.8, 0.8), np.full((33, 2), np.nan))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert choose_subject([[still], [still]]) == still.box

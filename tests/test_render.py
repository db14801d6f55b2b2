"""The overlay: state derived from the report, and drawing that stays inside the frame."""

from __future__ import annotations

import numpy as np

from formcheck.render import OverlayState, _wrap, draw_overlay, overlay_states
from formcheck.report import Fault, Hold, Rep, Report


def _report() -> Report:
    return Report(
        exercise="squat",
        exercise_source="given",
        recognition_confidence=None,
        view="side",
        model="full",
        duration_s=6.0,
        frames_total=60,
        frames_with_pose=60,
        reps=(Rep(1, 0.5, 2.0, None, ("forward_lean",), {}), Rep(2, 2.5, 4.0, None, (), {})),
        holds=(Hold(4.5, 5.5, 1.0, 1.0),),
        faults=(Fault("forward_lean", 1.0, 1.5, 1, "medium", "Keep your chest up.", 55.0, 48.0),),
    )


def test_states_count_finished_reps_and_show_the_cue_a_little_longer() -> None:
    t_s = np.arange(60) / 10.0
    states = overlay_states(_report(), t_s)
    assert [states[i].reps_done for i in (0, 19, 20, 39, 40, 59)] == [0, 0, 1, 1, 2, 2]
    assert states[12].cue == "Keep your chest up."
    assert states[28].cue == "Keep your chest up."  # 1.3 s after the fault ended: still readable
    assert states[31].cue is None
    assert states[59].good_hold_s is not None and states[59].good_hold_s > 0.9


def test_long_cues_wrap_to_the_frame() -> None:
    lines = _wrap("Keep your chest up - sit down between your heels rather than folding forward.", 300, 0.6)
    assert len(lines) >= 2
    assert " ".join(lines) == "Keep your chest up - sit down between your heels rather than folding forward."


def test_drawing_keeps_the_frame_size_and_skips_missing_joints() -> None:
    image = np.zeros((240, 320, 3), np.uint8)
    landmarks = np.full((33, 5), np.nan)
    landmarks[11:29, :2] = np.linspace(0.2, 0.8, 18)[:, None]
    state = OverlayState(
        reps_done=1,
        good_hold_s=None,
        cue="Squeeze your glutes to finish the lift.",
        fault_active=True,
        title="Deadlift",
    )
    drawn = draw_overlay(image, landmarks, state)
    assert drawn.shape == image.shape
    assert drawn.any() and not image.any()  # drawn on a copy

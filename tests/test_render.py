"""The overlay: state derived from the report, and drawing that stays inside the frame."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest

from formcheck.analysis import analyze_sequence
from formcheck.live import ANALYSIS_INTERVAL_S, LiveCoach, LiveSettings
from formcheck.report import SEVERITY_ORDER, Fault, FrameTable, Hold, Rep, Report, severity_rank
from formcheck.reporting.overlay import (
    GOOD,
    NOT_JUDGED,
    NOT_JUDGED_LABEL,
    OverlayState,
    _wrap,
    draw_overlay,
    overlay_states,
)
from formcheck.reporting.overlay import panel_lines as overlay_panel_lines
from formcheck.reporting.pdf import build_pdf
from formcheck.reporting.summary import hold_rows, summarize
from formcheck.smoothing import smooth_offline
from formcheck.testing.scenarios import FPS, SCENARIOS
from formcheck.testing.synthetic_pose import Camera
from formcheck.types import PoseSequence


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
        frames=_table(np.arange(60) / 10.0, faulty=range(10, 15)),
    )


def _table(t_s: np.ndarray, faulty: range) -> FrameTable:
    frames = len(t_s)
    active = tuple(("forward_lean",) if i in faulty else () for i in range(frames))
    empty = np.zeros(frames, dtype=np.int64)
    return FrameTable(t_s, np.full(frames, "", dtype="<U1"), empty, active, {}, form_judged=np.ones(frames, bool))


def test_states_count_finished_reps_and_show_the_cue_a_little_longer() -> None:
    t_s = np.arange(60) / 10.0
    states = overlay_states(_report(), t_s)
    assert [states[i].reps_done for i in (0, 19, 20, 39, 40, 59)] == [0, 0, 1, 1, 2, 2]
    assert states[12].cue == "Keep your chest up."
    assert states[28].cue == "Keep your chest up."  # 1.3 s after the fault ended: still readable
    assert states[31].cue is None
    assert states[59].good_hold_s == pytest.approx(1.0)  # frames 45-54: the hold's ten judged, clean frames


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
        form_judged=True,
    )
    drawn = draw_overlay(image, landmarks, state)
    assert drawn.shape == image.shape
    assert drawn.any() and not image.any()  # drawn on a copy


def _plank_turning_to_the_camera() -> PoseSequence:
    """A plank filmed from the side, except 2 s mid-hold (frames 100-159) seen from the front, where no plank check
    can judge the form: the hold goes on, its form is not vouched for."""
    side = SCENARIOS["plank"].build()
    front = SCENARIOS["plank"].build(None, Camera(fps=FPS, yaw_deg=0.0))
    sequence = replace(side, landmarks=side.landmarks.copy(), world=side.world.copy())
    sequence.landmarks[100:160] = front.landmarks[100:160]
    sequence.world[100:160] = front.world[100:160]
    return sequence


def test_report_overlay_live_coach_app_and_pdf_agree_on_good_form_time() -> None:
    raw = _plank_turning_to_the_camera()
    report = analyze_sequence(smooth_offline(raw), "plank")
    (hold,) = report.holds
    assert not report.faults
    assert hold.good_form_s == pytest.approx(hold.judged_s)
    assert hold.duration_s - hold.good_form_s == pytest.approx(2.07, abs=0.01)  # the front-view part is not counted

    states = overlay_states(report, raw.t_s)
    assert states[-1].good_hold_s == pytest.approx(hold.good_form_s, abs=1e-9)  # the video's final timer
    assert max(state.good_hold_s or 0.0 for state in states) == pytest.approx(hold.good_form_s, abs=1e-9)

    coach = LiveCoach(LiveSettings("plank"), raw.width, raw.height)
    live = [coach.push(float(raw.t_ms[i]), raw.landmarks[i], raw.world[i]) for i in range(raw.num_frames)]
    assert live[-1].good_form_s == pytest.approx(hold.good_form_s, abs=ANALYSIS_INTERVAL_S)
    assert not live[130].form_judged and live[80].form_judged

    assert summarize(report).good_hold_seconds == (hold.good_form_s,)
    assert hold_rows(report)[0]["Good form (s)"] == round(hold.good_form_s, 1) == 3.1
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(io.BytesIO(build_pdf(report))).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert "3.1 s in good form" in text and "5.2 s in good form" not in text


def test_unjudged_frames_get_a_neutral_skeleton_and_say_so() -> None:
    raw = _plank_turning_to_the_camera()
    report = analyze_sequence(smooth_offline(raw), "plank")
    states = overlay_states(report, raw.t_s)
    unjudged, judged = states[130], states[80]
    assert not unjudged.form_judged and judged.form_judged
    assert NOT_JUDGED_LABEL in overlay_panel_lines(unjudged)
    assert NOT_JUDGED_LABEL not in overlay_panel_lines(judged)
    image = np.zeros((240, 320, 3), np.uint8)
    drawn = draw_overlay(image, raw.landmarks[130], unjudged)
    colours = {tuple(int(c) for c in pixel) for pixel in drawn.reshape(-1, 3)}
    assert NOT_JUDGED in colours and GOOD not in colours
    assert GOOD in {
        tuple(int(c) for c in pixel) for pixel in draw_overlay(image, raw.landmarks[80], judged).reshape(-1, 3)
    }


def test_overlay_app_and_text_report_name_the_exercise_one_way() -> None:
    # The overlay used to title-case the name ("Glute Bridge") while the app and the text report said "Glute bridge".
    report = replace(_report(), exercise="glute_bridge", reps=(), holds=(), faults=())
    assert overlay_states(report, np.arange(60) / 10.0)[0].title == "Glute bridge"
    assert summarize(report).title == "Glute bridge"
    assert report.summary_text().startswith("Glute bridge — as given; side view; 6.0 s analysed.")


def test_text_report_and_app_headline_say_nothing_found_the_same_way() -> None:
    nothing = replace(_report(), reps=(), holds=(), faults=())
    assert summarize(nothing).headline == "No complete rep or hold was found."
    assert nothing.summary_text().splitlines()[1] == "No complete rep or hold was found."
    unknown = replace(_report(), exercise=None)
    assert summarize(unknown).headline == unknown.summary_text() == "We could not tell which exercise this is."


def test_one_severity_order_ranks_the_overlay_cue_and_the_app_main_fault() -> None:
    medium = Fault("forward_lean", 1.0, 1.5, 1, "medium", "Keep your chest up.", 55.0, 48.0)
    high = Fault("knees_cave", 1.2, 1.5, 1, "high", "Push your knees out.", 12.0, 8.0)
    unknown = Fault("odd", 1.0, 1.5, 1, "unheard-of", "Odd cue.", 1.0, 0.0)
    report = replace(_report(), faults=(unknown, medium, high))
    assert overlay_states(report, np.arange(60) / 10.0)[13].cue == "Push your knees out."
    top = summarize(report).top_fault
    assert top is not None and top.code == "knees_cave"
    assert severity_rank("unheard-of") == len(SEVERITY_ORDER) > severity_rank("low")

"""Phase machines on hand-made driver signals with known reps and holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from formcheck import reps
from formcheck.analysis import analyze_sequence
from formcheck.exercises import get_exercise
from formcheck.exercises.spec import Gate, Motion
from formcheck.reps import RepSpan, bridge_gaps, done_in_place, motion_states, runs, track_motion
from formcheck.testing.scenarios import squats_then_walk_away, walk_in_then_squats
from formcheck.types import PoseSequence

FPS = 10.0
NAMES = {"rest": "up", "away": "down", "active": "bottom", "back": "rise"}
SQUAT_LIKE = Motion(driver="d_ratio", active_when="below", enter=0.4, exit=0.8, phase_names=NAMES)


def signal(*levels: float, frames_each: int = 5) -> np.ndarray:
    return np.repeat(np.asarray(levels, dtype=np.float64), frames_each)


def track(values: np.ndarray, motion: Motion = SQUAT_LIKE, side: np.ndarray | None = None):  # type: ignore[no-untyped-def]
    features = {"d_ratio": values}
    if side is not None:
        features["s_deg"] = side
    return track_motion(motion, features, np.arange(len(values)) / FPS)


def test_runs_and_gap_bridging() -> None:
    mask = np.array([1, 1, 0, 1, 0, 0, 0, 1], dtype=bool)
    assert runs(mask) == [(0, 2), (3, 4), (7, 8)]
    t = np.arange(8) / FPS
    assert bridge_gaps(mask, t, 0.2).tolist() == [True, True, True, True, False, False, False, True]


def test_three_full_reps_are_counted() -> None:
    values = signal(1.0, 0.6, 0.2, 0.6, 1.0, 0.6, 0.2, 0.6, 1.0, 0.6, 0.2, 0.6, 1.0)
    result = track(values)
    assert [rep.index for rep in result.reps] == [1, 2, 3]
    assert result.reps[0].start == 5 and result.reps[0].stop == 20
    assert list(result.phases[:6]) == ["up"] * 5 + ["down"]


def test_hysteresis_ignores_jitter_around_a_threshold() -> None:
    values = signal(1.0, 0.35, 0.45, 0.35, 0.45, 0.9, frames_each=3)
    assert len(track(values).reps) == 1


def test_getting_into_position_and_partial_dips_are_not_reps() -> None:
    # Walking in (no pose), standing, a half dip that never reaches the bottom, standing again.
    values = np.concatenate([np.full(5, np.nan), signal(1.0, 0.6, 1.0)])
    assert track(values).reps == ()
    # A clip starting at the bottom of a squat does not count the stand-up.
    assert track(signal(0.2, 0.6, 1.0)).reps == ()


def test_deadlift_may_start_at_the_bar() -> None:
    motion = Motion(
        driver="d_ratio", active_when="below", enter=0.4, exit=0.8, phase_names=NAMES, first_rep_may_start_active=True
    )
    assert len(track(signal(0.2, 0.6, 1.0), motion).reps) == 1


def test_short_tracking_gap_does_not_break_a_rep_but_a_long_one_does() -> None:
    values = signal(1.0, 0.6, 0.2, 0.6, 1.0)
    short = values.copy()
    short[11:13] = np.nan
    assert len(track(short).reps) == 1
    long = values.copy()
    long[10:15] = np.nan
    assert track(long).reps == ()


def test_holds_need_a_minimum_duration_and_sides_come_from_the_side_feature() -> None:
    motion = Motion(
        driver="d_ratio",
        active_when="above",
        enter=0.7,
        exit=0.3,
        phase_names=NAMES,
        times_holds=True,
        min_hold_s=1.0,
        side_feature="s_deg",
    )
    values = np.concatenate([signal(0.0, 1.0, 0.0, frames_each=12), signal(1.0, 0.0, frames_each=5)])
    side = np.where(np.arange(len(values)) < 36, 10.0, -10.0)
    result = track(values, motion, side)
    assert [(hold.start, hold.stop) for hold in result.holds] == [(12, 24)]
    assert [rep.side for rep in result.reps] == ["left", "right"]
    assert [hold.side for hold in result.holds] == ["left"]


def test_a_hold_takes_its_side_from_the_side_feature_over_the_hold() -> None:
    motion = Motion("d_ratio", "above", 0.7, 0.3, NAMES, counts_reps=False, times_holds=True, side_feature="s_deg")
    values = signal(0.0, 1.0, 0.0, 1.0, 0.0, frames_each=20)
    side = np.where(np.arange(len(values)) < 50, 0.9, -0.9)  # left side down, then right side down
    assert [(hold.start, hold.stop, hold.side) for hold in track(values, motion, side).holds] == [
        (20, 40, "left"),
        (60, 80, "right"),
    ]
    assert [hold.side for hold in track(values, replace(motion, side_feature=None)).holds] == [None, None]


def test_gates_take_the_person_out_of_position() -> None:

    motion = Motion(
        driver="d_ratio", active_when="below", enter=0.4, exit=0.8, phase_names=NAMES, gates=(Gate("g_ratio", 0.5),)
    )
    values = signal(1.0, 0.2, 1.0)
    gate = np.zeros(len(values))
    features = {"d_ratio": values, "g_ratio": gate}
    result = track_motion(motion, features, np.arange(len(values)) / FPS)
    assert result.reps == () and set(result.states.tolist()) == {""}


@pytest.mark.parametrize("level", [0.39, 0.41])
def test_states_at_the_enter_threshold(level: float) -> None:
    states = motion_states(-signal(1.0, level), SQUAT_LIKE, np.arange(10) / FPS)
    assert states[-1] == ("active" if level < 0.4 else "away")


@pytest.mark.parametrize(
    ("build", "rep_starts_s"),
    [(walk_in_then_squats, [2.97, 5.97, 8.97]), (squats_then_walk_away, [0.97, 3.97, 6.97])],
)
def test_walking_into_or_out_of_the_picture_is_not_a_rep(
    build: Callable[[], PoseSequence], rep_starts_s: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    sequence = build()
    counted = analyze_sequence(sequence, "squat").reps
    assert [rep.index for rep in counted] == [1, 2, 3]
    assert [rep.start_s for rep in counted] == pytest.approx(rep_starts_s, abs=0.01)
    # The walk dips the hips as deep as a squat: only where the person stands keeps it from being counted.
    monkeypatch.setattr(reps, "MAX_STANCE_TRAVEL_NORM", np.inf)
    monkeypatch.setattr(reps, "MAX_SCALE_CHANGE_RATIO", np.inf)
    assert len(analyze_sequence(sequence, "squat").reps) == 4


def test_a_rep_with_no_standing_before_it_counts() -> None:
    # A deadlift set started at the bar: nothing to compare its first rep with, so it is not refused.
    t_s = np.arange(10) / 10.0
    features = {"stance_x_norm": np.r_[np.zeros(5), np.full(5, 3.0)], "body_scale_ratio": np.ones(10)}
    assert done_in_place(RepSpan(1, start=0, stop=5, side=None, deepest=2), features, t_s)
    assert not done_in_place(RepSpan(1, start=2, stop=5, side=None, deepest=3), features, t_s)


def test_a_hold_is_timed_from_when_the_driver_settles() -> None:
    # Rising 2 units a second into the active state (enter 0.7), held at 1.0, a step down to 0.8 (still active: a
    # fault, not the end of the hold), then leaving at 1.6 units a second.
    values = np.concatenate([np.linspace(0.0, 1.0, 6), np.full(10, 1.0), np.full(10, 0.8), np.linspace(0.8, 0.0, 6)])
    motion = Motion("d_ratio", "above", 0.7, 0.3, NAMES, counts_reps=False, times_holds=True)
    assert [(hold.start, hold.stop) for hold in track(values, motion).holds] == [(4, 27)]
    settled = track(values, replace(motion, hold_settled_max_rate=0.5))
    assert [(hold.start, hold.stop) for hold in settled.holds] == [(6, 26)]
    assert list(settled.states[2:8]) == ["away", "away", "away", "away", "active", "active"]
    assert list(settled.states[25:31]) == ["active", "back", "back", "back", "back", "rest"]


def test_a_hold_settles_only_once_the_rate_stays_low() -> None:
    # Active from frame 3; rising fast except a pause (frame 4) halfway up; held from frame 9 at 10 fps.
    values = np.array([0.0, 0.5, 0.8, 1.0, 1.0, 1.0, 1.2, 1.5, 1.8, 1.9, *[1.9] * 10])
    motion = Motion("d_ratio", "above", 0.7, 0.3, NAMES, counts_reps=False, times_holds=True, hold_settled_max_rate=0.5)
    assert [(hold.start, hold.stop) for hold in track(values, motion).holds] == [(9, 20)]


def test_the_top_of_a_rep_that_never_settles_is_kept() -> None:
    # Up and straight down again: every active frame moves fast, so there is no hold, but the rep keeps its top.
    values = np.array([0.0, 0.0, 0.4, 0.8, 1.2, 0.8, 0.4, 0.0, 0.0])
    motion = Motion("d_ratio", "above", 0.7, 0.3, NAMES, times_holds=True, min_hold_s=0.5, hold_settled_max_rate=0.5)
    tracked = track(values, motion)
    assert list(tracked.states[3:6]) == ["active", "active", "active"]
    assert [(rep.start, rep.stop) for rep in tracked.reps] == [(2, 7)]
    assert tracked.holds == ()


def _plank_features(hip_line_deg: np.ndarray) -> dict[str, np.ndarray]:
    flat = np.ones_like(hip_line_deg)
    return {
        "body_to_horizontal_deg": 8.0 * flat,
        "ventral_downward_ratio": 0.9 * flat,
        "hip_knee_ankle_deg": 175.0 * flat,
        "shoulder_bob_norm": 0.0 * flat,
        "hip_line_deviation_deg": hip_line_deg,
    }


def test_a_plank_is_timed_from_when_the_hips_are_in_line() -> None:
    # Level from the first frame, the hips come down from a 35° pike over 0.8 s (the rendered set-up), then hold.
    t_s = np.arange(80) / 20.0
    hip_line_deg = np.where(t_s < 0.8, -35.0 * (1.0 - t_s / 0.8), 0.0)
    motion = get_exercise("plank").motion
    holds = track_motion(motion, _plank_features(hip_line_deg), t_s).holds
    # The rate is read over ±0.15 s: it drops under the plank's 20°/s one frame after the hips arrive (frame 16).
    assert [(hold.start, hold.stop) for hold in holds] == [(17, 80)]
    unsettled = track_motion(replace(motion, hold_settled_max_rate=None), _plank_features(hip_line_deg), t_s).holds
    assert [(hold.start, hold.stop) for hold in unsettled] == [(0, 80)]


def test_a_bridge_hold_is_timed_from_when_the_hips_stop_rising() -> None:
    # The hips rise from 9° to 27° of lift over the first second (past the enter line at 11°), then hold.
    t_s = np.arange(80) / 20.0
    lift_deg = np.where(t_s < 1.0, 9.0 + 18.0 * t_s, 27.0)
    features = {
        "hip_lift_deg": lift_deg,
        "ventral_downward_ratio": np.full(80, -0.9),
        "hip_knee_ankle_deg": np.full(80, 90.0),
    }
    motion = get_exercise("glute_bridge").motion
    tracked = track_motion(motion, features, t_s)
    assert [(hold.start, hold.stop) for hold in tracked.holds] == [(20, 80)]
    assert tracked.states[3] == "away"

"""Phase machines: from a driver feature to per-frame phases, reps and holds (pure functions).

A :class:`~formcheck.exercises.spec.Motion` describes a hysteresis machine on one driver feature. Each frame is in
one of the states ``rest``, ``away`` (left rest, not yet active), ``active``, ``back`` (left active, not yet at rest)
or ``""`` (out of position or no pose). A **rep** is one cycle rest → active → rest; the rest where it starts and
ends is not part of it. Getting into position is never a rep: a cycle must start from rest (or, where the motion
allows it, from the first tracked frame already active), and reach the active state. A **hold** is an unbroken run
of active frames of at least ``min_hold_s``. Frame indices are 0-based; spans are half-open ``[start, stop)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from formcheck.types import BoolArray, FloatArray

if TYPE_CHECKING:  # only named in annotations: importing the exercises here would import every exercise file, and
    # one that reads this module (the dead bug reads its runs) would find it half-initialised
    from formcheck.exercises.spec import Motion

# Tracking gaps up to this long (no pose, or briefly out of the gates) do not break a rep or a hold.
MAX_BRIDGED_GAP_S = 0.3

# A rep is done in place: walking into or out of the picture changes MediaPipe's world estimate of the hip and
# shoulder heights and can fake a descent, but the person is then somewhere else when they are back at rest. The
# standing just before a rep and just after it (this long each) must be in the same place across the picture
# (stance_x_norm) and at the same distance from the camera (body_scale_ratio). Real reps at 10 fps (squat, deadlift,
# bridge, 76 clips): the feet moved at most 0.53 leg lengths and the scale changed at most 1.23x, except over a
# camera cut (1.09, 1.40x) and where a second person stood beside the squatter (1.45); walking moves ~1.4 leg lengths
# a second, and a fake rep takes at least one.
IN_PLACE_WINDOW_S = 0.5
MAX_STANCE_TRAVEL_NORM = 0.8
MAX_SCALE_CHANGE_RATIO = 1.3

StrArray = npt.NDArray[np.str_]


@dataclass(frozen=True)
class RepSpan:
    index: int  # 1-based
    start: int
    stop: int
    side: str | None
    deepest: int  # frame where the driver went furthest into the active state


@dataclass(frozen=True)
class HoldSpan:
    start: int
    stop: int
    side: str | None = None  # as a rep's: by the motion's side feature over the hold (the side plank's side down)


@dataclass(frozen=True)
class MotionTrack:
    states: StrArray  # (T,) motion state per frame
    phases: StrArray  # (T,) the exercise's phase name per frame ("" when none)
    progress: FloatArray  # (T,) driver signed so that larger = further into the active state
    reps: tuple[RepSpan, ...]
    holds: tuple[HoldSpan, ...]


def runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Half-open ``[start, stop)`` spans of consecutive True values."""
    padded = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(start), int(stop)) for start, stop in zip(edges[::2], edges[1::2], strict=True)]


def bridge_gaps(valid: npt.NDArray[np.bool_], t_s: FloatArray, max_gap_s: float) -> npt.NDArray[np.bool_]:
    """``valid`` with interior False runs no longer than ``max_gap_s`` filled in."""
    filled = valid.copy()
    for start, stop in runs(~valid):
        interior = start > 0 and stop < len(valid)
        if interior and t_s[stop] - t_s[start] <= max_gap_s:
            filled[start:stop] = True
    return filled


def _forward_fill(values: FloatArray) -> FloatArray:
    index = np.where(np.isnan(values), 0, np.arange(len(values)))
    np.maximum.accumulate(index, out=index)
    return values[index]


def motion_progress(motion: Motion, features: Mapping[str, FloatArray]) -> FloatArray:
    """Driver signed so that larger is further into the active state; NaN where a gate fails or data is missing."""
    driver = np.asarray(features[motion.driver], dtype=np.float64)
    progress = driver if motion.active_when == "above" else -driver
    in_gates = np.ones(len(driver), dtype=bool)
    for gate in motion.gates:
        value = features[gate.feature]
        in_gates &= ~np.isnan(value) & ~gate.rejects(value)  # unlike a check's gates, an unknown reading fails here
    return np.where(in_gates, progress, np.nan)


def motion_states(progress: FloatArray, motion: Motion, t_s: FloatArray) -> StrArray:
    """Per-frame state of the hysteresis machine (see module docstring)."""
    sign = 1.0 if motion.active_when == "above" else -1.0
    enter, leave = sign * motion.enter, sign * motion.exit
    valid = bridge_gaps(~np.isnan(progress), t_s, MAX_BRIDGED_GAP_S)
    values = _forward_fill(progress)
    states = np.full(len(progress), "", dtype="<U6")
    previous = ""
    for frame, value in enumerate(values):
        if not valid[frame]:
            previous = ""
        elif value >= enter:
            previous = "active"
        elif value <= leave:
            previous = "rest"
        elif previous in ("rest", "away"):
            previous = "away"
        elif previous in ("active", "back"):
            previous = "back"
        states[frame] = previous
    return states


# A driver's rate of change is read over this much time either side of a frame (the frames there at a clip's ends).
SETTLE_HALF_WINDOW_S = 0.15
# A hold has settled once the rate stays under its limit this long: one slow frame is not the end of the way in (a
# rendered bridge starts its rise slowly, and an oblique one reads a 0.1-s dip in its hip lift halfway up).
SETTLED_FOR_S = 0.3


def settle_holds(
    states: StrArray, values: FloatArray, t_s: FloatArray, max_rate: float, leaving: FloatArray | None = None
) -> StrArray:
    """``states`` with the first frames of each active run where ``values`` still change faster than ``max_rate``
    (their unit per second, either way) made "away": a hold is timed from when the person has settled into it (the
    rate stays under the limit for :data:`SETTLED_FOR_S`). With ``leaving`` (the motion's progress, in the same unit),
    the last frames where it already falls that fast are made "back": the hold ends when the person starts to leave
    it. A finished run that never settles (the top of a rep passed through) is left whole, so that the rep keeps its
    top; one still going on at the last frame may yet settle, and waits as "away"."""
    unsettled = np.abs(_rate_per_s(_forward_fill(values), t_s)) > max_rate
    falling = _rate_per_s(_forward_fill(leaving), t_s) < -max_rate if leaving is not None else np.zeros_like(unsettled)
    settled = states.copy()
    for start, stop in runs(states == "active"):
        first = start + _settled_from(unsettled[start:stop], t_s[start:stop])
        if first == stop and stop < len(states):
            continue
        last = stop
        while last > first and falling[last - 1]:
            last -= 1
        settled[start:first] = "away"
        settled[last:stop] = "back"
    return settled


def _settled_from(unsettled: npt.NDArray[np.bool_], t_s: FloatArray) -> int:
    """Index of the first frame from which no frame is unsettled for :data:`SETTLED_FOR_S` (or the run's end)."""
    for frame in range(len(unsettled)):
        ahead = (t_s >= t_s[frame]) & (t_s < t_s[frame] + SETTLED_FOR_S)
        if not unsettled[ahead].any():
            return frame
    return len(unsettled)


def _rate_per_s(values: FloatArray, t_s: FloatArray) -> FloatArray:
    """(T,) change of ``values`` per second across ``SETTLE_HALF_WINDOW_S`` either side of each frame."""
    before = np.searchsorted(t_s, t_s - SETTLE_HALF_WINDOW_S, side="left")
    after = np.searchsorted(t_s, t_s + SETTLE_HALF_WINDOW_S, side="right") - 1
    span_s = t_s[after] - t_s[before]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(span_s > 0, (values[after] - values[before]) / span_s, 0.0), dtype=np.float64)


def find_reps(
    states: StrArray, progress: FloatArray, motion: Motion, side_values: FloatArray | None
) -> tuple[RepSpan, ...]:
    """Complete rest → active → rest cycles (see module docstring)."""
    reps: list[RepSpan] = []
    start: int | None = None
    reached_active = False
    previous = ""
    for frame, state in enumerate(states):
        if state in ("", "rest"):
            if state == "rest" and start is not None and reached_active:
                reps.append(_rep(len(reps) + 1, start, frame, states, progress, side_values))
            start, reached_active = None, False
        elif state == "away" and previous == "rest":
            start = frame
        elif state == "active":
            # A fast move can jump from rest straight to active between two frames.
            starts_here = previous == "rest" or (previous == "" and motion.first_rep_may_start_active)
            if start is None and starts_here:
                start = frame
            reached_active = start is not None
        previous = str(state)
    return tuple(reps)


def _rep(
    index: int, start: int, stop: int, states: StrArray, progress: FloatArray, side_values: FloatArray | None
) -> RepSpan:
    active = np.flatnonzero(states[start:stop] == "active") + start
    deepest = int(active[np.nanargmax(progress[active])]) if np.any(~np.isnan(progress[active])) else int(active[0])
    return RepSpan(index=index, start=start, stop=stop, side=_side(side_values, active), deepest=deepest)


def _side(side_values: FloatArray | None, frames: npt.NDArray[np.int64]) -> str | None:
    """The side the side feature names over ``frames`` (its median: + left, − right); None without a side feature."""
    if side_values is None:
        return None
    median = float(np.nanmedian(side_values[frames])) if np.any(~np.isnan(side_values[frames])) else 0.0
    return "left" if median > 0 else "right"


def done_in_place(rep: RepSpan, features: Mapping[str, FloatArray], t_s: FloatArray) -> bool:
    """False when the person stood somewhere else (across the picture, or nearer or further) after the rep than
    before it; True when that cannot be told (a set started at the bar has no standing before its first rep, and
    a caller may track a driver alone, without the place features)."""
    if "stance_x_norm" not in features or "body_scale_ratio" not in features:
        return True
    before = (t_s >= t_s[rep.start] - IN_PLACE_WINDOW_S) & (t_s < t_s[rep.start])
    after = (t_s >= _stop_time_s(t_s, rep.stop)) & (t_s < _stop_time_s(t_s, rep.stop) + IN_PLACE_WINDOW_S)
    travel = abs(_median(features["stance_x_norm"], after) - _median(features["stance_x_norm"], before))
    scale = _median(features["body_scale_ratio"], after) / _median(features["body_scale_ratio"], before)
    moved = travel > MAX_STANCE_TRAVEL_NORM
    rescaled = np.isfinite(scale) and scale > 0 and max(scale, 1.0 / scale) > MAX_SCALE_CHANGE_RATIO
    return not (moved or rescaled)


def _stop_time_s(t_s: FloatArray, stop: int) -> float:
    return float(t_s[stop]) if stop < len(t_s) else float("inf")


def _median(values: FloatArray, chosen: npt.NDArray[np.bool_]) -> float:
    picked = values[chosen & np.isfinite(values)]
    return float(np.median(picked)) if picked.size else float("nan")


def find_holds(
    states: StrArray, t_s: FloatArray, min_hold_s: float, side_values: FloatArray | None = None
) -> tuple[HoldSpan, ...]:
    step = frame_step_s(t_s)
    return tuple(
        HoldSpan(start, stop, _side(side_values, np.arange(start, stop)))
        for start, stop in runs(states == "active")
        if span_end_s(t_s, stop, step) - t_s[start] >= min_hold_s
    )


def frame_step_s(t_s: FloatArray) -> float:
    """Typical time between frames (median), used as the duration of the last frame."""
    return float(np.median(np.diff(t_s))) if len(t_s) > 1 else 0.0


def frame_durations_s(t_s: FloatArray) -> FloatArray:
    """(T,) the time each frame stands for: the gap to the next frame, the typical (median) gap for the last. Summed
    over chosen frames it is their time, also on clips sampled unevenly (a 24 fps clip read at 10 fps has gaps of 3,
    2, 3, 2, 3 source frames, whose median would count every frame as 0.125 s, 15 % too long)."""
    gaps = np.diff(t_s)
    return np.append(gaps, float(np.median(gaps)) if gaps.size else 0.0)


def seconds_of(frames: BoolArray, t_s: FloatArray) -> float:
    """The time the chosen ``frames`` stand for (see :func:`frame_durations_s`)."""
    return float(frame_durations_s(t_s)[frames].sum())


def span_end_s(t_s: FloatArray, stop: int, step_s: float) -> float:
    """End time of a half-open span: the next frame's time, or one frame past the last."""
    return float(t_s[stop]) if stop < len(t_s) else float(t_s[-1]) + step_s


def track_motion(motion: Motion, features: Mapping[str, FloatArray], t_s: FloatArray) -> MotionTrack:
    progress = motion_progress(motion, features)
    states = motion_states(progress, motion, t_s)
    if motion.hold_settled_max_rate is not None:
        if motion.hold_settled_feature is None:  # the driver: it settles, and falls when the person leaves
            states = settle_holds(states, progress, t_s, motion.hold_settled_max_rate, leaving=progress)
        else:
            settling = features[motion.hold_settled_feature]
            states = settle_holds(states, settling, t_s, motion.hold_settled_max_rate)
    side_values = features[motion.side_feature] if motion.side_feature else None
    reps = find_reps(states, progress, motion, side_values) if motion.counts_reps else ()
    in_place = [rep for rep in reps if done_in_place(rep, features, t_s)]
    reps = tuple(replace(rep, index=number) for number, rep in enumerate(in_place, start=1))
    holds = find_holds(states, t_s, motion.min_hold_s, side_values) if motion.times_holds else ()
    names = np.array([""] + [motion.phase_names[s] for s in ("rest", "away", "active", "back")])
    lookup = {"": 0, "rest": 1, "away": 2, "active": 3, "back": 4}
    phases = names[np.array([lookup[str(s)] for s in states], dtype=np.int64)] if len(states) else names[:0]
    return MotionTrack(states=states, phases=phases, progress=progress, reps=reps, holds=holds)

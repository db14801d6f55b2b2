"""Evaluate an exercise's checks over a tracked sequence: fault spans, and honest "cannot judge" entries.

A check is judged only in its phases, from a view it accepts, on frames where the landmarks its features need are
visible (≥ :data:`MIN_VISIBILITY`). Anything else is *unjudged* (with the reason and what the person can change),
never a fault. A per-frame fault must last ``min_duration_s`` (gaps shorter than :data:`MERGE_GAP_S` are bridged)
before it is reported, so a flickering measurement does not produce a cue. Times are seconds from the clip start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from formcheck.exercises import DURATION_PARAM, Thresholds
from formcheck.exercises.spec import Check, Exercise, Limit
from formcheck.features import FEATURES, Body, Joint, joint_landmark
from formcheck.geometry import View, most_common_view
from formcheck.report import HOLDS_ENTRY, REPS_ENTRY, NotChecked
from formcheck.reps import MotionTrack, frame_step_s, runs, seconds_of, span_end_s
from formcheck.types import BoolArray, FloatArray, Landmark

MIN_VISIBILITY = 0.5
MERGE_GAP_S = 0.25
# An aggregate check needs at least this share of its phase run judged to give a verdict on that run.
MIN_JUDGED_SHARE = 0.5
# "max"/"min" aggregates read this percentile from the top/bottom of a run.
ROBUST_EXTREME_PERCENTILE = 10.0
# Unjudged time shorter than this (a blink at a phase boundary) is not worth telling the person about.
MIN_UNJUDGED_S = 0.3


_VIEW_FIX = {
    View.SIDE: "turn so your side faces the camera",
    View.FRONT: "turn so you face the camera",
    View.OBLIQUE: "turn about 45° away from the camera",
}
_OUT_OF_FRAME_JOINTS = {Joint.ANKLE, Joint.HEEL, Joint.FOOT, Joint.KNEE, Joint.WRIST, Joint.ELBOW}
_JOINT_PLURAL = {
    Joint.EAR: "ears",
    Joint.SHOULDER: "shoulders",
    Joint.ELBOW: "elbows",
    Joint.WRIST: "wrists",
    Joint.HIP: "hips",
    Joint.KNEE: "knees",
    Joint.ANKLE: "ankles",
    Joint.HEEL: "heels",
    Joint.FOOT: "feet",
}
NO_OUTLINE_REASON = "no back outline (segmentation mask) available for this clip"
NO_OUTLINE_FIX = "analyse with the back outline enabled, in good light against a plain background"
OUTLINE_LOST_REASON = "the outline of your back could not be traced in the picture"
OUTLINE_LOST_FIX = "film against a plain background in good light, in a fitted top, your whole body in view"
# A joint is named as the reason a check could not judge only when it was hidden on at least this share of the
# frames the check missed: a real side-view deadlift whose back outline was lost for 8.5 s, its shoulders and hips
# seen throughout but for a frame, was told its "shoulders and hips" were hidden.
HIDDEN_JOINT_MIN_SHARE = 0.5


@dataclass(frozen=True)
class FaultSpan:
    code: str
    start: int
    stop: int
    start_s: float
    end_s: float
    value: float
    threshold: float
    rep: int | None
    # The limit that decided the fault: its feature, and whether the feature must stay below ("max") or above it.
    feature: str = ""
    kind: Literal["max", "min"] = "max"


@dataclass(frozen=True)
class UnjudgedTime:
    check: str
    reason: str
    fix: str
    seconds: float


@dataclass(frozen=True)
class Judgement:
    faults: tuple[FaultSpan, ...]
    unjudged: tuple[UnjudgedTime, ...]
    # (T,) frames where at least one check could be judged: only there can form be called good.
    judged: BoolArray
    # How every check came out in every rep and hold, passed ones included (see :func:`stretch_verdicts`).
    verdicts: tuple[CheckVerdict, ...] = ()
    # Checks that do not apply to the way this set was done (Check.not_applicable_reason).
    not_checked: tuple[NotChecked, ...] = ()


@dataclass(frozen=True)
class Reading:
    """One limit of a check read over what it judged: ``value`` is compared with ``threshold``."""

    feature: str
    kind: Literal["max", "min"]
    threshold: float
    value: float

    @property
    def excess(self) -> float:
        """How far past the limit (negative: within it), in the feature's unit; -inf when not measured."""
        if np.isnan(self.value):
            return float("-inf")
        return self.value - self.threshold if self.kind == "max" else self.threshold - self.value


VerdictStatus = Literal["fault", "passed", "unjudged"]


@dataclass(frozen=True)
class CheckVerdict:
    """How one check came out over one stretch of the clip (a rep with the frames up to the next one, or a hold):
    the reading that decided it, or why it could not be judged there. ``note``: for a pass whose worst frame went
    past the limit, why that was no fault."""

    check: str
    start: int
    stop: int
    status: VerdictStatus
    reading: Reading | None = None
    reason: str = ""
    fix: str = ""
    note: str = ""


@dataclass(frozen=True)
class Frames:
    """Everything per-frame the checks are judged on."""

    t_s: FloatArray
    features: Mapping[str, FloatArray]
    views: npt.NDArray[np.str_]
    body: Body
    track: MotionTrack


@dataclass(frozen=True)
class _LimitEval:
    limit: Limit
    threshold: float
    values: FloatArray
    available: BoolArray
    violated: BoolArray


@dataclass(frozen=True)
class _CheckEval:
    """One check read frame by frame over the clip: what its faults, unjudged time and verdicts all come from."""

    check: Check
    evals: list[_LimitEval]
    in_phase: BoolArray
    view_ok: BoolArray
    judged: BoolArray
    violated: BoolArray


def visible(body: Body, landmarks: tuple[Landmark, ...]) -> BoolArray:
    """Frames where every one of ``landmarks`` is seen: visible enough and inside the picture (MediaPipe extrapolates
    points outside it, sometimes with a high visibility)."""
    columns = [int(lm) for lm in landmarks]
    with np.errstate(invalid="ignore"):
        seen = np.all(body.visibility[:, columns] >= MIN_VISIBILITY, axis=1)
    if body.outside_frame is not None:
        seen &= ~np.any(body.outside_frame[:, columns], axis=1)
    return np.asarray(seen, dtype=bool)


def check_view_ok(
    check: Check, exercise: Exercise, views: npt.NDArray[np.str_], features: Mapping[str, FloatArray]
) -> BoolArray:
    """Frames seen from a view ``check`` accepts. A check with its own ``side_view_min_yaw_deg`` below the exercise's
    also takes the oblique frames whose yaw reaches it, if the exercise's other side-view readings agree; one above
    the exercise's refuses the side frames whose yaw falls short of it (see :func:`_turned_off_side`)."""
    accepted = np.isin(views, [str(view) for view in check.views])
    if check.side_view_min_yaw_deg is None or View.SIDE not in check.views:
        return np.asarray(accepted, dtype=bool)
    yaw_deg = features.get("camera_yaw_deg")
    if yaw_deg is None:
        return np.asarray(accepted, dtype=bool)
    if check.side_view_min_yaw_deg > exercise.side_view_min_yaw_deg:
        return np.asarray(accepted & ~_turned_off_side(check, views, features), dtype=bool)
    with np.errstate(invalid="ignore"):
        near_side = (views == View.OBLIQUE.value) & (yaw_deg >= check.side_view_min_yaw_deg)
    for gate in exercise.side_view_requires:
        near_side &= ~gate.rejects(features[gate.feature])
    return np.asarray(accepted | near_side, dtype=bool)


def _turned_off_side(check: Check, views: npt.NDArray[np.str_], features: Mapping[str, FloatArray]) -> BoolArray:
    """Side frames a check with a stricter boundary than its exercise's refuses: the camera is turned a little off
    the side (an unknown yaw is not refused)."""
    gate = check.side_view_min_yaw_deg
    yaw_deg = features.get("camera_yaw_deg")
    if gate is None or yaw_deg is None:
        return np.zeros(len(views), dtype=bool)
    with np.errstate(invalid="ignore"):
        return np.asarray((views == View.SIDE.value) & (yaw_deg < gate), dtype=bool)


def _evaluate_limit(limit: Limit, threshold: float, frames: Frames) -> _LimitEval:
    values = frames.features[limit.feature]
    available = ~np.isnan(values) & visible(frames.body, FEATURES[limit.feature].landmarks(frames.body))
    with np.errstate(invalid="ignore"):
        broken = values > threshold if limit.kind == "max" else values < threshold
    return _LimitEval(limit, threshold, values, available, available & broken)


def _combine(check: Check, evals: list[_LimitEval]) -> tuple[BoolArray, BoolArray]:
    """(judgeable, violated) per frame."""
    judgeable = np.any([e.available for e in evals], axis=0)
    if check.combine == "all_available":
        agree = np.all([e.violated | ~e.available for e in evals], axis=0)
        return judgeable, judgeable & agree
    return judgeable, np.any([e.violated for e in evals], axis=0)


def _evaluate_check(check: Check, exercise: Exercise, frames: Frames, params: Mapping[str, float]) -> _CheckEval:
    evals = [_evaluate_limit(limit, params[limit.param], frames) for limit in check.limits]
    in_phase = np.isin(frames.track.phases, check.phases) & _situation(check, frames)
    view_ok = check_view_ok(check, exercise, frames.views, frames.features)
    judgeable, violated = _combine(check, evals)
    return _CheckEval(check, evals, in_phase, view_ok, in_phase & view_ok & judgeable, violated)


def judge(exercise: Exercise, frames: Frames, thresholds: Thresholds) -> Judgement:
    faults: list[FaultSpan] = []
    unjudged: list[UnjudgedTime] = []
    verdicts: list[CheckVerdict] = []
    not_checked: list[NotChecked] = []
    any_judged = np.zeros(len(frames.t_s), dtype=bool)
    for check in exercise.checks:
        if _not_applicable(check, frames):
            not_checked.append(NotChecked(check.code, check.not_applicable_reason or ""))
            continue
        params = thresholds[check.code]
        evaluation = _evaluate_check(check, exercise, frames, params)
        evals, in_phase, judged = evaluation.evals, evaluation.in_phase, evaluation.judged
        any_judged |= judged
        run_readings: list[_RunReadings] = []
        if check.aggregate == "frame":
            spans = _frame_faults(check, evals, judged & evaluation.violated, frames, params[DURATION_PARAM])
        else:
            run_readings = _aggregate_runs(check, evals, in_phase, judged, frames, params[DURATION_PARAM])
            spans = _aggregate_faults(check, run_readings, frames)
        faults.extend(spans)
        unjudged.extend(_unjudged(check, evals, in_phase & ~judged, evaluation.view_ok, frames, exercise))
        verdicts.extend(stretch_verdicts(evaluation, spans, run_readings, frames, exercise, params[DURATION_PARAM]))
    ordered = sorted(faults, key=lambda fault: (fault.start_s, fault.code))
    unfollowed = _unfollowed_motion(exercise, frames)
    return Judgement(
        faults=tuple(ordered),
        unjudged=tuple(unjudged) + ((unfollowed,) if unfollowed else ()),
        judged=any_judged,
        verdicts=tuple(verdicts),
        not_checked=tuple(not_checked),
    )


def _not_applicable(check: Check, frames: Frames) -> bool:
    """The check names a reason for sets it does not apply to, and this set's frames of its phases are all outside
    its ``only_when`` ranges."""
    if check.not_applicable_reason is None:
        return False
    in_phase = np.isin(frames.track.phases, check.phases)
    return bool(in_phase.any()) and not (in_phase & _situation(check, frames)).any()


def _unfollowed_motion(exercise: Exercise, frames: Frames) -> UnjudgedTime | None:
    """Why no rep or hold was found, when the motion could not be followed on most frames with a person: the joints
    its driver and gates need were hidden, or the camera saw the person from a view the motion cannot be followed
    from (every check is judged within reps and holds, so none says so itself)."""
    track, motion = frames.track, exercise.motion
    if track.reps if motion.counts_reps else track.holds:
        return None
    with_pose = ~np.isnan(frames.body.xy[:, :, 0]).all(axis=1)
    unfollowed = with_pose & np.isnan(track.progress)
    if not with_pose.any() or unfollowed.sum() <= 0.5 * with_pose.sum():
        return None
    features = (motion.driver, *(gate.feature for gate in motion.gates))
    joints, out_of_frame = hidden_joints(features, unfollowed, frames.body, min_share=0.5)
    if joints:
        reason, fix = hidden_joints_reason_and_fix(joints, out_of_frame)
    else:
        seen = most_common_view(frames.views[unfollowed])
        if seen is None or seen in motion.views:
            return None  # followed poorly for another reason (out of position, a gate's range): nothing to fix
        reason = f"cannot be followed from {_article(seen)} {seen} view"
        fix = _VIEW_FIX[motion.views[0]]
    what = REPS_ENTRY if motion.counts_reps else HOLDS_ENTRY
    return UnjudgedTime(what, reason, fix, seconds_of(unfollowed, frames.t_s))


def _situation(check: Check, frames: Frames) -> BoolArray:
    """Frames where the check's ``only_when`` ranges hold (NaN counts as holding: visibility gating decides), and,
    for ``after_first_rep`` checks, only once the first rep has ended."""
    ok = np.ones(len(frames.t_s), dtype=bool)
    for gate in check.only_when:
        ok &= ~gate.rejects(frames.features[gate.feature])
    if check.after_first_rep:
        ok[: frames.track.reps[0].stop if frames.track.reps else len(ok)] = False
    return ok


def _worst(evaluation: _LimitEval, start: int, stop: int, mask: BoolArray) -> float:
    window = evaluation.values[start:stop][mask[start:stop]]
    if window.size == 0:
        return float("nan")
    return float(np.max(window) if evaluation.limit.kind == "max" else np.min(window))


def _excess(evaluation: _LimitEval, value: float) -> float:
    if np.isnan(value):
        return float("-inf")
    return value - evaluation.threshold if evaluation.limit.kind == "max" else evaluation.threshold - value


def _merge_close(spans: list[tuple[int, int]], t_s: FloatArray) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, stop in spans:
        if merged and t_s[start] - t_s[merged[-1][1] - 1] <= MERGE_GAP_S:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def _frame_faults(
    check: Check, evals: list[_LimitEval], violation: BoolArray, frames: Frames, min_duration_s: float
) -> list[FaultSpan]:
    step = frame_step_s(frames.t_s)
    spans: list[FaultSpan] = []
    for start, stop in _merge_close(runs(violation), frames.t_s):
        end_s = span_end_s(frames.t_s, stop, step)
        if end_s - frames.t_s[start] < min_duration_s:
            continue
        worst = max(evals, key=lambda e: _excess(e, _worst(e, start, stop, e.violated)))
        value = _worst(worst, start, stop, worst.violated)
        spans.append(_span(check, start, stop, value, worst, frames, end_s))
    return spans


def _aggregate_faults(check: Check, run_readings: list[_RunReadings], frames: Frames) -> list[FaultSpan]:
    step = frame_step_s(frames.t_s)
    spans: list[FaultSpan] = []
    for run in run_readings:
        broken = _broken_reading(check, run.readings)
        if broken is not None:
            evaluation, value = broken
            end_s = span_end_s(frames.t_s, run.stop, step)
            spans.append(_span(check, run.start, run.stop, value, evaluation, frames, end_s))
    return spans


@dataclass(frozen=True)
class _RunReadings:
    """One run of a check's phases with each limit's aggregate over it; no readings (and why) when the run gets no
    verdict."""

    start: int
    stop: int
    readings: list[tuple[_LimitEval, float]]
    why_no_verdict: str = ""


def _aggregate_runs(
    check: Check, evals: list[_LimitEval], in_phase: BoolArray, judged: BoolArray, frames: Frames, min_duration_s: float
) -> list[_RunReadings]:
    result: list[_RunReadings] = []
    for start, stop in runs(in_phase):
        if check.aggregate == "rise_from_extreme" and stop == len(frames.t_s):
            # the clip ends before this run does: how the rise goes on cannot be told yet
            result.append(_RunReadings(start, stop, [], "the clip ends before this part of the rep does"))
            continue
        if check.aggregate == "rise_from_extreme" and (start == 0 or frames.track.states[start - 1] != "away"):
            # No way into this run was seen (the clip starts at the bar): the set-up there, where a lifter's hips drop
            # and rise again before the pull, cannot be told from the pull (a correct real lift read a 20° "rise").
            result.append(_RunReadings(start, stop, [], "the way down into this rep was not seen"))
            continue
        usable = judged[start:stop]
        # A verdict on a whole run needs enough of it judged, and for long enough: on real video a view change or
        # a tracking glitch leaves slivers of a phase (a frame or two) that must not decide anything.
        if usable.mean() < MIN_JUDGED_SHARE or seconds_of(usable, frames.t_s[start:stop]) < min_duration_s - 1e-9:
            result.append(_RunReadings(start, stop, [], "too little of this part of the rep could be judged"))
            continue
        depth = _rise_depth(check, frames, start, stop)
        readings = [(e, _aggregate_value(check, e, start, stop, usable, depth)) for e in evals]
        result.append(_RunReadings(start, stop, readings))
    return result


def _broken_reading(check: Check, readings: list[tuple[_LimitEval, float]]) -> tuple[_LimitEval, float] | None:
    """The reading that makes a run a fault, or None when it passes."""
    measured = [(e, value) for e, value in readings if not np.isnan(value)]
    broken = [(e, value) for e, value in measured if _excess(e, value) > 0]
    # "any": one broken limit decides; "all_available": every limit that could be measured must be broken.
    if not broken or (check.combine == "all_available" and len(broken) < len(measured)):
        return None
    return broken[0]


def _rise_depth(check: Check, frames: Frames, start: int, stop: int) -> FloatArray:
    """How deep each frame of the run is, for ``rise_from_extreme``: the motion's progress, or the negated
    ``rise_from_lowest`` feature. All NaN (no verdict) when that feature is unknown where the motion is deepest: then
    its lowest frame cannot be found (hips hidden behind the plate at the bar), and measuring from the lowest frame
    that happens to be seen turned a lifter's ordinary pull into a 25° "rise" on real clips."""
    progress = frames.track.progress[start:stop]
    if check.rise_from_lowest is None:
        return progress
    depth = -frames.features[check.rise_from_lowest][start:stop]
    if np.all(np.isnan(progress)) or np.isnan(depth[int(np.nanargmax(progress))]):
        return np.full(stop - start, np.nan)
    return depth


def _aggregate_value(
    check: Check, evaluation: _LimitEval, start: int, stop: int, usable: BoolArray, depth: FloatArray
) -> float:
    judged_values = np.where(usable, evaluation.values[start:stop], np.nan)
    if np.all(np.isnan(judged_values)):
        return float("nan")  # this limit could not be measured in the run (numpy would warn on an empty median)
    how = check.aggregate
    if how == "best":  # the reading most in the person's favour: near-max for a lower bound, near-min for an upper
        how = "max" if evaluation.limit.kind == "min" else "min"
    # A near-extreme percentile rather than the extreme itself, so one noisy frame cannot decide a whole run.
    if how == "max":
        return float(np.nanpercentile(judged_values, 100.0 - ROBUST_EXTREME_PERCENTILE))
    if how == "min":
        return float(np.nanpercentile(judged_values, ROBUST_EXTREME_PERCENTILE))
    if how == "median":
        return float(np.nanmedian(judged_values))
    # rise_from_extreme: how far the feature climbs after the deepest frame (largest ``depth``).
    seen_depth = usable & ~np.isnan(depth)
    if not np.any(seen_depth):
        return float("nan")
    deepest = int(np.nanargmax(np.where(usable, depth, np.nan)))
    if deepest > 0 and deepest == int(np.argmax(seen_depth)):
        # Deepest where the judged part of the run begins, after frames of the run that could not be judged (a camera
        # cut or a turn into the side view mid-rep): the lowest point may lie among them. A real lift read a 27°
        # "rise" from the first frame after a cut. (Deepest at the run's very first frame is the hips shooting up
        # as the bottom begins: that is the fault, and it is judged.)
        return float("nan")
    after = judged_values[deepest:]
    if np.isnan(judged_values[deepest]) or np.all(np.isnan(after)):
        return float("nan")
    return float(np.nanmax(after) - judged_values[deepest])


def _span(
    check: Check, start: int, stop: int, value: float, evaluation: _LimitEval, frames: Frames, end_s: float
) -> FaultSpan:
    return FaultSpan(
        code=check.code,
        start=start,
        stop=stop,
        start_s=float(frames.t_s[start]),
        end_s=end_s,
        value=value,
        threshold=evaluation.threshold,
        rep=rep_at(frames.track, start),
        feature=evaluation.limit.feature,
        kind=evaluation.limit.kind,
    )


def rep_at(track: MotionTrack, frame: int) -> int | None:
    """The rep a frame belongs to: the one containing it, else the last one finished before it (its lockout)."""
    latest: int | None = None
    for rep in track.reps:
        if rep.start <= frame < rep.stop:
            return rep.index
        if rep.stop <= frame:
            latest = rep.index
    return latest


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _unjudged(
    check: Check, evals: list[_LimitEval], missing: BoolArray, view_ok: BoolArray, frames: Frames, exercise: Exercise
) -> list[UnjudgedTime]:
    """At most one entry per check, so a report never says it could not judge the same check twice: the reason
    that kept it unjudged longest (the wrong view on a tie: turning is the first fix), for all its unjudged time."""
    entries = _unjudged_by_cause(check, evals, missing, view_ok, frames, exercise)
    if len(entries) < 2:
        return entries
    main = max(entries, key=lambda entry: entry.seconds)  # max keeps the first (the view) on a tie
    return [UnjudgedTime(main.check, main.reason, main.fix, sum(entry.seconds for entry in entries))]


def _unjudged_by_cause(
    check: Check, evals: list[_LimitEval], missing: BoolArray, view_ok: BoolArray, frames: Frames, exercise: Exercise
) -> list[UnjudgedTime]:
    entries: list[UnjudgedTime] = []
    wrong_view = missing & ~view_ok
    turned = wrong_view & _turned_off_side(check, frames.views, frames.features)
    if seconds_of(wrong_view, frames.t_s) >= MIN_UNJUDGED_S and turned.sum() >= (wrong_view & ~turned).sum():
        # Mostly side frames this check refuses: the camera is a little off the side, not on the wrong side.
        off_deg = 90.0 - (check.side_view_min_yaw_deg or 90.0)
        reason = f"needs the camera squarely side-on (within about {off_deg:.0f}°); it was turned a little off the side"
        fix = "turn so your side faces the camera squarely"
        entries.append(UnjudgedTime(check.code, reason, fix, seconds_of(wrong_view, frames.t_s)))
    elif seconds_of(wrong_view, frames.t_s) >= MIN_UNJUDGED_S:
        seen = frames.views[wrong_view]
        seen_text = ", ".join(sorted({str(v) for v in seen if v})) or "unknown"
        needed = " or ".join(str(view) for view in check.views)
        reason = f"needs {_article(needed)} {needed} view; the camera saw {_article(seen_text)} {seen_text} view"
        fix = _VIEW_FIX[check.views[0]]
        if not set(check.views) & set(exercise.motion.views):
            # Turning to that view would lose the reps themselves: say so instead of sending the person there.
            title = exercise.title.lower()
            reason = f"needs {_article(needed)} {needed} view, from which {_article(title)} {title} cannot be followed"
            fix = "formcheck cannot check this from any camera position yet: ask someone to watch for it"
        entries.append(UnjudgedTime(check.code, reason, fix, seconds_of(wrong_view, frames.t_s)))
    hidden = missing & view_ok
    if seconds_of(hidden, frames.t_s) >= MIN_UNJUDGED_S:
        reason, fix = _hidden_reason(evals, hidden, frames.body)
        entries.append(UnjudgedTime(check.code, reason, fix, seconds_of(hidden, frames.t_s)))
    return entries


def _hidden_reason(evals: list[_LimitEval], hidden: BoolArray, body: Body) -> tuple[str, str]:
    features = [e.limit.feature for e in evals]
    reads_outline = all(FEATURES[name].needs_back_bulge for name in features)
    if reads_outline and body.back_bulge is None:
        return NO_OUTLINE_REASON, NO_OUTLINE_FIX
    joints, out_of_frame = hidden_joints(features, hidden, body, min_share=HIDDEN_JOINT_MIN_SHARE)
    if joints:
        return hidden_joints_reason_and_fix(joints, out_of_frame)
    if reads_outline:
        return OUTLINE_LOST_REASON, OUTLINE_LOST_FIX
    joints, out_of_frame = hidden_joints(features, hidden, body, min_share=0.0)
    if not joints:
        return "the measurement could not be made (pose lost or outline missing)", "keep your whole body in view"
    return hidden_joints_reason_and_fix(joints, out_of_frame)


def hidden_joints(
    features: Sequence[str], frames: BoolArray, body: Body, min_share: float
) -> tuple[list[Joint], list[Joint] | None]:
    """Joints the ``features`` need that are hidden on more than ``min_share`` of ``frames``, and those of them that
    were mostly outside the picture there (None when that is unknown)."""
    joints: list[Joint] = []
    out_of_frame: list[Joint] = []
    for name in features:
        feature = FEATURES[name]
        for joint in (*feature.joints, *feature.placed):
            sides = (body.near,) if feature.sides == "near" else (body.near, body.far)
            landmarks = tuple(joint_landmark(joint, side) for side in sides)
            unseen = frames & ~visible(body, landmarks)
            if joint not in joints and np.any(unseen) and unseen.sum() > min_share * frames.sum():
                joints.append(joint)
                if body.outside_frame is not None and _mostly_outside(body.outside_frame, unseen, landmarks):
                    out_of_frame.append(joint)
    return joints, out_of_frame if body.outside_frame is not None else None


def _mostly_outside(outside_frame: BoolArray, frames: BoolArray, landmarks: tuple[Landmark, ...]) -> bool:
    columns = np.array([int(lm) for lm in landmarks], dtype=np.int64)
    return bool(np.mean(np.any(outside_frame[frames][:, columns], axis=1)) > 0.5)


def hidden_joints_reason_and_fix(joints: list[Joint], out_of_frame: list[Joint] | None = None) -> tuple[str, str]:
    """(reason, fix) for joints the camera cannot see: step back when they leave the picture, else unblock them.

    ``out_of_frame``: those of ``joints`` that lay outside the picture; None when unknown, then limbs (which are the
    ones that usually leave it) are taken to have left it."""
    plurals = [_JOINT_PLURAL[joint] for joint in joints]
    names = " and ".join(plurals) if len(plurals) < 3 else f"{', '.join(plurals[:-1])} and {plurals[-1]}"
    left = set(joints) & _OUT_OF_FRAME_JOINTS if out_of_frame is None else set(out_of_frame)
    if left:
        return f"{names} not visible", f"step back: {names} not visible"
    return f"{names} hidden from the camera", f"make sure nothing stands between the camera and your {names}"


def view_fix(view: View) -> str:
    """What the person can do so the camera sees them from ``view``."""
    return _VIEW_FIX[view]


# --- per rep and hold verdicts, passes included: what `formcheck analyze --explain` shows -------------------------


def stretches(track: MotionTrack) -> list[tuple[int, int]]:
    """Frames [start, stop) of each rep with the frames after it up to the next rep (where its lockout is judged, as
    :func:`rep_at` assigns them), then of each hold."""
    ends = [rep.start for rep in track.reps[1:]] + [len(track.states)]
    return [(rep.start, end) for rep, end in zip(track.reps, ends, strict=False)] + [
        (hold.start, hold.stop) for hold in track.holds
    ]


def stretch_verdicts(
    evaluation: _CheckEval,
    faults: list[FaultSpan],
    run_readings: list[_RunReadings],
    frames: Frames,
    exercise: Exercise,
    min_duration_s: float,
) -> list[CheckVerdict]:
    """How one check came out in each rep and hold, from the same evaluation its faults come from. A stretch where
    the check's phases and situation never occur gets no verdict."""
    verdicts: list[CheckVerdict] = []
    for start, stop in stretches(frames.track):
        verdict = _stretch_verdict(evaluation, faults, run_readings, (start, stop), frames, exercise, min_duration_s)
        if verdict is not None:
            verdicts.append(verdict)
    return verdicts


def _stretch_verdict(
    evaluation: _CheckEval,
    faults: list[FaultSpan],
    run_readings: list[_RunReadings],
    stretch: tuple[int, int],
    frames: Frames,
    exercise: Exercise,
    min_duration_s: float,
) -> CheckVerdict | None:
    (start, stop), check = stretch, evaluation.check
    inside = [Reading(f.feature, f.kind, f.threshold, f.value) for f in faults if start <= f.start < stop]
    if inside:
        return CheckVerdict(check.code, start, stop, "fault", max(inside, key=lambda reading: reading.excess))
    own_runs = [run for run in run_readings if start <= run.start < stop]
    if check.aggregate == "frame":
        reading, note = _frame_check_reading(evaluation, start, stop, min_duration_s)
    else:
        reading, note = _decisive_of_runs(check, own_runs), ""
    if reading is not None:
        return CheckVerdict(check.code, start, stop, "passed", reading, note=note)
    if not evaluation.in_phase[start:stop].any():
        return None
    missing = np.zeros(len(frames.t_s), dtype=bool)
    missing[start:stop] = evaluation.in_phase[start:stop] & ~evaluation.judged[start:stop]
    entries = _unjudged(check, evaluation.evals, missing, evaluation.view_ok, frames, exercise)
    if entries:
        return CheckVerdict(check.code, start, stop, "unjudged", reason=entries[0].reason, fix=entries[0].fix)
    why = next((run.why_no_verdict for run in own_runs if run.why_no_verdict), "the measurement could not be made")
    return CheckVerdict(check.code, start, stop, "unjudged", reason=why)


def _reading(evaluation: _LimitEval, value: float) -> Reading:
    return Reading(evaluation.limit.feature, evaluation.limit.kind, evaluation.threshold, value)


def _decisive(check: Check, readings: list[Reading]) -> Reading | None:
    """The reading a verdict turns on: the one nearest to (or furthest past) its limit for "any"; for
    "all_available", where every measured limit must be broken, the one furthest inside its limit."""
    measured = [reading for reading in readings if not np.isnan(reading.value)]
    if not measured:
        return None
    pick = min if check.combine == "all_available" else max
    return pick(measured, key=lambda reading: reading.excess)


def _decisive_of_runs(check: Check, own_runs: list[_RunReadings]) -> Reading | None:
    decisive = [_decisive(check, [_reading(e, value) for e, value in run.readings]) for run in own_runs]
    measured = [reading for reading in decisive if reading is not None]
    return max(measured, key=lambda reading: reading.excess) if measured else None


def _frame_check_reading(
    evaluation: _CheckEval, start: int, stop: int, min_duration_s: float
) -> tuple[Reading | None, str]:
    """The worst judged frame of a per-frame check over [start, stop), and, when it is past the limit without a
    fault, why that was none."""
    window = np.zeros(len(evaluation.judged), dtype=bool)
    window[start:stop] = evaluation.judged[start:stop]
    if not window.any():
        return None, ""
    check = evaluation.check
    readings = [_reading(e, _worst(e, start, stop, window & e.available)) for e in evaluation.evals]
    reading = _decisive(check, readings)
    if reading is None or reading.excess <= 0:
        return reading, ""
    note = f"past the limit for less than {min_duration_s:g} s at a time"
    if check.combine == "all_available":
        note += ", or without the other readings agreeing"
    return reading, note

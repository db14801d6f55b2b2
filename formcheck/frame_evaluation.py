"""Score an exercise's checks on labelled still frames (see :mod:`formcheck.frame_dataset`), per file and pooled.

A still has no duration, so each frame is judged on its own against the check's limit for the chosen profile: the
rule of a video that a fault must last ``min_duration_s`` before it is reported does not apply, nor do phases (every
labelled frame is a hold). A check judges a frame when its feature can be measured there (the joints are seen) and,
as in a video, when the camera view is one the check is judged from; frames seen from another view are "can't judge
from here", counted separately, and also scored with the view ignored to show what the measure itself does.

Scores per fault code: precision, recall and F1 over the frames the check judged, a frame labelled with the code's
label being a positive; and the share of frames labelled correct that get any of the scored cues.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from formcheck.analysis import exercise_views
from formcheck.evaluation import FaultScore, Rate
from formcheck.exercises import get_exercise, resolve_thresholds
from formcheck.exercises.spec import Check, Exercise
from formcheck.frame_dataset import DEFAULT_FRAME_SIZE, LabelledFrames, still_features
from formcheck.judge import check_view_ok
from formcheck.types import BoolArray, FloatArray, FormcheckError

CAMERA_YAW_FEATURE = "camera_yaw_deg"


@dataclass(frozen=True)
class FrameTask:
    """Which checks of ``exercise`` are scored, the label each one should fire on, and the label of good form."""

    exercise: str
    fault_labels: Mapping[str, str]  # check code -> label of the frames it should cue
    correct_label: str


PLANK_HIPS = FrameTask(exercise="plank", fault_labels={"hips_sag": "L", "hips_pike": "H"}, correct_label="C")


@dataclass(frozen=True)
class CheckVerdicts:
    """Per frame, for one check: ``measured`` (its joints seen), ``side_on`` (a view it is judged from) and
    ``cued`` (a limit broken, on measured frames)."""

    code: str
    measured: BoolArray
    side_on: BoolArray
    cued: BoolArray

    def judged(self, use_view: bool) -> BoolArray:
        return self.measured & self.side_on if use_view else self.measured


@dataclass(frozen=True)
class FileVerdicts:
    name: str
    labels: npt.NDArray[np.str_]
    checks: tuple[CheckVerdicts, ...]


def judge_frames(
    frames: LabelledFrames,
    task: FrameTask,
    profile: str = "standard",
    frame_size: tuple[int, int] = DEFAULT_FRAME_SIZE,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
) -> FileVerdicts:
    """Each scored check's verdict on every frame; ``thresholds`` replaces the profile's where given (by code)."""
    spec = get_exercise(task.exercise)
    checks = [spec.check(code) for code in task.fault_labels]
    names = sorted({limit.feature for check in checks for limit in check.limits} | {CAMERA_YAW_FEATURE})
    features = still_features(frames.landmarks, names, frame_size)
    views, _ = exercise_views(spec, features, np.ones(frames.num_frames, dtype=bool))
    params = {**resolve_thresholds(spec, profile), **(thresholds or {})}
    verdicts = tuple(_verdicts(check, spec, features, views, params[check.code]) for check in checks)
    return FileVerdicts(name=frames.name, labels=frames.labels, checks=verdicts)


def _verdicts(
    check: Check,
    spec: Exercise,
    features: Mapping[str, FloatArray],
    views: npt.NDArray[np.str_],
    params: Mapping[str, float],
) -> CheckVerdicts:
    if check.combine != "any":
        raise FormcheckError(f"{check.code}: only checks that fire on any broken limit can be judged on stills")
    measured = np.zeros(len(views), dtype=bool)
    cued = np.zeros(len(views), dtype=bool)
    for limit in check.limits:
        values = features[limit.feature]
        threshold = params[limit.param]
        with np.errstate(invalid="ignore"):
            broken = values > threshold if limit.kind == "max" else values < threshold
        measured |= ~np.isnan(values)
        cued |= broken & ~np.isnan(values)
    side_on = check_view_ok(check, spec, views, features)
    return CheckVerdicts(code=check.code, measured=measured, side_on=side_on, cued=cued)


# --------------------------------------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class FrameScores:
    """Scores over a set of frames (one file, or several pooled)."""

    frames: int
    faults: tuple[FaultScore, ...]
    correct_cued: Rate  # frames labelled correct and judged by some scored check that got any scored cue
    unjudged: Mapping[str, Rate]  # label -> frames no scored check judged, over the frames with that label
    hidden: Rate  # frames where no scored check could measure its feature (joints not seen), over all frames
    other_view: Rate  # frames measured but seen from a view no scored check is judged from, over all frames

    def fault(self, code: str) -> FaultScore:
        return next(score for score in self.faults if score.fault == code)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "frames": self.frames,
            "faults": [score.to_json_dict() for score in self.faults],
            "correct_cued": _rate_json(self.correct_cued),
            "unjudged": {label: _rate_json(rate) for label, rate in self.unjudged.items()},
            "hidden": _rate_json(self.hidden),
            "other_view": _rate_json(self.other_view),
        }


def score_frames(verdicts: Sequence[FileVerdicts], task: FrameTask, use_view: bool = True) -> FrameScores:
    """Scores of every frame of ``verdicts`` pooled; ``use_view``: judge only frames seen from the check's views."""
    labels = np.concatenate([file.labels for file in verdicts]) if verdicts else np.array([], dtype=np.str_)
    faults = []
    any_cue = np.zeros(len(labels), dtype=bool)
    any_judged = np.zeros(len(labels), dtype=bool)
    any_measured = np.zeros(len(labels), dtype=bool)
    for code, label in task.fault_labels.items():
        judged = _stack(verdicts, code, lambda check: check.judged(use_view))
        cued = judged & _stack(verdicts, code, lambda check: check.cued)
        positive = labels == label
        faults.append(
            FaultScore(
                exercise=task.exercise,
                fault=code,
                tp=int(np.sum(cued & positive)),
                fp=int(np.sum(cued & ~positive)),
                fn=int(np.sum(judged & ~cued & positive)),
                support=int(np.sum(judged & positive)),
            )
        )
        any_cue |= cued
        any_judged |= judged
        any_measured |= _stack(verdicts, code, lambda check: check.measured)
    correct = (labels == task.correct_label) & any_judged
    unjudged = {
        str(label): Rate(int(np.sum(~any_judged & (labels == label))), int(np.sum(labels == label)))
        for label in sorted(set(labels.tolist()))
    }
    return FrameScores(
        frames=len(labels),
        faults=tuple(faults),
        correct_cued=Rate(int(np.sum(any_cue & correct)), int(np.sum(correct))),
        unjudged=unjudged,
        hidden=Rate(int(np.sum(~any_measured)), len(labels)),
        other_view=Rate(int(np.sum(any_measured & ~any_judged)), len(labels)),
    )


def _stack(verdicts: Sequence[FileVerdicts], code: str, pick: Callable[[CheckVerdicts], BoolArray]) -> BoolArray:
    parts = [pick(next(check for check in file.checks if check.code == code)) for file in verdicts]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _rate_json(rate: Rate) -> dict[str, Any]:
    return {"hits": rate.hits, "total": rate.total, "rate": None if rate.rate is None else round(rate.rate, 4)}

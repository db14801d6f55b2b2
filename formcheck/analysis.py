"""One entry point from smoothed landmarks to a :class:`~formcheck.report.Report`; CLI, app and batch all call it.

Pipeline: features → (recognise the exercise) → phase machine → checks → reps, holds and faults. Pure numpy: no
model, video or UI imports, so it runs in milliseconds in tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from formcheck import geometry
from formcheck.equipment import EquipmentUse, for_equipment, validate_equipment
from formcheck.exercises import EXERCISES, Overrides, get_exercise, resolve_thresholds
from formcheck.exercises.spec import EQUIPMENT_AUTO, Exercise
from formcheck.features import FEATURES, Body, compute_features
from formcheck.geometry import View
from formcheck.judge import CheckVerdict, FaultSpan, Frames, Judgement, judge, stretches
from formcheck.recognize import LUNGE, NO_EXERCISE, PUSHUP, Recognition, recognize_exercise
from formcheck.report import ExerciseSource, Fault, FrameTable, Hold, NotChecked, Rep, Report, Unjudged, Verdict
from formcheck.reps import MotionTrack, frame_step_s, span_end_s, track_motion
from formcheck.types import FloatArray, PoseSequence

AUTO = "auto"


def analyze_sequence(
    seq: PoseSequence,
    exercise: str = AUTO,
    profile: str = "standard",
    overrides: Overrides | None = None,
    model_name: str = "full",
    equipment: str = EQUIPMENT_AUTO,
) -> Report:
    """Judge one clip. ``exercise``: a registered name or "auto"; ``overrides``: see :mod:`formcheck.exercises`;
    ``equipment``: what the person lifts with, or "auto" (see :mod:`formcheck.equipment`)."""
    validate_equipment(equipment)
    body = Body.from_sequence(seq)
    features = compute_features(body)
    t_s = np.asarray(seq.t_s, dtype=np.float64)
    _, clip_view = exercise_views(None, features, seq.has_pose())
    base = Report(
        exercise=None,
        exercise_source="given",
        recognition_confidence=None,
        view=clip_view,
        model=model_name,
        duration_s=_duration_s(t_s),
        frames_total=seq.num_frames,
        frames_with_pose=int(seq.has_pose().sum()),
        profile=profile,
    )
    source: ExerciseSource = "given"
    confidence: float | None = None
    if exercise == AUTO:
        recognition = recognize_exercise(features)
        if recognition.exercise is None:
            return _ask_to_choose(recognition, base, t_s, features)
        exercise, source, confidence = recognition.exercise, "recognised", recognition.confidence
    prepared = prepare_frames(seq, body, features, exercise, equipment)
    spec, frames, equipment_use = prepared.exercise, prepared.frames, prepared.equipment
    usable, track = frames.features, frames.track
    judgement = judge(spec, frames, resolve_thresholds(spec, profile, overrides))
    table = _frame_table(track, judgement, usable, t_s)
    return replace(
        base,
        exercise=spec.name,
        exercise_source=source,
        recognition_confidence=confidence,
        view=prepared.clip_view,
        reps=_reps(spec, track, judgement, usable, t_s),
        holds=_holds(track, table),
        faults=tuple(_fault(spec, span) for span in judgement.faults),
        unjudged=tuple(Unjudged(u.check, u.reason, u.fix, u.seconds) for u in judgement.unjudged),
        verdicts=_verdicts(track, judgement.verdicts),
        variant=_variant(spec, track, usable),
        frames=table,
        equipment=equipment if spec.equipment else None,
        equipment_used=equipment_use.used,
        not_checked=equipment_use.not_checked + judgement.not_checked + _unmeasured(spec),
    )


def _unmeasured(exercise: Exercise) -> tuple[NotChecked, ...]:
    return tuple(NotChecked(entry.code, entry.reason) for entry in exercise.unmeasured)


@dataclass(frozen=True)
class PreparedFrames:
    """A clip made ready for judging as one exercise: everything but the thresholds (so a threshold sweep reuses
    it, see :mod:`formcheck.calibration`)."""

    exercise: Exercise  # without the checks that do not apply to the equipment
    frames: Frames
    equipment: EquipmentUse
    clip_view: str


def prepare_frames(
    seq: PoseSequence, body: Body, features: Mapping[str, FloatArray], exercise: str, equipment: str
) -> PreparedFrames:
    t_s = np.asarray(seq.t_s, dtype=np.float64)
    spec, equipment_use = for_equipment(get_exercise(exercise), equipment, body, features, t_s)
    usable = _without_implausible_frames(spec, features)
    views, clip_view = exercise_views(spec, usable, seq.has_pose())
    track = track_motion(spec.motion, usable, t_s)
    frames = Frames(t_s=t_s, features=usable, views=views, body=body, track=track)
    return PreparedFrames(spec, frames, equipment_use, clip_view)


def _without_implausible_frames(spec: Exercise, features: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    """Every reading of a frame whose pose the exercise rules out (see ``Exercise.plausible``) becomes unknown."""
    implausible = np.zeros(len(features[spec.motion.driver]), dtype=bool)
    for gate in spec.plausible:
        implausible |= gate.rejects(features[gate.feature])
    if not implausible.any():  # the usual case: no copy of every feature (live analysis runs five times a second)
        return dict(features)
    return {name: np.where(implausible, np.nan, values) for name, values in features.items()}


def _duration_s(t_s: FloatArray) -> float:
    return float(t_s[-1] - t_s[0] + frame_step_s(t_s)) if len(t_s) else 0.0


def exercise_views(
    spec: Exercise | None, features: Mapping[str, FloatArray], has_pose: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.str_], str]:
    """Per-frame view for judging ``spec`` (None: before the exercise is known) and the clip's most common view.

    A frame counts as a side view when the estimated camera yaw reaches the exercise's side-view boundary and its
    ``side_view_requires`` readings agree; otherwise it is oblique.
    """
    side_min = geometry.SIDE_VIEW_MIN_YAW_DEG if spec is None else spec.side_view_min_yaw_deg
    views, _ = geometry.classify_view(features["camera_yaw_deg"], side_min)
    for gate in () if spec is None else spec.side_view_requires:
        views = np.where((views == View.SIDE.value) & gate.rejects(features[gate.feature]), View.OBLIQUE.value, views)
    return views, geometry.most_common_view(views[has_pose]) or "unknown"


# What the person is told when the clip shows something formcheck does not check (recognize.UNSUPPORTED).
UNSUPPORTED_MESSAGES = {
    PUSHUP: "This looks like a push-up — formcheck doesn't check push-ups yet.",
    LUNGE: "This looks like a lunge — formcheck doesn't check lunges yet.",
    NO_EXERCISE: "No exercise found: this looks like standing, walking or lying still.",
}


def choose_message(unsupported: str | None) -> str:
    """What to tell the person when no exercise was recognised: what the clip looks like if that is known, never a
    guess below the confidence threshold, and the exercises they can choose."""
    choices = ", ".join(name.replace("_", " ") for name in EXERCISES)
    said = UNSUPPORTED_MESSAGES[unsupported] if unsupported is not None else "Not sure which exercise this is."
    return f"{said} Please choose the exercise yourself if it is one of: {choices}."


def _ask_to_choose(
    recognition: Recognition, base: Report, t_s: FloatArray, features: Mapping[str, FloatArray]
) -> Report:
    empty = np.zeros(len(t_s), dtype=np.int64)
    table = FrameTable(t_s, np.full(len(t_s), "", dtype="<U1"), empty, ((),) * len(t_s), features)
    return replace(
        base,
        exercise_source="recognised",
        # A confidence is reported only for what recognition names (an unsupported exercise), never for an unsure
        # guess.
        recognition_confidence=recognition.confidence if recognition.unsupported is not None else None,
        message=choose_message(recognition.unsupported),
        unsupported=recognition.unsupported,
        candidates=dict(recognition.scores),
        frames=table,
    )


def _fault(spec: Exercise, span: FaultSpan) -> Fault:
    check = spec.check(span.code)
    feature = FEATURES[span.feature]
    return Fault(
        code=span.code,
        start_s=span.start_s,
        end_s=span.end_s,
        rep=span.rep,
        severity=str(check.severity),
        cue=check.cue,
        value=span.value,
        threshold=span.threshold,
        why=check.why,
        feature=span.feature,
        unit=feature.unit,
        limit=span.kind,
        aggregate=check.aggregate,
        phases=check.phases,
        reference=feature.reference,
    )


def _verdicts(track: MotionTrack, verdicts: tuple[CheckVerdict, ...]) -> tuple[Verdict, ...]:
    """The judge's per-stretch verdicts named by rep number or hold number (see :func:`formcheck.judge.stretches`)."""
    spans = stretches(track)
    reps = {span: rep.index for span, rep in zip(spans, track.reps, strict=False)}
    holds = {span: number for number, span in enumerate(spans[len(track.reps) :], start=1)}
    named: list[Verdict] = []
    for verdict in verdicts:
        span = (verdict.start, verdict.stop)
        reading = verdict.reading
        named.append(
            Verdict(
                check=verdict.check,
                rep=reps.get(span),
                hold=None if span in reps else holds.get(span),
                status=verdict.status,
                feature=reading.feature if reading else "",
                unit=FEATURES[reading.feature].unit if reading else "",
                limit=reading.kind if reading else "",
                value=reading.value if reading else float("nan"),
                threshold=reading.threshold if reading else float("nan"),
                reason=verdict.reason,
                fix=verdict.fix,
                note=verdict.note,
            )
        )
    return tuple(named)


def _reps(
    spec: Exercise, track: MotionTrack, judgement: Judgement, features: Mapping[str, FloatArray], t_s: FloatArray
) -> tuple[Rep, ...]:
    step = frame_step_s(t_s)
    reps: list[Rep] = []
    for span in track.reps:
        codes = sorted({fault.code for fault in judgement.faults if fault.rep == span.index})
        metrics: dict[str, float] = {"duration_s": span_end_s(t_s, span.stop, step) - float(t_s[span.start])}
        phases = track.phases[span.start : span.stop]
        for metric in spec.metrics:
            chosen = np.isin(phases, metric.phases) if metric.phases else np.ones(len(phases), dtype=bool)
            values = features[metric.feature][span.start : span.stop][chosen]
            metrics[metric.name] = _aggregate(values, metric.aggregate)
        reps.append(
            Rep(
                index=span.index,
                start_s=float(t_s[span.start]),
                end_s=span_end_s(t_s, span.stop, step),
                side=span.side,
                faults=tuple(codes),
                metrics=metrics,
                judged=bool(judgement.judged[span.start : span.stop].any()),
            )
        )
    return tuple(reps)


def _aggregate(values: FloatArray, how: str) -> float:
    if values.size == 0 or np.all(np.isnan(values)):
        return float("nan")
    if how == "max":
        return float(np.nanmax(values))
    if how == "min":
        return float(np.nanmin(values))
    return float(np.nanmean(values))


def _holds(track: MotionTrack, table: FrameTable) -> tuple[Hold, ...]:
    """Holds with the time that could be judged and the good-form part of it, by the frame table's one definition
    (:meth:`FrameTable.good_form_frames`), which the annotated video and the live coach count with too."""
    t_s, durations = table.t_s, table.durations_s()
    good, judged = table.good_form_frames(), table.judged_frames()
    return tuple(
        Hold(
            start_s=float(t_s[hold.start]),
            end_s=span_end_s(t_s, hold.stop, frame_step_s(t_s)),
            good_form_s=float(np.sum(durations[hold.start : hold.stop][good[hold.start : hold.stop]])),
            judged_s=float(np.sum(durations[hold.start : hold.stop][judged[hold.start : hold.stop]])),
            side=hold.side,
        )
        for hold in track.holds
    )


def _variant(spec: Exercise, track: MotionTrack, features: Mapping[str, FloatArray]) -> str | None:
    if spec.variant is None:
        return None
    active = features[spec.variant.feature][track.states == "active"]
    if active.size == 0 or np.all(np.isnan(active)):
        return None
    return spec.variant.above if float(np.nanmedian(active)) > spec.variant.split else spec.variant.below


def _frame_table(
    track: MotionTrack, judgement: Judgement, features: Mapping[str, FloatArray], t_s: FloatArray
) -> FrameTable:
    rep_numbers = np.zeros(len(t_s), dtype=np.int64)
    for rep in track.reps:
        rep_numbers[rep.start : rep.stop] = rep.index
    active: list[list[str]] = [[] for _ in range(len(t_s))]
    for fault in judgement.faults:
        for frame in range(fault.start, fault.stop):
            if fault.code not in active[frame]:
                active[frame].append(fault.code)
    codes = tuple(tuple(frame_codes) for frame_codes in active)
    return FrameTable(t_s, track.phases, rep_numbers, codes, features, form_judged=judgement.judged)

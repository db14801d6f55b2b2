"""Score formcheck against labelled clips: per exercise × fault precision/recall/F1, rep counts, false cues.

Two sources of truth:

* a folder of rendered clips, each with ``CLIP.truth.json`` beside it (schema ``formcheck.truth/1``: exact reps,
  planted faults with magnitudes, camera yaw);
* a manifest CSV (``../shared/real_clips/manifest.csv`` format: ``file, exercise, label, view``) where ``label`` is
  ``correct``, fault codes joined by ``;``, ``incorrect`` (some fault, type not given) or ``unlabeled`` (skipped).

Scoring is clip-level: a fault is predicted for a clip if the report names it anywhere. ``incorrect`` clips count only
in the any-fault metric. The scoring functions are pure (predictions in, numbers out); :func:`cached_landmarks` is the
one place that runs the model, and it caches raw landmarks per clip so re-tuning thresholds costs seconds.
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from formcheck.files import file_sha256
from formcheck.geometry import View
from formcheck.report import Report
from formcheck.types import FormcheckError, PoseSequence

# Bump when the extractor's output changes meaning, so stale cached landmarks are not reused.
# Bump whenever extraction changes what it stores (2: crowd probe on key frames, landmarker pool; 3: rotated-retry
# back-off, which changes frames near a lost pose; 4: the back outline is measured on crowd clips too; 5: every
# video starts on a fresh VIDEO-mode landmarker, so visibilities no longer depend on the clip analysed before).
CACHE_VERSION = "5"
VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".avi", ".mkv")
ANY_FAULT = "any_fault"
UNKNOWN_SOURCE, RENDERED_SOURCE = "unknown", "rendered"
ALL_EXERCISES, ALL_FAULTS = "all", "all_faults"
# Rendered clips: the nominal view from the truth file's camera yaw (0 = exact side), as issue 4 point 8 buckets it.
SIDE_MAX_YAW_DEG = 20.0
# Manifest and truth views of a camera placed as a side-view exercise asks ("oblique": a little off the side).
SIDE_ISH_VIEWS = frozenset({"side", "oblique"})
# A hold found matches a true one when it starts and ends within this of it and, where the truth names a side (the
# side plank's side that is down), names the same side.
HOLD_TOLERANCE_S = 0.5


@dataclass(frozen=True)
class TimedHold:
    """A hold as a clip's truth or formcheck's report gives it: seconds, and its side where it has one."""

    start_s: float
    end_s: float
    side: str | None = None

    def matches(self, truth: TimedHold) -> bool:
        """Within :data:`HOLD_TOLERANCE_S` of the true hold at both ends, and on its side when it names one."""
        on_time = abs(self.start_s - truth.start_s) <= HOLD_TOLERANCE_S and abs(self.end_s - truth.end_s) <= (
            HOLD_TOLERANCE_S
        )
        return on_time and (truth.side is None or self.side == truth.side)


@dataclass(frozen=True)
class LabelledClip:
    """One clip and what is known about it.

    ``faults``: the fault codes truly present (``None`` when a fault is known but not its type: ``incorrect``).
    ``ignored``: codes neither rewarded nor penalised (planted below the magnitude that counts).
    ``reps``: the true rep count, ``None`` when unknown; ``holds``: the true holds, ``None`` when unknown.
    """

    path: Path
    exercise: str
    faults: frozenset[str] | None
    view: str = ""
    reps: int | None = None
    ignored: frozenset[str] = frozenset()
    camera_yaw_deg: float | None = None
    name: str = ""
    labelled: bool = True  # False: exercise known, form not (manifest "unlabeled"): recognition and reps only
    # Where the clip comes from (manifest ``source`` or ``source_repo``; "rendered" for truth files): figures are
    # reported per source, because a figure tuned on one source says little about the next.
    source: str = ""
    holds: tuple[TimedHold, ...] | None = None

    @property
    def clean(self) -> bool:
        return self.labelled and self.faults is not None and not self.faults

    @property
    def faulty(self) -> bool:
        return self.labelled and (self.faults is None or bool(self.faults))


@dataclass(frozen=True)
class Prediction:
    """What formcheck said about one clip, reduced to what scoring needs."""

    exercise: str | None  # None: no pose found, or recognition unsure
    faults: frozenset[str]
    cues: int  # fault spans reported (each one is a cue the person would hear)
    reps: int
    unjudged_checks: frozenset[str]
    checks: int  # checks of the judged exercise
    recognition_confidence: float | None = None
    frames_with_pose: int = 0
    error: str | None = None
    recognised: str | None = None  # what --exercise auto recognised (None: unsure or no pose)
    # what --exercise auto named as an exercise formcheck does not check (formcheck.recognize.UNSUPPORTED)
    unsupported: str | None = None
    holds: tuple[TimedHold, ...] | None = ()  # None: not reported (the live coach times holds but keeps no spans)
    # the checks of the judged exercise that a side view can judge (the unjudged share on side-ish cameras counts these)
    side_view_checks: frozenset[str] = frozenset()
    # the checks that gave a verdict (a fault or a pass) in some rep or hold; None: not known (the live replay)
    judged_checks: frozenset[str] | None = None

    @classmethod
    def from_report(cls, report: Report, recognised: Report | None = None) -> Prediction:
        """``recognised``: the same clip judged with ``exercise="auto"`` (default: ``report`` itself)."""
        from formcheck.exercises import get_exercise  # noqa: PLC0415

        not_checked = {entry.check for entry in report.not_checked}  # neither judged nor unjudged
        checks = (
            [c for c in get_exercise(report.exercise).checks if c.code not in not_checked] if report.exercise else []
        )
        codes = {check.code for check in checks}
        return cls(
            exercise=report.exercise,
            faults=frozenset(f.code for f in report.faults),
            cues=len(report.faults),
            reps=len(report.reps),
            # (an entry for reps or holds that could not be followed is not a check)
            unjudged_checks=frozenset(u.check for u in report.unjudged if u.check in codes),
            checks=len(codes),
            recognition_confidence=report.recognition_confidence,
            frames_with_pose=report.frames_with_pose,
            recognised=(recognised or report).exercise,
            unsupported=(recognised or report).unsupported,
            holds=tuple(TimedHold(hold.start_s, hold.end_s, hold.side) for hold in report.holds),
            side_view_checks=frozenset(check.code for check in checks if View.SIDE in check.views),
            judged_checks=frozenset(v.check for v in report.verdicts if v.status != "unjudged" and v.check in codes),
        )


@dataclass(frozen=True)
class FaultScore:
    exercise: str
    fault: str
    tp: int
    fp: int
    fn: int
    support: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "fault": self.fault,
            "precision": _rounded(self.precision),
            "recall": _rounded(self.recall),
            "f1": _rounded(self.f1),
            "support": self.support,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(frozen=True)
class Rate:
    hits: int
    total: int

    @property
    def rate(self) -> float | None:
        return _ratio(self.hits, self.total)


@dataclass(frozen=True)
class Scores:
    per_fault: tuple[FaultScore, ...]
    any_fault: tuple[FaultScore, ...]  # per exercise: "some fault" predicted vs labelled faulty (incl. incorrect)
    rep_count_exact: Rate
    clean_clips: int
    clean_clips_with_cues: int
    clean_clip_cues: int
    unjudged_checks: Rate  # (clip, check) pairs with some unjudged time, over all judged pairs
    unjudged_clips: Rate  # clips where nothing was judged (no pose, exercise not recognised, no check's verdict)
    recognition: Rate  # recognised exercise == labelled exercise, over clips of the registered exercises
    recognition_unsure: Rate
    errors: int
    by_exercise_clean: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # exercise -> (clips, with cues)
    by_exercise_reps: Mapping[str, Rate] = field(default_factory=dict)  # exercise -> exact rep counts / clips known
    by_exercise_unjudged: Mapping[str, Rate] = field(default_factory=dict)  # exercise -> unjudged_checks of its clips
    # On clips filmed from the side or a little off it (SIDE_ISH_VIEWS): (clip, side-view check) pairs with some
    # unjudged time, over those pairs, per exercise — what a home camera placed as asked leaves unjudged.
    by_exercise_side_unjudged: Mapping[str, Rate] = field(default_factory=dict)
    # clips of exercises formcheck does not check that recognition named as unsupported (any kind) / as their own
    unsupported_refused: Rate = Rate(0, 0)
    unsupported_named: Rate = Rate(0, 0)
    # clips whose holds were all found, each on time and on its side (TimedHold.matches), over clips with true holds
    holds_on_time: Rate = Rate(0, 0)
    by_exercise_holds: Mapping[str, Rate] = field(default_factory=dict)

    @property
    def side_unjudged_checks(self) -> Rate:
        """``by_exercise_side_unjudged`` over every exercise."""
        rates = self.by_exercise_side_unjudged.values()
        return Rate(sum(rate.hits for rate in rates), sum(rate.total for rate in rates))

    @property
    def pooled(self) -> FaultScore:
        """Every (clip, fault code) decision of ``per_fault`` counted together (micro-average)."""
        return FaultScore(
            ALL_EXERCISES,
            ALL_FAULTS,
            sum(row.tp for row in self.per_fault),
            sum(row.fp for row in self.per_fault),
            sum(row.fn for row in self.per_fault),
            sum(row.support for row in self.per_fault),
        )

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "per_fault": [row.to_json_dict() for row in self.per_fault],
            "any_fault": [row.to_json_dict() for row in self.any_fault],
            "pooled_faults": self.pooled.to_json_dict(),
            "rep_count_exact": {
                **_rate_json(self.rep_count_exact),
                "by_exercise": {name: _rate_json(rate) for name, rate in sorted(self.by_exercise_reps.items())},
            },
            "clean_clip_false_cues": {
                "clips": self.clean_clips,
                "clips_with_cues": self.clean_clips_with_cues,
                "cues": self.clean_clip_cues,
                "rate": _rounded(_ratio(self.clean_clips_with_cues, self.clean_clips)),
                "by_exercise": {
                    name: {"clips": clips, "clips_with_cues": cued}
                    for name, (clips, cued) in sorted(self.by_exercise_clean.items())
                },
            },
            "unjudged_rate": _rounded(self.unjudged_checks.rate),
            "unjudged_checks": _rate_json(self.unjudged_checks),
            "unjudged_checks_by_exercise": {
                name: _rate_json(rate) for name, rate in sorted(self.by_exercise_unjudged.items())
            },
            "side_view_unjudged_checks": {
                **_rate_json(self.side_unjudged_checks),
                "views": sorted(SIDE_ISH_VIEWS),
                "by_exercise": {
                    name: _rate_json(rate) for name, rate in sorted(self.by_exercise_side_unjudged.items())
                },
            },
            "unjudged_clips": _rate_json(self.unjudged_clips),
            "recognition_accuracy": _rate_json(self.recognition),
            "recognition_unsure": _rate_json(self.recognition_unsure),
            "unsupported_refused": _rate_json(self.unsupported_refused),
            "unsupported_named": _rate_json(self.unsupported_named),
            "holds_on_time": {
                **_rate_json(self.holds_on_time),
                "tolerance_s": HOLD_TOLERANCE_S,
                "by_exercise": {name: _rate_json(rate) for name, rate in sorted(self.by_exercise_holds.items())},
            },
            "errors": self.errors,
        }


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _rate_json(rate: Rate) -> dict[str, Any]:
    return {"hits": rate.hits, "total": rate.total, "rate": _rounded(rate.rate)}


# --------------------------------------------------------------------------------------------------- scoring (pure)


def score(
    pairs: Sequence[tuple[LabelledClip, Prediction]],
    known_exercises: Iterable[str] = (),
    fault_codes: Mapping[str, Sequence[str]] | None = None,
) -> Scores:
    """Clip-level scores. ``known_exercises``: the ones formcheck can recognise (recognition accuracy is over those);
    ``fault_codes``: per exercise, codes to list even when no clip has or predicts them."""
    known = set(known_exercises)
    ok = [(clip, pred) for clip, pred in pairs if pred.error is None]
    return Scores(
        per_fault=_per_fault(ok, fault_codes or {}),
        any_fault=_any_fault(ok),
        rep_count_exact=Rate(
            sum(1 for clip, pred in ok if clip.reps is not None and clip.reps == pred.reps),
            sum(1 for clip, _ in ok if clip.reps is not None),
        ),
        clean_clips=sum(1 for clip, _ in ok if clip.clean),
        clean_clips_with_cues=sum(1 for clip, pred in ok if clip.clean and pred.cues > 0),
        clean_clip_cues=sum(pred.cues for clip, pred in ok if clip.clean),
        unjudged_checks=Rate(sum(len(pred.unjudged_checks) for _, pred in ok), sum(pred.checks for _, pred in ok)),
        unjudged_clips=Rate(sum(1 for _, pred in ok if _nothing_judged(pred)), len(ok)),
        recognition=Rate(
            sum(1 for clip, pred in ok if clip.exercise in known and pred.recognised == clip.exercise),
            sum(1 for clip, _ in ok if clip.exercise in known),
        ),
        recognition_unsure=Rate(
            sum(1 for clip, pred in ok if clip.exercise in known and pred.recognised is None),
            sum(1 for clip, _ in ok if clip.exercise in known),
        ),
        errors=len(pairs) - len(ok),
        by_exercise_clean=_clean_by_exercise(ok),
        by_exercise_reps=_reps_by_exercise(ok),
        by_exercise_unjudged=_unjudged_by_exercise(ok),
        by_exercise_side_unjudged=_side_unjudged_by_exercise(ok),
        **_unsupported_scores(ok, known),
        holds_on_time=_holds_on_time(_holds_by_exercise(ok)),
        by_exercise_holds=_holds_by_exercise(ok),
    )


def _holds_on_time(by_exercise: Mapping[str, Rate]) -> Rate:
    return Rate(sum(rate.hits for rate in by_exercise.values()), sum(rate.total for rate in by_exercise.values()))


def _holds_by_exercise(pairs: Sequence[tuple[LabelledClip, Prediction]]) -> dict[str, Rate]:
    """Per exercise, clips with true holds whose holds formcheck found one for one, in order, each on time and on
    its side (:meth:`TimedHold.matches`)."""

    def found(clip: LabelledClip, pred: Prediction) -> tuple[int, int] | None:
        if clip.holds is None or pred.holds is None:
            return None
        matched = len(pred.holds) == len(clip.holds) and all(
            mine.matches(true) for mine, true in zip(pred.holds, clip.holds, strict=True)
        )
        return int(matched), 1

    return _rate_by_exercise(pairs, found)


def _unsupported_scores(pairs: Sequence[tuple[LabelledClip, Prediction]], known: set[str]) -> dict[str, Rate]:
    """Clips of exercises formcheck does not check (push-ups, lunges): refused when recognition said "not one
    formcheck checks" instead of judging them as the nearest exercise; named when it also said which."""
    others = [(clip, pred) for clip, pred in pairs if known and clip.exercise not in known]
    return {
        "unsupported_refused": Rate(sum(1 for _, pred in others if pred.unsupported is not None), len(others)),
        "unsupported_named": Rate(sum(1 for clip, pred in others if pred.unsupported == clip.exercise), len(others)),
    }


def _nothing_judged(pred: Prediction) -> bool:
    """No exercise, or no check gave a verdict anywhere in the clip (without verdicts: every check had unjudged
    time)."""
    if pred.exercise is None:
        return True
    if pred.faults or pred.checks == 0:
        return False
    if pred.judged_checks is not None:
        return not pred.judged_checks
    return len(pred.unjudged_checks) >= pred.checks


def _per_fault(
    pairs: Sequence[tuple[LabelledClip, Prediction]], fault_codes: Mapping[str, Sequence[str]]
) -> tuple[FaultScore, ...]:
    codes: dict[str, set[str]] = {name: set(values) for name, values in fault_codes.items()}
    for clip, pred in pairs:
        if clip.faults is None or not clip.labelled:
            continue
        codes.setdefault(clip.exercise, set()).update(clip.faults)
        codes[clip.exercise].update(pred.faults)
    rows: list[FaultScore] = []
    for exercise in sorted(codes):
        labelled = [(c, p) for c, p in pairs if c.exercise == exercise and c.faults is not None and c.labelled]
        if not labelled:
            continue
        for code in sorted(codes[exercise]):
            outcomes = [
                (code in (clip.faults or ()), code in pred.faults)
                for clip, pred in labelled
                if code not in clip.ignored
            ]
            rows.append(_score(exercise, code, outcomes))
    return tuple(rows)


def _score(exercise: str, fault: str, outcomes: Sequence[tuple[bool, bool]]) -> FaultScore:
    """Confusion counts from (truly faulty, fault reported) pairs."""
    tp = sum(truth and said for truth, said in outcomes)
    fp = sum(said and not truth for truth, said in outcomes)
    fn = sum(truth and not said for truth, said in outcomes)
    return FaultScore(exercise, fault, tp, fp, fn, sum(truth for truth, _ in outcomes))


def _any_fault(pairs: Sequence[tuple[LabelledClip, Prediction]]) -> tuple[FaultScore, ...]:
    rows: list[FaultScore] = []
    for exercise in sorted({clip.exercise for clip, _ in pairs if clip.labelled}):
        outcomes = [
            (clip.faulty, bool(pred.faults - clip.ignored))
            for clip, pred in pairs
            if clip.exercise == exercise and clip.labelled and not _only_ignored_faults(clip)
        ]
        rows.append(_score(exercise, ANY_FAULT, outcomes))
    return tuple(rows)


def _only_ignored_faults(clip: LabelledClip) -> bool:
    """A clip whose only faults are below the magnitude that counts is neither faulty nor clean here."""
    return bool(clip.faults) and clip.faults is not None and clip.faults <= clip.ignored


def _clean_by_exercise(pairs: Sequence[tuple[LabelledClip, Prediction]]) -> dict[str, tuple[int, int]]:
    result: dict[str, tuple[int, int]] = {}
    for clip, pred in pairs:
        if clip.clean:
            clips, cued = result.get(clip.exercise, (0, 0))
            result[clip.exercise] = (clips + 1, cued + (pred.cues > 0))
    return result


def _rate_by_exercise(
    pairs: Sequence[tuple[LabelledClip, Prediction]],
    count: Callable[[LabelledClip, Prediction], tuple[int, int] | None],
) -> dict[str, Rate]:
    """Per labelled exercise, the sum of ``count``'s (hits, total) over its clips (None: the clip does not count)."""
    result: dict[str, Rate] = {}
    for clip, pred in pairs:
        counted = count(clip, pred)
        if counted is not None:
            known = result.get(clip.exercise, Rate(0, 0))
            result[clip.exercise] = Rate(known.hits + counted[0], known.total + counted[1])
    return result


def _reps_by_exercise(pairs: Sequence[tuple[LabelledClip, Prediction]]) -> dict[str, Rate]:
    return _rate_by_exercise(pairs, lambda clip, pred: None if clip.reps is None else (int(pred.reps == clip.reps), 1))


def _unjudged_by_exercise(pairs: Sequence[tuple[LabelledClip, Prediction]]) -> dict[str, Rate]:
    """Per labelled exercise: (clip, check) pairs with some unjudged time, over the pairs judged."""
    return _rate_by_exercise(
        pairs, lambda _, pred: (len(pred.unjudged_checks), pred.checks) if pred.checks > 0 else None
    )


def _side_unjudged_by_exercise(pairs: Sequence[tuple[LabelledClip, Prediction]]) -> dict[str, Rate]:
    """Per labelled exercise, on clips filmed from a side-ish view: side-view checks with some unjudged time, over
    the side-view checks judged."""

    def side_unjudged(clip: LabelledClip, pred: Prediction) -> tuple[int, int] | None:
        if clip.view not in SIDE_ISH_VIEWS or not pred.side_view_checks:
            return None
        return len(pred.unjudged_checks & pred.side_view_checks), len(pred.side_view_checks)

    return _rate_by_exercise(pairs, side_unjudged)


@dataclass(frozen=True)
class SourceScore:
    """How formcheck did on the clips of one source: the false-cue rate on its clean clips, and whether its faulty
    clips were flagged at all (any fault)."""

    source: str
    clips: int
    clean_clips: int
    clean_clips_with_cues: int
    faulty_clips: int
    faulty_clips_flagged: int

    @property
    def false_cue_rate(self) -> float | None:
        return _ratio(self.clean_clips_with_cues, self.clean_clips)

    @property
    def flagged_rate(self) -> float | None:
        return _ratio(self.faulty_clips_flagged, self.faulty_clips)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "clips": self.clips,
            "clean_clips": self.clean_clips,
            "clean_clips_with_cues": self.clean_clips_with_cues,
            "false_cue_rate": _rounded(self.false_cue_rate),
            "faulty_clips": self.faulty_clips,
            "faulty_clips_flagged": self.faulty_clips_flagged,
            "flagged_rate": _rounded(self.flagged_rate),
        }


def score_by_source(pairs: Sequence[tuple[LabelledClip, Prediction]]) -> tuple[SourceScore, ...]:
    """Per source (sorted by name): clean clips with any cue, faulty clips with any fault reported."""
    ok = [(clip, pred) for clip, pred in pairs if pred.error is None and clip.labelled]
    rows = []
    for source in sorted({clip.source for clip, _ in ok}):
        mine = [(clip, pred) for clip, pred in ok if clip.source == source]
        faulty = [(clip, pred) for clip, pred in mine if clip.faulty and not _only_ignored_faults(clip)]
        rows.append(
            SourceScore(
                source=source,
                clips=len(mine),
                clean_clips=sum(1 for clip, _ in mine if clip.clean),
                clean_clips_with_cues=sum(1 for clip, pred in mine if clip.clean and pred.cues > 0),
                faulty_clips=len(faulty),
                faulty_clips_flagged=sum(1 for clip, pred in faulty if pred.faults - clip.ignored),
            )
        )
    return tuple(rows)


# ------------------------------------------------------------------------------------------------- reading labels


def load_manifest(path: Path, include_unlabeled: bool = False) -> list[LabelledClip]:
    """Rows of a labelled manifest, paths relative to its folder. ``unlabeled`` rows are skipped unless
    ``include_unlabeled`` (then they count for recognition and are listed, never in fault scores)."""
    clips: list[LabelledClip] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"file", "exercise", "label"} - set(reader.fieldnames or ())
        if missing:
            raise FormcheckError(f"{path}: manifest lacks column(s) {', '.join(sorted(missing))}")
        for row in reader:
            label = (row.get("label") or "").strip()
            unlabeled = not label or label == "unlabeled"
            if unlabeled and not include_unlabeled:
                continue
            faults = None if unlabeled else _faults_of_label(label)
            file = row["file"].strip()
            clips.append(
                LabelledClip(
                    path=path.parent / file,
                    exercise=row["exercise"].strip(),
                    faults=faults,
                    view=(row.get("view") or "").strip(),
                    reps=_rep_count(path, file, row.get("reps")),
                    name=file,
                    labelled=not unlabeled,
                    source=(row.get("source") or row.get("source_repo") or "").strip() or UNKNOWN_SOURCE,
                )
            )
    return clips


def _faults_of_label(label: str) -> frozenset[str] | None:
    """A manifest label's faults: "correct" none, "incorrect" unknown (None), else codes separated by ";"."""
    if label == "correct":
        return frozenset()
    if label == "incorrect":
        return None
    return frozenset(code.strip() for code in label.split(";") if code.strip())


def _rep_count(path: Path, file: str, text: str | None) -> int | None:
    """A manifest's optional ``reps`` cell: blank means unknown."""
    if text is None or not text.strip():
        return None
    count = int(text) if text.strip().isdigit() else -1
    if count < 0:
        raise FormcheckError(f"{path}: {file}: reps must be a whole number of 0 or more, not {text!r}")
    return count


def with_rep_counts(clips: Sequence[LabelledClip], path: Path) -> list[LabelledClip]:
    """``clips`` with their true rep counts read from ``path`` (CSV: ``file, reps`` and an optional ``sure``; rows
    marked ``sure`` = ``no`` are left unknown: an ambiguous count would blur the score). ``file`` is the manifest's."""
    counts: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"file", "reps"} - set(reader.fieldnames or ())
        if missing:
            raise FormcheckError(f"{path}: rep counts lack column(s) {', '.join(sorted(missing))}")
        for row in reader:
            file = row["file"].strip()
            count = _rep_count(path, file, row["reps"])
            if count is not None and (row.get("sure") or "yes").strip().lower() != "no":
                counts[file] = count
    return [replace(clip, reps=counts[clip.name]) if clip.name in counts else clip for clip in clips]


def with_corrected_labels(clips: Sequence[LabelledClip], path: Path) -> list[LabelledClip]:
    """``clips`` with the labels of ``path`` (CSV: ``file, label, evidence``) in place of the manifest's, for clips
    whose manifest label what they show contradicts; every correction must say what shows it."""
    labels: dict[str, frozenset[str] | None] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"file", "label", "evidence"} - set(reader.fieldnames or ())
        if missing:
            raise FormcheckError(f"{path}: corrected labels lack column(s) {', '.join(sorted(missing))}")
        for row in reader:
            file, label = row["file"].strip(), row["label"].strip()
            if not label or not (row["evidence"] or "").strip():
                raise FormcheckError(f"{path}: {file}: a corrected label needs the label and its evidence")
            labels[file] = _faults_of_label(label)
    return [replace(clip, faults=labels[clip.name]) if clip.name in labels else clip for clip in clips]


def load_truth_folder(folder: Path, min_magnitude: float = 0.0) -> list[LabelledClip]:
    """Clips with a ``CLIP.truth.json`` beside them (searched recursively). Planted faults smaller than
    ``min_magnitude`` degrees are ignored (neither a hit nor a false alarm when reported)."""
    clips: list[LabelledClip] = []
    for truth_path in sorted(folder.rglob("*.truth.json")):
        stem = truth_path.name[: -len(".truth.json")]
        video = next(
            (truth_path.with_name(stem + s) for s in VIDEO_SUFFIXES if truth_path.with_name(stem + s).exists()), None
        )
        if video is None:
            continue
        clips.append(truth_clip(json.loads(truth_path.read_text(encoding="utf-8")), video, min_magnitude, folder))
    return clips


def truth_clip(
    truth: Mapping[str, Any], video: Path, min_magnitude: float = 0.0, root: Path | None = None
) -> LabelledClip:
    labels = truth.get("labels", {})
    planted = labels.get("faults", [])
    faults = frozenset(str(f["code"]) for f in planted)
    # The floor is in degrees: a fault measured in another unit (a lowering's seconds, a bar's centimetres) is kept.
    ignored = frozenset(
        str(f["code"])
        for f in planted
        if f.get("unit", "deg") == "deg" and abs(float(f.get("magnitude", math.inf))) < min_magnitude
    )
    reps = labels.get("reps") or []
    holds = labels.get("holds") or []
    return LabelledClip(
        path=video,
        exercise=str(truth["exercise"]),
        faults=faults,
        view=str(truth.get("view", "")),
        reps=len(reps) if reps else None,
        ignored=ignored,
        camera_yaw_deg=float(truth["camera_yaw_deg"]) if "camera_yaw_deg" in truth else None,
        name=str(video.relative_to(root)) if root is not None and video.is_relative_to(root) else video.name,
        source=str(truth.get("source", RENDERED_SOURCE)),
        holds=tuple(_timed_hold(hold) for hold in holds) if holds else None,
    )


def _timed_hold(hold: Mapping[str, Any]) -> TimedHold:
    side = hold.get("side")
    return TimedHold(float(hold["start_s"]), float(hold["end_s"]), None if side is None else str(side))


def load_labelled(path: Path, min_magnitude: float = 0.0, include_unlabeled: bool = False) -> list[LabelledClip]:
    if path.is_dir():
        clips = load_truth_folder(path, min_magnitude)
        if not clips and (path / "manifest.csv").exists():
            clips = load_manifest(path / "manifest.csv", include_unlabeled)
        if not clips:
            raise FormcheckError(f"{path}: no clips with .truth.json files and no manifest.csv")
        return clips
    if path.suffix.lower() == ".csv":
        return load_manifest(path, include_unlabeled)
    raise FormcheckError(f"{path}: give a folder of clips with .truth.json files or a manifest .csv")


# --------------------------------------------------------------------------------------------------------- caching


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "formcheck" / "landmarks"


def file_digest(path: Path) -> str:
    return file_sha256(path)[:20]


def cache_key(path: Path, model: str, fps: float | None) -> str:
    rate = "native" if fps is None else f"{fps:g}fps"
    return f"{file_digest(path)}-{model}-{rate}-v{CACHE_VERSION}"


def cached_landmarks(
    path: Path,
    model: str,
    fps: float | None,
    cache_dir: Path | None,
    extract: Callable[[Path], PoseSequence],
) -> PoseSequence:
    """Raw landmarks of ``path``: from ``cache_dir`` when present, else ``extract(path)`` saved there."""
    if cache_dir is None:
        return extract(path)
    target = cache_dir / f"{cache_key(path, model, fps)}.npz"
    if target.exists():
        try:
            return PoseSequence.load_npz(target)
        except (OSError, ValueError, KeyError):
            target.unlink(missing_ok=True)
    sequence = extract(path)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp.npz")
    sequence.save_npz(partial)
    partial.replace(target)
    return sequence

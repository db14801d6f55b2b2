"""Choose thresholds on some sources, score them on another: leave-one-source-out figures.

A threshold set by looking at clips says little about the next person, filmed by someone else with another camera.
So each check with a single threshold parameter is swept over a grid around its shipped values; for each source, the
value is chosen on the *other* sources' labelled clips and the held-out source is judged with it. The figures over
all held-out sources are the ones to quote.

Choosing a value: the largest share of labelled faulty clips found (recall) among values that cue at most
:data:`MAX_TRAINING_FALSE_CUE_RATE` of the clips without that fault; ties, and sources with no labelled fault of
that kind, go to the value nearest the shipped one (the shipped value was set on rendered clips with exact truth, so
it stands unless other sources show a better one). If no value is that quiet, the quietest is chosen.

Only the check thresholds are chosen this way; the motion machines, gates and view boundaries stay as shipped, and
checks with several parameters (e.g. ``incomplete_lockout``) keep their shipped values. Pure: prepared frames in,
decisions out (:func:`sweep` runs the judge, nothing here runs the pose model).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from formcheck.analysis import prepare_frames
from formcheck.exercises import PROFILES, get_exercise, resolve_thresholds
from formcheck.exercises.spec import Check, Exercise
from formcheck.features import Body, compute_features
from formcheck.judge import judge
from formcheck.types import PoseSequence

MAX_TRAINING_FALSE_CUE_RATE = 0.05
GRID_POINTS = 13

CheckKey = tuple[str, str]  # (exercise, check code)


@dataclass(frozen=True)
class ClipSweep:
    """For one clip judged as ``exercise``: whether each check reports its fault at each grid value, and the fault
    codes of the checks that are not swept (at their shipped value)."""

    exercise: str
    decisions: Mapping[str, Mapping[float, bool]]  # check code -> threshold value -> fault reported
    fixed_faults: frozenset[str]


@dataclass(frozen=True)
class Labelled:
    """What the scoring needs of a clip: its source, exercise, and faults (None: faulty, type unknown)."""

    source: str
    exercise: str
    faults: frozenset[str] | None


def swept_param(check: Check) -> str | None:
    """The one threshold parameter of ``check``, or None when it has several (not swept)."""
    return next(iter(check.thresholds)) if len(check.thresholds) == 1 else None


def grid(check: Check, profile: str = "standard") -> tuple[float, ...]:
    """Candidate values: the shipped profile values and :data:`GRID_POINTS` spread one gentle–strict span beyond
    them on each side, so a source may move a limit past both ends of what ships."""
    param = swept_param(check)
    if param is None:
        return ()
    shipped = check.thresholds[param]
    low, high = min(shipped), max(shipped)
    span = (high - low) or 0.2 * max(abs(shipped[PROFILES.index(profile)]), 1e-6)
    spread = np.linspace(low - span, high + span, GRID_POINTS)
    return tuple(sorted({round(float(v), 6) for v in (*spread, *shipped)}))


def sweep(seq: PoseSequence, exercise: str, equipment: str, profile: str = "standard") -> ClipSweep:
    """Judge one clip as ``exercise`` with every grid value of every single-parameter check."""
    body = Body.from_sequence(seq)
    prepared = prepare_frames(seq, body, compute_features(body), exercise, equipment)
    spec, frames = prepared.exercise, prepared.frames
    shipped = resolve_thresholds(spec, profile)
    decisions: dict[str, dict[float, bool]] = {}
    fixed: set[str] = set()
    for check in spec.checks:
        alone = replace(spec, checks=(check,))
        param = swept_param(check)
        if param is None:
            if judge(alone, frames, shipped).faults:
                fixed.add(check.code)
            continue
        decisions[check.code] = {
            value: bool(judge(alone, frames, {check.code: {**shipped[check.code], param: value}}).faults)
            for value in grid(check, profile)
        }
    return ClipSweep(spec.name, decisions, frozenset(fixed))


def choose(
    check: Check, training: Sequence[tuple[Labelled, ClipSweep]], exercise: str, profile: str = "standard"
) -> float:
    """The threshold for ``check`` chosen on ``training`` (see the module docstring)."""
    param = swept_param(check)
    assert param is not None, "only single-parameter checks are chosen"
    shipped = check.thresholds[param][PROFILES.index(profile)]
    values = grid(check, profile)
    relevant = [
        (clip, swept.decisions[check.code])
        for clip, swept in training
        if clip.exercise == exercise and clip.faults is not None and check.code in swept.decisions
    ]

    def outcome(value: float) -> tuple[float, float]:
        positives = [decided[value] for clip, decided in relevant if clip.faults and check.code in clip.faults]
        negatives = [decided[value] for clip, decided in relevant if not clip.faults or check.code not in clip.faults]
        recall = sum(positives) / len(positives) if positives else 0.0
        false_rate = sum(negatives) / len(negatives) if negatives else 0.0
        return recall, false_rate

    scored = {value: outcome(value) for value in values}
    quiet = [value for value in values if scored[value][1] <= MAX_TRAINING_FALSE_CUE_RATE]
    if quiet:
        best_recall = max(scored[value][0] for value in quiet)
        candidates = [value for value in quiet if scored[value][0] == best_recall]
    else:
        least = min(rate for _, rate in scored.values())
        candidates = [value for value in values if scored[value][1] == least]
    return min(candidates, key=lambda value: abs(value - shipped))


@dataclass(frozen=True)
class HeldOut:
    """Predictions for one source's clips, judged with thresholds chosen on the other sources."""

    source: str
    thresholds: Mapping[CheckKey, float]  # the chosen values that differ from the shipped ones
    faults: tuple[frozenset[str], ...]  # per clip of the source, in the order given


def leave_one_source_out(clips: Sequence[tuple[Labelled, ClipSweep]], profile: str = "standard") -> tuple[HeldOut, ...]:
    """For every source: thresholds chosen without it, and the faults its clips then get."""
    results = []
    for source in sorted({clip.source for clip, _ in clips}):
        training = [(clip, swept) for clip, swept in clips if clip.source != source]
        mine = [(clip, swept) for clip, swept in clips if clip.source == source]
        chosen: dict[CheckKey, float] = {}
        for exercise_name in sorted({swept.exercise for _, swept in mine}):
            spec = get_exercise(exercise_name)
            for check in _swept_checks(spec):
                chosen[(exercise_name, check.code)] = choose(check, training, exercise_name, profile)
        faults = tuple(faults_at(swept, chosen) for _, swept in mine)
        changed = {key: value for key, value in chosen.items() if value != _shipped(key, profile)}
        results.append(HeldOut(source, changed, faults))
    return tuple(results)


def _swept_checks(exercise: Exercise) -> tuple[Check, ...]:
    return tuple(check for check in exercise.checks if swept_param(check) is not None)


def _shipped(key: CheckKey, profile: str) -> float:
    check = get_exercise(key[0]).check(key[1])
    param = swept_param(check)
    assert param is not None
    return check.thresholds[param][PROFILES.index(profile)]


def faults_at(swept: ClipSweep, chosen: Mapping[CheckKey, float]) -> frozenset[str]:
    """The fault codes a clip gets with the ``chosen`` threshold of each swept check."""
    said = {code for code, decided in swept.decisions.items() if decided[chosen[(swept.exercise, code)]]}
    return frozenset(said) | swept.fixed_faults


def shipped_thresholds(exercise: str, profile: str = "standard") -> dict[CheckKey, float]:
    """The shipped value of every swept check of ``exercise``, keyed like chosen thresholds."""
    return {
        (exercise, check.code): _shipped((exercise, check.code), profile)
        for check in _swept_checks(get_exercise(exercise))
    }

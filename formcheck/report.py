"""The result of analysing one clip, and its three renderings: JSON (``formcheck.report/1``), CSV, plain text.

Times are seconds from the start of the clip; angles in degrees; ``_norm`` values are fractions of a body length
(see :mod:`formcheck.features`). NaN values become ``null`` in JSON and empty cells in CSV.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from formcheck.exercises import EXERCISES
from formcheck.reps import frame_durations_s
from formcheck.types import BoolArray, FloatArray

SCHEMA = "formcheck.report/1"
ExerciseSource = Literal["given", "recognised"]
FORM_NOT_JUDGED = "form could not be judged (see below)"
# Said the same way by the plain-text report and the app's headline (formcheck.reporting.summary).
NO_EXERCISE_TEXT = "We could not tell which exercise this is."
NO_REP_OR_HOLD_TEXT = "No complete rep or hold was found."
# A hold judged for less than this is reported as not judged rather than as a share of a moment.
MIN_JUDGED_HOLD_S = 0.5
# Most important first; the overlay's cue, the live coach's cue and the summary's main fault all rank by it.
SEVERITY_ORDER: Mapping[str, int] = {"high": 0, "medium": 1, "low": 2}


def severity_rank(severity: str) -> int:
    """0 for the most important severity; one the order does not know ranks after every known one."""
    return SEVERITY_ORDER.get(severity, len(SEVERITY_ORDER))


def exercise_title(name: str | None) -> str:
    """How an exercise is named to a person: its declared title ("Glute bridge"), else its name made readable."""
    if name is None:
        return "Unknown exercise"
    exercise = EXERCISES.get(name)
    return exercise.title if exercise is not None else name.replace("_", " ").capitalize()


def _number(value: float | None, digits: int = 3) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


@dataclass(frozen=True)
class Rep:
    index: int
    start_s: float
    end_s: float
    side: str | None
    faults: tuple[str, ...]
    metrics: Mapping[str, float]
    # False when no check could be judged during the rep (wrong view, joints hidden): no fault seen is not good form.
    judged: bool = True

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "start_s": _number(self.start_s),
            "end_s": _number(self.end_s),
            "side": self.side,
            "faults": list(self.faults),
            "metrics": {name: _number(value) for name, value in self.metrics.items()},
            "judged": self.judged,
        }


@dataclass(frozen=True)
class Hold:
    start_s: float
    end_s: float
    good_form_s: float  # judged and free of any reported fault
    judged_s: float  # the part of the hold where at least one check could be judged
    side: str | None = None  # "left"/"right" for a sided exercise (the side plank's side down), else None

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def judged(self) -> bool:
        """Judged long enough for its good-form time to mean something."""
        return self.judged_s >= MIN_JUDGED_HOLD_S

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "start_s": _number(self.start_s),
            "end_s": _number(self.end_s),
            "good_form_s": _number(self.good_form_s),
            "judged_s": _number(self.judged_s),
            "side": self.side,
        }


@dataclass(frozen=True)
class Fault:
    """One reported fault, with the measurement that decided it: ``value`` of ``feature`` (in ``unit``: "deg", the
    body length a ``_norm`` is a fraction of, or "ratio") went past ``threshold``, which is an upper bound when
    ``limit`` is "max" and a lower one when "min". ``aggregate`` says how the value was read over the ``phases``
    (see :class:`formcheck.exercises.spec.Check`); ``reference`` what a per-person measure is taken against."""

    code: str
    start_s: float
    end_s: float
    rep: int | None
    severity: str
    cue: str
    value: float
    threshold: float
    why: str = ""
    feature: str = ""
    unit: str = ""
    limit: str = ""
    aggregate: str = ""
    phases: tuple[str, ...] = ()
    reference: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "start_s": _number(self.start_s),
            "end_s": _number(self.end_s),
            "rep": self.rep,
            "severity": self.severity,
            "cue": self.cue,
            "value": _number(self.value),
            "threshold": _number(self.threshold),
            "feature": self.feature,
            "unit": self.unit,
            "limit": self.limit,
            "aggregate": self.aggregate,
            "phases": list(self.phases),
            "reference": self.reference,
            "why": self.why,
        }


@dataclass(frozen=True)
class Verdict:
    """How one check came out in one rep (``rep``) or hold (``hold``, numbered from 1): "fault", "passed" (with the
    reading that came nearest its limit) or "unjudged" (with the reason and the fix). The reading is as in
    :class:`Fault`; ``note`` says why a pass whose worst moment went past the limit is no fault."""

    check: str
    rep: int | None
    hold: int | None
    status: str
    feature: str = ""
    unit: str = ""
    limit: str = ""
    value: float = float("nan")
    threshold: float = float("nan")
    reason: str = ""
    fix: str = ""
    note: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"check": self.check, "rep": self.rep, "hold": self.hold, "status": self.status}
        if self.status == "unjudged":
            return result | {"reason": self.reason, "fix": self.fix}
        reading = {"feature": self.feature, "unit": self.unit, "limit": self.limit}
        numbers = {"value": _number(self.value), "threshold": _number(self.threshold)}
        return result | reading | numbers | ({"note": self.note} if self.note else {})


# ``Unjudged.check`` values that are not checks: the exercise's motion (reps or holds) could not be followed.
REPS_ENTRY, HOLDS_ENTRY = "reps", "holds"
MOTION_ENTRIES = (REPS_ENTRY, HOLDS_ENTRY)


@dataclass(frozen=True)
class Unjudged:
    check: str
    reason: str
    fix: str
    seconds: float

    def to_json_dict(self) -> dict[str, Any]:
        return {"check": self.check, "reason": self.reason, "fix": self.fix, "seconds": _number(self.seconds, 2)}


@dataclass(frozen=True)
class NotChecked:
    """A check that does not apply to this set: it is about equipment the set was not done with (or not seen), or about
    a way of doing the exercise this set was not done in (a squat with the bar on the back hides the back's outline)."""

    check: str
    reason: str

    def to_json_dict(self) -> dict[str, Any]:
        return {"check": self.check, "reason": self.reason}


@dataclass(frozen=True, eq=False)
class FrameTable:
    """Per-frame values for CSV export and overlays: time, phase, rep (0 = none), faults shown, features."""

    t_s: FloatArray
    phase: npt.NDArray[np.str_]
    rep: npt.NDArray[np.int64]
    active_faults: tuple[tuple[str, ...], ...]
    features: Mapping[str, FloatArray]
    form_judged: npt.NDArray[np.bool_] | None = None  # (T,) at least one check could be judged

    def rows(self) -> list[list[str]]:
        header = ["t_s", "phase", "rep", "faults", *self.features]
        body = [
            [
                f"{self.t_s[i]:.3f}",
                str(self.phase[i]),
                str(int(self.rep[i])),
                ";".join(self.active_faults[i]),
                *(_cell(values[i]) for values in self.features.values()),
            ]
            for i in range(len(self.t_s))
        ]
        return [header, *body]

    def judged_frames(self) -> BoolArray:
        """(T,) frames where at least one check could judge the form (none when that is not known)."""
        if self.form_judged is None:
            return np.zeros(len(self.t_s), dtype=bool)
        return np.asarray(self.form_judged, dtype=bool)

    def good_form_frames(self) -> BoolArray:
        """(T,) the one definition of good form, used by the holds' ``good_form_s``, the annotated video's timer and
        the live coach: a frame some check could judge and where no fault was shown. Time nobody could judge is
        never good form."""
        clean = np.array([not codes for codes in self.active_faults], dtype=bool)
        return np.asarray(self.judged_frames() & clean, dtype=bool)

    def durations_s(self) -> FloatArray:
        """(T,) the time each frame stands for (see :func:`formcheck.reps.frame_durations_s`)."""
        return frame_durations_s(self.t_s)


def _cell(value: float) -> str:
    return "" if not math.isfinite(value) else f"{value:.4g}"


@dataclass(frozen=True)
class Report:
    exercise: str | None
    exercise_source: ExerciseSource
    recognition_confidence: float | None
    view: str
    model: str
    duration_s: float
    frames_total: int
    frames_with_pose: int
    reps: tuple[Rep, ...] = ()
    holds: tuple[Hold, ...] = ()
    faults: tuple[Fault, ...] = ()
    unjudged: tuple[Unjudged, ...] = ()
    profile: str = "standard"
    variant: str | None = None
    # Set when the exercise could not be recognised confidently: what to tell the person, and the best guesses.
    message: str | None = None
    candidates: Mapping[str, float] = field(default_factory=dict)
    # Set when the clip shows something formcheck does not check (formcheck.recognize.UNSUPPORTED: "pushup",
    # "lunge", "no_exercise"): it is then not judged as the nearest exercise.
    unsupported: str | None = None
    frames: FrameTable | None = field(default=None, compare=False, repr=False)
    # Exercises done with equipment: what the person chose ("auto": not said), what the checks assumed (None: not
    # said and not seen), and the checks that did not apply.
    equipment: str | None = None
    equipment_used: str | None = None
    not_checked: tuple[NotChecked, ...] = ()
    # Every check's outcome in every rep and hold, passes included (what `formcheck analyze --explain` prints).
    verdicts: tuple[Verdict, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "schema": SCHEMA,
            "exercise": self.exercise,
            "exercise_source": self.exercise_source,
            "recognition_confidence": _number(self.recognition_confidence),
            "view": self.view,
            "model": self.model,
            "duration_s": _number(self.duration_s),
            "frames_total": self.frames_total,
            "frames_with_pose": self.frames_with_pose,
            "reps": [rep.to_json_dict() for rep in self.reps],
            "holds": [hold.to_json_dict() for hold in self.holds],
            "faults": [fault.to_json_dict() for fault in self.faults],
            "unjudged": [entry.to_json_dict() for entry in self.unjudged],
            "verdicts": [verdict.to_json_dict() for verdict in self.verdicts],
            "profile": self.profile,
            "variant": self.variant,
        }
        if self.equipment is not None:
            result["equipment"] = self.equipment
            result["equipment_used"] = self.equipment_used
            result["not_checked"] = [entry.to_json_dict() for entry in self.not_checked]
        if self.message is not None:
            result["message"] = self.message
            result["unsupported"] = self.unsupported
            result["candidates"] = {name: _number(score) for name, score in self.candidates.items()}
        return result

    def write_csv(self, path: Path) -> None:
        """Per-frame features, one row per analysed frame."""
        rows = self.frames.rows() if self.frames is not None else [["t_s", "phase", "rep", "faults"]]
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)

    def summary_text(self) -> str:
        """A short plain-text account for the person who did the exercise."""
        if self.exercise is None:
            return self.message or NO_EXERCISE_TEXT
        title = exercise_title(self.exercise)
        if self.variant:
            title = f"{title} ({self.variant})"
        source = "recognised" if self.exercise_source == "recognised" else "as given"
        lines = [f"{title} — {source}; {self.view} view; {self.duration_s:.1f} s analysed."]
        lines.extend(self._count_lines())
        lines.extend(self._fault_lines())
        lines.extend(self._unjudged_lines())
        lines.extend(f"Not checked: {entry.check.replace('_', ' ')} — {entry.reason}." for entry in self.not_checked)
        return "\n".join(lines)

    def _unjudged_lines(self) -> list[str]:
        """One line per distinct reason, naming every check it kept from being judged."""
        grouped: dict[tuple[str, str], list[str]] = {}
        lines: list[str] = []
        for entry in self.unjudged:
            if entry.check in MOTION_ENTRIES:  # the reps or holds themselves could not be followed
                lines.append(f"Could not follow the {entry.check}: {entry.reason} — {entry.fix}.")
                continue
            grouped.setdefault((entry.reason, entry.fix), []).append(entry.check.replace("_", " "))
        return lines + [
            f"Could not judge {', '.join(checks)}: {reason} — {fix}." for (reason, fix), checks in grouped.items()
        ]

    def _count_lines(self) -> list[str]:
        lines: list[str] = []
        if self.reps:
            sides = [rep.side for rep in self.reps if rep.side]
            per_side = ""
            if sides:
                per_side = f" (left {sides.count('left')}, right {sides.count('right')})"
            lines.append(f"Reps: {len(self.reps)}{per_side}, {self._rep_quality()}.")
        for number, hold in enumerate(self.holds, start=1):
            side = f", {hold.side} side" if hold.side else ""
            lines.append(f"Hold {number}{side}: {hold.duration_s:.1f} s, {_hold_quality(hold)}.")
        if not self.reps and len(self.holds) > 1:
            lines.extend(_per_side_line(self.holds))
        if not self.reps and not self.holds:
            lines.append(NO_REP_OR_HOLD_TEXT)
        return lines

    def _rep_quality(self) -> str:
        judged = [rep for rep in self.reps if rep.judged]
        if not judged:
            return FORM_NOT_JUDGED
        clean = sum(1 for rep in judged if not rep.faults)
        quality = "with no fault seen (some checks could not be judged)" if self.unjudged else "with good form"
        not_judged = len(self.reps) - len(judged)
        return f"{clean} {quality}" + (f", {not_judged} not judged" if not_judged else "")

    def _fault_lines(self) -> list[str]:
        if not self.faults and not self.reps and not self.holds:
            return ["Form is judged during reps and holds, so there was nothing to judge in this clip."]
        if not self.faults:
            judged = any(rep.judged for rep in self.reps) or any(hold.judged for hold in self.holds)
            return ["No form faults found in what could be judged."] if judged else []
        lines: list[str] = []
        seen: dict[str, list[Fault]] = {}
        for fault in self.faults:
            seen.setdefault(fault.code, []).append(fault)
        for code, faults in seen.items():
            reps = sorted({f.rep for f in faults if f.rep is not None})
            where = f" (rep {', '.join(map(str, reps))})" if reps else ""
            lines.append(f"• {code.replace('_', ' ')}{where}: {faults[0].cue}")
            if faults[0].why:
                lines.append(f"  Why: {faults[0].why}")
        return lines


def _per_side_line(holds: tuple[Hold, ...]) -> list[str]:
    """The hold time and its good-form part added up per side, for a set of sided holds (a side plank on both
    sides); nothing for holds without a side."""
    sides = [side for side in ("left", "right") if any(hold.side == side for hold in holds)]
    if not sides:
        return []
    parts = []
    for side in sides:
        mine = [hold for hold in holds if hold.side == side]
        good = f" ({sum(h.good_form_s for h in mine):.1f} s in good form)" if any(h.judged for h in mine) else ""
        parts.append(f"{side} {sum(h.duration_s for h in mine):.1f} s{good}")
    return [f"Hold time per side: {', '.join(parts)}."]


def _hold_quality(hold: Hold) -> str:
    if not hold.judged:
        return FORM_NOT_JUDGED
    unjudged_s = hold.duration_s - hold.judged_s
    good = f"{hold.good_form_s:.1f} s in good form"
    return good + (f" ({unjudged_s:.1f} s could not be judged)" if unjudged_s >= MIN_JUDGED_HOLD_S else "")

"""What the report means for the person: the headline numbers, the main thing to work on, and tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from formcheck.report import (
    MIN_JUDGED_HOLD_S,
    NO_EXERCISE_TEXT,
    NO_REP_OR_HOLD_TEXT,
    Fault,
    Report,
    exercise_title,
    severity_rank,
)
from formcheck.reporting.explain import fault_evidence

SEVERITY_WORDS = {"high": "important", "medium": "worth fixing", "low": "minor"}

COACHING_NOTE = (
    "formcheck coaches technique; it does not diagnose anything. Stop if an exercise hurts. If you have a back "
    "condition, check with a health professional before you start."
)


def fault_title(code: str) -> str:
    return code.replace("_", " ").capitalize()


def fault_excess(fault: Fault) -> float:
    """How far past its limit a fault went (in the limit's unit), to find the worst occurrence."""
    return abs(fault.value - fault.threshold)


@dataclass(frozen=True)
class FaultGroup:
    """All occurrences of one fault code."""

    code: str
    title: str
    severity: str
    cue: str
    why: str
    occurrences: tuple[Fault, ...]

    @property
    def reps(self) -> tuple[int, ...]:
        return tuple(sorted({f.rep for f in self.occurrences if f.rep is not None}))

    @property
    def worst(self) -> Fault:
        return max(self.occurrences, key=fault_excess)

    @property
    def seconds(self) -> float:
        return sum(f.end_s - f.start_s for f in self.occurrences)


def fault_groups(report: Report) -> list[FaultGroup]:
    """Fault codes, most important first: by severity, then how often, then how early."""
    by_code: dict[str, list[Fault]] = {}
    for fault in report.faults:
        by_code.setdefault(fault.code, []).append(fault)
    groups = [
        FaultGroup(code, fault_title(code), faults[0].severity, faults[0].cue, faults[0].why, tuple(faults))
        for code, faults in by_code.items()
    ]
    return sorted(groups, key=lambda g: (severity_rank(g.severity), -len(g.occurrences), g.occurrences[0].start_s))


@dataclass(frozen=True)
class Summary:
    exercise: str | None
    title: str
    recognised: bool
    confidence: float | None
    reps: int
    clean_reps: int
    hold_seconds: tuple[float, ...]
    good_hold_seconds: tuple[float, ...]
    good_form_share: float | None  # None when nothing could be counted
    top_fault: FaultGroup | None
    headline: str


def summarize(report: Report) -> Summary:
    """The figures shown above a report. Good form is a share of what could be judged: reps and hold time that no
    check could judge (wrong view, joints hidden) count neither for nor against it."""
    reps = len(report.reps)
    judged_reps = [rep for rep in report.reps if rep.judged]
    clean = sum(1 for rep in judged_reps if not rep.faults)
    holds = tuple(hold.duration_s for hold in report.holds)
    good_holds = tuple(hold.good_form_s for hold in report.holds)
    judged_hold_s = sum(hold.judged_s for hold in report.holds)
    share: float | None = None
    if judged_reps:
        share = clean / len(judged_reps)
    elif not reps and judged_hold_s >= MIN_JUDGED_HOLD_S:
        share = sum(good_holds) / judged_hold_s
    groups = fault_groups(report)
    top = groups[0] if groups else None
    return Summary(
        exercise=report.exercise,
        title=exercise_title(report.exercise),
        recognised=report.exercise_source == "recognised",
        confidence=report.recognition_confidence,
        reps=reps,
        clean_reps=clean,
        hold_seconds=holds,
        good_hold_seconds=good_holds,
        good_form_share=share,
        top_fault=top,
        headline=_headline(report, clean, holds, good_holds, top, judged=share is not None),
    )


def _headline(
    report: Report,
    clean: int,
    holds: tuple[float, ...],
    good_holds: tuple[float, ...],
    top: FaultGroup | None,
    judged: bool,
) -> str:
    if report.exercise is None:
        return report.message or NO_EXERCISE_TEXT
    reps = len(report.reps)
    parts: list[str] = []
    if reps:
        parts.append(f"{reps} rep{'s' if reps != 1 else ''}")
    elif holds:
        parts.append(f"{len(holds)} hold{'s' if len(holds) != 1 else ''}, {sum(holds):.1f} s in all")
    else:
        return NO_REP_OR_HOLD_TEXT
    if not judged:
        return f"{parts[0]}; your form could not be judged from this camera position (see below)."
    judged_reps = sum(rep.judged for rep in report.reps)
    parts[0] += f", {clean} with good form." if reps else f", {sum(good_holds):.1f} s in good form."
    if reps and judged_reps < reps:
        parts.append(f"{reps - judged_reps} could not be judged.")
    if top is not None:
        parts.append(f"Main thing to work on: {top.title.lower()} — {top.cue}")
    else:
        parts.append("Good form in everything that could be judged — well done.")
    return " ".join(parts)


def rep_rows(report: Report) -> list[dict[str, Any]]:
    """One row per rep; the side column only for exercises done one side at a time (bird dog)."""
    with_sides = any(rep.side for rep in report.reps)
    rows: list[dict[str, Any]] = []
    for rep in report.reps:
        row: dict[str, Any] = {"Rep": rep.index}
        if with_sides:
            row["Side"] = rep.side or ""
        row["From (s)"] = round(rep.start_s, 1)
        row["To (s)"] = round(rep.end_s, 1)
        row["Form"] = ", ".join(fault_title(code) for code in rep.faults) or ("Good" if rep.judged else "Not judged")
        rows.append(row)
    return rows


def hold_rows(report: Report) -> list[dict[str, Any]]:
    sided = any(hold.side for hold in report.holds)
    return [
        {
            "Hold": number,
            **({"Side": hold.side or ""} if sided else {}),
            "From (s)": round(hold.start_s, 1),
            "Length (s)": round(hold.duration_s, 1),
            "Judged (s)": round(hold.judged_s, 1),
            "Good form (s)": round(hold.good_form_s, 1),
        }
        for number, hold in enumerate(report.holds, start=1)
    ]


def fault_rows(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "Fault": fault_title(fault.code),
            "Rep": fault.rep if fault.rep is not None else "",
            "From (s)": round(fault.start_s, 1),
            "To (s)": round(fault.end_s, 1),
            "How much it matters": SEVERITY_WORDS.get(fault.severity, fault.severity),
            "What to do": fault.cue,
            # The measurement that decided it, so "why did it say that on rep 3?" is answered on the page.
            "Why it was called": fault_evidence(fault),
        }
        for fault in report.faults
    ]


def unjudged_rows(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "Check": fault_title(entry.check),
            "Why it could not be judged": entry.reason,
            "How to set up the camera": entry.fix[:1].upper() + entry.fix[1:],
            "Seconds": round(entry.seconds, 1),
        }
        for entry in report.unjudged
    ]


def pose_problem(report: Report) -> str | None:
    """A warning when the person was hard to see, or None."""
    if report.frames_total == 0 or report.frames_with_pose == 0:
        return (
            "We could not find a person in this video. Please film the whole body, head to feet, in good light, "
            "with the camera at hip height to the side of you."
        )
    share = report.frames_with_pose / report.frames_total
    if share < 0.5:
        return (
            f"We could only see a person in {share:.0%} of the video, so the review may miss things. "
            "Keep your whole body in frame and well lit."
        )
    return None

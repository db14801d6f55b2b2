"""How a cue was decided, in plain words: the evidence line of a fault (the app's fault table) and the account of
every check in every rep and hold that ``formcheck analyze --explain`` prints.

Everything here reads a :class:`~formcheck.report.Report` and the exercise's declaration; nothing is judged again.
"""

from __future__ import annotations

import math

from formcheck.exercises import get_exercise
from formcheck.exercises.spec import Check, Exercise
from formcheck.features import FEATURES
from formcheck.report import MOTION_ENTRIES, Fault, Hold, Report, Verdict

# How a check's value was read over a stretch of its phases (see formcheck.exercises.spec.Check.aggregate).
_AGGREGATE_WORDS = {
    "frame": "at its worst moment in {phases}",
    "max": "near its highest over {phases}",
    "min": "near its lowest over {phases}",
    "best": "at its best moment of {phases}",
    "median": "typical value over {phases}",
    "rise_from_extreme": "how far it rose after the lowest point of {phases}",
}


def phase_words(phases: tuple[str, ...]) -> str:
    """("lowering", "bottom", "pull") -> "the lowering, bottom and pull"."""
    names = [phase.replace("_", " ") for phase in phases]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"the {listed}"


def aggregate_words(aggregate: str, phases: tuple[str, ...]) -> str:
    return _AGGREGATE_WORDS.get(aggregate, aggregate).format(phases=phase_words(phases))


def _number(value: float, feature: str) -> str:
    digits = 1 if feature.endswith(("_deg", "_s")) else 3 if feature.endswith("_norm") else 2
    text = f"{value:.{digits}f}"
    if float(text) == 0.0:
        text = text.lstrip("-")  # a reading of -0.0001 is shown as 0.0, not "-0.0"
    return text + ("°" if feature.endswith("_deg") else " s" if feature.endswith("_s") else "")


def _of_unit(unit: str) -> str:
    """The words after a length-relative number ("of trunk length"); nothing for degrees, seconds and bare ratios."""
    return "" if unit in ("deg", "s", "ratio", "") else f" of {unit}"


def comparison(value: float, threshold: float, limit: str, feature: str, unit: str) -> str:
    """ "0.069 > 0.035 of trunk length", "12.0° ≤ 14.0°": the value against its limit, with the sign it shows."""
    above, below = value > threshold, value < threshold
    sign = (">" if above else "≤") if limit == "max" else ("<" if below else "≥")
    return f"{_number(value, feature)} {sign} {_number(threshold, feature)}{_of_unit(unit)}"


def fault_evidence(fault: Fault) -> str:
    """ "measured: 0.069 of trunk length (limit 0.035, typical value over the lowering, bottom and pull)"; empty for
    a fault stored without its measurement."""
    if not fault.feature or not math.isfinite(fault.value):
        return ""
    limit = "limit" if fault.limit == "max" else "lower limit"
    how = aggregate_words(fault.aggregate, fault.phases)
    text = (
        f"measured: {_number(fault.value, fault.feature)}{_of_unit(fault.unit)} "
        f"({limit} {_number(fault.threshold, fault.feature)}, {how})"
    )
    return text + (f"; measured against {fault.reference}" if fault.reference else "")


def explain_text(report: Report) -> str:
    """Per rep and per hold, every check: the fault with its evidence, the pass with its reading nearest the limit,
    or why it could not be judged and what to change."""
    if report.exercise is None:
        return report.message or "Could not tell which exercise this is: nothing was judged."
    spec = get_exercise(report.exercise)
    lines = [f"How each check was decided ({report.profile} profile):"]
    motion = [entry for entry in report.unjudged if entry.check in MOTION_ENTRIES]
    lines += [f"Could not follow the {entry.check}: {entry.reason} — {entry.fix}." for entry in motion]
    skipped = {entry.check for entry in report.not_checked}
    for rep in report.reps:
        side = f", {rep.side}" if rep.side else ""
        lines.append(f"Rep {rep.index} ({rep.start_s:.1f}–{rep.end_s:.1f} s{side}):")
        mine = [v for v in report.verdicts if v.rep == rep.index]
        lines += _stretch_lines(spec, mine, [f for f in report.faults if f.rep == rep.index], skipped)
    # An exercise with reps times its holds within them (the bird dog's reach): its reps already say it all.
    for number, hold in enumerate(() if report.reps else report.holds, start=1):
        side = f", {hold.side} side" if hold.side else ""
        lines.append(f"Hold {number} ({hold.start_s:.1f}–{hold.end_s:.1f} s{side}):")
        mine = [v for v in report.verdicts if v.hold == number]
        faults = [f for f in report.faults if f.rep is None and _in_hold(f, hold)]
        lines += _stretch_lines(spec, mine, faults, skipped)
    loose = _faults_outside_reps_and_holds(report)
    if loose:
        lines.append("Outside any counted rep or hold (a movement cut off by the start or end of the clip):")
        lines += [f"  {_title(f.code)}: FAULT at {f.start_s:.1f}–{f.end_s:.1f} s; {_evidence(f)}" for f in loose]
    if not report.reps and not report.holds:
        lines.append(
            "No complete rep or hold was found: only what is listed above was judged."
            if loose
            else "No rep or hold was found, so no check had anything to judge."
        )
    lines += [f"Not checked: {_title(entry.check)} — {entry.reason}." for entry in report.not_checked]
    return "\n".join(lines)


def _evidence(fault: Fault) -> str:
    return fault_evidence(fault) or "its measurement was not stored"


def _faults_outside_reps_and_holds(report: Report) -> list[Fault]:
    """Faults judged on frames of the exercise's phases that no counted rep or hold contains."""
    if report.reps:
        return [fault for fault in report.faults if fault.rep is None]
    return [f for f in report.faults if not any(_in_hold(f, hold) for hold in report.holds)]


def _in_hold(fault: Fault, hold: Hold) -> bool:
    return hold.start_s <= fault.start_s < hold.end_s


def _title(code: str) -> str:
    return code.replace("_", " ")


def _stretch_lines(spec: Exercise, verdicts: list[Verdict], faults: list[Fault], skipped: set[str]) -> list[str]:
    by_check = {verdict.check: verdict for verdict in verdicts}
    lines: list[str] = []
    for check in spec.checks:
        if check.code in skipped:
            continue
        verdict = by_check.get(check.code)
        if verdict is None:
            lines.append(f"  {_title(check.code)}: nothing to judge here (it is judged in {phase_words(check.phases)})")
            continue
        lines += _verdict_lines(check, verdict, [f for f in faults if f.code == check.code])
    return lines


def _verdict_lines(check: Check, verdict: Verdict, faults: list[Fault]) -> list[str]:
    name = _title(check.code)
    if verdict.status == "unjudged":
        fix = f"; to fix: {verdict.fix}" if verdict.fix else ""
        return [f"  {name}: could not judge — {verdict.reason}{fix}"]
    measured = comparison(verdict.value, verdict.threshold, verdict.limit, verdict.feature, verdict.unit)
    how = aggregate_words(check.aggregate, check.phases)
    feature = FEATURES[verdict.feature]
    if verdict.status == "fault":
        lines = [
            f"  {name}: FAULT, {measured} ({how})",
            f"    measures: {verdict.feature} — {feature.description}",
            f"    what to do: {check.cue}",
            f"    why: {check.why}",
        ]
        if faults:
            lines.insert(1, "    seen: " + ", ".join(f"{f.start_s:.1f}–{f.end_s:.1f} s" for f in faults))
    else:
        note = f"; no fault: {verdict.note}" if verdict.note else ""
        lines = [f"  {name}: judged, {measured} ({how}){note}"]
    if feature.reference:
        lines.append(f"    measured against: {feature.reference}")
    return lines

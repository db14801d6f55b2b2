"""Data for the plots (page and PDF alike): which angle to show, its limits for the chosen profile, fault spans."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.exercises import EXERCISES, resolve_thresholds
from formcheck.features import FEATURES
from formcheck.report import Report
from formcheck.reporting.summary import fault_groups, fault_title
from formcheck.types import FloatArray

# Checks judged on how far a feature rises, not on its value: their limit is not a line on the feature's axis.
_NOT_A_LEVEL = {"rise_from_extreme"}


@dataclass(frozen=True)
class ThresholdLine:
    value: float
    check: str  # fault code
    kind: str  # "max" (fault above the line) or "min" (fault below it)

    @property
    def label(self) -> str:
        side = "above" if self.kind == "max" else "below"
        return f"{fault_title(self.check)} {side} {self.value:g}"


def feature_label(name: str) -> str:
    """``hip_line_deviation_deg`` → "Hip line deviation (°)"."""
    unit = ""
    base = name
    if name.endswith("_deg"):
        base, unit = name[:-4], " (°)"
    elif name.endswith("_norm"):
        base, unit = name[:-5], " (body lengths)"
    elif name.endswith("_ratio"):
        base = name[:-6]
    elif name.endswith("_s"):
        base, unit = name[:-2], " (s)"
    return base.replace("_", " ").capitalize() + unit


def feature_description(name: str) -> str:
    feature = FEATURES.get(name)
    return feature.description if feature is not None else ""


def checked_features(report: Report) -> list[str]:
    """Features the exercise's checks read and the report has values for, angles first, in the exercise's order."""
    if report.exercise is None or report.frames is None:
        return []
    names: list[str] = []
    for check in EXERCISES[report.exercise].checks:
        for limit in check.limits:
            if limit.feature not in names and _has_values(report, limit.feature):
                names.append(limit.feature)
    return sorted(names, key=lambda name: not name.endswith("_deg"))


def key_feature(report: Report) -> str | None:
    """The angle that best explains the review: the one behind the top fault, else the exercise's first check."""
    options = checked_features(report)
    if not options:
        return None
    groups = fault_groups(report)
    if groups and report.exercise is not None:
        check = EXERCISES[report.exercise].check(groups[0].code)
        for limit in check.limits:
            if limit.feature in options:
                return limit.feature
    return options[0]


def _has_values(report: Report, feature: str) -> bool:
    if report.frames is None or feature not in report.frames.features:
        return False
    return bool(np.any(np.isfinite(report.frames.features[feature])))


def threshold_lines(report: Report, feature: str) -> list[ThresholdLine]:
    """The limits on ``feature`` at the report's profile, one per check that reads it as a level."""
    if report.exercise is None:
        return []
    spec = EXERCISES[report.exercise]
    thresholds = resolve_thresholds(spec, report.profile)
    lines: list[ThresholdLine] = []
    for check in spec.checks:
        if check.aggregate in _NOT_A_LEVEL:
            continue
        for limit in check.limits:
            value = thresholds[check.code][limit.param]
            if limit.feature == feature and math.isfinite(value):
                lines.append(ThresholdLine(value, check.code, limit.kind))
    return lines


def series(report: Report, feature: str) -> tuple[FloatArray, FloatArray]:
    """(time in s, values) of a feature; NaN where it could not be measured."""
    if report.frames is None or feature not in report.frames.features:
        empty = np.zeros(0, dtype=np.float64)
        return empty, empty
    return report.frames.t_s, report.frames.features[feature]


def faults_reading(report: Report, feature: str) -> set[str]:
    """Fault codes whose checks read ``feature``."""
    if report.exercise is None:
        return set()
    return {
        check.code
        for check in EXERCISES[report.exercise].checks
        if any(limit.feature == feature for limit in check.limits)
    }


def worst_frame_index(report: Report, code: str) -> int | None:
    """The frame of the worst occurrence of fault ``code``: where its feature is furthest past the limit."""
    groups = {group.code: group for group in fault_groups(report)}
    if code not in groups or report.frames is None or report.exercise is None:
        return None
    worst = groups[code].worst
    t_s = report.frames.t_s
    inside = np.flatnonzero((t_s >= worst.start_s - 1e-6) & (t_s <= worst.end_s + 1e-6))
    if inside.size == 0:
        return int(np.argmin(np.abs(t_s - worst.start_s))) if t_s.size else None
    limit = EXERCISES[report.exercise].check(code).limits[0]
    values = report.frames.features.get(limit.feature)
    if values is None or not np.any(np.isfinite(values[inside])):
        return int(inside[inside.size // 2])
    window = values[inside]
    pick = np.nanargmax(window) if limit.kind == "max" else np.nanargmin(window)
    return int(inside[int(pick)])

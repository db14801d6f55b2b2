"""Still plots (PNG) of a report for the PDF, drawn with matplotlib's object API (no pyplot: safe in threads)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from formcheck.report import Report
from formcheck.reporting.plot_data import faults_reading, feature_label, series, threshold_lines
from formcheck.reporting.summary import fault_groups

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_FAULT_COLOUR = "#eb4632"
_LINE_COLOUR = "#1f5f99"
_LIMIT_COLOUR = "#b07000"
_SIZE_IN = (7.5, 2.6)
_DATE_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # matplotlib's date numbers count days from here
_DPI = 130


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def angle_plot_png(report: Report, feature: str) -> bytes:
    """The feature over time, its limits as dashed lines, and the times a fault reading it was shown shaded."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    t_s, values = series(report, feature)
    figure = Figure(figsize=_SIZE_IN, dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.plot(t_s, values, color=_LINE_COLOUR, linewidth=1.4, label=feature_label(feature))
    codes = faults_reading(report, feature)
    for fault in report.faults:
        if fault.code in codes:
            axes.axvspan(fault.start_s, fault.end_s, color=_FAULT_COLOUR, alpha=0.15, linewidth=0)
    for line in threshold_lines(report, feature):
        axes.axhline(line.value, color=_LIMIT_COLOUR, linestyle="--", linewidth=1.0)
        axes.annotate(
            line.label,
            (0.005, line.value),
            xycoords=("axes fraction", "data"),
            fontsize=7,
            color=_LIMIT_COLOUR,
            va="bottom",
        )
    axes.set_xlabel("time (s)")
    axes.set_ylabel(feature_label(feature), fontsize=8)
    if t_s.size:
        axes.set_xlim(float(t_s[0]), float(t_s[-1]))
    axes.grid(alpha=0.3)
    return _png(figure)


def fault_timeline_png(report: Report) -> bytes:
    """One row per fault, a bar for each time it was shown."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    groups = fault_groups(report)
    height = 0.9 + 0.35 * max(1, len(groups))
    figure = Figure(figsize=(_SIZE_IN[0], height), dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    for row, group in enumerate(reversed(groups)):
        spans = [(f.start_s, max(f.end_s - f.start_s, 0.05)) for f in group.occurrences]
        axes.broken_barh(spans, (row - 0.35, 0.7), color=_FAULT_COLOUR)
    axes.set_yticks(np.arange(len(groups)), [group.title for group in reversed(groups)], fontsize=8)
    for rep in report.reps:
        axes.axvspan(rep.start_s, rep.end_s, color="#999999", alpha=0.08 if rep.index % 2 else 0.16, linewidth=0)
    axes.set_xlim(0, max(report.duration_s, 0.1))
    axes.set_xlabel("time (s)")
    if not groups:
        axes.text(0.5, 0.5, "no faults", transform=axes.transAxes, ha="center", va="center")
    return _png(figure)


def _aware(iso: str) -> datetime:
    """A recording time with a time zone: one given without (a plain date, or an imported file's local time) is read
    as UTC, so it can be placed among the others instead of failing the whole chart."""
    when = datetime.fromisoformat(iso)
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def progress_png(points: list[tuple[str, str, float]]) -> bytes:
    """Share of clean reps per reviewed set over time: (ISO date, exercise title, share 0..1), one line per exercise."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(figsize=_SIZE_IN, dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    for exercise in sorted({exercise for _, exercise, _ in points}):
        mine = sorted((_aware(when), share) for when, name, share in points if name == exercise)
        days = [(when - _DATE_EPOCH).total_seconds() / 86400.0 for when, _ in mine]  # matplotlib's date numbers
        axes.plot(days, [100 * share for _, share in mine], marker="o", label=exercise)
    axes.xaxis_date()
    axes.set_ylim(0, 105)
    axes.set_ylabel("clean reps (%)", fontsize=8)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, loc="lower right")
    figure.autofmt_xdate()
    return _png(figure)

"""Altair charts for the Review page: the fault timeline and one angle over time with its limits."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from formcheck.report import Report
from formcheck.reporting.plot_data import faults_reading, feature_label, series, threshold_lines
from formcheck.reporting.summary import SEVERITY_WORDS, fault_groups, fault_title

_SEVERITY_COLOURS = {"important": "#d1392b", "worth fixing": "#ee8a2f", "minor": "#e8c547"}
_HEIGHT_PX = 240
# The fault timeline's height per fault row. A fixed pixel height for the whole chart let Streamlit squeeze the rows
# into one band about 10 px high: two faults' bars were drawn over each other on one row.
_TIMELINE_ROW_PX = 36


def fault_timeline_chart(report: Report) -> alt.LayerChart:
    """A row per fault, a bar each time it was shown; reps as grey bands behind."""
    order = [group.title for group in fault_groups(report)]
    faults = pd.DataFrame(
        [
            {
                "Fault": fault_title(f.code),
                "start": f.start_s,
                "end": max(f.end_s, f.start_s + 0.05),
                "How much it matters": SEVERITY_WORDS.get(f.severity, f.severity),
                "Rep": f.rep if f.rep is not None else "",
                "What to do": f.cue,
            }
            for f in report.faults
        ],
        columns=["Fault", "start", "end", "How much it matters", "Rep", "What to do"],
    )
    reps = pd.DataFrame(
        [{"start": r.start_s, "end": r.end_s, "Rep": f"rep {r.index}"} for r in report.reps],
        columns=["start", "end", "Rep"],
    )
    x_scale = alt.Scale(domain=[0, max(report.duration_s, 0.1)], nice=False)
    bands = (
        alt.Chart(reps)
        .mark_rect(color="#888888", opacity=0.12)
        .encode(x=alt.X("start:Q", scale=x_scale, title="time (s)"), x2="end:Q", tooltip=["Rep:N"])
    )
    bars = (
        alt.Chart(faults)
        .mark_bar(cornerRadius=3, height=16)
        .encode(
            x=alt.X("start:Q", scale=x_scale, title="time (s)"),
            x2="end:Q",
            y=alt.Y("Fault:N", sort=order, title=None),
            color=alt.Color(
                "How much it matters:N",
                scale=alt.Scale(domain=list(_SEVERITY_COLOURS), range=list(_SEVERITY_COLOURS.values())),
            ),
            tooltip=["Fault", "Rep", "How much it matters", "What to do"],
        )
    )
    return alt.LayerChart(layer=[bands, bars], height=alt.Step(_TIMELINE_ROW_PX))


def angle_chart(report: Report, feature: str) -> alt.LayerChart:
    """``feature`` over time; its limits at this strictness as dashed lines; times a fault reading it was shown."""
    t_s, values = series(report, feature)
    label = feature_label(feature)
    line_data = pd.DataFrame({"time (s)": t_s, label: np.where(np.isfinite(values), values, np.nan)})
    codes = faults_reading(report, feature)
    spans = pd.DataFrame(
        [{"start": f.start_s, "end": f.end_s, "Fault": fault_title(f.code)} for f in report.faults if f.code in codes],
        columns=["start", "end", "Fault"],
    )
    limits = pd.DataFrame(
        [{"value": line.value, "Limit": line.label} for line in threshold_lines(report, feature)],
        columns=["value", "Limit"],
    )
    domain = [float(t_s[0]), float(t_s[-1])] if t_s.size else [0.0, 1.0]
    x = alt.X("time (s):Q", scale=alt.Scale(domain=domain, nice=False))
    shaded = (
        alt.Chart(spans)
        .mark_rect(color="#d1392b", opacity=0.15)
        .encode(x=alt.X("start:Q", title="time (s)"), x2="end:Q", tooltip=["Fault:N"])
    )
    curve = alt.Chart(line_data).mark_line(color="#1f5f99").encode(x=x, y=alt.Y(f"{label}:Q", title=label))
    rules = alt.Chart(limits).mark_rule(color="#b07000", strokeDash=[6, 4]).encode(y="value:Q", tooltip=["Limit:N"])
    names = (
        alt.Chart(limits)
        .mark_text(align="left", dx=4, dy=-6, color="#b07000", fontSize=11)
        .encode(y="value:Q", text="Limit:N", x=alt.value(0))
    )
    return alt.LayerChart(layer=[shaded, curve, rules, names], height=_HEIGHT_PX)

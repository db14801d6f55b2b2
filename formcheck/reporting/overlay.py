"""Drawing the overlay: skeleton coloured by form, the current cue, rep count and good-form hold timer.

The overlay only shows what the analysis decided (:class:`~formcheck.report.Report` and its per-frame table); it
decides nothing itself. Colours are RGB. Text uses OpenCV's Hershey font, so cues are drawn in plain ASCII.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from formcheck.report import Report, exercise_title, severity_rank
from formcheck.types import SKELETON_EDGES, FloatArray

if TYPE_CHECKING:  # a type only: importing formcheck.video would load PyAV, which drawing does not need
    from formcheck.video import RgbImage

GOOD = (60, 200, 90)
FAULT = (235, 70, 50)
NOT_JUDGED = (170, 170, 170)  # neutral: no check could judge this frame, so it is neither good form nor a fault
NOT_JUDGED_LABEL = "Form: not judged"
PANEL = (25, 25, 25)
WHITE = (255, 255, 255)
CUE_LINGER_S = 1.5  # keep a cue on screen a little after the fault ends, so it can be read


@dataclass(frozen=True)
class OverlayState:
    """What the overlay shows at one frame."""

    reps_done: int
    good_hold_s: float | None  # None outside holds' exercises
    cue: str | None
    fault_active: bool
    title: str
    form_judged: bool  # some check could judge this frame (else the skeleton is neutral and says so)


def overlay_states(report: Report, t_s: FloatArray) -> list[OverlayState]:
    """One state per analysed frame, derived from the report."""
    title = exercise_title(report.exercise)
    rep_ends = np.array(sorted(rep.end_s for rep in report.reps))
    table = report.frames
    active = table.active_faults if table is not None else ((),) * len(t_s)
    # Without the per-frame table nothing is known to be judged: no frame is vouched for.
    judged = table.judged_frames() if table is not None else np.zeros(len(t_s), dtype=bool)
    good_hold = _good_hold_seconds(report, t_s) if report.holds else None
    states = []
    for i, t in enumerate(t_s):
        states.append(
            OverlayState(
                reps_done=int(np.searchsorted(rep_ends, t, side="right")),
                good_hold_s=None if good_hold is None else float(good_hold[i]),
                cue=_cue_at(report, float(t)),
                fault_active=bool(active[i]) if i < len(active) else False,
                title=title,
                form_judged=bool(judged[i]) if i < len(judged) else False,
            )
        )
    return states


def _good_hold_seconds(report: Report, t_s: FloatArray) -> FloatArray:
    """At each frame, the good-form time of the current (or last) hold so far, counted as the report counts each
    hold's ``good_form_s`` (:meth:`~formcheck.report.FrameTable.good_form_frames`), so the timer ends on it."""
    table = report.frames
    if table is None or len(table.t_s) != len(t_s):
        return np.zeros(len(t_s), dtype=np.float64)
    good_s = np.where(table.good_form_frames(), table.durations_s(), 0.0)
    timer = np.zeros(len(t_s), dtype=np.float64)
    for number, hold in enumerate(report.holds):
        inside = np.flatnonzero((t_s >= hold.start_s) & (t_s < hold.end_s))
        if inside.size == 0:
            continue
        following = report.holds[number + 1].start_s if number + 1 < len(report.holds) else np.inf
        timer[inside] = np.cumsum(good_s[inside])
        after = (t_s >= hold.end_s) & (t_s < following)
        timer[after] = timer[inside[-1]]  # the last hold's time stays on screen until the next one starts
    return timer


def _cue_at(report: Report, t: float) -> str | None:
    """The cue of the most severe fault showing at ``t`` (one cue at a time)."""
    showing = [f for f in report.faults if f.start_s <= t <= f.end_s + CUE_LINGER_S]
    if not showing:
        return None
    return min(showing, key=lambda f: (severity_rank(f.severity), f.start_s)).cue


def draw_overlay(image: RgbImage, landmarks: FloatArray, state: OverlayState) -> RgbImage:
    """A copy of ``image`` with the skeleton (landmarks (33, ≥2) normalised; NaN = not drawn) and the panel."""
    canvas = image.copy()
    height, width = canvas.shape[:2]
    scale = max(0.6, min(width, height) / 540)  # readable on small clips, not oversized on HD ones
    colour = FAULT if state.fault_active else GOOD if state.form_judged else NOT_JUDGED
    points = landmarks[:, :2] * np.array([width, height])
    thickness = max(2, round(3 * scale))
    for a, b in SKELETON_EDGES:
        if np.all(np.isfinite(points[[a, b]])):
            cv2.line(canvas, _pt(points[a]), _pt(points[b]), colour, thickness, cv2.LINE_AA)
    for point in points[11:]:
        if np.all(np.isfinite(point)):
            cv2.circle(canvas, _pt(point), thickness + 2, WHITE, -1, cv2.LINE_AA)
    _draw_panel(canvas, state, scale)
    return canvas


def _pt(point: FloatArray) -> tuple[int, int]:
    return round(float(point[0])), round(float(point[1]))


def panel_lines(state: OverlayState) -> list[str]:
    """The lines of the top-left panel."""
    lines = [state.title, f"Reps: {state.reps_done}"]
    if state.good_hold_s is not None:
        lines.append(f"Good-form hold: {state.good_hold_s:4.1f} s")
    if not state.form_judged and not state.fault_active:
        lines.append(NOT_JUDGED_LABEL)
    return lines


def _draw_panel(canvas: RgbImage, state: OverlayState, scale: float) -> None:
    _text_block(canvas, panel_lines(state), (10, 10), scale, PANEL, WHITE)
    if state.cue:
        height, width = canvas.shape[:2]
        lines = _wrap(_ascii(state.cue), width - 20 - int(20 * scale), scale)
        top = height - int(32 * scale) * len(lines) - int(12 * scale) - 10
        _text_block(canvas, lines, (10, max(0, top)), scale, FAULT, WHITE)


def _wrap(text: str, max_width_px: int, scale: float) -> list[str]:
    """Greedy word wrap so a cue never runs off the frame."""
    font, font_scale, thickness = cv2.FONT_HERSHEY_SIMPLEX, 0.7 * scale, max(1, round(2 * scale))
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and cv2.getTextSize(candidate, font, font_scale, thickness)[0][0] > max_width_px:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines


def _text_block(
    canvas: RgbImage,
    lines: list[str],
    origin: tuple[int, int],
    scale: float,
    background: tuple[int, int, int],
    foreground: tuple[int, int, int],
) -> None:
    font, font_scale, thickness = cv2.FONT_HERSHEY_SIMPLEX, 0.7 * scale, max(1, round(2 * scale))
    line_height = int(32 * scale)
    widths = [cv2.getTextSize(line, font, font_scale, thickness)[0][0] for line in lines]
    x, y = origin
    right = min(canvas.shape[1] - 1, x + max(widths) + int(20 * scale))
    bottom = min(canvas.shape[0] - 1, y + line_height * len(lines) + int(12 * scale))
    region = canvas[y:bottom, x:right]
    region[:] = (0.35 * region + 0.65 * np.array(background)).astype(np.uint8)
    for i, line in enumerate(lines):
        baseline = y + int(8 * scale) + line_height * (i + 1) - int(8 * scale)
        cv2.putText(canvas, line, (x + int(10 * scale), baseline), font, font_scale, foreground, thickness, cv2.LINE_AA)


def _ascii(text: str) -> str:
    replacements = {"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "°": " deg", "…": "..."}
    for fancy, plain in replacements.items():
        text = text.replace(fancy, plain)
    return text.encode("ascii", "replace").decode("ascii")

"""Drawing the overlay: skeleton coloured by form, the current cue, rep count and good-form hold timer.

The overlay only shows what the analysis decided (:class:`~formcheck.report.Report` and its per-frame table); it
decides nothing itself. Colours are RGB. Text uses OpenCV's Hershey font, so cues are drawn in plain ASCII.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.report import Report
from formcheck.types import SKELETON_EDGES, FloatArray
from formcheck.video import RgbImage

GOOD = (60, 200, 90)
FAULT = (235, 70, 50)
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


def overlay_states(report: Report, t_s: FloatArray) -> list[OverlayState]:
    """One state per analysed frame, derived from the report."""
    title = (report.exercise or "exercise?").replace("_", " ").title()
    rep_ends = np.array(sorted(rep.end_s for rep in report.reps))
    table = report.frames
    active = table.active_faults if table is not None else ((),) * len(t_s)
    good_hold = _good_hold_seconds(report, t_s, active) if report.holds else None
    states = []
    for i, t in enumerate(t_s):
        states.append(
            OverlayState(
                reps_done=int(np.searchsorted(rep_ends, t, side="right")),
                good_hold_s=None if good_hold is None else float(good_hold[i]),
                cue=_cue_at(report, float(t)),
                fault_active=bool(active[i]) if i < len(active) else False,
                title=title,
            )
        )
    return states


def _good_hold_seconds(report: Report, t_s: FloatArray, active: tuple[tuple[str, ...], ...]) -> FloatArray:
    step = np.append(np.diff(t_s), np.median(np.diff(t_s)) if len(t_s) > 1 else 0.0)
    in_hold = np.zeros(len(t_s), dtype=bool)
    for hold in report.holds:
        in_hold |= (t_s >= hold.start_s) & (t_s < hold.end_s)
    clean = np.array([not faults for faults in active] + [True] * (len(t_s) - len(active)))[: len(t_s)]
    return np.asarray(np.cumsum(np.where(in_hold & clean, step, 0.0)), dtype=np.float64)


def _cue_at(report: Report, t: float) -> str | None:
    """The cue of the most severe fault showing at ``t`` (one cue at a time)."""
    showing = [f for f in report.faults if f.start_s <= t <= f.end_s + CUE_LINGER_S]
    if not showing:
        return None
    order = {"high": 0, "medium": 1, "low": 2}
    return min(showing, key=lambda f: (order.get(f.severity, 3), f.start_s)).cue


def draw_overlay(image: RgbImage, landmarks: FloatArray, state: OverlayState) -> RgbImage:
    """A copy of ``image`` with the skeleton (landmarks (33, ≥2) normalised; NaN = not drawn) and the panel."""
    canvas = image.copy()
    height, width = canvas.shape[:2]
    scale = max(0.6, min(width, height) / 540)  # readable on small clips, not oversized on HD ones
    colour = FAULT if state.fault_active else GOOD
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


def _draw_panel(canvas: RgbImage, state: OverlayState, scale: float) -> None:
    lines = [state.title, f"Reps: {state.reps_done}"]
    if state.good_hold_s is not None:
        lines.append(f"Good-form hold: {state.good_hold_s:4.1f} s")
    _text_block(canvas, lines, (10, 10), scale, PANEL, WHITE)
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

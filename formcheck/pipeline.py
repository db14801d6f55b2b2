"""Video file → report (and annotated video): the one path the CLI, the app and batch jobs all drive.

extract poses (MediaPipe, :mod:`formcheck.pose`) → smooth (zero-phase) → :func:`formcheck.analysis.analyze_sequence`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from formcheck.analysis import AUTO, analyze_sequence
from formcheck.exercises import Overrides, get_exercise, reads_back_outline
from formcheck.exercises.spec import EQUIPMENT_AUTO
from formcheck.pose.extract import ExtractOptions, ProgressCallback, extract_poses
from formcheck.pose.models import DEFAULT_MODEL
from formcheck.report import Report
from formcheck.reporting.overlay import draw_overlay, overlay_states
from formcheck.smoothing import smooth_offline
from formcheck.types import PoseSequence
from formcheck.video import H264Writer, iter_frames, prefetch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysisSettings:
    exercise: str = AUTO
    model: str = DEFAULT_MODEL
    profile: str = "standard"
    target_fps: float | None = None
    overrides: Overrides | None = None
    equipment: str = EQUIPMENT_AUTO
    pose_threads: int | None = None  # a long video's segments analysed in parallel threads (None: one per core)


@dataclass(frozen=True)
class VideoAnalysis:
    source: Path
    settings: AnalysisSettings
    sequence: PoseSequence  # smoothed landmarks the report was judged on
    report: Report


def analyze_video(
    path: Path | str, settings: AnalysisSettings = AnalysisSettings(), progress: ProgressCallback | None = None
) -> VideoAnalysis:
    """Analyse one recorded set. Raises :class:`formcheck.video.VideoError` for unusable files."""
    path = Path(path)
    options = ExtractOptions(
        model=settings.model,
        target_fps=settings.target_fps,
        workers=settings.pose_threads,
        # "auto" may turn out to be an exercise that reads the back outline.
        back_outline=settings.exercise == AUTO or reads_back_outline(get_exercise(settings.exercise)),
    )
    raw = extract_poses(path, options, progress)
    smoothed = smooth_offline(raw)
    report = _judge(smoothed, settings)
    return VideoAnalysis(path, settings, smoothed, report)


def _judge(sequence: PoseSequence, settings: AnalysisSettings) -> Report:
    return analyze_sequence(
        sequence, settings.exercise, settings.profile, settings.overrides, settings.model, settings.equipment
    )


def rejudge(
    analysis: VideoAnalysis, exercise: str, profile: str | None = None, equipment: str | None = None
) -> VideoAnalysis:
    """Judge the same landmarks again as another exercise, profile or equipment (no second pass through the model)."""
    settings = replace(
        analysis.settings,
        exercise=exercise,
        profile=profile or analysis.settings.profile,
        equipment=equipment or analysis.settings.equipment,
    )
    return VideoAnalysis(analysis.source, settings, analysis.sequence, _judge(analysis.sequence, settings))


def write_annotated_video(
    analysis: VideoAnalysis, output: Path | str, progress: Callable[[int, int], None] | None = None
) -> Path:
    """Browser-playable H.264 of the analysed frames with skeleton, cue, rep count and hold timer."""
    output = Path(output)
    sequence = analysis.sequence
    states = overlay_states(analysis.report, sequence.t_s)
    index_by_time = {int(t): i for i, t in enumerate(sequence.t_ms)}
    frames = prefetch(iter_frames(analysis.source, analysis.settings.target_fps))
    with H264Writer(output, sequence.width, sequence.height, sequence.fps) as writer:
        for count, frame in enumerate(frames, start=1):
            i = index_by_time.get(frame.t_ms)
            if i is None:
                continue
            writer.write(draw_overlay(frame.image, sequence.landmarks[i], states[i]), frame.t_ms)
            if progress is not None:
                progress(count, sequence.num_frames)
    return output

"""From a stored video to everything the Review page shows and offers for download.

The expensive step, finding the body in every frame, runs once per video and model (keyed by the video's content
hash) and is shared by every session of the process. Choosing another exercise or strictness re-judges the same
landmarks in milliseconds (:func:`formcheck.pipeline.rejudge`). The pipeline, and with it mediapipe, is imported
only when a video is analysed.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from formcheck.analysis import AUTO
from formcheck.app.inputs import StoredVideo, in_use, mark_used, remove_old_files
from formcheck.app.store import ResultStore
from formcheck.client_export import ANNOTATED_FOLDER
from formcheck.exercises.spec import EQUIPMENT_AUTO
from formcheck.private_files import private_folder, tighten
from formcheck.report import Report
from formcheck.reporting.pdf import ReportImage, build_pdf
from formcheck.reporting.plot_data import key_feature, worst_frame_index
from formcheck.reporting.summary import fault_groups, fault_title

if TYPE_CHECKING:
    from formcheck.pipeline import VideoAnalysis
    from formcheck.video import RgbImage

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
MAX_STILLS = 6
KEEP_ANNOTATED_VIDEOS = 40  # in the cache folder; older ones are drawn again if asked for
STILL_LONGEST_SIDE_PX = 720
_JPEG_QUALITY = 85


@dataclass(frozen=True)
class Choice:
    """What the person picked: an exercise name or "auto", the pose model, and how strict to be."""

    exercise: str = AUTO
    model: str = "full"
    profile: str = "standard"
    equipment: str = EQUIPMENT_AUTO


@dataclass(frozen=True)
class Still:
    code: str
    caption: str
    t_s: float
    jpeg: bytes
    width_px: int
    height_px: int


def run_pose_model(path: Path, model: str, progress: Progress | None) -> VideoAnalysis:
    """The one call into the model. Landmarks are found once, judged as "auto"; :meth:`ReviewService.judge` re-judges.

    "auto" also measures the back outline, which the deadlift, squat and bird-dog checks read, so a later change of
    exercise never needs the model again.
    """
    from formcheck.pipeline import AnalysisSettings, analyze_video  # noqa: PLC0415 - loads mediapipe

    return analyze_video(path, AnalysisSettings(exercise=AUTO, model=model), progress=progress)


def prepare_model(model: str) -> Path:
    """Check the model file (sha256) once, before the first video, so a broken install is reported early."""
    from formcheck.pose.models import resolve_model  # noqa: PLC0415

    return resolve_model(model)


class ReviewService:
    """One per app process; thread-safe. Holds the shared results and limits the model to one video at a time."""

    def __init__(self, cache_dir: Path, max_videos: int = 6) -> None:
        self.cache_dir = private_folder(cache_dir)  # clients' videos: owner-only, also when made by an older version
        self._poses: ResultStore[VideoAnalysis] = ResultStore(max_videos)
        self._judged: ResultStore[VideoAnalysis] = ResultStore(max_videos * 4)
        self._annotated_locks: dict[Path, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._stills: ResultStore[tuple[Still, ...]] = ResultStore(max_videos * 4)
        self._pdfs: ResultStore[bytes] = ResultStore(max_videos * 4)
        # Two cores: one analysis at a time keeps each one quick instead of all of them slow.
        self._model_slot = threading.Semaphore(1)

    def analyze(
        self,
        video: StoredVideo,
        model: str,
        progress: Progress | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> VideoAnalysis:
        def compute() -> VideoAnalysis:
            if not self._model_slot.acquire(blocking=False):
                if on_wait is not None:
                    on_wait()
                self._model_slot.acquire()
            try:
                with in_use(video.path):  # trimming by other sessions' uploads must not delete it mid-analysis
                    return run_pose_model(video.path, model, progress)
            finally:
                self._model_slot.release()

        return self._poses.get_or_compute(("poses", video.sha256, model), compute)

    def is_analyzed(self, video: StoredVideo, model: str) -> bool:
        return self._poses.get(("poses", video.sha256, model)) is not None

    def judge(self, video: StoredVideo, analysis: VideoAnalysis, choice: Choice) -> VideoAnalysis:
        settings = analysis.settings
        if (choice.exercise, choice.profile, choice.equipment) == (
            settings.exercise,
            settings.profile,
            settings.equipment,
        ):
            return analysis

        def compute() -> VideoAnalysis:
            from formcheck.pipeline import rejudge  # noqa: PLC0415

            return rejudge(analysis, choice.exercise, choice.profile, choice.equipment)

        return self._judged.get_or_compute(("judged", video.sha256, choice), compute)

    def annotated_video(
        self, video: StoredVideo, judged: VideoAnalysis, choice: Choice, progress: Progress | None = None
    ) -> Path:
        """The H.264 video with skeleton, cues and counts, written once to the cache folder."""
        folder = self.cache_dir / ANNOTATED_FOLDER
        target = (
            folder / f"{video.sha256[:20]}-{choice.model}-{choice.exercise}-{choice.profile}-{choice.equipment}.mp4"
        )

        with self._locks_lock:
            target_lock = self._annotated_locks.setdefault(target, threading.Lock())
        with target_lock:  # one writer per file; other sessions wait and then reuse it
            if target.is_file():
                tighten(target)  # drawn by an older formcheck, before videos were owner-only
                mark_used(target)  # the page shows it and offers it for download: not the next to be trimmed
                return target
            from formcheck.pipeline import write_annotated_video  # noqa: PLC0415

            private_folder(folder)
            partial = folder / f"{target.stem}.{uuid.uuid4().hex[:8]}.partial.mp4"
            try:
                with in_use(video.path):
                    write_annotated_video(judged, partial, progress)
                tighten(partial)  # the video writer creates it with the umask's mode
                partial.replace(target)
            finally:
                partial.unlink(missing_ok=True)
            remove_old_files(folder, KEEP_ANNOTATED_VIDEOS, keep=target)
            return target

    def stills(self, video: StoredVideo, judged: VideoAnalysis, choice: Choice) -> tuple[Still, ...]:
        def compute() -> tuple[Still, ...]:
            with in_use(video.path):
                return worst_moment_stills(judged)

        return self._stills.get_or_compute(("stills", video.sha256, choice), compute)

    def pdf(self, video: StoredVideo, judged: VideoAnalysis, choice: Choice, stills: tuple[Still, ...]) -> bytes:
        return self._pdfs.get_or_compute(
            ("pdf", video.sha256, choice), lambda: review_pdf(judged.report, stills, video.name)
        )


def report_json(report: Report) -> str:
    return json.dumps(report.to_json_dict(), indent=2, allow_nan=False) + "\n"


def frames_csv(report: Report) -> str:
    """The same table as :meth:`Report.write_csv`, as text."""
    rows = report.frames.rows() if report.frames is not None else [["t_s", "phase", "rep", "faults"]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def review_pdf(report: Report, stills: tuple[Still, ...], video_name: str) -> bytes:
    from formcheck.reporting.figures import angle_plot_png, fault_timeline_png  # noqa: PLC0415 - loads matplotlib
    from formcheck.reporting.plot_data import feature_label  # noqa: PLC0415

    plots: list[ReportImage] = []
    feature = key_feature(report)
    if feature is not None:
        plots.append(
            _png_image(
                angle_plot_png(report, feature),
                f"{feature_label(feature)} over time; dashed lines are the limits, shading marks "
                "the times a fault was shown.",
            )
        )
    if report.faults:
        plots.append(_png_image(fault_timeline_png(report), "When each fault was shown (grey bands are reps)."))
    images = [ReportImage(s.caption, s.jpeg, s.width_px, s.height_px) for s in stills]
    return build_pdf(report, plots, images, video_name)


def _png_image(png: bytes, caption: str) -> ReportImage:
    """Size read from the PNG header (IHDR: width and height at bytes 16–24)."""
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    return ReportImage(caption, png, width, height)


def worst_moment_stills(analysis: VideoAnalysis, limit: int = MAX_STILLS) -> tuple[Still, ...]:
    """For each fault (most important first), the frame where it was worst, with the overlay drawn on it."""
    from formcheck.reporting.overlay import draw_overlay, overlay_states  # noqa: PLC0415
    from formcheck.video import iter_frames  # noqa: PLC0415

    report, sequence = analysis.report, analysis.sequence
    groups = fault_groups(report)[:limit]
    if not groups:
        return ()
    states = overlay_states(report, sequence.t_s)
    stills: list[Still] = []
    for group in groups:
        index = worst_frame_index(report, group.code)
        if index is None:
            continue
        t_ms = int(sequence.t_ms[index])
        frame = next(iter_frames(analysis.source, analysis.settings.target_fps, t_ms, t_ms + 2000), None)
        if frame is None:
            continue
        image = draw_overlay(frame.image, sequence.landmarks[index], states[index])
        worst = group.worst
        where = f"rep {worst.rep}, " if worst.rep is not None else ""
        caption = f"{group.title} ({where}{frame.t_ms / 1000:.1f} s): {group.cue}"
        stills.append(_still(group.code, caption, frame.t_ms / 1000, image))
    return tuple(stills)


def _still(code: str, caption: str, t_s: float, image: RgbImage) -> Still:
    import cv2  # noqa: PLC0415

    height, width = image.shape[:2]
    scale = min(1.0, STILL_LONGEST_SIDE_PX / max(height, width))
    if scale < 1.0:
        width, height = round(width * scale), round(height * scale)
        image = np.asarray(cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA), dtype=np.uint8)
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, _JPEG_QUALITY])
    if not ok:
        raise ValueError(f"could not encode the still of {fault_title(code)}")
    return Still(code, caption, t_s, encoded.tobytes(), width, height)

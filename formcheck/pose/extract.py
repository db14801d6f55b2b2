"""Video file → raw (unsmoothed) :class:`PoseSequence`, as fast as two cores allow.

Pipeline per segment: PyAV decode in a background thread → MediaPipe VIDEO mode (tracking) → subject selection when
several people are in frame → ±90° rotated retry for frames where nobody was found (MediaPipe misses lying bodies
more often than upright ones) → optional back outline from the segmentation mask. A long video is cut into
time segments analysed in parallel threads and stitched back in order.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck.geometry import Side, near_side_per_frame, ventral_direction
from formcheck.pose.back_outline import back_bulge_fraction
from formcheck.pose.crowd import CrowdFollower, find_people
from formcheck.pose.landmarker import DetectedPose, LandmarkerSettings, RunningMode
from formcheck.pose.models import DEFAULT_MODEL, resolve_model
from formcheck.pose.pool import POOL, LeasedLandmarker
from formcheck.pose.subject import Box, Candidate, choose_subject
from formcheck.types import FloatArray, Landmark, PoseSequence, empty_pose_arrays
from formcheck.video import Frame, RgbImage, VideoInfo, iter_frames, prefetch, probe_video, sample_frames

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]  # (frames done, frames expected)

# Segments shorter than this are not worth a thread of their own (each loads a model, ~0.3 s).
MIN_SEGMENT_FRAMES = 150
PROBE_FRAMES = 4
CROWD_FRAMES = 2  # of the probed frames, with two or more people: one glimpse of a second body is usually a false one
# After this many rotated retries in a row found nobody, retry only every RETRY_BACKOFF_EVERY-th frame, and then one
# direction at a time (alternating): on the real floor clips this recovers as many frames as trying both directions on
# every third frame after ten misses, for a third less CPU on upright clips where the person walks out of frame.
RETRY_BACKOFF_AFTER = 3
RETRY_BACKOFF_EVERY = 2
# Frames without a pose waiting for the retry's thread (8 full-HD frames ~50 MB); a longer backlog makes the
# segment wait, which only happens when nobody is in view for long stretches.
RETRY_BACKLOG_FRAMES = 8
_POSE_FOUND: tuple[int, RgbImage] = (-1, np.zeros((1, 1, 3), np.uint8))  # told to the retry's thread by identity


@dataclass(frozen=True)
class ExtractOptions:
    model: str = DEFAULT_MODEL
    target_fps: float | None = None
    workers: int | None = None  # None: one per core when the video is long enough
    back_outline: bool = False  # segmentation mask → back bulge (costs ~3–5 ms a frame)
    rotate_fallback: bool = True
    probe_crowd: bool = True


@dataclass
class SegmentResult:
    t_ms: list[int] = field(default_factory=list)
    landmarks: list[FloatArray] = field(default_factory=list)
    world: list[FloatArray] = field(default_factory=list)
    bulge: list[float] = field(default_factory=list)
    rotated_frames: int = 0
    lost_ms: list[int] = field(default_factory=list)


def extract_poses(
    path: Path | str, options: ExtractOptions = ExtractOptions(), progress: ProgressCallback | None = None
) -> PoseSequence:
    """Landmarks of the exercising person in every analysed frame (NaN rows where nobody is found)."""
    path = Path(path)
    info = probe_video(path)
    resolve_model(options.model)  # fail early, with the fix, before any work starts
    expected = _expected_frames(info, options.target_fps)
    windows = _segment_windows(info, expected, options.workers)
    subject = _probe_while_loading(path, options, len(windows)) if options.probe_crowd else None
    log.debug("%s: %d expected frames, %d segment(s), crowd=%s", path.name, expected, len(windows), subject)
    if len(windows) == 1:
        results = [_analyze_segment(path, windows[0], options, subject, _local_counter(progress, expected))]
    else:
        results = _analyze_in_parallel(path, windows, options, subject, progress, expected)
    sequence = _stitch(results, info, options)
    sequence.meta["several_people"] = subject is not None
    return sequence


def _expected_frames(info: VideoInfo, target_fps: float | None) -> int:
    fps = min(info.fps, target_fps) if target_fps else info.fps
    return max(1, round(info.duration_s * fps)) if info.duration_s else max(1, info.frame_count)


def _segment_windows(info: VideoInfo, expected: int, workers: int | None) -> list[tuple[int, int | None]]:
    if workers:  # asked for explicitly: honour it down to segments of one second
        count = max(1, min(workers, expected // 30))
    else:
        count = max(1, min(os.cpu_count() or 1, expected // MIN_SEGMENT_FRAMES))
    if count == 1:
        return [(0, None)]
    edges = [round(info.duration_s * 1000 * i / count) for i in range(count + 1)]
    return [(edges[i], edges[i + 1] if i < count - 1 else None) for i in range(count)]


@dataclass(frozen=True)
class Crowd:
    """Set when the probe saw more than one person: who the subject is at the start."""

    subject_box: Box


def _probe_while_loading(path: Path, options: ExtractOptions, segments: int) -> Crowd | None:
    """The crowd probe, run while the landmarkers the segments most likely need (one person: VIDEO mode) load.

    Both are start-up work on one core each (on a 41-s clip: probe ~0.26 s, two full models ~0.2 s), so side by
    side they cost the time of the longer one instead of their sum."""
    with ThreadPoolExecutor(1, thread_name_prefix="formcheck-probe") as pool:
        probe = pool.submit(_probe_subject, path)
        POOL.warm(LandmarkerSettings(options.model, RunningMode.VIDEO, segmentation=options.back_outline), segments)
        return probe.result()


def _probe_subject(path: Path) -> Crowd | None:
    """Look at a few frames with a multi-person detector; None when nobody else is ever in frame."""
    frames = sample_frames(path, PROBE_FRAMES)
    frames_candidates: list[list[Candidate]] = []
    # Every bundle shares one person detector, so the cheapest landmark model is enough to count people.
    with POOL.lease(LandmarkerSettings("lite", RunningMode.IMAGE)) as detector:
        for index, frame in enumerate(frames):
            if _crowded_frames(frames_candidates) + len(frames) - index < CROWD_FRAMES:
                return None  # the frames left cannot make a crowd any more (saves a frame on most clips)
            frames_candidates.append([_candidate(p) for p in find_people(detector, frame.image)])
    if _crowded_frames(frames_candidates) < CROWD_FRAMES:
        return None
    box = choose_subject(frames_candidates)
    log.info("%s: several people in frame; following the one at %s", path.name, _describe_box(box))
    return Crowd(box) if box is not None else None


def _crowded_frames(frames_candidates: list[list[Candidate]]) -> int:
    return sum(len(candidates) >= 2 for candidates in frames_candidates)


def _candidate(pose: DetectedPose) -> Candidate:
    box = pose.bbox_norm()
    size = max(box[2] - box[0], box[3] - box[1], 1e-6)
    return Candidate(box, (pose.landmarks[:, :2] - np.array(box[:2])) / size)


def _describe_box(box: Box | None) -> str:
    if box is None:
        return "unknown"
    x = (box[0] + box[2]) / 2
    return "left" if x < 0.4 else "right" if x > 0.6 else "centre"


def _analyze_in_parallel(
    path: Path,
    windows: list[tuple[int, int | None]],
    options: ExtractOptions,
    subject: Crowd | None,
    progress: ProgressCallback | None,
    expected: int,
) -> list[SegmentResult]:
    """One thread per segment, each with its own decoder and landmarker. Threads suffice: MediaPipe's C calls (ctypes)
    and PyAV's decoding release the GIL, and threads avoid a process's start-up and model re-import (~2 s)."""
    done_per_segment = [0] * len(windows)

    def counter(segment: int) -> ProgressCallback:
        def count(done: int, _expected: int) -> None:
            done_per_segment[segment] = done

        return count

    with ThreadPoolExecutor(len(windows), thread_name_prefix="formcheck-pose") as pool:
        futures = [
            pool.submit(_analyze_segment, path, window, options, subject, counter(i))
            for i, window in enumerate(windows)
        ]
        while progress is not None and wait(futures, timeout=0.25).not_done:
            progress(min(sum(done_per_segment), expected), expected)
        results = [f.result() for f in futures]
    if progress is not None:
        progress(expected, expected)
    return results


def _local_counter(progress: ProgressCallback | None, expected: int) -> ProgressCallback | None:
    if progress is None:
        return None

    def report(done: int, _expected: int) -> None:
        progress(min(done, expected), expected)

    return report


def _analyze_segment(
    path: Path,
    window: tuple[int, int | None],
    options: ExtractOptions,
    subject: Crowd | None,
    progress: ProgressCallback | None,
) -> SegmentResult:
    """Single person: VIDEO-mode tracking. Several people: the subject followed in crops (IMAGE mode, slower)."""
    frames: Iterator[Frame] = prefetch(iter_frames(path, options.target_fps, window[0], window[1]))
    if subject is not None:
        return _follow_subject(frames, subject, options, progress)
    return _track_person(frames, options, progress)


def _follow_subject(
    frames: Iterator[Frame], subject: Crowd, options: ExtractOptions, progress: ProgressCallback | None
) -> SegmentResult:
    result = SegmentResult()
    with POOL.lease(LandmarkerSettings(options.model, RunningMode.IMAGE, segmentation=options.back_outline)) as found:
        follower = CrowdFollower(found, subject.subject_box)
        for done, frame in enumerate(frames, start=1):
            pose = follower.follow(frame.image, frame.t_ms)
            if pose is None:
                result.lost_ms.append(frame.t_ms)
            _append(result, frame, pose, options.back_outline)
            if progress is not None:
                progress(done, 0)
    return result


def _track_person(frames: Iterator[Frame], options: ExtractOptions, progress: ProgressCallback | None) -> SegmentResult:
    result = SegmentResult()
    with (
        POOL.lease(LandmarkerSettings(options.model, segmentation=options.back_outline)) as tracker,
        _RetryLane(options) as lane,
    ):
        for done, frame in enumerate(frames, start=1):
            poses = tracker.detect(frame.image, frame.t_ms)
            if poses:
                lane.observe()
            else:
                lane.retry(len(result.t_ms), frame.image)
            _append(result, frame, poses[0] if poses else None, options.back_outline)
            if progress is not None:
                progress(done, 0)
    for index, pose in lane.recovered.items():  # a turned frame has no person mask: its bulge stays unknown
        result.landmarks[index], result.world[index] = pose.landmarks, pose.world
    result.rotated_frames = len(lane.recovered)
    return result


def _append(result: SegmentResult, frame: Frame, pose: DetectedPose | None, back_outline: bool) -> None:
    result.t_ms.append(frame.t_ms)
    if pose is None:
        nan_landmarks, nan_world = empty_pose_arrays(1)
        result.landmarks.append(nan_landmarks[0])
        result.world.append(nan_world[0])
        result.bulge.append(float("nan"))
        return
    result.landmarks.append(pose.landmarks)
    result.world.append(pose.world)
    result.bulge.append(back_bulge_of(pose, frame.image.shape) if back_outline else float("nan"))


def back_bulge_of(pose: DetectedPose, shape: tuple[int, ...]) -> float:
    """The back outline's bulge (:func:`formcheck.pose.back_outline.back_bulge_fraction`) of a pose found in an image of
    ``shape``, on its near side; NaN without a person mask."""
    if pose.mask is None:
        return float("nan")
    scale = np.array([shape[1], shape[0]], dtype=np.float64)
    side = Side(str(near_side_per_frame(pose.landmarks[None])[0]))
    shoulder_id, hip_id = (
        (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP)
        if side is Side.LEFT
        else (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP)
    )
    shoulder = pose.landmarks[shoulder_id, :2] * scale
    hip = pose.landmarks[hip_id, :2] * scale
    dorsal = -ventral_direction(hip, shoulder, side)
    return back_bulge_fraction(pose.mask, shoulder, hip, dorsal)


class _RotatedRetry:
    """IMAGE-mode retry on the frame turned ±90°, landmarks mapped back to the upright frame.

    It costs two detections (~50 ms), so after a run of frames where it found nobody either (the person left, or the
    view is hopeless) it is tried only every few frames, one direction at a time, until someone is found again.
    (Skipping it while the person looks upright in the image was tried and lost recoveries: a supine body seen end-on
    also looks upright.)
    """

    def __init__(self, options: ExtractOptions) -> None:
        self._enabled = options.rotate_fallback
        self._settings = LandmarkerSettings(options.model, RunningMode.IMAGE, num_poses=1)
        self._leases = ExitStack()
        self._detector: LeasedLandmarker | None = None
        self._order = [1, 3]  # np.rot90 k: 1 = counter-clockwise, 3 = clockwise; last success is tried first
        self._failures = 0

    def observe(self) -> None:
        """A pose was found without help: the next miss is worth a retry again."""
        self._failures = 0

    def detect(self, image: RgbImage) -> DetectedPose | None:
        if not self._enabled:
            return None
        self._failures += 1
        if self._failures > RETRY_BACKOFF_AFTER and self._failures % RETRY_BACKOFF_EVERY:
            return None
        if self._detector is None:
            self._detector = self._leases.enter_context(POOL.lease(self._settings))
        backing_off = self._failures > RETRY_BACKOFF_AFTER
        directions = [self._order[(self._failures // RETRY_BACKOFF_EVERY) % 2]] if backing_off else list(self._order)
        for k in directions:
            poses = self._detector.detect(np.ascontiguousarray(np.rot90(image, k=k)))
            if poses:
                self._order.sort(key=lambda other: other != k)
                self._failures = 0
                return unrotate_pose(poses[0], k)
        return None

    def __enter__(self) -> _RotatedRetry:
        return self

    def __exit__(self, *exc: object) -> None:
        self._leases.close()


class _RetryLane:
    """The rotated retry in a thread of its own, given the segment's frames without a pose in order (and word of the
    first pose found after them), so the retry's decisions and results are those of the same retry run inline.

    Inline, the retries held up the segment with the misses while the other segment's core sat idle at the end (on
    the real 41-s squat clip that ends with 51 frames after the person has left, two segments on two cores)."""

    def __init__(self, options: ExtractOptions) -> None:
        self._retry = _RotatedRetry(options)
        self._enabled = options.rotate_fallback
        self._frames: queue.Queue[tuple[int, RgbImage] | None] = queue.Queue(maxsize=RETRY_BACKLOG_FRAMES)
        self._thread = threading.Thread(target=self._run, name="formcheck-retry", daemon=True)
        self._missed = False
        self._error: BaseException | None = None
        self.recovered: dict[int, DetectedPose] = {}  # frame index in the segment → pose found turned

    def observe(self) -> None:
        if self._missed:  # the first pose after a run of misses resets the back-off; later ones change nothing
            self._missed = False
            self._frames.put(_POSE_FOUND)

    def retry(self, index: int, image: RgbImage) -> None:
        if not self._enabled:
            return
        if not self._thread.is_alive():
            self._thread.start()
        self._missed = True
        self._frames.put((index, image))

    def _run(self) -> None:
        while (item := self._frames.get()) is not None:
            if self._error is not None:
                continue  # keep draining, so the segment's thread never blocks on a full queue
            try:
                if item is _POSE_FOUND:
                    self._retry.observe()
                elif (pose := self._retry.detect(item[1])) is not None:
                    self.recovered[item[0]] = pose
            except BaseException as error:  # noqa: BLE001 - re-raised in the segment's thread
                self._error = error

    def __enter__(self) -> _RetryLane:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread.is_alive():
            self._frames.put(None)
            self._thread.join()
        self._retry.__exit__()
        if self._error is not None and exc[0] is None:
            raise self._error


def unrotate_pose(pose: DetectedPose, k: int) -> DetectedPose:
    """Map a pose found in ``np.rot90(image, k)`` back to the upright image (k = 1 or 3)."""
    landmarks = pose.landmarks.copy()
    world = pose.world.copy()
    x, y = pose.landmarks[:, 0], pose.landmarks[:, 1]
    wx, wy = pose.world[:, 0], pose.world[:, 1]
    if k == 1:  # rotated x' = y, y' = 1 - x
        landmarks[:, 0], landmarks[:, 1] = 1.0 - y, x
        world[:, 0], world[:, 1] = -wy, wx
    elif k == 3:  # rotated x' = 1 - y, y' = x
        landmarks[:, 0], landmarks[:, 1] = y, 1.0 - x
        world[:, 0], world[:, 1] = wy, -wx
    else:
        raise ValueError(f"rotation k must be 1 or 3, got {k}")
    return DetectedPose(landmarks, world, None)


def _stitch(results: list[SegmentResult], info: VideoInfo, options: ExtractOptions) -> PoseSequence:
    t_ms = np.array([t for r in results for t in r.t_ms], dtype=np.float64)
    keep = np.concatenate([[True], np.diff(t_ms) > 0]) if len(t_ms) else np.zeros(0, dtype=bool)
    landmarks = np.array([m for r in results for m in r.landmarks]).reshape(-1, 33, 5)
    world = np.array([w for r in results for w in r.world]).reshape(-1, 33, 3)
    bulge = np.array([b for r in results for b in r.bulge], dtype=np.float64)
    fps = min(info.fps, options.target_fps) if options.target_fps else info.fps
    lost = [t for r in results for t in r.lost_ms]
    meta = {
        "source": str(info.path),
        "model": options.model,
        "rotation_deg": info.rotation_deg,
        "rotated_retry_frames": sum(r.rotated_frames for r in results),
        "subject_lost_ms": lost,
        "segments": len(results),
    }
    if lost:
        log.warning("%s: lost sight of the person in %d frame(s)", info.path.name, len(lost))
    return PoseSequence(
        t_ms=t_ms[keep],
        landmarks=landmarks[keep],
        world=world[keep],
        width=info.width,
        height=info.height,
        fps=fps,
        back_bulge=bulge[keep] if options.back_outline else None,
        meta=meta,
    )

"""Loaded landmarkers kept for reuse by a long-running process (the app, a batch job).

A lease hands out a free landmarker with the wanted settings, creating one only when all are busy (one per
concurrent segment). IMAGE-mode landmarkers keep no state between frames and are reused as they are. A VIDEO-mode
landmarker carries its tracking state from one frame to the next, and part of it cannot be reset through the Tasks
API: a blank frame and a 10-s jump of the clock reset the landmarks' smoothing, but not the low-pass filter on their
visibility, so the first second of the next video would inherit the previous video's visibilities (up to 0.79
apart on a real clip, enough to call a seen wrist hidden). A VIDEO-mode landmarker that has seen a video is
therefore replaced by a fresh one (about 0.12 s on these machines) before its next video, so a video's landmarks
never depend on what was analysed before it.
All pooled landmarkers are closed at interpreter exit, early enough for mediapipe to close cleanly (mediapipe 1.2
prints a traceback when the garbage collector closes them instead).
"""

from __future__ import annotations

import atexit
import concurrent.futures.thread  # noqa: F401 - registers its exit hook before ours, so ours runs first (see below)
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from formcheck.pose.landmarker import DetectedPose, LandmarkerSettings, PoseLandmarker, RunningMode
from formcheck.video import RgbImage


class LeasedLandmarker:
    """A pooled landmarker; in VIDEO mode, a fresh one for every video it is leased for."""

    def __init__(self, landmarker: PoseLandmarker) -> None:
        self._landmarker = landmarker
        self._tracked = False  # VIDEO mode: has this landmarker's state seen a frame since it was created?
        self.created = 1

    @property
    def settings(self) -> LandmarkerSettings:
        return self._landmarker.settings

    def start_video(self) -> None:
        """Start the next video from no tracking state at all (see the module docstring)."""
        if self.settings.mode is RunningMode.VIDEO and self._tracked:
            settings = self._landmarker.settings
            self._landmarker.close()
            self._landmarker = PoseLandmarker(settings)
            self._tracked = False
            self.created += 1

    def detect(self, image: RgbImage, t_ms: int | None = None) -> list[DetectedPose]:
        if self.settings.mode is RunningMode.VIDEO:
            self._tracked = True
        return self._landmarker.detect(image, t_ms)

    def close(self) -> None:
        self._landmarker.close()


class LandmarkerPool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: dict[LandmarkerSettings, list[LeasedLandmarker]] = {}
        self._all: list[LeasedLandmarker] = []

    @contextmanager
    def lease(self, settings: LandmarkerSettings) -> Iterator[LeasedLandmarker]:
        leased = self.acquire(settings)
        try:
            yield leased
        finally:
            self.release(leased)

    def acquire(self, settings: LandmarkerSettings) -> LeasedLandmarker:
        """A landmarker for one video (or one live session) until :meth:`release`; prefer :meth:`lease`."""
        with self._lock:
            free = self._free.setdefault(settings, [])
            leased = free.pop() if free else None
        if leased is None:
            leased = LeasedLandmarker(PoseLandmarker(settings))
            with self._lock:
                self._all.append(leased)
        leased.start_video()
        return leased

    def warm(self, settings: LandmarkerSettings, count: int) -> None:
        """Have ``count`` free landmarkers with ``settings`` loaded, so the leases that follow start at once."""
        with self._lock:
            missing = count - len(self._free.get(settings, []))
        for _ in range(missing):
            leased = LeasedLandmarker(PoseLandmarker(settings))
            with self._lock:
                self._all.append(leased)
                self._free.setdefault(settings, []).append(leased)

    def release(self, leased: LeasedLandmarker) -> None:
        with self._lock:
            self._free.setdefault(leased.settings, []).append(leased)

    def loaded(self, mode: RunningMode | None = None) -> int:
        """How many landmarkers this pool has created, replacements included (for tests and diagnostics)."""
        return sum(leased.created for leased in self._all if mode is None or leased.settings.mode is mode)

    def close(self) -> None:
        with self._lock:
            for leased in self._all:
                leased.close()
            self._all.clear()
            self._free.clear()


POOL = LandmarkerPool()
# mediapipe runs each call on a concurrent.futures thread, and those refuse work once the interpreter starts
# shutting down (before plain atexit handlers run). threading's own exit hooks run earlier, newest first, so the
# pool closes while mediapipe can still do so cleanly.
_register_early_exit = getattr(threading, "_register_atexit", atexit.register)
_register_early_exit(POOL.close)

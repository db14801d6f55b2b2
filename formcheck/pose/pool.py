"""Loaded landmarkers kept for reuse, so a long-running process (the app, a batch job) loads each model once.

A lease hands out a free landmarker with the wanted settings, creating one only when all are busy (one per
concurrent segment). VIDEO-mode landmarkers need timestamps that keep increasing across every video they ever see,
and carry their tracking state from one call to the next: each lease therefore shifts the new video's timestamps
past the previous one's and first shows the landmarker a blank frame, so tracking starts afresh.
All pooled landmarkers are closed at interpreter exit, early enough for mediapipe to close cleanly (mediapipe 1.2
prints a traceback when the garbage collector closes them instead).
"""

from __future__ import annotations

import atexit
import concurrent.futures.thread  # noqa: F401 - registers its exit hook before ours, so ours runs first (see below)
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from formcheck.pose.landmarker import DetectedPose, LandmarkerSettings, PoseLandmarker, RunningMode
from formcheck.video import RgbImage

_GAP_MS = 10_000  # between two videos on one VIDEO-mode landmarker
_BLANK = np.zeros((64, 64, 3), np.uint8)


class LeasedLandmarker:
    """A pooled landmarker seen through one video's own timestamps."""

    def __init__(self, landmarker: PoseLandmarker) -> None:
        self._landmarker = landmarker
        self._offset_ms = 0
        self._last_ms = -_GAP_MS

    @property
    def settings(self) -> LandmarkerSettings:
        return self._landmarker.settings

    def start_video(self) -> None:
        """Reset tracking and move the clock past everything this landmarker has seen."""
        if self.settings.mode is RunningMode.VIDEO:
            blank_ms = self._last_ms + _GAP_MS
            self._landmarker.detect(_BLANK, blank_ms)
            self._offset_ms = blank_ms + _GAP_MS
            self._last_ms = blank_ms

    def detect(self, image: RgbImage, t_ms: int | None = None) -> list[DetectedPose]:
        if self.settings.mode is RunningMode.VIDEO and t_ms is not None:
            shifted = t_ms + self._offset_ms
            self._last_ms = shifted
            return self._landmarker.detect(image, shifted)
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

    def loaded(self) -> int:
        """How many landmarkers this pool has created (for tests and diagnostics)."""
        return len(self._all)

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

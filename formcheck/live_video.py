"""The live path's edge: webcam frames (RGB) in, frames with the skeleton, cue, reps and hold timer out.

MediaPipe runs here in VIDEO mode (tracking) on the session's own monotonic clock; everything it decides comes from
:class:`formcheck.live.LiveCoach`. Frames arrive on the video thread; the page reads :meth:`LiveSession.snapshot`
from its own thread, so the shared state sits behind a lock.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import numpy as np

from formcheck.exercises import get_exercise, reads_back_outline
from formcheck.live import LiveCoach, LiveSettings, LiveState
from formcheck.pose.extract import back_bulge_of
from formcheck.pose.landmarker import LandmarkerSettings, RunningMode
from formcheck.pose.models import DEFAULT_MODEL
from formcheck.pose.pool import POOL, LeasedLandmarker
from formcheck.reporting.overlay import OverlayState, draw_overlay
from formcheck.types import NUM_LANDMARKS, FormcheckError
from formcheck.video import RgbImage

_NO_POSE = np.full((NUM_LANDMARKS, 5), np.nan)  # drawn as no skeleton; never written to


class LiveSession:
    """One person in front of one camera, for one exercise: frames in, annotated frames out."""

    def __init__(self, settings: LiveSettings, model: str = DEFAULT_MODEL) -> None:
        # The person mask costs a few milliseconds a frame: only asked for when a check reads the back outline
        # (the deadlift's rounded back, the bird dog's sagging trunk), which is unjudged without it.
        outline = reads_back_outline(get_exercise(settings.exercise))
        self.settings = replace(settings, back_outline=outline)
        self.model = model
        self._landmarker_settings = LandmarkerSettings(model, RunningMode.VIDEO, segmentation=outline)
        self._lock = threading.Lock()
        self._landmarker: LeasedLandmarker | None = None
        self._coach: LiveCoach | None = None
        self._state: LiveState | None = None
        self._to_say: list[str] = []
        self._problem: str | None = None  # why frames cannot be analysed (e.g. a damaged model file), for the page
        self._clock_start = time.monotonic()
        self._last_ms = -1

    def process(self, image: RgbImage, t_ms: float | None = None) -> RgbImage:
        """Find the person, update the coaching, and draw it on a copy of ``image``.

        ``t_ms``: the frame's capture time (a webcam frame's presentation time); default: the arrival time.
        """
        with self._lock:
            now_ms = t_ms if t_ms is not None else (time.monotonic() - self._clock_start) * 1000.0
            t_ms = max(self._last_ms + 1, round(now_ms))
            self._last_ms = t_ms
            coach = self._coach_for(image)
            try:
                poses = self._detector().detect(image, t_ms)
            except FormcheckError as error:  # the video keeps playing; the page says what is wrong
                self._problem = str(error)
                return image
            pose = poses[0] if poses else None
            bulge = back_bulge_of(pose, image.shape) if pose is not None and self.settings.back_outline else np.nan
            state = coach.push(float(t_ms), pose.landmarks if pose else None, pose.world if pose else None, bulge)
            self._state = state
            if state.say:
                self._to_say.append(state.say)
            landmarks = coach.latest_landmarks
        return draw_overlay(image, landmarks if landmarks is not None else _NO_POSE, self._overlay(coach, state))

    def snapshot(self) -> tuple[LiveState | None, list[str]]:
        """The latest state and the lines to speak since the last call."""
        with self._lock:
            lines, self._to_say = self._to_say, []
            return self._state, lines

    @property
    def problem(self) -> str | None:
        """Why frames cannot be analysed, if they cannot."""
        return self._problem

    def close(self) -> None:
        with self._lock:
            if self._landmarker is not None:
                POOL.release(self._landmarker)
                self._landmarker = None

    def _coach_for(self, image: RgbImage) -> LiveCoach:
        if self._coach is None:
            height, width = image.shape[:2]
            self._coach = LiveCoach(self.settings, width, height)
        return self._coach

    def _detector(self) -> LeasedLandmarker:
        if self._landmarker is None:
            self._landmarker = POOL.acquire(self._landmarker_settings)
        return self._landmarker

    @staticmethod
    def _overlay(coach: LiveCoach, state: LiveState) -> OverlayState:
        message = state.cue.text if state.cue else state.setup
        return OverlayState(
            reps_done=state.reps,
            good_hold_s=state.good_form_s if coach.spec.motion.times_holds else None,
            cue=message,
            fault_active=state.cue is not None,
            title=coach.spec.title,
            form_judged=state.form_judged,
        )

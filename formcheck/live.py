"""Live coaching: one webcam frame's landmarks in, what to show and say now out.

Pure core (no cv2, mediapipe or streamlit). Each frame's landmarks are gated (low visibility, outside the frame) and
smoothed causally with the One-Euro filter, kept in a rolling window, and judged with the same analysis as a recorded
video (:func:`formcheck.analysis.analyze_sequence`): a cue live means exactly what it means in a report. Times are
seconds since the session's first frame; the caller's clock (``t_ms``) must increase.

What the person gets: at most one cue at a time (the most severe fault happening now), a line to speak only when a
cue is new or its cooldown has passed, reps counted once each, the hold timer (total and good-form time, which stops
while any fault is active) and camera set-up guidance when the checks cannot see what they need.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace

import numpy as np

from formcheck.analysis import analyze_sequence, exercise_views
from formcheck.exercises import get_exercise
from formcheck.exercises.spec import EQUIPMENT_AUTO, Exercise
from formcheck.features import Body
from formcheck.judge import check_view_ok, hidden_joints, hidden_joints_reason_and_fix, view_fix
from formcheck.report import NotChecked, Report, severity_rank
from formcheck.smoothing import LiveSmoother, SmoothedFrame
from formcheck.types import FloatArray, PoseSequence, empty_pose_arrays

LIVE_WINDOW_S = 20.0  # history judged at each update: longer than any rep, short enough to judge in milliseconds
ANALYSIS_INTERVAL_S = 0.2  # judge five times a second; frames in between only update the skeleton
CUE_COOLDOWN_S = 6.0  # the same cue is not spoken again sooner than this
MIN_SPEECH_GAP_S = 2.5  # nor any two lines closer than this
SETUP_LOOKBACK_S = 1.5  # set-up guidance looks at this much of the latest video
WINDOW_EDGE_S = 0.5  # a rep that starts this close to the window's start is an artefact of the cut
FINAL_CUE_SHOW_S = 3.0  # a verdict on a finished phase (e.g. "sit deeper" after the bottom) stays this long
_NOBODY = "Step into view: the camera cannot see you"
_NO_POSE, _NO_WORLD = (rows[0] for rows in empty_pose_arrays(1))
_NO_FRAME = SmoothedFrame(_NO_POSE, _NO_WORLD, _NO_WORLD, np.zeros(len(_NO_POSE), dtype=np.bool_))


@dataclass(frozen=True)
class LiveSettings:
    exercise: str
    profile: str = "standard"
    cue_cooldown_s: float = CUE_COOLDOWN_S
    window_s: float = LIVE_WINDOW_S
    back_outline: bool = False  # the caller measures the back outline of each frame (segmentation mask)
    equipment: str = EQUIPMENT_AUTO  # what the person lifts with (formcheck.equipment)


@dataclass(frozen=True)
class LiveCue:
    code: str
    text: str
    severity: str


@dataclass(frozen=True)
class LiveState:
    """What to show (and say) after a frame."""

    t_s: float
    reps: int
    phase: str
    in_hold: bool
    hold_s: float  # the current (or last) hold, all of it
    good_form_s: float  # the part of it without any fault
    cue: LiveCue | None
    say: str | None  # a line to speak now, else None
    setup: str | None  # camera set-up guidance, else None
    faults_now: tuple[str, ...]
    person_found: bool
    form_judged: bool = False  # some check could judge the newest frame (else no good-form time, neutral skeleton)
    # checks that do not apply to what the window shows (other equipment, the bar on the back), with the reason:
    # shown beside the coach so that silence on them is not read as a pass
    not_checked: tuple[NotChecked, ...] = ()


@dataclass
class _Window:
    """Smoothed landmarks of the latest ``window_s`` seconds."""

    t_ms: deque[float] = field(default_factory=deque)
    frames: deque[SmoothedFrame] = field(default_factory=deque)
    back_bulge: deque[float] = field(default_factory=deque)
    first_t_ms: float | None = None  # the session's first frame: until the window drops it, nothing has been cut

    def add(self, t_ms: float, frame: SmoothedFrame, back_bulge: float, window_s: float) -> None:
        if self.first_t_ms is None:
            self.first_t_ms = t_ms
        self.t_ms.append(t_ms)
        self.frames.append(frame)
        self.back_bulge.append(back_bulge)
        while self.t_ms[0] < t_ms - window_s * 1000.0:
            self.t_ms.popleft()
            self.frames.popleft()
            self.back_bulge.popleft()

    @property
    def cut(self) -> bool:
        """Whether the window has dropped the session's first frames (its start is then an arbitrary cut)."""
        return bool(self.t_ms) and self.t_ms[0] != self.first_t_ms

    def sequence(self, width: int, height: int, back_outline: bool) -> PoseSequence:
        """The window as a sequence; ``back_outline``: the back outline was measured (else it is unknown, None)."""
        times = np.fromiter(self.t_ms, dtype=np.float64)
        fps = float(1000.0 / np.median(np.diff(times))) if len(times) > 1 else 30.0
        frames = self.frames
        return PoseSequence(
            times,
            np.stack([f.landmarks for f in frames]),
            np.stack([f.world for f in frames]),
            width,
            height,
            fps,
            back_bulge=np.fromiter(self.back_bulge, dtype=np.float64) if back_outline else None,
            world_with_hidden=np.stack([f.world_with_hidden for f in frames]),
            outside_frame=np.stack([f.outside_frame for f in frames]),
        )


class LiveCoach:
    """Feed it every frame with :meth:`push`; it keeps the session's reps, hold time and spoken cues."""

    def __init__(self, settings: LiveSettings, width: int, height: int) -> None:
        self.settings = settings
        self.spec: Exercise = get_exercise(settings.exercise)
        self._size = (width, height)
        self._window = _Window()
        self._smoother = LiveSmoother()
        # Per exercise, fixed: checks judged over a whole phase run, and the order cues are preferred in.
        self._per_run = frozenset(check.code for check in self.spec.checks if check.aggregate != "frame")
        self._cue_rank = {check.code: (severity_rank(check.severity), i) for i, check in enumerate(self.spec.checks)}
        self._start_ms: float | None = None
        self._last_analysis_s = -np.inf
        self._reps = 0
        self._last_rep_end_s = -np.inf  # caller's clock, seconds
        self._hold_s = 0.0
        self._good_form_s = 0.0
        self._spoken_at: dict[str, float] = {}
        self._announced: set[tuple[str, float]] = set()  # (code, start) of verdicts on finished phase runs
        self._showing_until: dict[str, float] = {}
        self._last_spoken_s = -np.inf
        self._state = LiveState(0.0, 0, "", False, 0.0, 0.0, None, None, None, (), False)

    def push(
        self,
        t_ms: float,
        landmarks: FloatArray | None,
        world: FloatArray | None,
        back_bulge: float = float("nan"),
    ) -> LiveState:
        """One frame: (33, 5) normalised landmarks and (33, 3) world landmarks, or None when nobody was found;
        ``back_bulge``: the frame's back outline (:mod:`formcheck.pose.back_outline`) when
        ``LiveSettings.back_outline`` is on (NaN when the outline was lost)."""
        if self._start_ms is None:
            self._start_ms = t_ms
        if self._window.t_ms and t_ms <= self._window.t_ms[-1]:
            return self._state  # a repeated or out-of-order frame: nothing new to judge
        self._window.add(t_ms, self._smooth(t_ms, landmarks, world), back_bulge, self.settings.window_s)
        t_s = (t_ms - self._start_ms) / 1000.0
        if t_s - self._last_analysis_s < ANALYSIS_INTERVAL_S:
            return replace(self._state, say=None)  # said once, on the update that decided it
        self._state = self._analyze(t_s)
        return self._state

    @property
    def latest_landmarks(self) -> FloatArray | None:
        """The smoothed (33, 5) landmarks of the newest frame (NaN where hidden), for drawing the skeleton."""
        return self._window.frames[-1].landmarks if self._window.frames else None

    def _smooth(self, t_ms: float, landmarks: FloatArray | None, world: FloatArray | None) -> SmoothedFrame:
        if landmarks is None or world is None:
            return _NO_FRAME  # never written to: shared by every frame without a person
        return self._smoother(t_ms, landmarks, world)

    def _analyze(self, t_s: float) -> LiveState:
        window = self._window
        sequence = window.sequence(*self._size, back_outline=self.settings.back_outline)
        report = analyze_sequence(sequence, self.spec.name, self.settings.profile, equipment=self.settings.equipment)
        dt_s = 0.0 if np.isinf(self._last_analysis_s) else t_s - self._last_analysis_s
        self._last_analysis_s = t_s
        self._count_reps(report)
        table = report.frames
        phase = str(table.phase[-1]) if table is not None and table.phase.size else ""
        faults_now = self._faults_now(report, t_s)
        judged_now = bool(table is not None and table.judged_frames()[-1:].any())
        in_hold = self._time_hold(phase, faults_now, judged_now, dt_s)
        cue = self._cue(faults_now)
        setup = None if cue else self._setup_hint(sequence, report)
        person_found = bool(np.any(~np.isnan(window.frames[-1].landmarks[:, 0])))
        say = self._line_to_say(t_s, cue, setup)
        return LiveState(
            t_s,
            self._reps,
            phase,
            in_hold,
            self._hold_s,
            self._good_form_s,
            cue,
            say,
            setup,
            faults_now,
            person_found,
            judged_now,
            report.not_checked,
        )

    def _count_reps(self, report: Report) -> None:
        """Count each rep once, as it completes. Once the window has dropped the session's first frames its start is
        an arbitrary cut that can fake a rep, so reps starting there are skipped; before that, a rep from the very
        first frame is real (a lifter set up at the bar when the camera starts)."""
        window_start_s = self._window.t_ms[0] / 1000.0  # report times are the caller's clock, in seconds
        edge_s = WINDOW_EDGE_S if self._window.cut else -np.inf
        for rep in report.reps:
            if rep.end_s > self._last_rep_end_s + 1e-6 and rep.start_s >= window_start_s + edge_s:
                self._reps += 1
                self._last_rep_end_s = rep.end_s

    def _faults_now(self, report: Report, t_s: float) -> tuple[str, ...]:
        """Frame-by-frame faults active at the newest frame, plus verdicts on phase runs that just finished.

        A check judged over a whole phase run (depth over the bottom, extension over the top) has no verdict until
        the run ends: judged on the part seen so far, every squat would be "shallow" on its way down.
        """
        table = report.frames
        if table is None or not table.active_faults:
            return ()
        newest_s = float(table.t_s[-1])
        for fault in report.faults:
            key = (fault.code, round(fault.start_s, 3))
            just_finished = newest_s - FINAL_CUE_SHOW_S <= fault.end_s <= newest_s  # not an old run cut by the window
            if fault.code in self._per_run and just_finished and key not in self._announced:
                self._announced.add(key)
                self._showing_until[fault.code] = t_s + FINAL_CUE_SHOW_S
        finished = {code for code, until in self._showing_until.items() if until >= t_s}
        ongoing = {code for code in table.active_faults[-1] if code not in self._per_run}
        return tuple(sorted(ongoing | finished))

    def _time_hold(self, phase: str, faults_now: tuple[str, ...], judged_now: bool, dt_s: float) -> bool:
        """Time the hold; good-form time by the report's definition (:meth:`FrameTable.good_form_frames`): only while
        some check can judge the form and no fault is shown. (A verdict on a whole phase run is known only once the
        run ends, so live it cannot take back time already counted.)"""
        motion = self.spec.motion
        in_hold = motion.times_holds and phase == motion.phase_names["active"]
        if in_hold and not self._state.in_hold:
            self._hold_s = self._good_form_s = 0.0  # a new hold starts from zero
        if in_hold:
            self._hold_s += dt_s
            if judged_now and not faults_now:
                self._good_form_s += dt_s
        return in_hold

    def _cue(self, faults_now: tuple[str, ...]) -> LiveCue | None:
        if not faults_now:
            return None
        code = min(faults_now, key=self._cue_rank.__getitem__)
        check = self.spec.check(code)
        return LiveCue(code, check.cue, str(check.severity))

    def _setup_hint(self, sequence: PoseSequence, report: Report) -> str | None:
        recent = sequence.t_s >= sequence.t_s[-1] - SETUP_LOOKBACK_S
        found = ~np.isnan(sequence.landmarks[recent][:, :, 0]).all(axis=1)
        if found.mean() < 0.5:
            return _NOBODY
        needed = self.spec.main_view
        if report.frames is None:
            return None
        rows = _rows(found, recent)
        features_now = report.frames.features
        views, _ = exercise_views(self.spec, features_now, rows)
        # Set up well enough when some check of the main view judges from here: a plank filmed 25° off the side
        # has its hip line judged (its checks accept that turn) and is not told to turn.
        judged_from_here = np.zeros(len(views), dtype=bool)
        for check in self.spec.checks:
            if needed in check.views:
                judged_from_here |= check_view_ok(check, self.spec, views, features_now)
        if np.mean(judged_from_here[rows]) < 0.5:
            return _sentence(view_fix(needed))
        features = [limit.feature for check in self.spec.checks if needed in check.views for limit in check.limits]
        hidden, outside = hidden_joints(features, rows, Body.from_sequence(sequence), min_share=0.5)
        return _sentence(hidden_joints_reason_and_fix(hidden, outside)[1]) if hidden else None

    def _line_to_say(self, t_s: float, cue: LiveCue | None, setup: str | None) -> str | None:
        key, line = (cue.code, cue.text) if cue else ("setup", setup) if setup else (None, None)
        if key is None or line is None:
            return None
        if t_s - self._spoken_at.get(key, -np.inf) < self.settings.cue_cooldown_s:
            return None
        if t_s - self._last_spoken_s < MIN_SPEECH_GAP_S:
            return None
        self._spoken_at[key] = self._last_spoken_s = t_s
        return line


def _rows(found: np.ndarray, recent: np.ndarray) -> np.ndarray:
    """Spread a mask over the recent frames back over the whole window."""
    full = np.zeros(len(recent), dtype=bool)
    full[np.flatnonzero(recent)[found]] = True
    return full


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class LiveReplay:
    """What a webcam session would have shown for a recorded sequence, summed up."""

    reps: int
    cued: frozenset[str]  # fault codes shown as the cue at some moment
    cue_lines: int  # cue lines spoken (set-up guidance not counted)


def replay(sequence: PoseSequence, settings: LiveSettings) -> LiveReplay:
    """Feed ``sequence`` (raw landmarks, as the landmarker gives them) frame by frame to a :class:`LiveCoach`; its
    back outline is passed on when it has one (``settings.back_outline`` is then switched on)."""
    settings = replace(settings, back_outline=sequence.back_bulge is not None)
    coach = LiveCoach(settings, sequence.width, sequence.height)
    found = sequence.has_pose()
    cued: set[str] = set()
    cue_lines = 0
    state: LiveState | None = None
    for i in range(sequence.num_frames):
        seen = bool(found[i])
        bulge = float("nan") if sequence.back_bulge is None else float(sequence.back_bulge[i])
        state = coach.push(
            float(sequence.t_ms[i]),
            sequence.landmarks[i] if seen else None,
            sequence.world[i] if seen else None,
            bulge,
        )
        if state.cue is not None:
            cued.add(state.cue.code)
            cue_lines += state.say == state.cue.text
    return LiveReplay(0 if state is None else state.reps, frozenset(cued), cue_lines)

"""The Live coach's guided session: choose a programme, then be led through it in front of the camera.

The leading itself is :class:`formcheck.programme.GuidedSession` (pure); this page shows its view (the next exercise
with where to put the camera, the set's target, the rest countdown, "switch sides"), speaks its lines through the
same speech path as the cues, feeds it the live coach's state, and keeps the summary in the person's history
(:class:`formcheck.workspace.Workspace`). Buttons move it on by hand ("Start now", "Done with this set", "Skip the
rest"), for a person who wants to and for a browser test with a fake camera.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av
import numpy as np
import pandas as pd
import streamlit as st
from streamlit_webrtc import WebRtcMode

from formcheck.app import access, components, runtime
from formcheck.app.components import MODEL_HELP, PROFILE_HELP
from formcheck.app.live_view import (
    CAMERA_HELP,
    CAMERAS,
    LIVE_MODELS,
    PHONE_STYLE,
    PHONE_VIDEO_HTML_ATTRS,
    POLL_S,
    VIDEO_HTML_ATTRS,
)
from formcheck.app.placement import placement_for, placement_svg
from formcheck.app.plain_text import escape_markdown
from formcheck.app.speech import speak
from formcheck.exercises import EXERCISES, PROFILES
from formcheck.live import MIN_SPEECH_GAP_S, LiveSettings, LiveState
from formcheck.programme import (
    BUILT_IN_PROGRAMMES,
    GuidedSession,
    Programme,
    ProgrammeError,
    SessionSummary,
    SessionView,
    programme_from_json,
)
from formcheck.video import RgbImage, VideoError, iter_frames
from formcheck.workspace import ME_CLIENT, Workspace, WorkspaceError, default_db

if TYPE_CHECKING:
    from formcheck.live_video import LiveSession  # imports mediapipe: only once a frame arrives

RUNNING_KEY = "formcheck_guided"
PROGRAMME_KEY = "guided_programme"
JUST_SAVED_KEY = "formcheck_guided_saved"  # a programme saved on the run before: chosen, and its saving confirmed
NEXT_LABELS = {"get_ready": "Start now", "working": "Done with this set", "resting": "Skip the rest"}
NOT_SAVED = "Nobody (do not keep it)"


class GuidedCamera:
    """The video thread's way to the live session of the exercise being done: the page says which exercise it
    wants, and the next frame switches to a fresh session for it (a new exercise or side starts its own count)."""

    def __init__(self, model: str) -> None:
        self.model = model
        self._lock = threading.Lock()
        self._wanted: LiveSettings | None = None
        self._live: LiveSession | None = None

    def want(self, settings: LiveSettings) -> None:
        with self._lock:
            self._wanted = settings

    def process(self, image: RgbImage, t_ms: float | None) -> RgbImage:
        with self._lock:
            live = self._current()
        return image if live is None else live.process(image, t_ms)

    def snapshot(self) -> tuple[LiveState | None, list[str], str | None]:
        """The newest live state of the wanted exercise, the cue lines since the last call, and any problem."""
        with self._lock:
            live = self._live
            if live is None or not self._matches(live):
                return None, [], None
        state, lines = live.snapshot()
        return state, lines, live.problem

    def close(self) -> None:
        with self._lock:
            if self._live is not None:
                self._live.close()
                self._live = None

    def _matches(self, live: LiveSession) -> bool:
        wanted = self._wanted
        return wanted is not None and replace(wanted, back_outline=live.settings.back_outline) == live.settings

    def _current(self) -> LiveSession | None:
        if self._wanted is None:
            return None
        if self._live is None or not self._matches(self._live):
            if self._live is not None:
                self._live.close()
            from formcheck.live_video import LiveSession  # noqa: PLC0415 - mediapipe loads with the first frame

            self._live = LiveSession(self._wanted, self.model)
        return self._live


@dataclass
class _Running:
    """One guided session in this browser tab."""

    session: GuidedSession
    person: str | None  # whose history keeps the summary (None: nobody's)
    profile: str
    voice: bool
    camera_facing: str
    camera: GuidedCamera
    started_s: float = field(default_factory=time.monotonic)
    saved: bool = False
    ended: bool = False  # by "End the session", before the programme's end
    # The steps' lines not yet spoken, oldest first. Kept until spoken: a run of the page can be cut short by the
    # next one (the camera component asks for reruns), and a newer line must not replace one still waiting for the
    # gap between lines ("Go: ..." was lost both ways with the fake camera).
    to_say: list[str] = field(default_factory=list)

    def queue(self, view: SessionView) -> None:
        if view.say:
            self.to_say.append(view.say)

    def now_s(self) -> float:
        return time.monotonic() - self.started_s


def render(on_phone: bool, streamer: Callable[..., Any]) -> None:
    """The guided mode of the Live coach page; ``streamer``: streamlit-webrtc's component (a stand-in in tests)."""
    running: _Running | None = st.session_state.get(RUNNING_KEY)
    if running is None:
        _choose()
    else:
        _lead(running, on_phone, streamer)


# --- choosing ---------------------------------------------------------------------------------------------------


def _choose() -> None:
    st.markdown(
        "Choose who is training and the programme, then press **Start the guided session**: formcheck leads each "
        "exercise in turn (where to put the camera, the sets on each side, the rests) and sums it up at the end."
    )
    person = _person()
    programmes = _programmes(person)
    names = list(programmes)
    just_saved = st.session_state.pop(JUST_SAVED_KEY, None)
    if just_saved in programmes:
        st.session_state[PROGRAMME_KEY] = just_saved
    elif st.session_state.get(PROGRAMME_KEY) not in programmes:
        leadable = [name for name in names if _problem(programmes[name]) is None]
        st.session_state[PROGRAMME_KEY] = (leadable or names)[0]  # not one naming an exercise not registered here
    chosen = st.selectbox("Programme", names, key=PROGRAMME_KEY)
    programme = programmes[str(chosen)]
    _programme_table(programme)
    problem = _problem(programme)
    if problem:
        st.error(problem, icon=":material/error:")
    left, middle, right = st.columns(3)
    profile = left.selectbox(
        "Strictness", PROFILES, index=PROFILES.index("standard"), format_func=PROFILE_HELP.__getitem__,
        key="guided_profile",
    )  # fmt: skip
    model = middle.selectbox("Body model", LIVE_MODELS, format_func=MODEL_HELP.__getitem__, key="guided_model")
    camera = right.radio("Camera", list(CAMERAS), format_func=CAMERAS.__getitem__, key="guided_camera",
                         help=CAMERA_HELP)  # fmt: skip
    voice = st.toggle("Speak the steps and the cues", value=True, key="guided_voice")
    if person is not None:
        _add_programme(person, just_saved)
    if st.button("Start the guided session", type="primary", disabled=problem is not None, key="guided_start"):
        session = GuidedSession(programme, lambda exercise: placement_for(exercise).sentence)
        st.session_state[RUNNING_KEY] = _Running(
            session, person, str(profile), bool(voice), str(camera), GuidedCamera(str(model))
        )
        st.rerun()


def _person() -> str | None:
    """Whose history keeps the session: "Me" (made on first use) or a client; nobody's from a device on the network
    that has not logged in to the Clients workspace."""
    if not access.workspace_open():
        st.caption("Log in on the Clients page to keep this session in a history.")
        return None
    try:
        with Workspace(default_db()) as workspace:
            clients = [client.name for client in workspace.clients() if client.name != ME_CLIENT]
    except WorkspaceError as error:
        st.warning(f"The session cannot be kept in a history: {error}", icon=":material/warning:")
        return None
    chosen = st.selectbox("Who is training", [ME_CLIENT, *clients, NOT_SAVED], key="guided_person")
    return None if chosen == NOT_SAVED else str(chosen)


def _programmes(person: str | None) -> dict[str, Programme]:
    """The person's assigned programmes first, then the built-in ones, then every other trainer-made one."""
    assigned: list[Programme] = []
    saved: list[Programme] = []
    if person is not None:
        try:
            with Workspace(default_db()) as workspace:
                client = workspace.add_client(person) if person == ME_CLIENT else workspace.client(person)
                assigned, saved = workspace.assigned(client), workspace.programmes()
        except (WorkspaceError, ProgrammeError) as error:
            st.warning(f"The saved programmes cannot be read: {error}", icon=":material/warning:")
    listed: dict[str, Programme] = {}
    for programme in (*assigned, *BUILT_IN_PROGRAMMES, *saved):
        listed.setdefault(programme.name, programme)
    return listed


def _programme_table(programme: Programme) -> None:
    rows = [
        {
            "Exercise": _exercise_title(step.exercise),
            "Sets": step.pyramid_text,
            "Rest": f"{step.rest_s:g} s",
        }
        for step in programme.steps
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def _problem(programme: Programme) -> str | None:
    try:
        programme.validate()
    except ProgrammeError as error:
        return f"This programme cannot be led yet: {error}"
    return None


def _add_programme(person: str, just_saved: str | None) -> None:
    """A trainer's programme as JSON (``formcheck.programme/1``), saved, given to the person and chosen."""
    if just_saved:
        st.success(f"Saved {escape_markdown(just_saved)} and chose it above.")
    with st.expander("Add a trainer's programme (JSON)"):
        text = st.text_area(
            "Programme",
            placeholder='{"name": "Mornings", "steps": [{"exercise": "bird_dog", "sets": [6, 4, 2], "hold_s": 10, '
            '"per_side": true, "rest_s": 20}]}',
            key="guided_programme_json",
        )
        if not st.button("Save and give it to " + person, disabled=not text.strip(), key="guided_save_programme"):
            return
        try:
            programme = programme_from_json(text)
            with Workspace(default_db()) as workspace:
                client = workspace.add_client(person) if person == ME_CLIENT else workspace.client(person)
                workspace.save_programme(programme)
                workspace.assign(client, programme.name)
        except (ProgrammeError, WorkspaceError) as error:
            st.error(str(error), icon=":material/error:")
            return
        st.session_state[JUST_SAVED_KEY] = programme.name
        st.rerun()


def _exercise_title(exercise: str) -> str:
    spec = EXERCISES.get(exercise)
    return spec.title if spec else exercise


# --- leading ----------------------------------------------------------------------------------------------------


def _lead(running: _Running, on_phone: bool, streamer: Callable[..., Any]) -> None:
    session = running.session
    if running.ended or session.phase == "finished":
        _finish(running)
        return
    action, end = st.columns(2)
    if action.button(NEXT_LABELS[session.phase], type="primary", key="guided_next"):
        running.queue(session.advance(running.now_s()))
        st.rerun()  # redrawn for the new phase (its button, its headline)
    if end.button("End the session", key="guided_end"):
        running.ended = True
        st.rerun()
    state, _, _ = running.camera.snapshot()
    view = session.update(running.now_s(), state)
    if view.phase == "finished":
        st.rerun()
    _step(view)
    speech = st.empty()
    running.queue(view)
    exercise = str(view.exercise)
    running.camera.want(LiveSettings(exercise, running.profile))
    if on_phone:  # portrait: large numbers above the video, as in the one-exercise mode
        st.html(PHONE_STYLE)
        coach_column, video_column = st.container(), st.container()
    else:
        video_column, coach_column = st.columns([3, 2])
    with video_column:
        context = streamer(
            key="guided-coach",
            mode=WebRtcMode.SENDRECV,
            video_frame_callback=_callback(running.camera),
            media_stream_constraints={"video": {"facingMode": {"ideal": running.camera_facing}}, "audio": False},
            rtc_configuration={"iceServers": []},  # camera and server on this computer or this network: no relay
            async_processing=True,
            video_html_attrs=PHONE_VIDEO_HTML_ATTRS if on_phone else VIDEO_HTML_ATTRS,
        )
    status = coach_column.empty()
    if not context.state.playing:
        status.info("Press START to turn the camera on; the buttons above move on by hand.")
        _say_step_line(running, speech)
        return
    _follow(running, view, (status, speech))


def _say_step_line(running: _Running, speech: Any) -> None:
    """Say the steps' waiting lines (only the newest is heard: each cuts off the one before; without a camera the
    page is redrawn by the buttons alone, so there is no later moment to say the others)."""
    if running.voice and running.to_say:
        speak(speech, running.to_say[-1])
    running.to_say.clear()


def _follow(running: _Running, shown: SessionView, places: tuple[Any, Any]) -> None:
    """While the camera runs: feed the session, refresh the numbers, speak; a new phase redraws the page.

    The step's line goes before the coach's cues, and lines are at least MIN_SPEECH_GAP_S apart, as the coach's own
    (each line cuts off the one being said)."""
    status, speech = places
    last_spoken_s = -MIN_SPEECH_GAP_S
    while True:
        state, lines, problem = running.camera.snapshot()
        view = running.session.update(running.now_s(), state)
        if (view.phase, view.exercise, view.side, view.set_text) != (
            shown.phase,
            shown.exercise,
            shown.side,
            shown.set_text,
        ):
            running.queue(view)
            st.rerun()
        if problem:
            status.error(f"formcheck cannot analyse the video: {problem}", icon=":material/error:")
        else:
            show_numbers(status, view, state)
        running.queue(view)
        line = running.to_say[0] if running.to_say else lines[-1] if lines else None
        if line and time.monotonic() - last_spoken_s >= MIN_SPEECH_GAP_S:
            if running.voice:
                speak(speech, line)
            running.to_say[:1], last_spoken_s = [], time.monotonic()
        time.sleep(POLL_S)


def _step(view: SessionView) -> None:
    exercise = str(view.exercise)
    st.subheader(view.headline)
    picture, words = st.columns([1, 1])
    still = start_still(exercise, str(runtime.config().samples_dir))
    if still is not None:
        picture.image(still, caption=f"The start position of the {_exercise_title(exercise).lower()}")
    else:
        picture.image(placement_svg(exercise), caption="Where to put the camera", width=320)
    words.markdown(f"**{view.set_text}**" + (f" — {view.side} side" if view.side else ""))
    words.caption(f"All sets: {view.pyramid_text}")
    if view.phase != "get_ready":  # the headline already says where the camera goes
        words.markdown(placement_for(exercise).sentence)


def show_numbers(status: Any, view: SessionView, state: LiveState | None) -> None:
    """The same elements on every refresh, whatever the phase: the page's run never ends while the camera runs, so
    an element left out stays on screen with an old value (a "Rest 0 s" went on showing during the next set)."""
    with status.container():
        done, clock, good = st.columns(3)
        done.metric("Done", f"{view.done_count} of {view.target_count}")
        if view.countdown_s is not None:
            clock.metric("Rest" if view.phase == "resting" else "Starting in", f"{view.countdown_s:.0f} s")
        else:
            clock.metric("Hold", f"{state.hold_s if state is not None and state.in_hold else 0:.0f} s")
        good.metric("Good-form time", f"{state.good_form_s if state is not None else 0:.0f} s")
        if state is not None and state.cue:
            st.warning(state.cue.text)
        elif state is not None and state.setup:
            st.info(f"Camera set-up: {state.setup}")
        elif state is not None and state.person_found:
            st.success("Looking good — keep going.")
        else:
            st.info("Waiting for the camera to see you…")
        if state is not None:
            components.not_checked_lines(state.not_checked, prefix="Not checked: ")


def _callback(camera: GuidedCamera) -> Callable[[av.VideoFrame], av.VideoFrame]:
    def on_frame(frame: av.VideoFrame) -> av.VideoFrame:
        t_ms = frame.time * 1000.0 if frame.time is not None else None
        image = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
        return av.VideoFrame.from_ndarray(camera.process(image, t_ms), format="rgb24")

    return on_frame


@st.cache_data(max_entries=32, show_spinner=False)
def start_still(exercise: str, samples_dir: str) -> RgbImage | None:
    """The first frame of the exercise's sample clip (a clean one, filmed from the side when there is one), or None
    when the samples hold no clip of it."""
    folder = Path(samples_dir)
    patterns = (f"{exercise}_*clean*side*.mp4", f"{exercise}_*clean*.mp4", f"{exercise}_*.mp4")
    clips = next((found for pattern in patterns if (found := sorted(folder.glob(pattern)))), [])
    if not clips:
        return None
    try:
        first = next(iter(iter_frames(clips[0])), None)
    except VideoError:
        return None
    return None if first is None else first.image


# --- the end ----------------------------------------------------------------------------------------------------


def _finish(running: _Running) -> None:
    running.camera.close()
    summary = running.session.summary()
    st.subheader("Well done: your session")
    _say_step_line(running, st.empty())  # the programme's last line, when it ended by itself
    _summary(summary)
    if running.person is not None:
        _keep(running, summary)
    if st.button("Start another session", type="primary", key="guided_again"):
        del st.session_state[RUNNING_KEY]
        st.rerun()


def _summary(summary: SessionSummary) -> None:
    rows = [
        {
            "Exercise": _exercise_title(result.exercise),
            "Side": result.side or "",
            "Holds": result.holds,
            "Reps": result.reps,
            "Good-form time": f"{result.good_form_s:.1f} s",
        }
        for result in summary.results
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    for sentence in summary.balance:
        st.info(sentence, icon=":material/balance:")
    for exercise, cue in summary.work_on:
        st.markdown(f"**To work on, {_exercise_title(exercise).lower()}:** {cue}")


def _keep(running: _Running, summary: SessionSummary) -> None:
    """Save the summary once in the person's history and show their good-form trend."""
    person = str(running.person)
    try:
        with Workspace(default_db()) as workspace:
            client = workspace.add_client(person) if person == ME_CLIENT else workspace.client(person)
            if not running.saved:
                workspace.save_guided_session(client, summary)
                running.saved = True
            trend = workspace.good_form_trend(client)
    except WorkspaceError as error:
        st.error(f"The session could not be kept: {error}", icon=":material/error:")
        return
    st.success(f"Kept in {escape_markdown(client.name)}'s history.")
    if trend:
        table = pd.DataFrame([vars(point) for point in trend])
        table["exercise"] = table["exercise"].map(_exercise_title)
        chart = table.pivot_table(index="day", columns="exercise", values="good_form_s", aggfunc="sum")
        st.markdown("**Good-form seconds per day**")
        st.bar_chart(chart, stack=False)

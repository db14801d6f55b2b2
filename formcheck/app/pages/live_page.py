"""Live page: exercise in front of the webcam with the skeleton, one cue at a time (text and voice), reps and hold.

The browser sends the camera over WebRTC to this computer (streamlit-webrtc; nothing leaves it), each frame goes
through :class:`formcheck.live_video.LiveSession`, and the page polls the session for the numbers and the lines to
speak (the browser's own speech synthesis says them).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import av
import numpy as np
import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from formcheck.app import access, components, guided, phone_pairing
from formcheck.app.components import MODEL_HELP, PROFILE_HELP, equipment_picker
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
from formcheck.app.speech import speak
from formcheck.exercises import EXERCISES, PROFILES
from formcheck.live import CUE_COOLDOWN_S, LiveSettings, LiveState

if TYPE_CHECKING:
    from formcheck.live_video import LiveSession  # imports mediapipe: only once the page is opened

SESSION_KEY = "formcheck_live_session"
SINGLE, GUIDED = "One exercise", "Guided session"


def render() -> None:
    st.title("Live coach")
    components.coaching_note()
    on_phone = access.lan_device() is not None
    mode = st.radio(
        "Mode", (SINGLE, GUIDED), horizontal=True, key="live_mode",
        help="A guided session leads a whole programme (McGill's Big 3, Back basics, or your trainer's): each "
        "exercise, where to put the camera, the sets on each side, the rests, and a summary at the end.",
    )  # fmt: skip
    if mode == GUIDED:
        guided.render(on_phone, webrtc_streamer)
        return
    st.markdown(
        "Choose the exercise, put the camera where the picture shows, press **START**, allow the camera, and step "
        "into place: formcheck shows one cue at a time and says it aloud (mute below). The video is analysed on "
        "this computer and goes nowhere else."
    )
    settings, model, voice, camera = _controls()
    _placement(settings.exercise)
    if not on_phone:
        phone_pairing.render()
    session = _session(settings, model)
    if on_phone:  # portrait: large numbers and cue above the video
        st.html(PHONE_STYLE)
        coach_column, video_column = st.container(), st.container()
    else:  # reps and the cue beside the video: a portrait camera's picture pushed them out of sight below it
        video_column, coach_column = st.columns([3, 2])
    with video_column:
        context = webrtc_streamer(
            key="live-coach",
            mode=WebRtcMode.SENDRECV,
            video_frame_callback=_callback(session),
            media_stream_constraints={"video": {"facingMode": {"ideal": camera}}, "audio": False},
            rtc_configuration={"iceServers": []},  # camera and server on this computer or this network: no relay
            async_processing=True,
            video_html_attrs=PHONE_VIDEO_HTML_ATTRS if on_phone else VIDEO_HTML_ATTRS,
        )
    with coach_column:
        status = st.empty()
        speech = st.empty()
    if not context.state.playing:
        status.info("Press START to begin. Allow the browser to use your camera when it asks.")
        return
    while context.state.playing:
        state, lines = session.snapshot()
        if session.problem:
            status.error(f"formcheck cannot analyse the video: {session.problem}", icon=":material/error:")
            time.sleep(POLL_S)
            continue
        _show(status, state, settings)
        if voice and lines:
            speak(speech, lines[-1])
        time.sleep(POLL_S)


def _placement(exercise: str) -> None:
    """Where to put the camera (a phone, for the floor exercises), drawn for the chosen exercise."""
    picture, words = st.columns([1, 1])
    picture.image(placement_svg(exercise), caption="Where to put the camera", width=320)
    words.markdown(placement_for(exercise).sentence)


def _controls() -> tuple[LiveSettings, str, bool, str]:
    names = list(EXERCISES)
    left, middle, right = st.columns(3)
    exercise = left.selectbox("Exercise", names, format_func=lambda name: EXERCISES[name].title, key="live_exercise")
    profile = middle.selectbox(
        "Strictness",
        PROFILES,
        index=PROFILES.index("standard"),
        format_func=lambda name: PROFILE_HELP[name],
        key="live_profile",
    )
    model = right.selectbox("Body model", LIVE_MODELS, format_func=lambda name: MODEL_HELP[name], key="live_model")
    equipment = equipment_picker(str(exercise), key="live_equipment")
    camera = st.radio(
        "Camera", list(CAMERAS), format_func=CAMERAS.__getitem__, horizontal=True, key="live_camera",
        help=CAMERA_HELP,
    )  # fmt: skip
    voice_col, cooldown_col = st.columns(2)
    voice = voice_col.toggle("Speak the cues", value=True, key="live_voice")
    cooldown = cooldown_col.slider(
        "Repeat a cue at most every … seconds", 3, 30, int(CUE_COOLDOWN_S), key="live_cooldown"
    )
    settings = LiveSettings(str(exercise), str(profile), float(cooldown), equipment=equipment)
    return settings, str(model), bool(voice), str(camera)


def _session(settings: LiveSettings, model: str) -> LiveSession:
    """One session per settings: changing the exercise (or model) starts a fresh count."""
    current: LiveSession | None = st.session_state.get(SESSION_KEY)
    if current is not None and current.settings == settings and current.model == model:
        return current
    if current is not None:
        current.close()
    from formcheck.live_video import LiveSession  # noqa: PLC0415 - mediapipe loads when the live page is used

    session = LiveSession(settings, model)
    st.session_state[SESSION_KEY] = session
    return session


def _callback(session: LiveSession) -> Any:
    def on_frame(frame: av.VideoFrame) -> av.VideoFrame:
        t_ms = frame.time * 1000.0 if frame.time is not None else None
        image = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
        shown = session.process(image, t_ms)
        return av.VideoFrame.from_ndarray(shown, format="rgb24")

    return on_frame


def _show(status: Any, state: LiveState | None, settings: LiveSettings) -> None:
    with status.container():
        if state is None:
            st.info("Waiting for the camera…")
            return
        exercise = EXERCISES[settings.exercise]
        reps, hold, good = st.columns(3)
        reps.metric("Reps", state.reps)
        if exercise.motion.times_holds:
            hold.metric("Hold", f"{state.hold_s:.0f} s")
            good.metric("Good-form time", f"{state.good_form_s:.0f} s")
        if state.cue:
            st.warning(state.cue.text)
        elif state.setup:
            st.info(f"Camera set-up: {state.setup}")
        elif state.person_found:
            st.success("Looking good — keep going.")
        components.not_checked_lines(state.not_checked, prefix="Not checked: ")

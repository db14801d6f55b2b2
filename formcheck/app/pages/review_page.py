"""Review page: a recorded set in, a review a person understands at a glance out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import streamlit as st
from streamlit import runtime as streamlit_runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from formcheck.app import access, components, runtime
from formcheck.app.inputs import (
    ACCEPTED_TYPES,
    Problem,
    StoredVideo,
    accepted_types_text,
    check_upload,
    discard,
    explain_error,
    in_use,
    list_samples,
    mark_used,
    sample_title,
    store_upload,
    stored_from_path,
)
from formcheck.app.review import Choice, frames_csv, prepare_model, report_json
from formcheck.reporting.summary import pose_problem, summarize
from formcheck.types import FormcheckError

if TYPE_CHECKING:
    from formcheck.pipeline import VideoAnalysis  # imports mediapipe: only once a video is analysed

log = logging.getLogger(__name__)

# Tests put a video path here (AppTest cannot upload files); a browser cannot set it.
TEST_VIDEO_KEY = "formcheck_video_path"
SAMPLE_QUERY_PARAM = "sample"
UPLOAD, SAMPLE = "Upload my video", "Try a sample video"
# A refused upload is replaced by a new, empty uploader (a new key), which lets Streamlit drop the old one's state.
_UPLOAD_GENERATION = "upload_generation"
_REFUSED_UPLOAD = "upload_refused"
_STORED_UPLOAD = "stored_upload"


def render() -> None:
    st.title("Review a recorded set")
    components.coaching_note()
    choice = components.settings_panel()
    video = _choose_video()
    if video is None:
        st.caption(
            "Tips: film from the side with the camera at hip height, your whole body in frame, in good light. "
            "Your video stays on this computer."
        )
        return
    with in_use(video.path):  # other sessions' uploads must not trim it away while this run reads it
        _review(video, choice)


def _choose_video() -> StoredVideo | None:
    test_path = st.session_state.get(TEST_VIDEO_KEY)
    if test_path:
        path = Path(str(test_path))
        return _checked(lambda: stored_from_path(path), path.name)
    requested = st.query_params.get(SAMPLE_QUERY_PARAM)
    source = st.radio("Which video?", (UPLOAD, SAMPLE), index=1 if requested else 0, horizontal=True, key="source")
    return _uploaded_video() if source == UPLOAD else _sample_video(requested)


def _uploaded_video() -> StoredVideo | None:
    config = runtime.config()
    generation = int(st.session_state.get(_UPLOAD_GENERATION, 0))
    uploaded = st.file_uploader(
        f"Your recording: {accepted_types_text()}, up to {config.max_upload_mb} MB",
        type=list(ACCEPTED_TYPES),
        key=f"upload-{generation}" if generation else "upload",
    )
    if uploaded is None:
        refused = st.session_state.get(_REFUSED_UPLOAD)
        if isinstance(refused, str):
            st.error(refused, icon=":material/error:")
        return None
    st.session_state.pop(_REFUSED_UPLOAD, None)
    problem = check_upload(uploaded.name, uploaded.size, config.max_upload_bytes)
    if problem is not None:
        _refuse(uploaded, problem)
    remembered = st.session_state.get(_STORED_UPLOAD)
    if isinstance(remembered, tuple) and remembered[0] == uploaded.file_id and remembered[1].path.is_file():
        stored: StoredVideo = remembered[1]
        mark_used(stored.path)  # trimming keeps what a session used lately
        return stored
    video = _checked(lambda: store_upload(uploaded, uploaded.name, config.cache_dir / "videos"), uploaded.name)
    if video is None:
        return None
    problem = _unreadable(video)
    if problem is not None:
        discard(video.path)
        _refuse(uploaded, problem)
    st.session_state[_STORED_UPLOAD] = (uploaded.file_id, video)
    return video


def _unreadable(video: StoredVideo) -> Problem | None:
    """Why a stored upload is not a video we can read (its first frame is decoded), checked before it is kept."""
    from formcheck.video import VideoError, probe_video  # noqa: PLC0415 - loads PyAV

    try:
        probe_video(video.path)
    except VideoError as error:
        return explain_error(error, video.name)
    return None


def _refuse(uploaded: UploadedFile, problem: Problem) -> NoReturn:
    """Say why on the next run, and let go of the file. Streamlit keeps each upload in memory until its uploader
    changes or the session ends; a refused one is removed from the runtime's store and its uploader is replaced by a
    new, empty one, so a refused 300 MB file does not stay resident."""
    log.info("refused upload %s: %s", uploaded.name, problem.message)
    context = get_script_run_ctx()
    if context is not None and streamlit_runtime.exists():
        manager = streamlit_runtime.get_instance().uploaded_file_mgr
        if isinstance(manager, MemoryUploadedFileManager):
            manager.remove_file(context.session_id, uploaded.file_id)
    uploaded.close()  # frees the copy the page holds (a BytesIO over the upload's bytes)
    st.session_state[_REFUSED_UPLOAD] = problem.text()
    st.session_state[_UPLOAD_GENERATION] = int(st.session_state.get(_UPLOAD_GENERATION, 0)) + 1
    st.session_state.pop(_STORED_UPLOAD, None)
    st.rerun()


def _sample_video(requested: str | None) -> StoredVideo | None:
    samples = list_samples(runtime.config().samples_dir)
    if not samples:
        st.info("There are no sample videos yet (the sample_videos folder is empty). Please upload your own video.")
        return None
    names = [path.name for path in samples]
    chosen = st.selectbox(
        "Sample video",
        samples,
        index=names.index(requested) if requested in names else 0,
        format_func=sample_title,
        key="sample",
    )
    return _checked(lambda: stored_from_path(chosen), chosen.name)


def _checked(read: Callable[[], StoredVideo], name: str) -> StoredVideo | None:
    """Run ``read`` and turn a failure into a message on the page."""
    try:
        video = read()
    except OSError as error:
        log.warning("could not store or read %s: %s", name, error)
        reason = error.strerror or str(error)
        st.error(f"“{name}” could not be read or saved ({reason}). Please try again.", icon=":material/error:")
        return None
    return video


def _review(video: StoredVideo, choice: Choice) -> None:
    service = runtime.service()
    try:
        prepare_model_once(choice.model)
        if not service.is_analyzed(video, choice.model):
            update, remove = components.progress_reporter(f"Finding your body in each frame of “{video.name}”")
            try:
                analysis = service.analyze(video, choice.model, update, on_wait=_say_waiting)
            finally:
                remove()
        else:
            analysis = service.analyze(video, choice.model)
        judged = service.judge(video, analysis, choice)
        _results(video, judged, choice)
    except Exception as error:  # whatever goes wrong, the page says so in plain words and the app stays up
        if not isinstance(error, FormcheckError):
            log.exception("analysing %s failed", video.name)
        problem = explain_error(error, video.name)
        st.error(problem.text(), icon=":material/error:")


def _say_waiting() -> None:
    st.toast(
        "Another video is being analysed on this computer; yours starts as soon as it is done.",
        icon=":material/hourglass_top:",
    )


@st.cache_resource(show_spinner="Loading the body-tracking model…")
def prepare_model_once(model: str) -> str:
    """Verify the model file once per process (and model)."""
    return str(prepare_model(model))


def _results(video: StoredVideo, judged: VideoAnalysis, choice: Choice) -> None:
    report = judged.report
    problem = pose_problem(report)
    if report.frames_with_pose == 0:
        st.warning(problem, icon=":material/person_off:")
        return
    if problem:
        st.warning(problem, icon=":material/person_off:")
    if report.exercise is None:
        components.ask_which_exercise(report)
        return
    summary = summarize(report)
    service = runtime.service()
    components.recognition_line(summary, report)
    components.summary_block(summary, report)

    video_column, table_column = st.columns([3, 2])
    with video_column:
        annotated = _annotated_video(video, judged, choice)
        if annotated is not None:
            st.video(str(annotated))
    with table_column:
        components.rep_tables(report)
    components.fault_table(report)
    components.over_time(report)
    stills = service.stills(video, judged, choice)
    components.stills_gallery(stills)
    components.unjudged_section(report)
    components.not_checked_section(report)
    stem = Path(video.name).stem
    components.downloads(
        stem, report_json(report), frames_csv(report), lambda: service.pdf(video, judged, choice, stills), annotated
    )
    _save_to_client(video, judged, choice)
    st.divider()
    st.caption(
        "formcheck coaches technique from what one camera can see; it is not a medical assessment. "
        "Stop if an exercise hurts, and check with a health professional if you have a back condition."
    )


def _save_to_client(video: StoredVideo, judged: VideoAnalysis, choice: Choice) -> None:
    """Keep this review in a client's history (the Clients page), for trainers reviewing one video at a time."""
    from formcheck.app.plain_text import escape_markdown  # noqa: PLC0415
    from formcheck.workspace import Workspace, WorkspaceError, default_db, now_iso  # noqa: PLC0415

    with st.expander("Save to a client's history"):
        if not access.workspace_open():  # from another device: the Clients passphrase first
            st.caption("Log in on the Clients page to save this review to a client's history.")
            return
        name = st.text_input("Client", placeholder="Name (new or existing)", key="save_client")
        if not st.button("Save this review", disabled=not name.strip()):
            return
        try:
            with Workspace(default_db()) as workspace:
                client = workspace.add_client(name)
                set_id = workspace.save_set(
                    client, video.name, video.sha256, now_iso(), choice.model, choice.profile,
                    report=judged.report.to_json_dict(),
                )  # fmt: skip
        except WorkspaceError as error:
            st.error(str(error), icon=":material/error:")
            return
        shown = escape_markdown(client.name)  # text from a person: never Markdown (an image link would be fetched)
        st.success(f"Saved as set #{set_id} in {shown}'s history (see the Clients page).")


def _annotated_video(video: StoredVideo, judged: VideoAnalysis, choice: Choice) -> Path | None:
    update, remove = components.progress_reporter("Drawing the annotated video")
    try:
        return runtime.service().annotated_video(video, judged, choice, update)
    except Exception:  # the review is still useful without the video
        log.exception("could not write the annotated video for %s", video.name)
        st.warning("The annotated video could not be made; the rest of the review is below.", icon=":material/movie:")
        return None
    finally:
        remove()

"""Clients page, for a trainer or physiotherapist: clients, batch review of their videos, history and trends, and
corrections to wrong calls. Everything is kept in the workspace database (:mod:`formcheck.workspace`)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from formcheck.app import components, runtime
from formcheck.app.inputs import ACCEPTED_TYPES, check_upload
from formcheck.app.plain_text import escape_markdown
from formcheck.app.review import Choice
from formcheck.app.trainer import Upload, kept_unjudged, remove_videos, review_again, review_uploads, stored_videos
from formcheck.client_export import export_zip, safe_file_name
from formcheck.exercises import EXERCISES
from formcheck.report import exercise_title
from formcheck.reporting.summary import fault_title
from formcheck.workspace import Client, GuidedSessionRecord, SetRecord, Workspace, WorkspaceError, default_db

CLIENT_KEY = "trainer_client"


def render() -> None:
    st.title("Clients")
    components.coaching_note()
    try:
        workspace = _workspace()
    except WorkspaceError as error:
        st.error(f"{error}. Set FORMCHECK_DB to a writable file, or move the broken file away.")
        return
    client_name = _choose_client(workspace)
    if client_name is None:
        st.info("Add your first client above. Their reviewed sets, progress and your corrections are kept here.")
        return
    client = workspace.client(client_name)
    _review_new_videos(workspace, client_name, first=workspace.set_count(client) == 0)
    sets = workspace.sets(client)
    if not sets:
        st.info(f"No sets reviewed for {escape_markdown(client.name)} yet: upload their videos above.")
    else:
        _history(sets)
        _trend(sets)
        _review_unjudged_again(workspace, client, sets)
        _corrections(workspace, sets)
    _client_data(workspace, client, sets)


@st.cache_resource
def _open_workspace(path: str) -> Workspace:
    return Workspace(Path(path))


def _workspace() -> Workspace:
    return _open_workspace(str(default_db()))


def _choose_client(workspace: Workspace) -> str | None:
    names = [client.name for client in workspace.clients()]
    pick, add = st.columns([2, 1])
    with add.form("add_client", clear_on_submit=True, border=False):
        new_name = st.text_input("New client", placeholder="Name")
        if st.form_submit_button("Add client") and new_name.strip():
            added = workspace.add_client(new_name)  # a look-alike of a known name is that client
            names.append(added.name)
            st.session_state[CLIENT_KEY] = added.name
    if not names:
        return None
    chosen = pick.selectbox("Client", sorted(set(names), key=str.lower), key=CLIENT_KEY)
    return str(chosen) if chosen else None


def _review_new_videos(workspace: Workspace, client_name: str, first: bool) -> None:
    with st.expander("Review new videos", expanded=first):
        choice = components.settings_panel()
        uploads = st.file_uploader(
            "Videos of one or more sets", type=list(ACCEPTED_TYPES), accept_multiple_files=True, key="trainer_uploads"
        )
        if not uploads or not st.button(f"Review {len(uploads)} video(s)", type="primary"):
            return
        config = runtime.config()
        accepted: list[Upload] = []
        for upload in uploads:
            problem = check_upload(upload.name, upload.size, config.max_upload_bytes)
            if problem is not None:
                st.warning(f"{escape_markdown(upload.name)}: {problem.message}")
                continue
            accepted.append((upload, upload.name))
        _run_batch(workspace, client_name, accepted, choice)


def _run_batch(workspace: Workspace, client_name: str, uploads: list[Upload], choice: Choice) -> None:
    from formcheck.pipeline import AnalysisSettings  # noqa: PLC0415 - mediapipe loads when work starts

    settings = AnalysisSettings(
        exercise=choice.exercise, model=choice.model, profile=choice.profile, equipment=choice.equipment
    )
    bar = st.progress(0.0, text="Starting…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / max(total, 1), text=f"{done} of {total} reviewed" + (f" — now {name}" if name else ""))

    client = workspace.client(client_name)
    outcomes = review_uploads(workspace, client, uploads, settings, _trainer_folder(), progress)
    for outcome, (_, uploaded_name) in zip(outcomes, uploads, strict=True):
        name = escape_markdown(uploaded_name)
        if outcome.status == "failed":
            st.warning(f"{name}: {outcome.message}")
        elif outcome.status == "unjudged":
            st.warning(f"{name}: not judged — {outcome.message}. Choose the exercise under “Review again” below.")
    counts = {status: sum(o.status == status for o in outcomes) for status in ("done", "unjudged", "skipped")}
    st.success(
        f"{counts['done']} set(s) reviewed, {counts['unjudged']} could not be judged, "
        f"{counts['skipped']} already in {escape_markdown(client_name)}'s history or being reviewed elsewhere."
    )


def _trainer_folder() -> Path:
    return runtime.config().cache_dir / "trainer"


def _status(record: SetRecord) -> str:
    if record.status == "done":
        return "reviewed"
    return f"{'not judged' if record.status == 'unjudged' else 'failed'}: {record.error}"


def _history(sets: list[SetRecord]) -> None:
    st.subheader("History")
    rows = [
        {
            "Set": record.id,
            "Recorded": record.recorded_at[:10],
            "Video": record.video_name,
            "Exercise": exercise_title(record.exercise) if record.exercise else "—",
            "Reps": record.reps,
            "Clean reps": _percent(record.clean_rep_share()),
            "Faults": _faults_cell(record),
            "Corrected": len(record.corrections),
            "Status": _status(record),
        }
        for record in sets
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)
    history = [
        {"id": r.id, "video": r.video_name, "recorded_at": r.recorded_at, "status": r.status, "reason": r.error,
         "report": r.report}
        for r in sets
    ]  # fmt: skip
    pdf_col, json_col = st.columns(2)
    pdf_col.download_button(
        "Progress report (PDF)",
        _progress_pdf(sets[0].client, tuple(sets)),
        f"formcheck-{safe_file_name(sets[0].client)}.pdf",
        mime="application/pdf",
    )
    json_col.download_button(
        "History (JSON)", json.dumps({"client": sets[0].client, "sets": history}, indent=2), "history.json"
    )


def _faults_cell(record: SetRecord) -> str:
    if record.status != "done":  # nothing was judged: "none" would read as a clean set
        return "—"
    return ", ".join(sorted({fault_title(code) for code in record.faults()})) or "none"


def _progress_pdf(client: str, sets: tuple[SetRecord, ...]) -> bytes:
    from formcheck.reporting.pdf import client_progress_pdf  # noqa: PLC0415 - matplotlib loads only for a report

    return client_progress_pdf(client, sets)


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.0f}%"


def _trend(sets: list[SetRecord]) -> None:
    points = [
        {"recorded": r.recorded_at[:19], "exercise": exercise_title(r.exercise), "clean": r.clean_rep_share()}
        for r in sets
        if r.exercise and r.clean_rep_share() is not None
    ]
    if len(points) < 2:
        return
    st.subheader("Progress")
    chart = (
        alt.Chart(pd.DataFrame(points))
        .mark_line(point=True)
        .encode(
            x=alt.X("recorded:T", title="Recorded"),
            y=alt.Y("clean:Q", title="Share of clean reps", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("exercise:N", title="Exercise"),
        )
    )
    st.altair_chart(chart, use_container_width=True)


def _corrections(workspace: Workspace, sets: list[SetRecord]) -> None:
    reviewed = [record for record in sets if record.report and record.report.get("faults")]
    if not reviewed:
        return
    st.subheader("Correct a call")
    st.caption("If formcheck called a fault that was not there, say so: the history and trends leave it out.")
    record = st.selectbox(
        "Set", reviewed, format_func=lambda r: f"#{r.id} {r.recorded_at[:10]} {r.video_name}", key="correct_set"
    )
    codes = sorted({fault["code"] for fault in record.report["faults"]}) if record and record.report else []
    code = st.selectbox("Call", codes, format_func=fault_title, key="correct_code")
    note = st.text_input("Why (optional)", key="correct_note")
    if record is not None and code and st.button("This call is wrong"):
        workspace.correct(record.id, str(code), "not_a_fault", note=note)
        st.success(f"Noted: no {fault_title(str(code)).lower()} in set #{record.id}.")
        st.rerun()


def _review_unjudged_again(workspace: Workspace, client: Client, sets: list[SetRecord]) -> None:
    unjudged = [record for record in sets if record.status == "unjudged"]
    if not unjudged:
        return
    st.subheader("Review again")
    st.caption("Sets where nothing could be judged. If formcheck did not recognise the exercise, choose it here.")
    record = st.selectbox("Set", unjudged, format_func=lambda r: f"#{r.id} {r.video_name}: {r.error}", key="again_set")
    exercise = st.selectbox("Exercise", EXERCISES, format_func=exercise_title, key="again_exercise")
    if record is None or not st.button(f"Review again as {exercise_title(str(exercise)).lower()}"):
        return
    video = kept_unjudged(_trainer_folder(), record.video_sha256)
    shown = escape_markdown(record.video_name)
    if video is None:
        st.info(f"{shown} is no longer kept here: upload it again above, with the exercise chosen in the "
                "settings, and it is reviewed again.")  # fmt: skip
        return
    from formcheck.pipeline import AnalysisSettings  # noqa: PLC0415 - mediapipe loads when work starts

    settings = AnalysisSettings(exercise=str(exercise), model=record.model, profile=record.profile)
    with st.spinner(f"Reviewing {shown} as {exercise_title(str(exercise)).lower()}…"):
        outcome = review_again(workspace, client, video, record.video_name, settings, _trainer_folder())
    if outcome.status == "done":
        st.success(f"{shown} reviewed as {exercise_title(str(exercise)).lower()}.")
        st.rerun()
    st.warning(f"{shown}: {outcome.message}")


def _client_data(workspace: Workspace, client: Client, sets: list[SetRecord]) -> None:
    """The trainer's data rights: export everything of a client, delete one set, delete the client."""
    with st.expander("Export or delete this client's data"):
        _export(client, sets, workspace.guided_sessions(client))
        if sets:
            _delete_set(workspace, sets)
        _delete_client(workspace, client)


def _export(client: Client, sets: list[SetRecord], guided: list[GuidedSessionRecord]) -> None:
    st.caption("Everything kept of this client in one zip: history, every report, progress PDF, kept videos.")
    if not st.button("Prepare the export", key="prepare_export"):
        return
    buffer = io.BytesIO()
    videos = stored_videos(runtime.config().cache_dir, sorted({record.video_sha256 for record in sets}))
    export_zip(buffer, client.name, sets, _progress_pdf(client.name, tuple(sets)), videos, guided)
    name = f"formcheck-{safe_file_name(client.name)}.zip"
    st.download_button("Download the export (zip)", buffer.getvalue(), name, mime="application/zip")


def _delete_set(workspace: Workspace, sets: list[SetRecord]) -> None:
    record = st.selectbox(
        "Set to delete", sets, format_func=lambda r: f"#{r.id} {r.recorded_at[:10]} {r.video_name}", key="delete_set"
    )
    sure = st.checkbox("Delete this set for good: its review, corrections and kept video", key="delete_set_sure")
    if record is not None and st.button("Delete set", disabled=not sure, key="delete_set_button"):
        remove_videos(runtime.config().cache_dir, workspace.delete_set(record.id))
        st.rerun()


def _delete_client(workspace: Workspace, client: Client) -> None:
    typed = st.text_input("Type the client's name to delete them and all their data", key="delete_client_name")
    if st.button("Delete client", disabled=typed.strip() != client.name, key="delete_client_button"):
        remove_videos(runtime.config().cache_dir, workspace.delete_client(client))
        for key in (CLIENT_KEY, "delete_client_name"):
            st.session_state.pop(key, None)
        st.rerun()

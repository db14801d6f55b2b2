"""Streamlit pieces of the Review page, shared with other pages (e.g. a trainer's workspace)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st

from formcheck.analysis import AUTO
from formcheck.app.charts import angle_chart, fault_timeline_chart
from formcheck.app.progress import ProgressEstimate
from formcheck.app.review import Choice, Still
from formcheck.equipment import EQUIPMENT_TITLES
from formcheck.exercises import EXERCISES, PROFILES, titles_in_words
from formcheck.exercises.spec import EQUIPMENT, EQUIPMENT_AUTO
from formcheck.pose.models import DEFAULT_MODEL, MODEL_NAMES
from formcheck.report import NotChecked, Report, exercise_title
from formcheck.reporting.explain import fault_evidence
from formcheck.reporting.plot_data import checked_features, feature_description, feature_label, key_feature
from formcheck.reporting.summary import (
    COACHING_NOTE,
    Summary,
    fault_rows,
    fault_title,
    hold_rows,
    rep_rows,
    unjudged_rows,
)

PROFILE_HELP = {
    "gentle": "Gentle — only clear faults (good for getting started)",
    "standard": "Standard — recommended",
    "strict": "Strict — catches small deviations",
}
MODEL_HELP = {
    "lite": "Lite — fastest, a little less precise",
    "full": "Full — balanced (recommended)",
    "heavy": "Heavy — most precise, about three times slower",
}
_PROGRESS_EVERY_S = 0.25  # redraw the bar at most this often


def coaching_note() -> None:
    st.info(COACHING_NOTE, icon=":material/health_and_safety:")


def settings_panel() -> Choice:
    """The exercise, strictness and model, in the sidebar."""
    with st.sidebar:
        st.header("Settings")
        exercise = st.selectbox(
            "Exercise",
            [AUTO, *EXERCISES],
            format_func=lambda name: "Recognise it for me" if name == AUTO else exercise_title(name),
            key="exercise",
            help="Leave it on ‘Recognise it for me’, or pick the exercise if the guess is wrong.",
        )
        equipment = equipment_picker(str(exercise), key="equipment")
        profile = st.radio(
            "How strict",
            PROFILES,
            index=PROFILES.index("standard"),
            format_func=lambda name: PROFILE_HELP[name],
            key="profile",
        )
        model = st.selectbox(
            "Body-tracking model",
            MODEL_NAMES,
            index=MODEL_NAMES.index(DEFAULT_MODEL),
            format_func=lambda name: MODEL_HELP[name],
            key="model",
            help="Changing the model analyses the video again; changing the exercise or strictness is instant.",
        )
    return Choice(exercise=str(exercise), model=str(model), profile=str(profile), equipment=equipment)


def equipment_picker(exercise: str, key: str) -> str:
    """What the person lifts with, asked only for exercises whose checks depend on it (and for "recognise it")."""
    offered = EXERCISES[exercise].equipment if exercise in EXERCISES else EQUIPMENT
    if not offered:
        return EQUIPMENT_AUTO
    return str(
        st.selectbox(
            "Equipment",
            [EQUIPMENT_AUTO, *offered],
            format_func=lambda name: EQUIPMENT_TITLES[name],
            key=key,
            help="Some checks are about one piece of equipment: the bar's path is checked only for a barbell. "
            "Not said, formcheck uses only what it can see.",
        )
    )


def progress_reporter(action: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A progress bar with frames done and time left; returns (update, remove)."""
    bar = st.progress(0.0, text=f"{action}: getting ready…")
    estimate = ProgressEstimate(action)
    last_drawn = [0.0]

    def update(done: int, total: int) -> None:
        fraction, text = estimate.update(done, total)
        now = time.monotonic()
        if done < total and now - last_drawn[0] < _PROGRESS_EVERY_S:
            return
        last_drawn[0] = now
        bar.progress(fraction, text=text)

    def remove() -> None:
        bar.empty()

    return update, remove


def recognition_line(summary: Summary, report: Report) -> None:
    if summary.recognised and summary.confidence is not None:
        variant = f" ({report.variant})" if report.variant else ""
        st.markdown(
            f"**Exercise: {summary.title}{variant}** — recognised automatically, {summary.confidence:.0%} sure. "
            "Not right? Choose the exercise in the sidebar."
        )
    else:
        st.markdown(f"**Exercise: {summary.title}** — as you chose.")


def choose_exercise(name: str) -> None:
    """Button callback: runs before the page reruns, so the sidebar picks up the new value."""
    st.session_state["exercise"] = name


def ask_which_exercise(report: Report) -> None:
    st.warning(report.message or "We could not tell which exercise this is. Please choose it.", icon=":material/help:")
    st.markdown(f"formcheck knows the {titles_in_words()}. If this is one of them, choose it:")
    ranked = sorted(report.candidates.items(), key=lambda item: -item[1])
    names = [name for name, _ in ranked if name in EXERCISES] or list(EXERCISES)
    columns = st.columns(len(names))
    for column, name in zip(columns, names, strict=True):
        # No score on the buttons: a recognition below the confidence threshold is not shown as a guess.
        column.button(exercise_title(name), key=f"choose_{name}", on_click=choose_exercise, args=(name,))
    st.caption("If it is a different exercise, formcheck cannot review it yet.")


def summary_block(summary: Summary, report: Report) -> None:
    figures: list[tuple[str, str, str | None]] = []
    if report.reps or not report.holds:
        figures.append(("Reps", str(summary.reps), None))
    if report.holds:
        figures.append(("Holds", str(len(report.holds)), None))
    if summary.good_form_share is not None:
        figures.append(("Good form", f"{summary.good_form_share:.0%}", None))
    if report.holds:
        good = f"{sum(summary.good_hold_seconds):.1f} s in good form" if summary.good_form_share is not None else None
        figures.append(("Hold time", f"{sum(summary.hold_seconds):.1f} s", good))
    figures.append(("Faults found", str(len({f.code for f in report.faults})), None))
    for column, (label, value, note) in zip(st.columns(len(figures)), figures, strict=True):
        if note is None:
            column.metric(label, value)
        else:
            column.metric(label, value, note, delta_color="off", delta_arrow="off")
    top = summary.top_fault
    if top is None:
        if (report.reps or report.holds) and summary.good_form_share is None:
            st.info(
                "Your form could not be judged from this camera position: see below for how to set up.",
                icon=":material/videocam:",
            )
        elif report.reps or report.holds:
            st.success("Good form in everything that could be judged — well done.", icon=":material/check_circle:")
        else:
            st.warning(
                "No complete rep or hold was found. Is the whole movement in the video?", icon=":material/search:"
            )
        return
    reps = f" (rep {', '.join(map(str, top.reps))})" if top.reps else ""
    why = f"\n\n**Why it matters for your back:** {top.why}" if top.why else ""
    worst, evidence = top.worst, fault_evidence(top.worst)
    where = f"rep {worst.rep}" if worst.rep is not None else f"{worst.start_s:.1f}–{worst.end_s:.1f} s"
    called = f"\n\n**How it was called ({where}):** {evidence}" if evidence else ""
    st.warning(f"**Main thing to work on: {top.title}{reps}**\n\n{top.cue}{why}{called}", icon=":material/flag:")


def rep_tables(report: Report) -> None:
    if report.reps:
        st.markdown("**Rep by rep**")
        st.dataframe(rep_rows(report), hide_index=True, width="stretch")
    if report.holds:
        st.markdown("**Holds**")
        st.dataframe(hold_rows(report), hide_index=True, width="stretch")


def fault_table(report: Report) -> None:
    if report.faults:
        st.markdown("**Every fault found**")
        st.dataframe(fault_rows(report), hide_index=True, width="stretch")


def over_time(report: Report) -> None:
    st.subheader("Over time")
    if report.faults:
        st.markdown("**When each fault was shown** (grey bands are reps)")
        st.altair_chart(fault_timeline_chart(report), width="stretch")
    options = checked_features(report)
    if not options:
        return
    default = key_feature(report)
    feature = st.selectbox(
        "Measurement to show",
        options,
        index=options.index(default) if default in options else 0,
        format_func=feature_label,
        key="angle_feature",
    )
    st.caption(f"{feature_description(feature)}. Dashed lines: the limits at this strictness; red: a fault shown.")
    st.altair_chart(angle_chart(report, feature), width="stretch")


def stills_gallery(stills: tuple[Still, ...]) -> None:
    if not stills:
        return
    st.subheader("The worst moment of each fault")
    columns = st.columns(2)
    for number, still in enumerate(stills):
        columns[number % 2].image(still.jpeg, caption=still.caption, width="stretch")


def unjudged_section(report: Report) -> None:
    rows = unjudged_rows(report)
    if not rows:
        return
    st.subheader("What could not be judged")
    st.markdown("Some checks need to see you from a certain angle. Here is how to set up the camera next time:")
    for row in rows:
        st.info(
            f"**{row['Check']}** ({row['Seconds']} s): {row['Why it could not be judged']}.  \n"
            f"**Set-up fix:** {row['How to set up the camera']}.",
            icon=":material/videocam:",
        )


def not_checked_section(report: Report) -> None:
    """Checks that do not apply to this set (other equipment, or a way of doing the exercise that hides what they
    need): said plainly, so silence is not read as a pass."""
    if not report.not_checked:
        return
    st.subheader("Not checked in this set")
    not_checked_lines(report.not_checked)


def not_checked_lines(entries: Sequence[NotChecked], prefix: str = "") -> None:
    for entry in entries:
        st.caption(f"{prefix}**{fault_title(entry.check)}** — {entry.reason}.")


def downloads(stem: str, report_json: str, frames_csv: str, pdf: Callable[[], bytes], annotated: Path | None) -> None:
    st.subheader("Downloads")
    columns = st.columns(4)
    columns[0].download_button(
        "Report (PDF)",
        pdf,
        f"{stem}-review.pdf",
        "application/pdf",
        key="download_pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
    columns[1].download_button(
        "Report (JSON)",
        report_json,
        f"{stem}-report.json",
        "application/json",
        key="download_json",
        on_click="ignore",
        icon=":material/data_object:",
    )
    columns[2].download_button(
        "Per-frame data (CSV)",
        frames_csv,
        f"{stem}-frames.csv",
        "text/csv",
        key="download_csv",
        on_click="ignore",
        icon=":material/table_chart:",
    )
    if annotated is not None:
        columns[3].download_button(
            "Annotated video (MP4)",
            annotated.read_bytes,
            f"{stem}-annotated.mp4",
            "video/mp4",
            key="download_mp4",
            on_click="ignore",
            icon=":material/movie:",
        )

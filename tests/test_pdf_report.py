"""The PDF report: valid PDF bytes holding the summary, cues, plots, stills and set-up fixes."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest

from formcheck.analysis import analyze_sequence
from formcheck.report import Report, Unjudged
from formcheck.reporting.figures import angle_plot_png, fault_timeline_png
from formcheck.reporting.pdf import ClientSet, ReportImage, build_client_pdf, build_pdf, client_progress_pdf
from formcheck.reporting.plot_data import key_feature
from formcheck.testing.scenarios import SCENARIOS
from formcheck.workspace import SetRecord

pypdf = pytest.importorskip("pypdf")


def pdf_text(data: bytes) -> str:
    """The text as read: without the zero-width spaces that mark where a file name may wrap."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u200b", "")


def pdf_image_count(data: bytes) -> int:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return sum(len(page.images) for page in reader.pages)


@pytest.fixture(scope="module")
def deadlift_report() -> Report:
    report = analyze_sequence(SCENARIOS["deadlift"].build("rounded_back"), "auto")
    unjudged = Unjudged("bar_drift", "wrists not visible", "step back: wrists not visible", 1.5)
    return replace(report, unjudged=(unjudged,))


def png_image(png: bytes, caption: str) -> ReportImage:
    return ReportImage(caption, png, int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big"))


def test_pdf_holds_the_review(deadlift_report: Report) -> None:
    feature = key_feature(deadlift_report)
    assert feature is not None
    plots = [
        png_image(angle_plot_png(deadlift_report, feature), "angle over time"),
        png_image(fault_timeline_png(deadlift_report), "fault timeline"),
    ]
    still_pixels = np.full((40, 60, 3), 120, np.uint8)
    import cv2  # noqa: PLC0415

    still = ReportImage("Rounded back (rep 1, 1.8 s): brace", cv2.imencode(".jpg", still_pixels)[1].tobytes(), 60, 40)
    data = build_pdf(deadlift_report, plots, [still], video_name="my set.mp4")

    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "formcheck review — Deadlift" in text
    assert "my set.mp4" in text
    assert "3 reps, 0 with good form" in text
    assert "Rounded back (rep 1, 2, 3)" in text
    assert "Keep your chest proud" in text
    assert "Why it matters for your back" in text
    assert "does not diagnose" in text
    assert "Set-up fix: Step back: wrists not visible." in text
    assert pdf_image_count(data) == 3


def test_pdf_of_a_plank_hold_without_images() -> None:
    report = analyze_sequence(SCENARIOS["plank"].build(None), "plank")
    data = build_pdf(report)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Plank" in text and "Holds" in text
    assert "What to work on" not in text


def test_pdf_says_which_checks_do_not_apply_to_the_equipment() -> None:
    report = analyze_sequence(SCENARIOS["deadlift"].build("bar_drift"), "deadlift", equipment="kettlebell")
    text = " ".join(pdf_text(build_pdf(report)).split())
    assert "Not checked in this set" in text
    assert "Bar drift: it is about a barbell; this set was done with: kettlebell." in text
    assert "Keep the bar close" not in text


def test_pdf_when_the_exercise_is_unknown(deadlift_report: Report) -> None:
    unsure = replace(
        deadlift_report,
        exercise=None,
        reps=(),
        faults=(),
        unjudged=(),
        message="Not sure which exercise this is. Please choose one.",
    )
    text = pdf_text(build_pdf(unsure))
    assert "Not sure which exercise this is" in text


def test_progress_report_wraps_file_names_between_words_and_gives_each_faults_cue() -> None:
    long_name = "a_really_long_client_video_name_from_the_phone_2026-01-03.mp4"
    sets = [
        ClientSet(f"2026-01-0{day}", name, "Deadlift", 3, 0.5, ["rounded_back"], [], {"rounded_back": "Brace."})
        for day, name in ((1, "yfgd_good_01.mp4"), (2, long_name))
    ]
    lines = pdf_text(build_client_pdf("Anna", sets)).splitlines()
    assert "Rounded back 2 Brace." in lines  # fault, sets with it, what to do
    first = next(i for i, line in enumerate(lines) if line.startswith("a_really"))
    last = next(i for i in range(first, len(lines)) if lines[i].endswith(".mp4"))
    pieces = lines[first : last + 1]
    assert "".join(pieces) == long_name and len(pieces) > 1
    assert all(piece[-1] in "_-." for piece in pieces[:-1])  # wrapped after a separator, never inside a word
    assert any(line.startswith("2026-01-01 yfgd_good_01.") for line in lines)  # a short name stays on one line


def test_progress_report_takes_each_faults_cue_from_the_stored_review() -> None:
    report = analyze_sequence(SCENARIOS["deadlift"].build("rounded_back"), "deadlift").to_json_dict()
    record = SetRecord(
        id=1,
        client="Anna",
        video_name="yfgd_good_01.mp4",
        video_sha256="0" * 64,
        recorded_at="2026-01-01T10:00:00",
        analysed_at="2026-01-01T10:00:00",
        model="full",
        profile="standard",
        status="done",
        error=None,
        report=report,
        corrections=(),
    )
    cue = next(fault["cue"] for fault in report["faults"] if fault["code"] == "rounded_back")
    text = pdf_text(client_progress_pdf("Anna", [record])).replace("\n", " ")
    assert cue[:30] in text


def test_the_progress_chart_places_a_recording_time_given_without_a_time_zone() -> None:
    from formcheck.reporting.figures import progress_png  # noqa: PLC0415

    points = [("2026-01-01", "Deadlift", 0.5), ("2026-01-08T10:00:00+00:00", "Deadlift", 0.75)]
    assert progress_png(points).startswith(b"\x89PNG")

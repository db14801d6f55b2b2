"""The PDF report: valid PDF bytes holding the summary, cues, plots, stills and set-up fixes."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest

from formcheck.analysis import analyze_sequence
from formcheck.app.figures import angle_plot_png, fault_timeline_png
from formcheck.app.plot_data import key_feature
from formcheck.pdf_report import ReportImage, build_pdf
from formcheck.report import Report, Unjudged
from formcheck.testing.scenarios import SCENARIOS

pypdf = pytest.importorskip("pypdf")


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


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

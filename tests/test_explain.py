"""Self-explaining faults: the measurement behind each cue in the JSON report, the app and ``analyze --explain``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from formcheck import pipeline
from formcheck.analysis import analyze_sequence
from formcheck.cli import main
from formcheck.exercises import get_exercise
from formcheck.features import FEATURES
from formcheck.report import Report
from formcheck.reporting.explain import explain_text, fault_evidence
from formcheck.reporting.summary import fault_rows
from formcheck.testing.scenarios import SCENARIOS, plank_pose, timeline
from formcheck.testing.synthetic_pose import render_sequence

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
ROUNDED_BACK_EVIDENCE = "measured: 0.078 of trunk length (limit 0.035, typical value over the bottom)"


@pytest.fixture(scope="module")
def rounded_back() -> Report:
    return analyze_sequence(SCENARIOS["deadlift"].build("rounded_back"), exercise="deadlift")


@pytest.fixture(scope="module")
def heels_lift() -> Report:
    return analyze_sequence(SCENARIOS["squat"].build("heels_lift"), exercise="squat")


def test_a_fault_in_the_json_report_names_the_measurement_that_decided_it(rounded_back: Report) -> None:
    fault = rounded_back.faults[0].to_json_dict()
    assert {key: fault[key] for key in ("feature", "unit", "limit", "aggregate", "phases", "reference")} == {
        "feature": "back_bulge_norm",
        "unit": "trunk length",
        "limit": "max",
        "aggregate": "median",
        "phases": ["bottom"],
        "reference": "",
    }
    assert (fault["value"], fault["threshold"]) == (0.078, 0.035)
    assert fault["why"] == "A rounded back under load shifts the work from your hips onto your spine."
    assert fault_evidence(rounded_back.faults[0]) == ROUNDED_BACK_EVIDENCE


def test_a_per_person_measure_says_what_it_was_measured_against(heels_lift: Report) -> None:
    assert FEATURES["heel_rise_deg"].reference == "your own standing foot angle in this set"
    assert FEATURES["raised_thigh_length_ratio"].reference == "your own hanging thigh length in this set"
    assert FEATURES["trunk_to_vertical_deg"].reference == ""  # an absolute angle
    fault = heels_lift.faults[0]
    assert (fault.feature, fault.unit, fault.reference) == (
        "heel_rise_deg",
        "deg",
        "your own standing foot angle in this set",
    )
    assert fault_evidence(fault) == (
        "measured: 52.0° (limit 9.0°, typical value over the bottom); "
        "measured against your own standing foot angle in this set"
    )


def test_explain_gives_every_check_of_a_rep_its_evidence(heels_lift: Report) -> None:
    lines = explain_text(heels_lift).splitlines()
    rep_1 = lines[lines.index("Rep 1 (1.0–2.7 s):") : lines.index("Rep 2 (4.0–5.7 s):")]
    assert rep_1 == [
        "Rep 1 (1.0–2.7 s):",
        "  shallow depth: judged, -5.0° ≤ 20.0° (near its lowest over the bottom)",
        "  forward lean: judged, 35.0° ≤ 48.0° (at its worst moment in the descent, bottom and ascent)",
        "  heels lift: FAULT, 52.0° > 9.0° (typical value over the bottom)",
        "    seen: 1.2–2.5 s",
        "    measures: heel_rise_deg — foot pitch (heel above toe) over its own median while standing tall in a side "
        "view",
        "    what to do: Keep your heels down — press through the whole foot.",
        "    why: Lifted heels tip you forward and make your back work to keep balance.",
        "    measured against: your own standing foot angle in this set",
        "  rounded back: judged, 0.000 ≤ 0.035 of trunk length (typical value over the descent, bottom and ascent)",
        "  knees cave: could not judge — needs a front view; the camera saw a side view; to fix: turn so you face the "
        "camera",
    ]


def test_explain_says_why_a_check_could_not_judge_a_rep() -> None:
    report = analyze_sequence(SCENARIOS["deadlift"].build(None, with_bulge=False), exercise="deadlift")
    text = explain_text(report)
    assert (
        "  rounded back: could not judge — no back outline (segmentation mask) available for this clip; to fix: "
        "analyse with the back outline enabled, in good light against a plain background"
    ) in text.splitlines()
    rise = "  hips rise first: judged, 0.0° ≤ 14.0° (how far it rose after the lowest point of the bottom and pull)"
    assert rise in text.splitlines()
    assert text.endswith("choose the equipment if you use one.")  # bar drift and knee dominant: not checked


def test_a_brief_excursion_past_a_limit_is_explained_as_no_fault() -> None:
    """Hips sagging for 5 frames (under the 0.3 s a fault must last): judged, past the limit, and why that is none."""
    moments = timeline(1, 1.0, 0.3, 6.0, 0.3)
    middle = next(i for i, m in enumerate(moments) if m.segment == "active") + 90
    sagging = range(middle, middle + 5)
    poses = [plank_pose(replace(m, within=0.5 if i in sagging else 0.0), "hips_sag") for i, m in enumerate(moments)]
    report = analyze_sequence(render_sequence(poses), exercise="plank")
    assert report.faults == ()
    assert (
        "  hips sag: judged, 15.0° > 10.0° (at its worst moment in the hold); no fault: past the limit for less than "
        "0.3 s at a time"
    ) in explain_text(report).splitlines()


@pytest.mark.parametrize("exercise", sorted(SCENARIOS))
def test_verdicts_agree_with_the_faults_they_come_from(exercise: str) -> None:
    """The per-rep verdicts and the faults come from one evaluation: a rep's check is a fault exactly when a fault of
    that check was reported in it, and a pass never carries a reading past its limit without saying why."""
    checks = [check.code for check in get_exercise(exercise).checks]
    for planted in (None, *checks):
        report = analyze_sequence(SCENARIOS[exercise].build(planted), exercise=exercise, equipment="barbell")
        faulted = {(v.check, v.rep) for v in report.verdicts if v.status == "fault" and v.rep is not None}
        assert faulted == {(f.code, f.rep) for f in report.faults if f.rep is not None}, planted
        for verdict in report.verdicts:
            if verdict.status == "passed":
                value, threshold = verdict.value, verdict.threshold
                over = value > threshold if verdict.limit == "max" else value < threshold
                assert not over or verdict.note, (planted, verdict)


def test_analyze_explain_prints_the_evidence(
    heels_lift: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command end to end, with the pose model replaced by the synthetic squat's report."""
    video = tmp_path / "squat.mp4"
    video.write_bytes(b"not read: the analysis is replaced")
    monkeypatch.setattr(pipeline, "analyze_video", lambda *_args, **_kwargs: SimpleNamespace(report=heels_lift))
    assert main(["analyze", str(video), "--exercise", "squat", "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(heels_lift.summary_text() + "\n\nHow each check was decided (standard profile):\n")
    assert "  heels lift: FAULT, 52.0° > 9.0° (typical value over the bottom)\n" in out
    assert main(["analyze", str(video), "--exercise", "squat"]) == 0
    assert "How each check was decided" not in capsys.readouterr().out


@pytest.mark.slow
def test_analyze_explain_on_a_rendered_sample(capsys: pytest.CaptureFixture[str]) -> None:
    """The real model on a rendered plank whose hips sag 15°: the explanation names the hip line and its limit."""
    assert main(["analyze", str(SAMPLES / "plank_forearm_hips_sag_15.mp4"), "--exercise", "plank", "--explain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    sag = next(line for line in lines if line.startswith("  hips sag: "))
    assert sag.startswith("  hips sag: FAULT, ") and sag.endswith("> 10.0° (at its worst moment in the hold)")
    assert any(line.startswith("  head drop: judged, ") for line in lines)


def test_the_app_shows_how_a_fault_was_called(rounded_back: Report) -> None:
    assert fault_rows(rounded_back)[0]["Why it was called"] == ROUNDED_BACK_EVIDENCE
    script = (
        "from formcheck.analysis import analyze_sequence\n"
        "from formcheck.app.components import fault_table, summary_block\n"
        "from formcheck.reporting.summary import summarize\n"
        "from formcheck.testing.scenarios import SCENARIOS\n"
        "report = analyze_sequence(SCENARIOS['deadlift'].build('rounded_back'), exercise='deadlift')\n"
        "summary_block(summarize(report), report)\n"
        "fault_table(report)\n"
    )
    app = AppTest.from_string(script, default_timeout=60).run()
    assert not app.exception
    assert app.warning[0].value.endswith(f"**How it was called (rep 1):** {ROUNDED_BACK_EVIDENCE}")
    assert list(app.dataframe[0].value["Why it was called"]) == [ROUNDED_BACK_EVIDENCE] * 3


def test_a_cue_outside_any_counted_rep_is_explained_too() -> None:
    """A clip cut off mid-rep has no complete rep, yet the part seen can be cued: --explain gives that cue's evidence
    instead of saying nothing was judged."""
    sequence = SCENARIOS["squat"].build("forward_lean")
    first_rep = analyze_sequence(sequence, exercise="squat").reps[0]
    down_and_a_little_up = int(np.searchsorted(sequence.t_s, (first_rep.start_s + first_rep.end_s) / 2 + 0.3))
    cut = sequence.slice(0, down_and_a_little_up)
    report = analyze_sequence(cut, exercise="squat")
    assert report.reps == () and [fault.code for fault in report.faults] == ["forward_lean"]
    lines = explain_text(report).splitlines()
    assert lines[1] == "Outside any counted rep or hold (a movement cut off by the start or end of the clip):"
    assert lines[2].startswith("  forward lean: FAULT at 1.4–2.1 s; measured: 58.0° (limit 48.0°")
    assert lines[3] == "No complete rep or hold was found: only what is listed above was judged."

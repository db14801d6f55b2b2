"""Clips of exercises formcheck does not check are named, not judged as the nearest exercise: analysis, report,
summary and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck import pipeline
from formcheck.analysis import analyze_sequence
from formcheck.cli import main
from formcheck.exercises import EXERCISES
from formcheck.pose.extract import ExtractOptions
from formcheck.testing.scenarios import SCENARIOS, lunges, push_ups, standing_still
from formcheck.types import PoseSequence

# Every registered exercise, as the message lists them (read from the registry, so a new exercise file is in it).
CHOICES = ", ".join(name.replace("_", " ") for name in EXERCISES)


def test_push_ups_are_not_judged_as_a_plank() -> None:
    report = analyze_sequence(push_ups())
    assert (report.exercise, report.unsupported, report.exercise_source) == (None, "pushup", "recognised")
    assert report.reps == () and report.holds == () and report.faults == ()
    assert report.summary_text() == (
        "This looks like a push-up — formcheck doesn't check push-ups yet. "
        f"Please choose the exercise yourself if it is one of: {CHOICES}."
    )
    data = report.to_json_dict()
    assert (data["exercise"], data["unsupported"], data["recognition_confidence"]) == (None, "pushup", 1.0)


def test_lunges_and_standing_say_what_they_look_like() -> None:
    assert (
        analyze_sequence(lunges())
        .summary_text()
        .startswith("This looks like a lunge — formcheck doesn't check lunges yet. Please choose")
    )
    standing = analyze_sequence(standing_still())
    assert standing.unsupported == "no_exercise"
    assert standing.summary_text().startswith(
        "No exercise found: this looks like standing, walking or lying still. Please choose"
    )


def test_choosing_the_plank_on_push_ups_still_gets_the_plank_gates() -> None:
    # The plank times no hold while the shoulders bob: a person who says "plank" gets what its gates give.
    report = analyze_sequence(push_ups(), exercise="plank")
    assert (report.exercise, report.unsupported, report.exercise_source) == ("plank", None, "given")
    assert report.holds == ()
    assert "unsupported" not in report.to_json_dict()


def test_an_unsure_recognition_names_no_guess_and_no_confidence() -> None:
    # A clip face down for only half its frames (the rest lying on the back, then standing): no posture dominates.
    plank, bridge = SCENARIOS["plank"].build(None), SCENARIOS["glute_bridge"].build(None)
    mixed = PoseSequence(
        t_ms=np.arange(plank.num_frames + bridge.num_frames) * (1000.0 / plank.fps),
        landmarks=np.concatenate([plank.landmarks, bridge.landmarks]),
        world=np.concatenate([plank.world, bridge.world]),
        width=plank.width,
        height=plank.height,
        fps=plank.fps,
    )
    report = analyze_sequence(mixed)
    assert (report.exercise, report.unsupported, report.recognition_confidence) == (None, None, None)
    assert report.summary_text() == (
        f"Not sure which exercise this is. Please choose the exercise yourself if it is one of: {CHOICES}."
    )
    assert "%" not in report.summary_text()


@pytest.fixture
def push_up_video(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file to name on the command line whose landmarks are the synthetic push-ups (no model run)."""

    def extract(path: Path, options: ExtractOptions, progress: object = None) -> PoseSequence:
        return push_ups()

    monkeypatch.setattr(pipeline, "extract_poses", extract)
    video = tmp_path / "push_ups.mp4"
    video.write_bytes(b"not read: the landmarks come from the synthetic push-ups")
    return video


def test_cli_names_push_ups_and_asks_for_the_exercise(
    push_up_video: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_json = tmp_path / "report.json"
    assert main(["analyze", str(push_up_video), "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("This looks like a push-up — formcheck doesn't check push-ups yet.")
    assert f"Run again with --exercise NAME, one of: {', '.join(EXERCISES)}." in out
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert (data["exercise"], data["unsupported"]) == (None, "pushup")
    assert main(["analyze", str(push_up_video), "--exercise", "plank"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == [
        "Plank (high) — as given; side view; 8.6 s analysed.",
        "No complete rep or hold was found.",
    ]

"""The Streamlit app through AppTest (no browser), plus the plain functions behind it.

The model is replaced by landmarks from the stick-figure scenarios (``formcheck.testing``) so these tests are fast
and deterministic; a video with the same timestamps is written so that stills and the annotated video can be drawn.
``test_review_sample_with_the_real_model`` runs MediaPipe on a sample video when one exists.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from formcheck.analysis import analyze_sequence
from formcheck.app import review, runtime
from formcheck.app.inputs import check_upload, list_samples, sample_title, store_upload
from formcheck.app.pages.review_page import TEST_VIDEO_KEY
from formcheck.app.progress import ProgressEstimate, describe_seconds
from formcheck.app.store import ResultStore
from formcheck.exercises import EXERCISES
from formcheck.pipeline import AnalysisSettings, VideoAnalysis
from formcheck.reporting.summary import fault_rows, summarize
from formcheck.testing.scenarios import SCENARIOS, push_ups
from formcheck.testing.synthetic_pose import Camera
from formcheck.types import PoseSequence, empty_pose_arrays
from formcheck.video import H264Writer

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
TIMEOUT_S = 60


def write_matching_video(sequence: PoseSequence, path: Path) -> Path:
    """A plain grey video whose frames have exactly the sequence's timestamps."""
    with H264Writer(path, sequence.width, sequence.height, sequence.fps) as writer:
        for t_ms in sequence.t_ms:
            writer.write(np.full((sequence.height, sequence.width, 3), 190, np.uint8), int(t_ms))
    return path


class FakeModel:
    """Stands in for :func:`formcheck.app.review.run_pose_model`; counts how often the model would have run."""

    def __init__(self, sequence: PoseSequence, report_override: Callable[[VideoAnalysis], VideoAnalysis] | None = None):
        self.sequence = sequence
        self.report_override = report_override
        self.calls = 0

    def __call__(self, path: Path, model: str, progress: Callable[[int, int], None] | None) -> VideoAnalysis:
        self.calls += 1
        total = self.sequence.num_frames
        if progress is not None:
            for done in range(0, total + 1, 50):
                progress(done, total)
            progress(total, total)
        settings = AnalysisSettings(model=model)
        analysis = VideoAnalysis(path, settings, self.sequence, analyze_sequence(self.sequence, "auto"))
        return self.report_override(analysis) if self.report_override else analysis


@pytest.fixture(autouse=True)
def fresh_runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own cache folder and an empty result store."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("FORMCHECK_APP_CACHE", str(cache))
    monkeypatch.setenv("FORMCHECK_SAMPLE_VIDEOS", str(tmp_path / "no_samples"))
    monkeypatch.setattr(runtime, "_config", None)
    monkeypatch.setattr(runtime, "_services", {})
    yield cache


@pytest.fixture(scope="module")
def deadlift_sequence() -> PoseSequence:
    return SCENARIOS["deadlift"].build("rounded_back")


@pytest.fixture
def deadlift_video(tmp_path: Path, deadlift_sequence: PoseSequence) -> Path:
    return write_matching_video(deadlift_sequence, tmp_path / "my deadlift.mp4")


def open_app(video: Path) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    app.session_state[TEST_VIDEO_KEY] = str(video)
    return app.run()


def all_text(app: AppTest) -> str:
    parts = [
        element.value
        for kind in ("markdown", "warning", "info", "success", "error", "caption")
        for element in getattr(app, kind)
    ]
    return "\n".join(str(part) for part in parts)


def test_review_shows_reps_fault_and_downloads(
    deadlift_video: Path, deadlift_sequence: PoseSequence, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = FakeModel(deadlift_sequence)
    monkeypatch.setattr(review, "run_pose_model", model)
    app = open_app(deadlift_video)

    assert not app.exception
    assert not app.error
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Reps"] == "3"
    assert metrics["Good form"] == "0%"
    main = " ".join(str(w.value) for w in app.warning)
    assert "Main thing to work on: Rounded back" in main
    assert "Why it matters for your back" in main
    assert "recognised automatically" in all_text(app)
    assert "does not diagnose" in all_text(app)
    labels = [button.label for button in app.download_button]
    assert labels == ["Report (PDF)", "Report (JSON)", "Per-frame data (CSV)", "Annotated video (MP4)"]
    assert app.get("video"), "the annotated video plays in the page"
    assert app.get("image"), "a still of the worst moment is shown"
    assert len(app.get("vega_lite_chart")) == 2
    assert model.calls == 1


def test_a_set_no_check_could_judge_is_not_praised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Filmed from the front, a deadlift's checks all need the side: the reps are counted, the form is not vouched for.
    front = SCENARIOS["deadlift"].build(None, Camera(fps=30.0, yaw_deg=0.0))
    monkeypatch.setattr(review, "run_pose_model", FakeModel(front))
    app = open_app(write_matching_video(front, tmp_path / "front.mp4"))
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Reps"] == "3" and "Good form" not in metrics
    text = all_text(app)
    assert "could not be judged from this camera position" in text and "well done" not in text
    assert {row for row in app.dataframe[0].value["Form"]} == {"Not judged"}


def test_changing_strictness_and_exercise_rejudges_without_the_model(
    deadlift_video: Path, deadlift_sequence: PoseSequence, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = FakeModel(deadlift_sequence)
    monkeypatch.setattr(review, "run_pose_model", model)
    app = open_app(deadlift_video)
    app.sidebar.radio(key="profile").set_value("gentle").run()
    assert not app.exception
    assert {metric.label: metric.value for metric in app.metric}["Reps"] == "3"
    app.sidebar.selectbox(key="exercise").set_value("deadlift").run()
    assert "as you chose" in all_text(app)
    assert model.calls == 1, "the model runs once per video"

    again = open_app(deadlift_video)  # another session, same video: the stored analysis is reused
    assert not again.exception
    assert model.calls == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "is empty"), (b"this is not a video at all" * 40, "could not be read as a video")],
    ids=["empty", "not-a-video"],
)
def test_bad_file_gives_a_clear_message(tmp_path: Path, content: bytes, expected: str) -> None:
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(content)
    app = open_app(bad)
    assert not app.exception
    assert expected in app.error[0].value
    assert not app.metric


def test_truncated_file_gives_a_clear_message(deadlift_video: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(deadlift_video.read_bytes()[:3000])
    app = open_app(cut)
    assert not app.exception
    assert app.error or app.warning
    assert "Traceback" not in all_text(app)


def test_no_person_gives_a_warning(
    deadlift_video: Path, deadlift_sequence: PoseSequence, monkeypatch: pytest.MonkeyPatch
) -> None:
    landmarks, world = empty_pose_arrays(deadlift_sequence.num_frames)
    nobody = replace(deadlift_sequence, landmarks=landmarks, world=world, back_bulge=None)
    monkeypatch.setattr(review, "run_pose_model", FakeModel(nobody))
    app = open_app(deadlift_video)
    assert not app.exception
    assert "could not find a person" in app.warning[0].value
    assert not app.metric


def test_nobody_in_frame_with_the_real_model(tmp_path: Path) -> None:
    """Two seconds of noise through MediaPipe itself: a warning with the fix, never a traceback (about 5 s)."""
    noise = tmp_path / "noise.mp4"
    rng = np.random.default_rng(0)
    with H264Writer(noise, 320, 240, 15) as writer:
        for frame in range(30):
            writer.write(rng.integers(0, 255, (240, 320, 3), dtype=np.uint8), round(frame * 1000 / 15))
    app = open_app(noise)
    assert not app.exception
    assert not app.error
    assert "could not find a person" in app.warning[0].value
    assert "whole body" in app.warning[0].value


def test_unknown_exercise_asks_and_the_choice_is_used(
    deadlift_video: Path, deadlift_sequence: PoseSequence, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsure(analysis: VideoAnalysis) -> VideoAnalysis:
        message = "Not sure which exercise this is (best guess: squat, 40% confident). Please choose one."
        report = replace(
            analysis.report,
            exercise=None,
            message=message,
            candidates={"squat": 0.4, "deadlift": 0.3},
            reps=(),
            faults=(),
        )
        return replace(analysis, report=report)

    monkeypatch.setattr(review, "run_pose_model", FakeModel(deadlift_sequence, unsure))
    app = open_app(deadlift_video)
    assert not app.exception
    assert "Not sure which exercise" in app.warning[0].value
    app.button(key="choose_deadlift").click().run()
    assert not app.exception
    assert {metric.label: metric.value for metric in app.metric}["Reps"] == "3"


def test_push_ups_are_named_and_the_picker_offered_without_guesses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pushing = push_ups()
    monkeypatch.setattr(review, "run_pose_model", FakeModel(pushing))
    app = open_app(write_matching_video(pushing, tmp_path / "push-ups.mp4"))
    assert not app.exception
    assert app.warning[0].value.startswith("This looks like a push-up — formcheck doesn't check push-ups yet.")
    labels = [button.label for button in app.button if button.key and button.key.startswith("choose_")]
    assert sorted(labels) == sorted(spec.title for spec in EXERCISES.values())  # every exercise, no "(0%)" guesses
    app.button(key="choose_plank").click().run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Reps"] == "0" and "Holds" not in metrics  # the plank times no hold while the shoulders bob


def test_sample_picker_says_when_there_are_no_samples() -> None:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    assert not app.exception
    assert app.get("file_uploader"), "the uploader is shown first"
    assert "500 MB" in app.get("file_uploader")[0].proto.label
    app.radio(key="source").set_value("Try a sample video").run()
    assert "no sample videos yet" in app.info[-1].value


def test_sample_from_the_link_is_reviewed(
    tmp_path: Path, deadlift_sequence: PoseSequence, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = tmp_path / "samples"
    samples.mkdir()
    write_matching_video(deadlift_sequence, samples / "deadlift_rounded_back.mp4")
    monkeypatch.setenv("FORMCHECK_SAMPLE_VIDEOS", str(samples))
    monkeypatch.setattr(review, "run_pose_model", FakeModel(deadlift_sequence))
    app = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    app.query_params["sample"] = "deadlift_rounded_back.mp4"
    app.run()
    assert not app.exception
    assert app.radio(key="source").value == "Try a sample video"
    assert app.selectbox(key="sample").value == samples / "deadlift_rounded_back.mp4"
    assert {metric.label: metric.value for metric in app.metric}["Reps"] == "3"


def test_about_page_lists_every_exercise() -> None:
    script = "from formcheck.app.pages.about_page import render\nrender()\n"
    app = AppTest.from_string(script, default_timeout=TIMEOUT_S).run()
    assert not app.exception
    assert "does not diagnose" in app.info[0].value
    assert [expander.label for expander in app.expander] == [spec.title for spec in EXERCISES.values()]


def test_live_page_offers_the_exercises_and_waits_for_start() -> None:
    # streamlit-webrtc needs a real server session (tests/test_browser.py drives it with a fake webcam); here a
    # stand-in reports a camera that has not been started.
    script = (
        "from types import SimpleNamespace\n"
        "from formcheck.app.pages import live_page\n"
        "live_page.webrtc_streamer = lambda **_: SimpleNamespace(state=SimpleNamespace(playing=False))\n"
        "live_page.render()\n"
    )
    app = AppTest.from_string(script, default_timeout=TIMEOUT_S).run()
    assert not app.exception
    assert "does not diagnose" in app.info[0].value
    exercise = app.selectbox(key="live_exercise")
    assert set(exercise.options) == {spec.title for spec in EXERCISES.values()}
    assert app.toggle(key="live_voice").value is True
    assert any("Press START" in info.value for info in app.info)
    exercise.set_value("plank").run()
    assert not app.exception


def test_app_modules_do_not_import_mediapipe() -> None:
    """The model loads when a video is analysed, not when the app (or a test) imports the page code."""
    code = (
        "import sys\n"
        "import formcheck.app.components, formcheck.app.pages.review_page, formcheck.app.pages.about_page\n"
        "import formcheck.app.pages.live_page, formcheck.app.pages.clients_page\n"
        "import formcheck.reporting.pdf\n"
        "print('mediapipe' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout.strip() == "False"


def test_check_upload_rejects_wrong_type_empty_and_too_large() -> None:
    limit = 10 * 1024**2
    assert check_upload("set.mp4", 1000, limit) is None
    assert check_upload("SET.MOV", 1000, limit) is None
    wrong = check_upload("notes.pdf", 1000, limit)
    assert wrong is not None and "does not look like a video" in wrong.message
    empty = check_upload("set.webm", 0, limit)
    assert empty is not None and "empty" in empty.message
    large = check_upload("set.mkv", limit + 1024**2, limit)
    assert large is not None and large.text() == (
        "This file is 11 MB; the largest formcheck accepts is 10 MB. Trim the video or raise FORMCHECK_MAX_UPLOAD_MB."
    )


def test_store_upload_is_keyed_by_content(tmp_path: Path) -> None:
    first = store_upload(io.BytesIO(b"same bytes"), "a.mp4", tmp_path)
    second = store_upload(io.BytesIO(b"same bytes"), "b.MP4", tmp_path)
    assert first.sha256 == second.sha256
    assert first.path.read_bytes() == b"same bytes"
    assert not list(tmp_path.glob("*.part"))


def test_list_samples_only_lists_videos_with_readable_titles(tmp_path: Path) -> None:
    (tmp_path / "squat_forward_lean_20.mp4").write_bytes(b"x")
    (tmp_path / "plank_side.mp4").write_bytes(b"x")
    (tmp_path / "LICENSE").write_text("x")
    manifest = {
        "clips": [{"clip": "squat_forward_lean_20.mp4", "exercise": "squat", "faults": "forward_lean", "view": "side"}]
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    samples = list_samples(tmp_path)
    assert [path.name for path in samples] == ["plank_side.mp4", "squat_forward_lean_20.mp4"]
    assert [sample_title(path) for path in samples] == ["Plank side", "Squat — forward lean (side view)"]
    assert list_samples(tmp_path / "missing") == []


def test_progress_estimate_counts_frames_and_time_left() -> None:
    now = [100.0]
    estimate = ProgressEstimate("Analysing", clock=lambda: now[0])
    assert estimate.update(0, 200) == (0.0, "Analysing: 0 of 200 frames")
    now[0] = 110.0
    fraction, text = estimate.update(50, 200)
    assert fraction == 0.25
    assert text == "Analysing: 50 of 200 frames — about 30 s left"
    assert estimate.update(200, 200)[1].endswith("done")
    assert describe_seconds(75) == "1 min 15 s"


def test_result_store_computes_once_and_forgets_the_oldest() -> None:
    store: ResultStore[int] = ResultStore(max_entries=2)
    calls: list[str] = []

    def compute(key: str) -> Callable[[], int]:
        def run() -> int:
            calls.append(key)
            return len(calls)

        return run

    assert store.get_or_compute("a", compute("a")) == 1
    assert store.get_or_compute("a", compute("a")) == 1
    store.get_or_compute("b", compute("b"))
    store.get_or_compute("c", compute("c"))
    assert store.get("a") is None and len(store) == 2
    with pytest.raises(ZeroDivisionError):
        store.get_or_compute("d", lambda: 1 // 0)
    assert store.get_or_compute("d", compute("d")) == 4, "a failure is not stored"


def test_summary_and_downloads_of_a_plank(tmp_path: Path) -> None:
    sequence = SCENARIOS["plank"].build("hips_sag")
    report = analyze_sequence(sequence, "plank")
    summary = summarize(report)
    assert summary.reps == 0 and summary.hold_seconds
    assert summary.top_fault is not None and summary.top_fault.code == "hips_sag"
    assert fault_rows(report)[0]["Fault"] == "Hips sag"
    data = json.loads(review.report_json(report))
    assert data["exercise"] == "plank"
    assert review.frames_csv(report).splitlines()[0].startswith("t_s,phase,rep,faults")


def test_summary_does_not_praise_form_no_check_could_judge() -> None:
    oblique = analyze_sequence(SCENARIOS["plank"].build(None, Camera(fps=30.0, yaw_deg=45.0)), "plank")
    summary = summarize(oblique)
    assert summary.good_form_share is None
    assert summary.headline.endswith("your form could not be judged from this camera position (see below).")
    side = summarize(analyze_sequence(SCENARIOS["plank"].build(None), "plank"))
    assert side.good_form_share == pytest.approx(1.0)
    assert side.headline.endswith("Good form in everything that could be judged — well done.")


REAL_SAMPLE = REPO / "sample_videos" / "squat_forward_lean_20.mp4"  # rendered: 2 reps, trunk leaning forward


@pytest.mark.skipif(not REAL_SAMPLE.is_file(), reason=f"{REAL_SAMPLE.name} is not in sample_videos/")
def test_review_sample_with_the_real_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample path end to end with MediaPipe (a 5-s, 480×360 clip: a few seconds)."""
    monkeypatch.setenv("FORMCHECK_SAMPLE_VIDEOS", str(REAL_SAMPLE.parent))
    truth = json.loads(REAL_SAMPLE.with_name(REAL_SAMPLE.stem + ".truth.json").read_text(encoding="utf-8"))
    app = AppTest.from_file(APP, default_timeout=300)
    app.query_params["sample"] = REAL_SAMPLE.name
    app.run()
    assert not app.exception
    assert not app.error
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Reps"] == str(len(truth["labels"]["reps"]))
    assert "Main thing to work on: Forward lean" in " ".join(str(w.value) for w in app.warning)
    assert [button.label for button in app.download_button] == [
        "Report (PDF)",
        "Report (JSON)",
        "Per-frame data (CSV)",
        "Annotated video (MP4)",
    ]


def test_a_review_can_be_saved_to_a_clients_history(
    deadlift_video: Path, deadlift_sequence: PoseSequence, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from formcheck.workspace import Workspace  # noqa: PLC0415

    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "workspace.db"))
    monkeypatch.setattr(review, "run_pose_model", FakeModel(deadlift_sequence))
    app = open_app(deadlift_video)
    app.text_input(key="save_client").input("Anna").run()
    next(button for button in app.button if button.label == "Save this review").click().run()
    assert not app.exception
    assert any("in Anna's history" in str(success.value) for success in app.success)
    with Workspace(tmp_path / "workspace.db") as workspace:
        (saved,) = workspace.sets(workspace.client("Anna"))
    assert saved.video_name == "my deadlift.mp4" and saved.reps == 3 and "rounded_back" in saved.faults()


def test_the_equipment_choice_decides_whether_the_bar_path_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drift = SCENARIOS["deadlift"].build("bar_drift")
    model = FakeModel(drift)
    monkeypatch.setattr(review, "run_pose_model", model)
    app = open_app(write_matching_video(drift, tmp_path / "drift.mp4"))
    equipment = app.sidebar.selectbox(key="equipment")
    assert equipment.value == "auto" and "Kettlebell" in equipment.options
    text = all_text(app)
    # Not said and no bar seen: nothing about a bar's path, and the page says why.
    assert "Keep the bar close" not in text and "formcheck could not see one in this clip" in text
    equipment.set_value("barbell").run()
    assert not app.exception
    assert "Keep the bar close" in all_text(app) and "could not see one" not in all_text(app)
    equipment.set_value("kettlebell").run()
    assert "Keep the bar close" not in all_text(app) and "done with: kettlebell" in all_text(app)
    assert model.calls == 1, "changing the equipment re-judges without the model"

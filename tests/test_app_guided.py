"""The Live coach's guided session through AppTest (no browser, no camera): choosing a programme, the first step,
the buttons that move it on, and the summary kept in the person's history."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from formcheck.app.guided import GuidedCamera, start_still
from formcheck.app.placement import placement_for
from formcheck.live import LiveSettings, LiveState
from formcheck.programme import Programme, Step
from formcheck.video import H264Writer
from formcheck.workspace import DB_ENV, ME_CLIENT, Workspace

# streamlit-webrtc needs a real server session: a stand-in reports a camera that has not been started.
SCRIPT = (
    "from types import SimpleNamespace\n"
    "from formcheck.app.pages import live_page\n"
    "live_page.webrtc_streamer = lambda **_: SimpleNamespace(state=SimpleNamespace(playing=False))\n"
    "live_page.render()\n"
)
MORNINGS = Programme(
    "Mornings",
    (Step("glute_bridge", (10, 8), hold_s=5.0, rest_s=30.0), Step("bird_dog", (6,), hold_s=8.0, per_side=True)),
)


@pytest.fixture
def workspace_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "workspace.db"
    monkeypatch.setenv(DB_ENV, str(path))
    return path


def guided_app() -> AppTest:
    app = AppTest.from_string(SCRIPT, default_timeout=60).run()
    app.radio(key="live_mode").set_value("Guided session").run()
    assert not app.exception
    return app


def test_my_assigned_programme_comes_first_and_starts_with_its_first_exercise(workspace_path: Path) -> None:
    with Workspace(workspace_path) as workspace:
        workspace.save_programme(MORNINGS)
        workspace.assign(workspace.me(), MORNINGS.name)
    app = guided_app()
    assert app.selectbox(key="guided_person").value == ME_CLIENT
    programmes = app.selectbox(key="guided_programme")
    assert programmes.options[:3] == ["Mornings", "McGill Big 3", "Back basics"] and programmes.value == "Mornings"
    app.button(key="guided_start").click().run()
    assert not app.exception
    where = placement_for("glute_bridge").sentence
    assert [header.value for header in app.subheader] == [f"Next: glute bridge — put the camera: {where}"]
    assert "**Set 1 of 2: 10 holds of 5 s**" in [text.value for text in app.markdown]
    assert app.button(key="guided_next").label == "Start now"
    assert any("Press START" in info.value for info in app.info)


def test_the_buttons_lead_the_session_to_a_summary_kept_in_my_history(workspace_path: Path) -> None:
    with Workspace(workspace_path) as workspace:
        workspace.save_programme(MORNINGS)
        workspace.assign(workspace.me(), MORNINGS.name)
    app = guided_app()
    app.button(key="guided_start").click().run()
    app.button(key="guided_next").click().run()  # start now
    assert [header.value for header in app.subheader] == ["Glute bridge"]
    assert app.button(key="guided_next").label == "Done with this set"
    app.button(key="guided_next").click().run()
    assert [header.value for header in app.subheader] == ["Rest, then glute bridge"]
    assert app.button(key="guided_next").label == "Skip the rest"
    app.button(key="guided_next").click().run()
    assert "**Set 2 of 2: 8 holds of 5 s**" in [text.value for text in app.markdown]
    app.button(key="guided_end").click().run()
    assert not app.exception
    assert app.subheader[0].value == "Well done: your session"
    assert [row["Exercise"] for row in app.dataframe[0].value.to_dict("records")] == [
        "Glute bridge", "Bird dog", "Bird dog",
    ]  # fmt: skip
    assert [success.value for success in app.success] == ["Kept in Me's history."]
    with Workspace(workspace_path) as workspace:
        kept = workspace.guided_sessions(workspace.me())
    assert [record.summary.programme for record in kept] == ["Mornings"]
    app.run()  # shown again: still the summary, kept once
    assert app.subheader[0].value == "Well done: your session"
    with Workspace(workspace_path) as workspace:
        assert len(workspace.guided_sessions(workspace.me())) == 1


def test_a_programme_naming_an_exercise_formcheck_does_not_check_cannot_be_started(workspace_path: Path) -> None:
    with Workspace(workspace_path) as workspace:
        workspace.save_programme(Programme("Skipping", (Step("skipping", (100,)),)))
        workspace.assign(workspace.me(), "Skipping")
    app = guided_app()
    app.selectbox(key="guided_programme").set_value("Skipping").run()
    assert app.error[0].value.startswith(
        "This programme cannot be led yet: programme 'Skipping', step 1: unknown exercise 'skipping' (known: "
    )
    assert app.button(key="guided_start").disabled


def test_a_trainers_programme_pasted_as_json_is_saved_and_given_to_the_person(workspace_path: Path) -> None:
    app = guided_app()
    app.text_area(key="guided_programme_json").input(
        '{"name": "Bridges", "steps": [{"exercise": "glute_bridge", "sets": [5], "hold_s": 10}]}'
    ).run()
    app.button(key="guided_save_programme").click().run()
    assert not app.exception and [s.value for s in app.success] == ["Saved Bridges and chose it above."]
    assert app.selectbox(key="guided_programme").value == "Bridges"
    app.text_area(key="guided_programme_json").input('{"name": "Bad", "steps": [{"exercise": "plank"}]}').run()
    app.button(key="guided_save_programme").click().run()
    assert app.error[-1].value == (
        "programme 'Bad', step 1: needs 'exercise' (a name) and 'sets' (a list such as [6, 4, 2])"
    )
    with Workspace(workspace_path) as workspace:
        assert [p.name for p in workspace.assigned(workspace.me())] == ["Bridges"]


class FakeLiveSession:
    """Stands in for formcheck.live_video.LiveSession (no model): records what the camera made and closed."""

    made: ClassVar[list[FakeLiveSession]] = []

    def __init__(self, settings: LiveSettings, model: str) -> None:
        self.settings = replace(settings, back_outline=settings.exercise == "bird_dog")  # as the real one does
        self.model, self.closed, self.problem = model, False, None
        FakeLiveSession.made.append(self)

    def process(self, image: np.ndarray, t_ms: float | None) -> np.ndarray:
        return image + 1

    def snapshot(self) -> tuple[LiveState, list[str]]:
        return LiveState(1.0, 2, "", False, 0.0, 0.0, None, None, None, (), True), ["Keep the hips level"]

    def close(self) -> None:
        self.closed = True


def test_the_camera_switches_to_a_fresh_live_session_when_the_programme_moves_to_another_exercise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import formcheck.live_video  # noqa: PLC0415 - loads mediapipe

    monkeypatch.setattr(formcheck.live_video, "LiveSession", FakeLiveSession)
    FakeLiveSession.made = []
    camera = GuidedCamera("lite")
    image = np.zeros((4, 4, 3), np.uint8)
    assert camera.process(image, 0.0) is image and camera.snapshot() == (None, [], None)  # nothing wanted yet
    camera.want(LiveSettings("bird_dog"))
    assert camera.snapshot() == (None, [], None)  # no frame yet
    camera.process(image, 1.0)
    camera.want(LiveSettings("bird_dog"))  # the same exercise (next side, next set): the same count goes on
    assert int(camera.process(image, 2.0)[0, 0, 0]) == 1 and len(FakeLiveSession.made) == 1
    state, lines, problem = camera.snapshot()
    assert (state is not None and state.reps, lines, problem) == (2, ["Keep the hips level"], None)
    camera.want(LiveSettings("plank"))
    assert camera.snapshot() == (None, [], None)  # the bird dog's numbers are not the plank's
    camera.process(image, 3.0)
    assert [(s.settings.exercise, s.model, s.closed) for s in FakeLiveSession.made] == [
        ("bird_dog", "lite", True),
        ("plank", "lite", False),
    ]
    camera.close()
    assert FakeLiveSession.made[-1].closed


def grey_clip(path: Path, level: int) -> None:
    with H264Writer(path, 64, 48, 10.0) as writer:
        for t_ms in (0, 100, 200):
            writer.write(np.full((48, 64, 3), level, np.uint8), t_ms)


def test_the_start_position_is_the_first_frame_of_a_clean_sample_clip_else_none(tmp_path: Path) -> None:
    clips = {"squat_bad_depth_20.mp4": 40, "squat_clean_front.mp4": 120, "squat_clean_side.mp4": 200}
    for name, level in clips.items():
        grey_clip(tmp_path / name, level)
    still = start_still("squat", str(tmp_path))
    assert still is not None and still.shape == (48, 64, 3) and abs(float(still.mean()) - 200) < 8  # the side one
    (tmp_path / "squat_clean_side.mp4").unlink()
    start_still.clear()
    assert abs(float(start_still("squat", str(tmp_path)).mean()) - 120) < 8  # type: ignore[union-attr]
    assert start_still("plank", str(tmp_path)) is None


# A script, not AppTest.from_function: AppTest leaves its script as the process's __main__, and a function's script
# (which calls it with arguments only AppTest supplies) cannot be run again by the batch tests' worker processes.
NUMBERS_WITHOUT_A_HOLD_YET = (
    "import streamlit as st\n"
    "from formcheck.app.guided import show_numbers\n"
    "from formcheck.programme import SessionView\n"
    "view = SessionView('working', 'Plank', 'plank', None, 'Set 1 of 3: 1 hold of 20 s', '', 0, 1, None, None)\n"
    "show_numbers(st.empty(), view, None)\n"
)


def test_the_numbers_beside_the_video_are_the_same_elements_in_every_phase() -> None:
    """The page's run never ends while the camera runs: an element left out kept its old value ("Rest 0 s")."""
    app = AppTest.from_string(NUMBERS_WITHOUT_A_HOLD_YET).run()
    assert [(metric.label, metric.value) for metric in app.metric] == [
        ("Done", "0 of 1"), ("Hold", "0 s"), ("Good-form time", "0 s"),
    ]  # fmt: skip
    assert [info.value for info in app.info] == ["Waiting for the camera to see you…"]

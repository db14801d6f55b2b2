"""The Clients page's uploads, through the same code the page runs (formcheck.app.trainer), with a fake analysis."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from formcheck.app.inputs import store_upload
from formcheck.app.trainer import Upload, kept_unjudged, review_again, review_uploads
from formcheck.pipeline import AnalysisSettings
from formcheck.video import VideoError
from formcheck.workspace import Workspace

JUDGED = {"exercise": "squat", "reps": [{"index": 1, "faults": []}], "faults": []}
NO_PERSON = {"exercise": None, "frames_total": 10, "frames_with_pose": 0, "reps": [], "faults": []}


def _uploads(count: int) -> list[Upload]:
    return [(io.BytesIO(f"clip {number}".encode() * 100), f"clip{number:02d}.mp4") for number in range(1, count + 1)]


def _analyze(seen: list[str], unreadable: bytes = b"", nobody: bytes = b"") -> Any:
    def analyze(video: Path, settings: AnalysisSettings) -> Any:
        content = video.read_bytes()  # raises, as the real decoder did, when the clip was removed under the batch
        seen.append(video.name)
        if unreadable and content.startswith(unreadable):
            raise VideoError(f"{video}: not a readable video file")
        data = NO_PERSON if nobody and content.startswith(nobody) and settings.exercise == "auto" else JUDGED
        return SimpleNamespace(report=SimpleNamespace(to_json_dict=lambda: data, summary_text=lambda: "Squat\n"))

    return analyze


def test_a_batch_of_22_uploads_keeps_every_clip_until_its_review_is_saved(tmp_path: Path) -> None:
    cache = tmp_path / "trainer"
    older = store_upload(io.BytesIO(b"an older upload"), "old.mp4", cache)  # the shared folder's, left alone
    seen: list[str] = []
    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        outcomes = review_uploads(workspace, anna, _uploads(22), AnalysisSettings(), cache, analyze=_analyze(seen))
        sets = workspace.sets(anna)
    assert [o.status for o in outcomes] == ["done"] * 22
    assert len(seen) == 22
    assert sorted(s.video_name for s in sets) == [f"clip{n:02d}.mp4" for n in range(1, 23)]
    assert list(cache.iterdir()) == [older.path]  # the batch's own folder is gone


def test_messages_name_the_uploaded_file_never_where_it_was_stored(tmp_path: Path) -> None:
    cache = tmp_path / "trainer"
    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        outcomes = review_uploads(
            workspace, anna, _uploads(3), AnalysisSettings(), cache, analyze=_analyze([], unreadable=b"clip 2")
        )
    assert [(o.status, o.message) for o in outcomes][1] == ("failed", "clip02.mp4: not a readable video file")


def test_an_unjudged_upload_is_kept_and_reviewed_again_as_the_chosen_exercise(tmp_path: Path) -> None:
    cache = tmp_path / "trainer"
    seen: list[str] = []
    analyze = _analyze(seen, nobody=b"clip 1")
    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        outcomes = review_uploads(workspace, anna, _uploads(2), AnalysisSettings(), cache, analyze=analyze)
        assert [(o.status, o.message) for o in outcomes] == [
            ("unjudged", "no person found in the video"),
            ("done", "Squat"),
        ]
        (unjudged,) = [s for s in workspace.sets(anna) if s.status == "unjudged"]
        kept = kept_unjudged(cache, unjudged.video_sha256)
        assert kept is not None and kept.read_bytes() == b"clip 1" * 100
        again = review_again(workspace, anna, kept, unjudged.video_name, AnalysisSettings("squat"), cache, analyze)
        assert (again.status, workspace.set(unjudged.id).status) == ("done", "done")
        assert workspace.set(unjudged.id).video_name == "clip01.mp4"
    assert kept_unjudged(cache, unjudged.video_sha256) is None


def test_a_batch_folder_left_by_a_killed_app_is_removed_and_a_running_ones_kept(tmp_path: Path) -> None:
    cache = tmp_path / "trainer"
    command = [sys.executable, "-c", "import os; print(os.getpid())"]
    gone = subprocess.run(command, capture_output=True, text=True, check=True)
    abandoned, running = cache / f"batch-{gone.stdout.strip()}-x", cache / f"batch-{os.getppid()}-y"
    for folder in (abandoned, running):
        folder.mkdir(parents=True)
        (folder / "a.mp4").write_bytes(b"x")
    with Workspace(tmp_path / "w.db") as workspace:
        review_uploads(
            workspace, workspace.add_client("Anna"), _uploads(1), AnalysisSettings(), cache, analyze=_analyze([])
        )
    assert not abandoned.exists() and (running / "a.mp4").exists()


def test_clients_page_shows_an_unjudged_set_as_such_and_offers_to_review_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415

    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "page.db"))
    monkeypatch.setenv("FORMCHECK_APP_CACHE", str(tmp_path / "cache"))
    with Workspace(tmp_path / "page.db") as workspace:
        anna = workspace.add_client("Anna")
        workspace.save_set(anna, "empty.mp4", "ee", "2026-03-01T09:00:00+00:00", "full", "standard", report=NO_PERSON)
        workspace.save_set(anna, "squat.mp4", "ss", "2026-03-02T09:00:00+00:00", "full", "standard", report=JUDGED)
    script = "from formcheck.app.pages.clients_page import render\nrender()\n"
    app = AppTest.from_string(script, default_timeout=60).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["Status"]) == ["not judged: no person found in the video", "reviewed"]
    assert list(table["Faults"]) == ["—", "none"]
    assert list(table["Clean reps"]) == ["—", "100%"]
    app.selectbox(key="again_exercise").select("deadlift").run()
    next(button for button in app.button if button.label == "Review again as deadlift").click().run()
    assert not app.exception
    assert any("upload it again" in info.value for info in app.info)  # the cache no longer has its video

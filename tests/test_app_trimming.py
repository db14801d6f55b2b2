"""Trimming the Review page's cache folders never removes a video a session still needs: one in use (being analysed,
drawn or shown) or one used lately; old unused videos still go."""

from __future__ import annotations

import io
import os
import threading
import time
from pathlib import Path

import pytest

from formcheck.app import review
from formcheck.app.inputs import (
    RECENT_USE_S,
    discard,
    in_use,
    is_in_use,
    mark_used,
    remove_old_files,
    store_upload,
)
from formcheck.app.review import ReviewService

HOUR_S = 3600.0


def backdate(path: Path, age_s: float) -> None:
    """As if ``path`` was last used ``age_s`` seconds ago."""
    then_s = time.time() - age_s
    os.utime(path, (then_s, then_s))


def old_videos(folder: Path, count: int) -> list[Path]:
    """``count`` videos last used 2 h ago and earlier, newest first."""
    folder.mkdir(parents=True, exist_ok=True)
    videos = []
    for number in range(count):
        video = folder / f"video{number:02d}.mp4"
        video.write_bytes(b"x")
        backdate(video, 2 * HOUR_S + number)
        videos.append(video)
    return videos


def test_trimming_keeps_a_video_in_use_and_recently_used_ones_and_deletes_old_unused_ones(tmp_path: Path) -> None:
    old_videos(tmp_path, 8)
    mark_used(tmp_path / "video05.mp4")
    mark_used(tmp_path / "video06.mp4")
    with in_use(tmp_path / "video07.mp4"):
        removed = remove_old_files(tmp_path, keep_newest=1)
    assert sorted(path.name for path in removed) == [f"video0{number}.mp4" for number in range(5)]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["video05.mp4", "video06.mp4", "video07.mp4"]
    assert not is_in_use(tmp_path / "video07.mp4")
    assert [path.name for path in remove_old_files(tmp_path, keep_newest=1)] == ["video07.mp4"]


def test_trimming_keeps_the_newest_videos_by_count(tmp_path: Path) -> None:
    old_videos(tmp_path, 5)
    assert sorted(path.name for path in remove_old_files(tmp_path, keep_newest=3)) == ["video03.mp4", "video04.mp4"]
    kept = tmp_path / "video04.mp4"
    kept.write_bytes(b"x")
    backdate(kept, 3 * HOUR_S)
    assert [path.name for path in remove_old_files(tmp_path, keep_newest=3, keep=kept)] == ["video02.mp4"]


def test_trimming_keeps_any_video_used_within_the_recent_window(tmp_path: Path) -> None:
    videos = old_videos(tmp_path, 4)
    backdate(videos[3], RECENT_USE_S - 60)
    assert [path.name for path in remove_old_files(tmp_path, keep_newest=1)] == [
        "video00.mp4",
        "video01.mp4",
        "video02.mp4",
    ]
    assert [path.name for path in tmp_path.iterdir()] == ["video03.mp4"]


def test_in_use_counts_overlapping_entries(tmp_path: Path) -> None:
    video = old_videos(tmp_path, 1)[0]
    with in_use(video), in_use(tmp_path / "." / video.name):
        pass
    with in_use(video):
        with in_use(video):
            assert is_in_use(video)
        assert is_in_use(video), "still in use by the outer entry"
        assert not discard(video)
        assert video.is_file()
    assert not is_in_use(video)
    assert discard(video)
    assert not video.exists()


def test_an_analysis_running_while_25_other_uploads_are_stored_keeps_its_video(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "videos"
    analysed = store_upload(io.BytesIO(b"the set being analysed"), "mine.mp4", folder)
    backdate(analysed.path, 3 * HOUR_S)  # stored long ago: only being in use protects it
    started, finish = threading.Event(), threading.Event()
    read_at_the_end: list[bytes] = []

    def slow_model(path: Path, model: str, progress: object) -> object:
        started.set()
        assert finish.wait(timeout=30)
        read_at_the_end.append(path.read_bytes())
        return object()

    monkeypatch.setattr(review, "run_pose_model", slow_model)
    service = ReviewService(tmp_path / "cache")
    analysis = threading.Thread(target=service.analyze, args=(analysed, "full"))
    analysis.start()
    assert started.wait(timeout=30)
    others = []
    for number in range(25):
        other = store_upload(io.BytesIO(f"upload {number}".encode()), f"other{number}.mp4", folder)
        backdate(other.path, 2 * HOUR_S - number)  # each upload newer than the one before
        others.append(other.path)
    finish.set()
    analysis.join(timeout=30)

    assert read_at_the_end == [b"the set being analysed"]
    assert sorted(folder.iterdir()) == sorted([analysed.path, *others[-20:]])
    assert [path for path in others[:5] if path.exists()] == []


def test_without_the_analysis_the_same_uploads_trim_the_old_video(tmp_path: Path) -> None:
    folder = tmp_path / "videos"
    stored = store_upload(io.BytesIO(b"an old set"), "old.mp4", folder)
    backdate(stored.path, 3 * HOUR_S)
    for number in range(25):
        other = store_upload(io.BytesIO(f"upload {number}".encode()), f"other{number}.mp4", folder)
        backdate(other.path, 2 * HOUR_S - number)
    assert not stored.path.exists()
    assert len(list(folder.iterdir())) == 20

"""Review many recorded sets for one client into the workspace (:mod:`formcheck.workspace`).

Resumable: a video already reviewed for the client with the same model and strictness (same SHA-256 of its bytes) is
skipped, so an interrupted batch is simply run again. One unusable video is recorded as failed, with its reason, and
the batch goes on; every finished set is committed before the next one starts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from formcheck.types import FormcheckError
from formcheck.video import VIDEO_SUFFIXES
from formcheck.workspace import Client, Workspace

if TYPE_CHECKING:
    from formcheck.pipeline import AnalysisSettings, VideoAnalysis

BatchProgress = Callable[[int, int, str], None]  # (videos finished, videos in all, the video now being reviewed)
Analyse = Callable[[Path, "AnalysisSettings"], "VideoAnalysis"]


@dataclass(frozen=True)
class BatchOutcome:
    video: Path
    status: Literal["done", "skipped", "failed"]
    set_id: int | None
    message: str


def find_videos(paths: Iterable[Path]) -> list[Path]:
    """Video files among ``paths``, folders searched one level deep; other paths are kept so they can be reported."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES))
        else:
            found.append(path)
    return found


def video_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def recorded_at(path: Path) -> str:
    """When the set was filmed, as far as the file tells: its modification time (UTC)."""
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")


def review_batch(
    workspace: Workspace,
    client: Client,
    videos: Sequence[Path],
    settings: AnalysisSettings,
    progress: BatchProgress | None = None,
    analyse: Analyse | None = None,
    names: Sequence[str] | None = None,
) -> list[BatchOutcome]:
    """Review each video in turn into ``workspace`` for ``client``; ``names``: what to call them (default: files)."""
    if analyse is None:
        from formcheck.pipeline import analyze_video  # noqa: PLC0415 - mediapipe loads only when work starts

        analyse = analyze_video
    outcomes: list[BatchOutcome] = []
    for number, video in enumerate(videos):
        name = names[number] if names is not None else video.name
        if progress is not None:
            progress(number, len(videos), name)
        outcomes.append(_review_one(workspace, client, video, name, settings, analyse))
    if progress is not None:
        progress(len(videos), len(videos), "")
    return outcomes


def _review_one(
    workspace: Workspace, client: Client, video: Path, name: str, settings: AnalysisSettings, analyse: Analyse
) -> BatchOutcome:
    try:
        sha256, filmed = video_sha256(video), recorded_at(video)
    except OSError as error:
        return BatchOutcome(video, "failed", None, f"cannot read {video}: {error.strerror or error}")
    if workspace.has_set(client, sha256, settings.model, settings.profile):
        return BatchOutcome(video, "skipped", None, "already reviewed")
    keys = (client, name, sha256, filmed, settings.model, settings.profile)
    try:
        report = analyse(video, settings).report
    except FormcheckError as error:
        set_id = workspace.save_set(*keys, error=str(error))
        return BatchOutcome(video, "failed", set_id, str(error))
    set_id = workspace.save_set(*keys, report=report.to_json_dict())
    return BatchOutcome(video, "done", set_id, report.summary_text().splitlines()[0])

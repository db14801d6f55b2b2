"""Review many recorded sets for one client into the workspace (:mod:`formcheck.workspace`).

Resumable: a video already reviewed for the client with the same model and strictness (same SHA-256 of its bytes) is
skipped, so an interrupted batch is simply run again. One unusable video is recorded as failed, with its reason, and
the batch goes on; every finished set is committed as soon as it is done. The sets are analysed here, one after the
other (each analysis already uses every core), or spread over a Ray cluster (:mod:`formcheck.cluster`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from formcheck.cluster import SetResult
from formcheck.files import file_sha256
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


def recorded_at(path: Path) -> str:
    """When the set was filmed, as far as the file tells: its modification time (UTC)."""
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class _Todo:
    index: int
    video: Path
    name: str
    sha256: str
    recorded_at: str


def review_batch(
    workspace: Workspace,
    client: Client,
    videos: Sequence[Path],
    settings: AnalysisSettings,
    progress: BatchProgress | None = None,
    analyse: Analyse | None = None,
    names: Sequence[str] | None = None,
    cluster: str | None = None,
) -> list[BatchOutcome]:
    """Review each video into ``workspace`` for ``client``, here one after the other or on the Ray ``cluster``
    (an address, "auto" or "local"); ``names``: what to call the videos (default: their file names)."""
    labels = list(names) if names is not None else [video.name for video in videos]
    outcomes: dict[int, BatchOutcome] = {}
    todo: list[_Todo] = []
    for index, video in enumerate(videos):
        planned = _plan(workspace, client, index, video, labels[index], settings)
        if isinstance(planned, BatchOutcome):
            outcomes[index] = planned
        else:
            todo.append(planned)
    results = _on_cluster(cluster, todo, settings) if cluster else _here(todo, settings, analyse, progress, len(videos))
    by_index = {item.index: item for item in todo}
    for result in results:
        item = by_index[result.index]
        outcomes[item.index] = _save(workspace, client, item, settings, result)
        if progress is not None and cluster:
            progress(len(outcomes), len(videos), "")
    if progress is not None:
        progress(len(videos), len(videos), "")
    return [outcomes[index] for index in range(len(videos))]


def _plan(
    workspace: Workspace, client: Client, index: int, video: Path, name: str, settings: AnalysisSettings
) -> _Todo | BatchOutcome:
    try:
        sha256, filmed = file_sha256(video), recorded_at(video)
    except OSError as error:
        return BatchOutcome(video, "failed", None, f"cannot read {video}: {error.strerror or error}")
    if workspace.has_set(client, sha256, settings.model, settings.profile):
        return BatchOutcome(video, "skipped", None, "already reviewed")
    return _Todo(index, video, name, sha256, filmed)


def _here(
    todo: Sequence[_Todo],
    settings: AnalysisSettings,
    analyse: Analyse | None,
    progress: BatchProgress | None,
    total: int,
) -> Iterator[SetResult]:
    """One video after the other on this machine (each analysis already uses every core)."""
    if analyse is None:
        from formcheck.pipeline import analyze_video  # noqa: PLC0415 - mediapipe loads only when work starts

        analyse = analyze_video
    for item in todo:
        if progress is not None:
            progress(item.index, total, item.name)
        try:
            result = SetResult.of(item.index, analyse(item.video, settings).report)
        except FormcheckError as error:
            result = SetResult.failed(item.index, str(error))
        yield result


def _on_cluster(cluster: str, todo: Sequence[_Todo], settings: AnalysisSettings) -> Iterator[SetResult]:
    from formcheck.cluster import analyse_on_cluster  # noqa: PLC0415 - optional dependency (Ray)

    return analyse_on_cluster(cluster, [(item.index, item.video) for item in todo], settings)


def _save(
    workspace: Workspace, client: Client, item: _Todo, settings: AnalysisSettings, result: SetResult
) -> BatchOutcome:
    keys = (client, item.name, item.sha256, item.recorded_at, settings.model, settings.profile)
    if result.report is None:
        set_id = workspace.save_set(*keys, error=result.error or "analysis failed")
        return BatchOutcome(item.video, "failed", set_id, result.error or "analysis failed")
    set_id = workspace.save_set(*keys, report=result.report)
    return BatchOutcome(item.video, "done", set_id, result.summary)
